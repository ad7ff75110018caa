import Foundation
import GRDB

/// The one line a command prints for an error from below it: Foundation's file errors say which file and the
/// system's reason (`cannot write reports/plan.md: No space left on device`), SQLite errors say SQLite's message
/// and the statement's verb and table, not the whole statement. Nil for the errors that already print well.
public enum OneLineError {
    public static func message(_ error: Error) -> String? {
        if let error = error as? DatabaseError { return database(error) }
        if let error = error as? CocoaError { return file(error) }
        return nil
    }

    static func database(_ error: DatabaseError) -> String {
        let message = (error.message ?? "SQLite error \(error.resultCode.rawValue)").split(whereSeparator: \.isNewline).joined(separator: " ")
        guard let sql = error.sql, let statement = statementSummary(sql) else { return "database error: \(message)" }
        return "database error: \(message) (while running \(statement))"
    }

    /// `INSERT INTO resource`, `UPDATE plan_item`, `SELECT … FROM workload`: the verb and the first table of `sql`.
    static func statementSummary(_ sql: String) -> String? {
        let words = sql.split(whereSeparator: { $0.isWhitespace || $0 == "(" }).map(String.init)
        guard let verb = words.first?.uppercased() else { return nil }
        let tableAfter: Set<String> = ["INTO", "FROM", "UPDATE", "TABLE", "INDEX", "ON"]
        let upper = words.map { $0.uppercased() }
        if verb == "UPDATE", words.count > 1 { return "UPDATE \(words[1])" }
        if let at = upper.firstIndex(where: { tableAfter.contains($0) && $0 != "UPDATE" }), at + 1 < words.count {
            return verb == "SELECT" ? "SELECT … FROM \(words[at + 1])" : upper[...at].joined(separator: " ") + " \(words[at + 1])"
        }
        return verb
    }

    static func file(_ error: CocoaError) -> String {
        let path = error.filePath ?? error.url?.path ?? "a file"
        let verb = (CocoaError.Code.fileWriteUnknown.rawValue...767).contains(error.code.rawValue) ? "write" : "read"
        return "cannot \(verb) \(path): \(reason(error))"
    }

    private static func reason(_ error: CocoaError) -> String {
        if let underlying = error.underlying as NSError?, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(truncatingIfNeeded: underlying.code)))
        }
        switch error.code {
        case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
        case .fileWriteNoPermission, .fileReadNoPermission: return String(cString: strerror(EACCES))
        case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
        case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
        default: return (error.userInfo[NSLocalizedFailureReasonErrorKey] as? String) ?? "error \(error.code.rawValue)"
        }
    }
}
