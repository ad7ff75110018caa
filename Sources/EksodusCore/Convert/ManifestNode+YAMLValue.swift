/// A stored object as a YAML value tree for the emitter: strings stay strings (quoted on output), and plain scalars keep
/// their type — null, booleans, integers and other numbers — as the JSON body had them.
extension ManifestNode {
    var yamlValue: YAMLValue {
        switch self {
        case .scalar(let text, let plain):
            guard plain else { return .string(text) }
            if isNull { return .null }
            if let flag = bool { return .bool(flag) }
            if let number = Int(text) { return .int(number) }
            if Double(text) != nil { return .number(text) }
            return .string(text)
        case .sequence(let items):
            return .sequence(items.map(\.yamlValue))
        case .mapping(let entries):
            return .mapping(entries.map { ($0.key, $0.value.yamlValue) })
        }
    }

    /// The node at `path` replaced by `transform` of it (nil removes it); mappings on the way are created when missing.
    func updating(_ path: [String], _ transform: (ManifestNode?) -> ManifestNode?) -> ManifestNode {
        guard let key = path.first else { return transform(self) ?? self }
        if path.count == 1 { return replacing(key, with: transform(self[key])) }
        let child = self[key] ?? .mapping([])
        return replacing(key, with: child.updating(Array(path.dropFirst()), transform))
    }

    static func string(_ text: String) -> ManifestNode { .scalar(text, plain: false) }
}
