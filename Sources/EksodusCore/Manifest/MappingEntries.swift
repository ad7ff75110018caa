/// A mapping's entries as they are read, one per key. A repeated key keeps its first place and takes the last
/// value, which is what the API server stores (kubernetes/kubernetes#89303); kubectl 1.21 and later refuse such a
/// file outright ("mapping key already defined"), so the reader also warns. Large mappings index their keys, so a
/// hostile mapping of a million keys stays linear.
struct MappingEntries {
    private(set) var entries: [(key: String, value: ManifestNode)] = []
    private var index: [String: Int]?

    private static let indexedFrom = 16

    func position(of key: String) -> Int? {
        if let index { return index[key] }
        return entries.firstIndex { $0.key == key }
    }

    subscript(key: String) -> ManifestNode? {
        position(of: key).map { entries[$0].value }
    }

    /// Sets `key`; returns false when it was already there (its value is replaced).
    @discardableResult
    mutating func set(_ key: String, _ value: ManifestNode) -> Bool {
        if let existing = position(of: key) {
            entries[existing].value = value
            return false
        }
        add(key, value)
        return true
    }

    /// Adds `key` unless it is already there (merge keys: what the mapping sets, or an earlier merged mapping, wins).
    mutating func setIfAbsent(_ key: String, _ value: ManifestNode) {
        if position(of: key) == nil { add(key, value) }
    }

    private mutating func add(_ key: String, _ value: ManifestNode) {
        entries.append((key, value))
        if index != nil {
            index?[key] = entries.count - 1
        } else if entries.count >= Self.indexedFrom {
            index = Dictionary(entries.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
