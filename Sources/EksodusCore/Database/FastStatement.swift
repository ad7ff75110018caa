import GRDB
import GRDBSQLite

/// A prepared statement bound and stepped through SQLite's C API, for the importer's hot path, where
/// building GRDB `StatementArguments` for every row costs more than SQLite's own work. Values are bound
/// one by one by position; `run()` executes and resets. GRDB still owns the statement's lifetime.
struct FastStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let db: Database
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else { sqlite3_bind_null(handle, index); return }
        value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress {
                    _ = sqlite3_bind_text(handle, index, base, Int32(chars.count), Self.transient)
                } else {
                    _ = sqlite3_bind_text(handle, index, "", 0, nil)  // empty, not NULL
                }
            }
        }
    }

    func bind(_ index: Int32, _ value: Int?) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    func bind(_ index: Int32, _ value: Int64?) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Bool?) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        sqlite3_bind_int64(handle, index, value ? 1 : 0)
    }

    /// Executes a statement that returns no rows.
    func run() throws {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Executes a query and returns the first row's integer columns, or nil when there is no row.
    func firstRow(columns: Int32) throws -> [Int64?]? {
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
