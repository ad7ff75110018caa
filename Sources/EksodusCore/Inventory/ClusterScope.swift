import GRDB

/// `--cluster NAME` must name a cluster of the inventory: a typo is an error, never an empty listing or report.
public enum ClusterScope {
    public struct UnknownCluster: Error, CustomStringConvertible, Equatable {
        public var name: String
        public var known: [String]
        public var description: String {
            "no cluster named '\(name.visibleLine)' in the inventory" + (known.isEmpty ? " (it is empty: run eksodus import)"
                : " (clusters: " + known.map(\.visibleLine).joined(separator: ", ") + ")")
        }
    }

    public static func require(_ name: String, in db: Database) throws {
        let known = try String.fetchAll(db, sql: "SELECT name FROM cluster ORDER BY name")
        guard known.contains(name) else { throw UnknownCluster(name: name, known: known) }
    }

    /// `require` in a read transaction of its own; nil passes.
    public static func require(_ name: String?, in database: AppDatabase) throws {
        guard let name else { return }
        try database.writer.read { db in try require(name, in: db) }
    }
}
