extension Estate {
    /// Which stored bodies `load` reads into `Resource.bodyText`: every one (the default), or only those of some kinds and
    /// those whose text holds one of some strings. The others read as "{}", an empty object. The assessment asks for what its
    /// checks parse (`Check.bodies`): tens of megabytes of JSON, which it would otherwise copy out of SQLite and keep.
    public struct Bodies: Sendable {
        public var kinds: Set<String>
        /// Bodies holding one of these, byte for byte (`String.containsBytes`).
        public var containing: Set<String>
        var everything = false

        public init(kinds: Set<String> = [], containing: Set<String> = []) {
            self.kinds = kinds
            self.containing = containing
        }

        public static let all: Bodies = {
            var bodies = Bodies()
            bodies.everything = true
            return bodies
        }()

        public static let none = Bodies()

        public func union(_ other: Bodies) -> Bodies {
            var union = Bodies(kinds: kinds.union(other.kinds), containing: containing.union(other.containing))
            union.everything = everything || other.everything
            return union
        }

        /// The SQL expression for the `body` column of `resource` under this selection, and its arguments.
        var column: (sql: String, arguments: [String]) {
            if everything { return ("body", []) }
            let kinds = kinds.sorted(), texts = containing.sorted()
            let tests = ["kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))"] + texts.map { _ in "instr(body, ?) > 0" }
            return ("CASE WHEN \(tests.joined(separator: " OR ")) THEN body END", kinds + texts)
        }
    }
}
