import Foundation
import GRDB
import XCTest
@testable import EksodusCore

final class CutoverTests: XCTestCase {
    /// A planned inventory of the bundled sample, in a database file (so several processes can share it).
    func plannedSample() throws -> (AppDatabase, String) {
        let folder = try temporaryFolder(self)
        var run = Demo(folder: folder, now: fixedNow)
        run.tracksProgress = false
        let demo = try run.run()
        return (try AppDatabase.open(path: demo.databasePath), demo.databasePath)
    }

    func state(_ database: AppDatabase, _ key: String) throws -> String? {
        try strings(database, "SELECT state FROM plan_item WHERE key = ?", [key]).first
    }

    func setState(_ database: AppDatabase, _ key: String, _ state: ItemState) throws {
        try database.writer.write { try $0.execute(sql: "UPDATE plan_item SET state = ? WHERE key = ?", arguments: [state.rawValue, key]) }
    }

    func testEveryTransitionIsAllowedOrRefusedAsTheStateMachineSays() throws {
        let (database, _) = try plannedSample()
        let tracker = CutoverTracker(database: database)
        let key = "assess:import:prod"  // no prerequisites
        var allowed = 0, refused = 0
        for from in ItemState.allCases {
            for action in CutoverAction.allCases {
                try setState(database, key, from)
                do {
                    let changes = try tracker.apply(action, to: [key], note: "because", by: "test")
                    XCTAssertTrue(action.allowedFrom.contains(from), "\(action) from \(from) should be refused")
                    XCTAssertEqual(changes.first?.to, action.target)
                    XCTAssertEqual(try state(database, key), action.target.rawValue)
                    allowed += 1
                } catch let error as CutoverTracker.CutoverError {
                    XCTAssertFalse(action.allowedFrom.contains(from), "\(action) from \(from) should be allowed: \(error)")
                    XCTAssertEqual(error, .invalidTransition(item: key, from: from, action: action))
                    XCTAssertEqual(try state(database, key), from.rawValue, "a refused change changes nothing")
                    refused += 1
                }
            }
        }
        XCTAssertEqual(allowed + refused, ItemState.allCases.count * CutoverAction.allCases.count)
        XCTAssertEqual(allowed, CutoverAction.allCases.reduce(0) { $0 + $1.allowedFrom.count })
        // done → start is the example of a refused move; its message says what to do.
        try setState(database, key, .done)
        XCTAssertThrowsError(try tracker.apply(.start, to: [key], by: "test")) { error in
            XCTAssertTrue("\(error)".contains("reopen it first"), "\(error)")
        }
    }

    func testPrerequisitesMustBeDoneUnlessForcedAndForcingIsLogged() throws {
        let (database, _) = try plannedSample()
        let tracker = CutoverTracker(database: database)
        XCTAssertThrowsError(try tracker.apply(.done, to: ["plan:ecr"], by: "alice")) { error in
            XCTAssertEqual(error as? CutoverTracker.CutoverError, .prerequisitesNotDone(item: "plan:ecr", pending: ["plan:landing-zone"]))
        }
        XCTAssertEqual(try state(database, "plan:ecr"), "pending")
        try setState(database, "plan:landing-zone", .skipped)
        XCTAssertEqual(try tracker.apply(.done, to: ["plan:ecr"], by: "alice").first?.forced, false, "a skipped prerequisite counts as out of the way")
        let forced = try tracker.apply(.done, to: ["deploy:shop/checkout"], by: "bob", force: true)
        XCTAssertEqual(forced.map(\.forced), [true])
        var log = try AuditLog.table(database)
        log.rows = log.rows.filter { $0[2] != .text("eksodus") }  // what the plan proved (imports, assessments) is logged as eksodus
        XCTAssertEqual(log.rows.count, 2)
        XCTAssertEqual(log.column("forced"), [.bool(false), .bool(true)])
        XCTAssertEqual(log.column("actor"), [.text("alice"), .text("bob")])
        XCTAssertEqual(log.column("item"), [.text("plan:ecr"), .text("deploy:prod/shop/checkout")])
    }

    func testBlockAndSkipNeedAReasonAndBlockedItemsShowIt() throws {
        let (database, _) = try plannedSample()
        let tracker = CutoverTracker(database: database)
        XCTAssertThrowsError(try tracker.apply(.block, to: ["assess:review:prod"], by: "carol"))
        XCTAssertThrowsError(try tracker.apply(.skip, to: ["assess:review:prod"], note: "  ", by: "carol"))
        try tracker.apply(.block, to: ["assess:review:prod"], note: "DBA sign-off pending", by: "carol")
        let status = try CutoverStatus.load(database)
        XCTAssertEqual(status.blocked.map(\.key), ["assess:review:prod"])
        XCTAssertEqual(status.blocked.first?.note, "DBA sign-off pending")
        XCTAssertFalse(status.next.contains { $0.key == "assess:review:prod" })
    }

