import Foundation
import GRDB

/// The inventory database: one value wrapping GRDB's writer, migrated on open.
///
/// The schema is the numbered SQL files of the top-level `migrations/` folder, embedded in the binary and
/// applied in order. A database that a newer eksodus has migrated further is refused rather than misread.
public final class AppDatabase: Sendable {
    public let writer: any DatabaseWriter

    public enum OpenError: Error, CustomStringConvertible {
        case newerSchema(path: String, unknown: [String])
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case .newerSchema(let path, let unknown):
                return "\(path) was written by a newer eksodus (schema migrations \(unknown.joined(separator: ", ")) are unknown to this one); upgrade eksodus or use another --db"
            case .cannotOpen(let path, let reason):
                return "cannot open the inventory \(path): \(reason)"
            }
        }
    }

    /// Opens (creating if needed) the database file at `path`, in WAL mode so several processes can share it.
    public static func open(path: String) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: directory) {
            throw OpenError.cannotOpen(path: path, reason: "the folder \(directory) does not exist")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw OpenError.cannotOpen(path: path, reason: "\(error)")
        }
        return try AppDatabase(pool, path: path)
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(try DatabaseQueue(), path: ":memory:")
    }

    init(_ writer: any DatabaseWriter, path: String) throws {
        self.writer = writer
        let migrator = Self.migrator
        let unknown = try writer.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            let known = Set(Self.migrationFiles.map(\.identifier))
            return applied.filter { !known.contains($0) }.sorted()
        }
        if !unknown.isEmpty { throw OpenError.newerSchema(path: path, unknown: unknown) }
        try migrator.migrate(writer)
    }

    /// The embedded `migrations/NNNN_name.sql` files, in order.
    static var migrationFiles: [(identifier: String, sql: String)] {
        EmbeddedResources.files
            .filter { $0.key.hasPrefix("migrations/") && $0.key.hasSuffix(".sql") }
            .map { (String($0.key.dropFirst("migrations/".count).dropLast(4)), $0.value) }
            .sorted { $0.identifier < $1.identifier }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for file in migrationFiles {
            migrator.registerMigration(file.identifier) { db in
                try db.execute(sql: file.sql)
            }
        }
        return migrator
    }
}
