import Foundation
import XCTest
@testable import EksodusCore

/// Re-importing merges; `--replace` makes the cluster's inventory exactly the export and retires the vanished workloads' items.
final class ReplaceImportTests: XCTestCase {
    /// Sock Shop as planned, and the same export without queue-master (its Deployment and Service), as JSON files.
    private func plannedSockShop() throws -> (AppDatabase, reduced: URL) {
        let fixtures = try requireFixtures()
        let source = fixtures.appendingPathComponent("02-sock-shop/complete-demo.yaml")
        let database = try AppDatabase.inMemory()
        try importPaths([source.path], cluster: "src", into: database)
        let request = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        _ = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        var files: [String: String] = [:]
        let objects = try parseObjects(try String(contentsOf: source, encoding: .utf8))
        for (index, object) in objects.enumerated() where object["metadata", "name"]?.string != "queue-master" {
            files["object-\(index).json"] = JSONWriter.string(object)
        }
        XCTAssertEqual(files.count, objects.count - 2, "queue-master is a Deployment and a Service")
        return (database, try writeManifests(files, test: self))
    }

    private func replace(_ folder: URL, into database: AppDatabase) throws -> ImportSummary {
        try Importer(database: database, workers: 2).run(ImportRequest(paths: [folder.path], cluster: "src", replace: true, now: fixedNow))
    }

