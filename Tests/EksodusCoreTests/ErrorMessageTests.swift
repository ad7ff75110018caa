import Foundation
import GRDB
import GRDBSQLite
import XCTest
@testable import EksodusCore

/// Errors from files, SQLite and team templates are said in one line that names what went wrong where.
final class ErrorMessageTests: XCTestCase {
    func testABrokenTeamTemplateNamesItsFileLineAndColumn() throws {
        let folder = try temporaryFolder(self)
        let path = folder.appendingPathComponent("plan.md.mustache").path
        try "# Plan\n{{#waves}}\n- {{name}}\n{{/cluster}}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let renderer = ReportRenderer(database: try AppDatabase.inMemory(), templates: folder.path, now: fixedNow)
        XCTAssertThrowsError(try renderer.render(.plan, format: .markdown)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("\(path):4:"), text)
            XCTAssertTrue(text.hasSuffix("the closing tag does not match the open section's name"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
    }

    func testAWriteToAFullDiskSaysThePathAndTheReason() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full here") }
        XCTAssertThrowsError(try Data("report".utf8).write(to: URL(fileURLWithPath: "/dev/full"))) { error in
            XCTAssertEqual(OneLineError.message(error), "cannot write /dev/full: No space left on device")
        }
    }

    func testAMissingFileSaysThePathAndTheReason() throws {
        let path = try temporaryFolder(self).appendingPathComponent("absent.md").path
        XCTAssertThrowsError(try Data(contentsOf: URL(fileURLWithPath: path))) { error in
            XCTAssertEqual(OneLineError.message(error), "cannot read \(path): No such file or directory")
        }
    }

    func testASQLiteErrorIsOneLineWithItsMessageAndStatement() throws {
        let database = try AppDatabase.inMemory()
        XCTAssertThrowsError(try database.writer.write { db in
            try db.execute(sql: "CREATE TABLE item (name TEXT NOT NULL)")
            try db.execute(sql: """
                INSERT INTO item
                    (name)
                VALUES (NULL)
                """)
        }) { error in
            XCTAssertEqual(OneLineError.message(error), "database error: NOT NULL constraint failed: item.name (while running INSERT INTO item)")
        }
    }

    func testStatementSummaries() {
        XCTAssertEqual(OneLineError.statementSummary("UPDATE plan_item SET state = ?"), "UPDATE plan_item")
        XCTAssertEqual(OneLineError.statementSummary("SELECT count(*) FROM resource WHERE x"), "SELECT … FROM resource")
        XCTAssertEqual(OneLineError.statementSummary("insert or replace into image(id) values (1)"), "INSERT OR REPLACE INTO image")
        XCTAssertEqual(OneLineError.statementSummary("DELETE FROM volume"), "DELETE FROM volume")
        XCTAssertEqual(OneLineError.statementSummary("BEGIN"), "BEGIN")
    }

    func testAValueSQLiteRefusesToBindFailsTheRowInsteadOfStoringNull() throws {
        let database = try AppDatabase.inMemory()
        try database.writer.write { db in
            try db.execute(sql: "CREATE TABLE note (text TEXT)")
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 100)
            let insert = try FastStatement(db, "INSERT INTO note (text) VALUES (?)")
            insert.bind(1, String(repeating: "x", count: 1000))
            XCTAssertThrowsError(try insert.run()) { error in
                XCTAssertEqual((error as? DatabaseError)?.resultCode, .SQLITE_TOOBIG, "\(error)")
            }
            insert.bind(1, "short")
            try insert.run()
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT coalesce(text, 'NULL') FROM note"), ["short"])
        }
    }
}
