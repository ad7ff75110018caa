import Foundation
import GRDB

/// The inventory database: one value wrapping GRDB's writer, migrated on open.
///
/// The schema is the numbered SQL files of the top-level `migrations/` folder, embedded in the binary and
/// applied in order, all in one exclusive transaction, so that several processes opening a new file at once
/// agree on who creates the schema. A database that a newer eksodus has migrated further is refused rather than misread.
///
/// Several processes may share a database: a write that finds another one under way (an import is one long
/// transaction) waits for it, says so once on standard error, and gives up only after `SharingOptions.busyLimit`.
public final class AppDatabase: Sendable {
    public let writer: any DatabaseWriter

    public enum OpenError: Error, CustomStringConvertible {
        case newerSchema(path: String, unknown: [String])
        case olderSchema(path: String, missing: [String])
        case missing(path: String)
        case cannotOpen(path: String, reason: String)
        case uri(path: String)

        public var description: String {
            switch self {
            case .newerSchema(let path, let unknown):
                return "\(path) was written by a newer eksodus (schema migrations \(unknown.joined(separator: ", ")) are unknown to this one); upgrade eksodus or use another --db"
            case .olderSchema(let path, let missing):
                return "\(path) was written by an older eksodus and needs schema migrations \(missing.joined(separator: ", ")), which a read-only command does not make; run eksodus import or assess on it (it must be writable) first"
            case .missing(let path):
                return "no inventory at \(path); run eksodus import first (or give --db PATH)"
            case .cannotOpen(let path, let reason):
                return "cannot open the inventory \(path): \(reason)"
            case .uri(let path):
                return "the inventory '\(path.visibleLine)' starts with file:, which SQLite would read as a URI (its ?mode=, vfs= or immutable= options change what is opened): --db takes a file path; for a file of that name write ./\(path.visibleLine)"
            }
        }
    }

    /// How a process behaves while another one holds the database's write lock.
    public struct SharingOptions: Sendable {
        /// How long a write waits for another process's write before giving up.
        public var busyLimit: TimeInterval
        /// Waits shorter than this are not worth a message.
        public var quietWait: TimeInterval
        /// Where the one "waiting" message of each wait goes.
        public var report: @Sendable (String) -> Void

        public init(busyLimit: TimeInterval = 600, quietWait: TimeInterval = 1,
                    report: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
            self.busyLimit = busyLimit
            self.quietWait = quietWait
            self.report = report
        }
    }

    /// Opens (creating if needed) the database file at `path`, in WAL mode so several processes can share it.
    public static func open(path: String, sharing: SharingOptions = SharingOptions()) throws -> AppDatabase {
        try refuseURI(path)
        var configuration = Configuration()
        configuration.busyMode = .callback(BusyWait(path: path, options: sharing).callback)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Statement journals (each upsert of a plan item or finding keeps one) and sorts stay in memory: once one statement
            // outgrows SQLite's 64 KiB in-memory journal it becomes a temporary file for good, and plan wrote 1 GB to it.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // A new inventory gets 16 KiB pages (SQLite's default is 4 KiB): plan writes ~100 MB of items on a large estate, and
            // report reads them back, page by page through pread/pwrite; four times fewer pages took plan's calls from 215k to 54k
            // and report's from 121k to 50k. It applies only before the file's first table (and cannot change once in WAL mode):
            // an existing inventory keeps its size.
            try db.execute(sql: "PRAGMA page_size = 16384")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: directory) {
            throw OpenError.cannotOpen(path: path, reason: "the folder \(directory) does not exist")
        }
        var pool: DatabasePool?
        // Several first opens of a new file race to switch it to WAL: SQLite answers the losers SQLITE_BUSY at once,
        // without its busy handler, so the open is tried again for a few seconds before it counts as failed.
        for attempt in 0... {
            do {
                pool = try DatabasePool(path: path, configuration: configuration)
                break
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 50 {
                Thread.sleep(forTimeInterval: 0.1)
            } catch {
                throw OpenError.cannotOpen(path: path, reason: OneLineError.message(error) ?? "\(error)")
            }
        }
        guard let pool else { throw OpenError.cannotOpen(path: path, reason: "database is locked") }
        return try AppDatabase(pool, path: path)
    }