    func testMergingImportKeepsWhatTheExportNoLongerHolds() throws {
        let (database, reduced) = try plannedSockShop()
        let summary = try importPaths([reduced.path], cluster: "src", into: database)
        XCTAssertNil(summary.replacement)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload WHERE name = 'queue-master'"), 1)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM plan_item WHERE obsolete = 1"), 0)
    }

    func testReplaceRemovesVanishedObjectsAndMarksTheirItemsObsoleteWithHistory() throws {
        let (database, reduced) = try plannedSockShop()
        let tracker = CutoverTracker(database: database)
        let deploy = "deploy:src/sock-shop/queue-master"
        try tracker.apply(.start, to: [deploy], by: "erin", force: true)
        let keptItems = try strings(database, "SELECT key || '→' || workload_id FROM plan_item WHERE workload_id IS NOT NULL AND key NOT LIKE '%/queue-master' ORDER BY key")
        let queueImage = "SELECT count(*) FROM image WHERE reference LIKE '%queue-master%'"
        XCTAssertEqual(try count(database, queueImage), 1)

        let summary = try replace(reduced, into: database)
        let outcome = try XCTUnwrap(summary.replacement)
        XCTAssertEqual(outcome.removedObjects, 2)
        XCTAssertEqual(outcome.vanishedWorkloads, ["Deployment/sock-shop/queue-master"])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE name = 'queue-master'"), 0)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload WHERE name = 'queue-master'"), 0)
        XCTAssertEqual(try count(database, queueImage), 0, "no cluster runs its image any more")
        XCTAssertGreaterThanOrEqual(outcome.removedImages, 1)
        XCTAssertTrue(ImportReport.text(summary).contains("Deployment/sock-shop/queue-master"))

        // Its items are obsolete, not deleted; each has an event saying why, after the history it had.
        let obsolete = try strings(database, "SELECT key FROM plan_item WHERE obsolete = 1 ORDER BY key")
        XCTAssertEqual(obsolete.count, outcome.obsoleteItems)
        XCTAssertTrue(obsolete.contains(deploy), "\(obsolete)")
        XCTAssertTrue(obsolete.allSatisfy { $0.hasSuffix("/queue-master") }, "\(obsolete)")
        XCTAssertEqual(try strings(database, "SELECT state FROM plan_item WHERE key = ?", [deploy]), ["in_progress"], "the state it had is kept")
        let log = try AuditLog.table(database, item: nil).rows.filter { $0[3] == .text(deploy) }.map { row in [row[4], row[5], row[6]] }
        XCTAssertEqual(log, [[.text("start"), .text("pending"), .text("in_progress")], [.text("obsolete"), .text("in_progress"), .text("obsolete")]])

        // The other items still point at their (unchanged) workloads.
        XCTAssertEqual(try strings(database, "SELECT key || '→' || workload_id FROM plan_item WHERE workload_id IS NOT NULL AND key NOT LIKE '%/queue-master' ORDER BY key"), keptItems)

        // The cutover leaves obsolete items alone, and status counts them apart.
        XCTAssertThrowsError(try tracker.apply(.done, to: [deploy], by: "erin", force: true)) { error in
            XCTAssertEqual(error as? CutoverTracker.CutoverError, .obsoleteItem(deploy))
        }
        let status = try CutoverStatus.load(database)
        XCTAssertEqual(status.obsolete, obsolete.count)
        // A report hands over the items it read with the plan; the obsolete ones are then counted from the index: the same count.
        let tracked = try CutoverTracker.loadPlan(database).tracked
        XCTAssertEqual(try CutoverStatus.load(database, items: tracked).obsolete, obsolete.count)
        XCTAssertEqual(status.overall.total, try count(database, "SELECT count(*) FROM plan_item WHERE obsolete = 0"))
        XCTAssertTrue(status.text.contains("\(obsolete.count) obsolete item(s)"), status.text)
        let document = try JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any]
        XCTAssertEqual(document?["obsolete"] as? Int, obsolete.count)
    }

    func testAWorkloadThatComesBackRevivesItsItemsOnTheNextPlan() throws {
        let fixtures = try requireFixtures()
        let (database, reduced) = try plannedSockShop()
        let deploy = "deploy:src/sock-shop/queue-master"
        try CutoverTracker(database: database).apply(.start, to: [deploy], by: "erin", force: true)
        _ = try replace(reduced, into: database)
        _ = try replace(fixtures.appendingPathComponent("02-sock-shop"), into: database)
        let request = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        XCTAssertEqual(plan.added, 0, "the items are the old ones")
        XCTAssertEqual(try strings(database, "SELECT state || ' ' || obsolete FROM plan_item WHERE key = ?", [deploy]), ["in_progress 0"])
        let actions = try AuditLog.table(database).rows.filter { $0[3] == .text(deploy) }.map { $0[4] }
        XCTAssertEqual(actions, [.text("start"), .text("obsolete"), .text("revived")])
    }

    func testReplacingWithTheSameExportChangesNoWorkloadAndRetiresNothing() throws {
        let fixtures = try requireFixtures()
        let (database, _) = try plannedSockShop()
        let before = try strings(database, "SELECT id || ' ' || kind || '/' || name FROM workload ORDER BY id")
        let summary = try replace(fixtures.appendingPathComponent("02-sock-shop"), into: database)
        XCTAssertEqual(summary.replacement?.removedObjects, 0)
        XCTAssertEqual(summary.replacement?.obsoleteItems, 0)
        XCTAssertEqual(try strings(database, "SELECT id || ' ' || kind || '/' || name FROM workload ORDER BY id"), before, "workload ids survive")
    }

    func testReplaceDropsMeasuredUsageOfEarlierImports() throws {
        let (database, reduced) = try plannedSockShop()
        let top = try writeManifests(["top.txt": "sock-shop queue-master-6d8c5f9b7-abcde 5m 300Mi\n"], test: self)
        try importPaths([top.appendingPathComponent("top.txt").path], cluster: "src", into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM pod_usage"), 1)
        _ = try replace(reduced, into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM pod_usage"), 0)
    }

    func testAFailedReplaceLeavesTheInventoryAsItWas() throws {
        let (database, reduced) = try plannedSockShop()
        try "kind: Deployment\nmetadata: {name: [unclosed\n".write(to: reduced.appendingPathComponent("zz-broken.yaml"), atomically: true, encoding: .utf8)
        let before = try dump(database)
        XCTAssertThrowsError(try replace(reduced, into: database))
        XCTAssertEqual(try dump(database), before)
    }
}