    func testHandlesResolveByIdKeyAndShortForm() throws {
        let (database, _) = try plannedSample()
        let items = try database.writer.read { try CutoverTracker.items($0, planID: try CutoverTracker.planID($0, name: nil)) }
        XCTAssertEqual(try CutoverTracker.resolve("deploy:shop/checkout", in: items).key, "deploy:prod/shop/checkout")
        XCTAssertEqual(try CutoverTracker.resolve("deploy:shop-staging/checkout", in: items).key, "deploy:staging/shop-staging/checkout")
        let wave = try XCTUnwrap(items.first { $0.key.hasPrefix("images:staging:wave-") })
        XCTAssertEqual(try CutoverTracker.resolve(String(wave.id), in: items).key, wave.key)
        XCTAssertThrowsError(try CutoverTracker.resolve("deploy:nowhere/nothing", in: items))
    }

    func testTheAuditTrailCannotBeRewritten() throws {
        let (database, _) = try plannedSample()
        try CutoverTracker(database: database).apply(.start, to: ["assess:review:prod"], by: "dave")
        let before = try strings(database, "SELECT actor FROM event ORDER BY id")
        XCTAssertEqual(before.last, "dave")
        XCTAssertThrowsError(try database.writer.write { try $0.execute(sql: "UPDATE event SET actor = 'mallory'") })
        XCTAssertThrowsError(try database.writer.write { try $0.execute(sql: "DELETE FROM event") })
        XCTAssertEqual(try strings(database, "SELECT actor FROM event ORDER BY id"), before)
    }

    func testReplanningKeepsStatesAndHistory() throws {
        let (database, _) = try plannedSample()
        let tracker = CutoverTracker(database: database)
        try tracker.apply(.done, to: ["assess:review:prod", "assess:review:staging"], by: "erin")
        try tracker.apply(.start, to: ["plan:zones:prod"], by: "erin")
        let request = PlanRequest(name: "demo", target: KubernetesVersion(major: 1, minor: 33), region: "ap-northeast-2", accountID: "123456789012", now: fixedNow)
        let replanned = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        XCTAssertEqual(replanned.added, 0)
        XCTAssertEqual(try state(database, "assess:review:prod"), "done")
        XCTAssertEqual(try state(database, "plan:zones:prod"), "in_progress")
        XCTAssertEqual(try AuditLog.table(database, item: "assess:review:prod").rows.count, 1)
        XCTAssertEqual(try AuditLog.table(database, item: "assess:import:prod").rows.count, 1, "proven once, not again on re-planning")
    }

    func testStatusCountsProgressPerPhaseAndWave() throws {
        let (database, _) = try plannedSample()
        let before = try CutoverStatus.load(database)
        // The imports and assessments are proven by the inventory: done from the start.
        XCTAssertEqual(before.phases.first { $0.group == "assessment" }?.counts[.done], 4)
        XCTAssertTrue(before.next.contains { $0.key == "assess:review:prod" })
        XCTAssertFalse(before.next.contains { $0.key.hasPrefix("plan:") })
        try CutoverTracker(database: database).apply(.done, to: ["assess:review:prod", "assess:review:staging"], by: "frank")
        let after = try CutoverStatus.load(database, filter: .init(phase: "assessment"))
        XCTAssertEqual(after.phases.map(\.group), ["assessment"])
        XCTAssertEqual(after.phases.first?.counts[.done], 6)
        XCTAssertTrue(try CutoverStatus.load(database).next.contains { $0.key == "plan:landing-zone" })
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(after.json.utf8)))
    }

    /// Several processes mark disjoint sets of items done at the same moment: no update is lost, and the log has
    /// exactly one entry per change.
    func testConcurrentProcessesLoseNoUpdate() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eksodus")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("the eksodus binary is not built beside the tests (swift build first)")
        }
        let (database, path) = try plannedSample()
        let keys = try strings(database, "SELECT key FROM plan_item WHERE phase = 'cutover' AND obsolete = 0 ORDER BY position")
        XCTAssertGreaterThan(keys.count, 100)
        let workers = 6
        var processes: [Process] = []
        for worker in 0..<workers {
            let mine = keys.enumerated().filter { $0.offset % workers == worker }.map(\.element)
            let process = Process()
            process.executableURL = binary
            process.arguments = ["cutover", "done", "--force", "--by", "worker-\(worker)", "--db", path] + mine
            process.standardOutput = FileHandle.nullDevice
            processes.append(process)
        }
        for process in processes { try process.run() }
        for process in processes {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
        }
        XCTAssertEqual(try count(database, "SELECT count(*) FROM plan_item WHERE phase = 'cutover' AND obsolete = 0 AND state = 'done'"), keys.count)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM event WHERE actor LIKE 'worker-%'"), keys.count)
        XCTAssertEqual(try count(database, "SELECT count(DISTINCT item_id) FROM event WHERE actor LIKE 'worker-%'"), keys.count)
        XCTAssertEqual(try count(database, "SELECT count(DISTINCT actor) FROM event WHERE actor LIKE 'worker-%'"), workers)
    }
}
