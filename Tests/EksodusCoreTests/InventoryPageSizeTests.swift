import GRDB
import XCTest
@testable import EksodusCore

/// A new inventory is made with 16 KiB pages (fewer reads and writes for plan's ~100 MB of items on a large estate); an
/// inventory made before, with SQLite's 4 KiB, keeps its pages and its rows (a WAL database cannot change its page size).
final class InventoryPageSizeTests: XCTestCase {
    func testANewInventoryHasSixteenKiBPagesInWALMode() throws {
        let path = try temporaryFolder(self).appendingPathComponent("new.db").path
        let database = try AppDatabase.open(path: path)
        try database.writer.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA page_size"), 16384)
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
        }
    }

    func testAnInventoryMadeWithFourKiBPagesKeepsThemAndItsRows() throws {
        let path = try temporaryFolder(self).appendingPathComponent("old.db").path
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA page_size = 4096")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "CREATE TABLE kept (value TEXT NOT NULL)")
                try db.execute(sql: "INSERT INTO kept (value) VALUES ('from before')")
            }
        }
        let database = try AppDatabase.open(path: path)
        try database.writer.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA page_size"), 4096)
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT value FROM kept"), "from before")
            XCTAssertTrue(try db.tableExists("plan_item"), "migrated as before")
        }
    }
}