    /// Opens an existing database for reading only: nothing is created, migrated or written, so an archived
    /// inventory (a read-only file or folder) can be listed. A missing file is an error, not a new inventory.
    public static func openReadOnly(path: String, sharing: SharingOptions = SharingOptions()) throws -> AppDatabase {
        try refuseURI(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw OpenError.missing(path: path)
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .callback(BusyWait(path: path, options: sharing).callback)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return try AppDatabase(readOnly: queue, path: path)
        } catch let error as OpenError {
            throw error
        } catch {
            // A WAL database in a folder we cannot write needs its -shm file, which SQLite cannot create there.
            // With no -wal file left over, every committed page is in the main file: read it as immutable.
            let wal = path + "-wal"
            let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            guard walSize == 0 else { throw OpenError.cannotOpen(path: path, reason: OneLineError.message(error) ?? "\(error)") }
            do {
                let queue = try DatabaseQueue(path: immutableURI(path), configuration: configuration)
                return try AppDatabase(readOnly: queue, path: path)
            } catch let error as OpenError {
                throw error
            } catch let retryError {
                throw OpenError.cannotOpen(path: path, reason: OneLineError.message(retryError) ?? "\(retryError)")
            }
        }
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(try DatabaseQueue(), path: ":memory:")
    }

    init(_ writer: any DatabaseWriter, path: String) throws {
        self.writer = writer
        let current = try writer.read { db in try Self.appliedMigrations(db) == Set(Self.migrationFiles.map(\.identifier)) }
        if current { return }
        try writer.writeWithoutTransaction { db in
            try db.inTransaction(.exclusive) {
                try Self.migrate(db, path: path)
                return .commit
            }
        }
    }

    private init(readOnly reader: DatabaseQueue, path: String) throws {
        writer = reader
        let missing = try reader.read { db -> [String] in
            let applied = try Self.appliedMigrations(db)
            let known = Self.migrationFiles.map(\.identifier)
            let unknown = applied.subtracting(known).sorted()
            if !unknown.isEmpty { throw OpenError.newerSchema(path: path, unknown: unknown) }
            return known.filter { !applied.contains($0) }
        }
        if !missing.isEmpty { throw OpenError.olderSchema(path: path, missing: missing) }
    }

    /// Applies the embedded migrations the database lacks, in order, recording each in GRDB's `grdb_migrations`
    /// table (so databases migrated by GRDB's migrator before stay compatible). Runs inside the caller's transaction.
    private static func migrate(_ db: Database, path: String) throws {
        let applied = try appliedMigrations(db)
        let files = migrationFiles
        let unknown = applied.subtracting(files.map(\.identifier)).sorted()
        if !unknown.isEmpty { throw OpenError.newerSchema(path: path, unknown: unknown) }
        let pending = files.filter { !applied.contains($0.identifier) }
        guard !pending.isEmpty else { return }
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        for file in pending {
            try db.execute(sql: file.sql)
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [file.identifier])
        }
        try db.checkForeignKeys()
    }

    private static func appliedMigrations(_ db: Database) throws -> Set<String> {
        guard try db.tableExists("grdb_migrations") else { return [] }
        return Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
    }

    /// SQLite opens a name starting with `file:` as a URI (https://www.sqlite.org/uri.html, compared case-sensitively in
    /// sqlite3ParseUri): a path is a path here.
    private static func refuseURI(_ path: String) throws {
        if path.hasPrefix("file:") { throw OpenError.uri(path: path) }
    }

    private static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// The embedded `migrations/NNNN_name.sql` files, in order.
    static var migrationFiles: [(identifier: String, sql: String)] {
        EmbeddedResources.files
            .filter { $0.key.hasPrefix("migrations/") && $0.key.hasSuffix(".sql") }
            .map { (String($0.key.dropFirst("migrations/".count).dropLast(4)), $0.value) }
            .sorted { $0.identifier < $1.identifier }
    }
}

/// SQLite's busy handler for one connection: keeps waiting while another process holds the lock, tells the user
/// once per wait (after a quiet moment), and gives up with a clear message at the limit.
private final class BusyWait: @unchecked Sendable {
    private let path: String
    private let options: AppDatabase.SharingOptions
    private let lock = NSLock()
    private var started = Date()
    private var reported = false

    init(path: String, options: AppDatabase.SharingOptions) {
        self.path = path
        self.options = options
    }

    var callback: Database.BusyCallback {
        { [self] tries in keepWaiting(tries) }
    }

    private func keepWaiting(_ tries: Int) -> Bool {
        lock.lock()
        if tries == 0 {
            started = Date()
            reported = false
        }
        let waited = Date().timeIntervalSince(started)
        let announce = !reported && waited >= options.quietWait
        if announce { reported = true }
        lock.unlock()
        if waited >= options.busyLimit {
            options.report("eksodus: gave up after waiting \(Int(waited)) s for another eksodus process (an import?) to finish writing \(path); try again when it is done")
            return false
        }
        if announce {
            options.report("eksodus: waiting for another eksodus process (an import?) to finish writing \(path)…")
        }
        usleep(tries < 20 ? 5_000 : 50_000)
        return true
    }
}
