/// A YAML/JSON value as read from a manifest. Scalars keep their text; whether a plain scalar
/// means null, a boolean or a number is decided where the value is used (see `ManifestNode+Values`).
public enum ManifestNode: Sendable, Equatable {
    case scalar(String, plain: Bool)
    case sequence([ManifestNode])
    case mapping([(key: String, value: ManifestNode)])

    public static func == (lhs: ManifestNode, rhs: ManifestNode) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, pa), .scalar(b, pb)): return a == b && pa == pb
        case let (.sequence(a), .sequence(b)): return a == b
        case let (.mapping(a), .mapping(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public static let null = ManifestNode.scalar("", plain: true)

    /// The value under `key` when this is a mapping.
    public subscript(key: String) -> ManifestNode? {
        guard case .mapping(let entries) = self else { return nil }
        for entry in entries.reversed() where entry.key == key { return entry.value }
        return nil
    }

    /// Follows a path of mapping keys.
    public subscript(path: String...) -> ManifestNode? {
        var node: ManifestNode? = self
        for key in path { node = node?[key] }
        return node
    }

    public var isNull: Bool {
        guard case .scalar(let text, let plain) = self else { return false }
        return plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }

    /// The text of a scalar that is not null.
    public var string: String? {
        guard case .scalar(let text, _) = self, !isNull else { return nil }
        return text
    }

    /// Whether this is a scalar that Kubernetes' YAML decoder reads as a string: quoted, or plain and neither null,
    /// a boolean nor a number (`kind: 5` is a number, which the API server refuses where a string is expected).
    public var isString: Bool {
        guard case .scalar(let text, let plain) = self else { return false }
        return !plain || (!isNull && JSONWriter.plainLiteral(text) == nil)
    }

    public var bool: Bool? {
        guard case .scalar(let text, _) = self else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    public var int: Int? {
        guard case .scalar(let text, _) = self else { return nil }
        if let value = Int(text) { return value }
        if let value = Double(text), value.rounded() == value, abs(value) < 9e15 { return Int(value) }
        return nil
    }

    public var items: [ManifestNode] {
        guard case .sequence(let items) = self else { return [] }
        return items
    }

    public var entries: [(key: String, value: ManifestNode)] {
        guard case .mapping(let entries) = self else { return [] }
        return entries
    }

    public var isMapping: Bool {
        if case .mapping = self { return true }
        return false
    }

    /// A mapping of strings (labels, annotations, selectors), dropping values that are not scalars.
    public var stringMap: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in entries {
            if case .scalar(let text, _) = value { result[key] = value.isNull ? "" : text }
        }
        return result
    }

    /// Returns a copy with the entry for `key` replaced (or removed when `value` is nil).
    public func replacing(_ key: String, with value: ManifestNode?) -> ManifestNode {
        guard case .mapping(var entries) = self else { return self }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            if let value { entries[index].value = value } else { entries.remove(at: index) }
        } else if let value {
            entries.append((key, value))
        }
        return .mapping(entries)
    }
}
