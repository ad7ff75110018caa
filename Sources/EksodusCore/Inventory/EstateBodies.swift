extension Estate {
    /// Which stored bodies `load` reads into `Resource.bodyText`: every one (the default), or only those of some kinds and
    /// those of workloads' own objects whose text holds one of some strings. The others read as "{}", an empty object. The
    /// assessment asks for what its checks parse (`Check.bodies`): tens of megabytes of JSON it would otherwise copy and keep.
    public struct Bodies: Sendable {
        public var kinds: Set<String>
        /// The objects that are workloads (`Workload.resourceID`) whose body holds one of these, byte for byte (`String.containsBytes`).
        /// Only theirs: SQLite's search through every body of the estate cost more than the bodies it spared.
        public var workloadsContaining: Set<String>
        var everything = false

        public init(kinds: Set<String> = [], workloadsContaining: Set<String> = []) {
            self.kinds = kinds
            self.workloadsContaining = workloadsContaining
        }

        public static let all: Bodies = {
            var bodies = Bodies()
            bodies.everything = true
            return bodies
        }()

        public static let none = Bodies()

        public func union(_ other: Bodies) -> Bodies {
            var union = Bodies(kinds: kinds.union(other.kinds), workloadsContaining: workloadsContaining.union(other.workloadsContaining))
            union.everything = everything || other.everything
            return union
        }

        /// The SQL expression for the `body` column of `resource` under this selection, and its arguments.
        var column: (sql: String, arguments: [String]) {
            if everything { return ("body", []) }
            let kinds = kinds.sorted(), texts = workloadsContaining.sorted()
            var tests = ["kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))"]
            if !texts.isEmpty {
                let contains = texts.map { _ in "instr(body, ?) > 0" }.joined(separator: " OR ")
                tests.append("(id IN (SELECT resource_id FROM workload WHERE resource_id IS NOT NULL) AND (\(contains)))")
            }
            return ("CASE WHEN \(tests.joined(separator: " OR ")) THEN body END", kinds + texts)
        }
    }
}
