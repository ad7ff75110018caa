import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// Several users on one inventory: concurrent first opens, writes behind a long import, archived read-only files.
final class DatabaseSharingTests: XCTestCase {
    /// Collects the messages a database reports while it waits.
    final class Messages: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    func testSixConcurrentOpenersOfAFreshDatabaseAllSucceed() throws {
        let path = try temporaryFolder(self).appendingPathComponent("shared.db").path
        let failures = Messages()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let database = try AppDatabase.open(path: path, sharing: .init(report: { _ in }))
                _ = try database.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cluster") }
            } catch {
                failures.append("\(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        let database = try AppDatabase.open(path: path)
        XCTAssertEqual(try strings(database, "SELECT identifier FROM grdb_migrations ORDER BY identifier"), AppDatabase.migrationFiles.map(\.identifier))
    }

    /// Holds the write lock of `path` for `seconds` on another thread; returns once the lock is held.
    func holdWriteLock(_ path: String, seconds: Double) throws -> XCTestExpectation {
        let holder = try AppDatabase.open(path: path)
        let held = DispatchSemaphore(value: 0)
        let released = expectation(description: "long transaction ends")
        DispatchQueue.global().async {
            try? holder.writer.write { db in
                try db.execute(sql: "INSERT INTO cluster (name, created_at) VALUES ('importing', '2026-01-01')")
                held.signal()
                Thread.sleep(forTimeInterval: seconds)
            }
            released.fulfill()
        }
        held.wait()
        return released
    }

    func testAWriteBehindALongTransactionWaitsSaysSoAndSucceeds() throws {
        let path = try temporaryFolder(self).appendingPathComponent("busy.db").path
        let released = try holdWriteLock(path, seconds: 1.5)
        let messages = Messages()
        let waiter = try AppDatabase.open(path: path, sharing: .init(busyLimit: 30, quietWait: 0.2, report: messages.append))
        let started = Date()
        try waiter.writer.write { try $0.execute(sql: "INSERT INTO cluster (name, created_at) VALUES ('cutover', '2026-01-01')") }
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.5, "the write should have waited for the lock")
        wait(for: [released], timeout: 10)
        XCTAssertEqual(messages.all.count, 1, "\(messages.all)")
        XCTAssertTrue(messages.all.first?.contains("waiting for another eksodus process") ?? false, "\(messages.all)")
        XCTAssertEqual(try strings(waiter, "SELECT name FROM cluster ORDER BY name"), ["cutover", "importing"])
    }

    func testAWriteGivesUpClearlyAtTheLimit() throws {
        let path = try temporaryFolder(self).appendingPathComponent("stuck.db").path
        let released = try holdWriteLock(path, seconds: 2)
        let messages = Messages()
        let waiter = try AppDatabase.open(path: path, sharing: .init(busyLimit: 0.5, quietWait: 0.1, report: messages.append))
        XCTAssertThrowsError(try waiter.writer.write { try $0.execute(sql: "INSERT INTO cluster (name, created_at) VALUES ('x', 'y')") }) { error in
            XCTAssertEqual((error as? DatabaseError)?.resultCode, .SQLITE_BUSY, "\(error)")
        }
        wait(for: [released], timeout: 10)
        XCTAssertTrue(messages.all.last?.contains("gave up after waiting") ?? false, "\(messages.all)")
    }

    /// A database with one imported cluster, closed, then made read-only (file 0444, folder 0555).
    func archivedDatabase() throws -> String {
        let folder = try temporaryFolder(self)
        let path = folder.appendingPathComponent("archive.db").path
        let manifests = try writeManifests(["a.yaml": ImportRobustnessTests.deployment("web", image: "nginx")], test: self)
        do {
            let database = try AppDatabase.open(path: path)
            try importPaths([manifests.path], cluster: "old", into: database)
        }
        let manager = FileManager.default
        try manager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        try manager.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        addTeardownBlock {
            try? manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
            try? manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        }
        return path
    }

    func testAReadOnlyDatabaseCanBeListed() throws {
        let path = try archivedDatabase()
        let database = try AppDatabase.openReadOnly(path: path)
        let table = try InventoryQuery().table(.clusters, in: database)
        XCTAssertEqual(table.rows.count, 1)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload"), 1)
        XCTAssertThrowsError(try database.writer.write { try $0.execute(sql: "DELETE FROM cluster") }, "a read-only open must not write")
    }

    func testAMissingDatabaseIsNotCreatedByAReadOnlyOpen() throws {
        let path = try temporaryFolder(self).appendingPathComponent("eksodus.db").path
        XCTAssertThrowsError(try AppDatabase.openReadOnly(path: path)) { error in
            XCTAssertEqual("\(error)", "no inventory at \(path); run eksodus import first (or give --db PATH)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testAReadOnlyOpenRefusesASchemaThatNeedsMigrating() throws {
        let path = try temporaryFolder(self).appendingPathComponent("old.db").path
        let last = try XCTUnwrap(AppDatabase.migrationFiles.last?.identifier)
        do {
            let database = try AppDatabase.open(path: path)
            try database.writer.write { try $0.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last]) }
        }
        XCTAssertThrowsError(try AppDatabase.openReadOnly(path: path)) { error in
            XCTAssertTrue("\(error)".contains("older eksodus") && "\(error)".contains(last), "\(error)")
        }
    }
}
