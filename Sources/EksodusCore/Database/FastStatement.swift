import GRDB
import GRDBSQLite

/// A prepared statement bound and stepped through SQLite's C API, for the importer's hot path, where
/// building GRDB `StatementArguments` for every row costs more than SQLite's own work. Values are bound
/// one by one by position; `run()` executes and resets. GRDB still owns the statement's lifetime.
/// A value SQLite refuses to bind (too long, out of memory) is kept and thrown by the next `run()` or
/// `firstRow`, so that a row is never stored with a column silently left NULL.
struct FastStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let db: Database
    private let bindFailure = BindFailure()
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private final class BindFailure {
        var error: DatabaseError?
    }

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    func bind(_ index: Int32, _ value: String?) {
        guard let value else { check(sqlite3_bind_null(handle, index), index); return }
        // A native string's bytes are read where they are; only another kind is copied into contiguous UTF-8 first.
        if value.utf8.withContiguousStorageIfAvailable({ bind(index, utf8: $0) }) != nil { return }
        var contiguous = value
        contiguous.withUTF8 { bind(index, utf8: $0) }
    }

    /// Text already encoded as UTF-8 (JSON a writer built into a reused buffer), bound without making a String of it.
    func bind(_ index: Int32, utf8 bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { bind(index, utf8: $0) }
    }

    func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) {
        bytes.withMemoryRebound(to: CChar.self) { chars in
            guard let length = Int32(exactly: chars.count) else {
                fail(SQLITE_TOOBIG, "a value of \(chars.count) bytes is too long to store (column \(index))")
                return
            }
            if let base = chars.baseAddress {
                check(sqlite3_bind_text(handle, index, base, length, Self.transient), index)
            } else {
                check(sqlite3_bind_text(handle, index, "", 0, nil), index)  // empty, not NULL
            }
        }
    }

    func bind(_ index: Int32, _ value: Int?) {
        bind(index, value.map { Int64($0) })
    }

    func bind(_ index: Int32, _ value: Int64?) {
        guard let value else { check(sqlite3_bind_null(handle, index), index); return }
        check(sqlite3_bind_int64(handle, index, value), index)
    }

    func bind(_ index: Int32, _ value: Bool?) {
        bind(index, value.map { Int64($0 ? 1 : 0) })
    }

    private func check(_ code: Int32, _ index: Int32) {
        guard code != SQLITE_OK else { return }
        fail(code, "cannot bind column \(index): " + String(cString: sqlite3_errstr(code)))
    }

    private func fail(_ code: Int32, _ message: String) {
        guard bindFailure.error == nil else { return }
        bindFailure.error = DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: String(cString: sqlite3_sql(handle)))
    }

    /// Throws (once) a value that could not be bound since the last execution.
    private func throwBindFailure() throws {
        guard let error = bindFailure.error else { return }
        bindFailure.error = nil
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        throw error
    }

    /// Executes a statement that returns no rows.
    func run() throws {
        try throwBindFailure()
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Executes a query and returns the first row's integer columns, or nil when there is no row.
    func firstRow(columns: Int32) throws -> [Int64?]? {
        try throwBindFailure()
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw error(code) }
        return (0..<columns).map { sqlite3_column_type(handle, $0) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, $0) }
    }

    /// Rows changed by the last `run()`.
    var changes: Int { Int(sqlite3_changes(db.sqliteConnection)) }

    private func error(_ code: Int32) -> DatabaseError {
        let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: String(cString: sqlite3_sql(handle)))
    }
}
