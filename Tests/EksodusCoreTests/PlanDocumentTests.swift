import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// `plan -o json|yaml` and `cutover list`/`show -o json`: what they print is the stored plan, and reads back as it.
final class PlanDocumentTests: XCTestCase {
    func demo() throws -> AppDatabase {
        let folder = try temporaryFolder(self)
        return try AppDatabase.open(path: try Demo(folder: folder, now: fixedNow).run().databasePath)
    }

    func testPlanJSONRoundTripsTheStoredPlan() throws {
        let database = try demo()
        let json = try StructuredOutput.json(try PlanDocument.load(database))
        let decoded = try StructuredOutput.decoder().decode(PlanDocument.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.format, PlanDocument.currentFormat)
        XCTAssertEqual(decoded.name, "demo")
        // Every section decodes back into the planner's own type and encodes exactly as plan_section stores it.
        let stored = Dictionary(uniqueKeysWithValues: try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, body FROM plan_section WHERE plan_id = ?", arguments: [decoded.id]).map { ($0[0] as String, $0[1] as String) }
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func same<Value: Encodable>(_ value: Value, _ section: String) throws {
            XCTAssertEqual(String(decoding: try encoder.encode(value), as: UTF8.self), stored[section], "section \(section) does not round-trip")
        }
        try same(decoded.waves, "waves")
        try same(decoded.dependencies, "dependencies")
        try same(decoded.cycles, "cycles")
        try same(decoded.images, "images")
        try same(decoded.storage, "storage")
        try same(decoded.network, "network")
        try same(decoded.identity, "identity")
        try same(decoded.compute, "compute")
        try same(decoded.request, "request")
        // The items are the stored rows, in plan order, with their states.
        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT key, state, prerequisites, commands FROM plan_item WHERE plan_id = ? AND obsolete = 0 ORDER BY position
                """, arguments: [decoded.id])
        }
        XCTAssertGreaterThan(rows.count, 200)
        XCTAssertEqual(decoded.items.map(\.key), rows.map { $0[0] as String })
        XCTAssertEqual(decoded.items.map(\.state), rows.map { $0[1] as String })
        XCTAssertEqual(decoded.items.map(\.prerequisites), rows.map { Estate.strings($0[2]) })
        XCTAssertEqual(decoded.items.map(\.commands), rows.map { Estate.strings($0[3]) })
        XCTAssertEqual(decoded.items.filter { $0.state == "in_progress" }.count, rows.filter { ($0[1] as String) == "in_progress" }.count)
        XCTAssertGreaterThan(decoded.items.filter { $0.state == "in_progress" }.count, 0, "the demo starts items")
        // Encoding what was decoded gives the same text: nothing is lost or made up on the way.
        XCTAssertEqual(try StructuredOutput.json(decoded), json)
    }

    func testPlanJSONKeepsEveryKeyEvenWhenNull() throws {
        let database = try demo()
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try StructuredOutput.json(try PlanDocument.load(database)).utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["format", "id", "name", "assessmentID", "request", "waves", "dependencies", "cycles", "images", "storage",
                                          "network", "identity", "compute", "items"])
        let items = try XCTUnwrap(object["items"] as? [[String: Any]])
        for item in items {
            XCTAssertEqual(Set(item.keys), ["key", "phase", "step", "title", "cluster", "wave", "workload", "prerequisites", "evidence", "rollback",
                                            "commands", "rollbackCommands", "state", "note"])
        }
        XCTAssertTrue(items.contains { $0["workload"] is String }, "workload items name their workload")
        XCTAssertTrue(items.contains { $0["wave"] is NSNull }, "items outside a wave say null")
    }

    func testPlanYAMLCarriesTheSameDocument() throws {
        let database = try demo()
        let document = try PlanDocument.load(database)
        let yaml = try StructuredOutput.yaml(document)
        // Read under a wrapper key: the manifest reader would expand a top-level `items` as a Kubernetes List.
        let wrapped = "plan:\n" + yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        let parsed = try XCTUnwrap(try ManifestText.objects(wrapped).first?["plan"])
        XCTAssertEqual(parsed["items"]?.items.compactMap { $0["key"]?.string }, document.items.map(\.key))
        XCTAssertEqual(parsed["format"]?.int, 1)
        // Types survive: numbers and booleans plain, strings quoted (a name like "true" stays a string).
        XCTAssertEqual(parsed["waves"]?.items.first?["number"], .scalar(String(document.waves[0].number), plain: true))
        XCTAssertEqual(parsed["request", "landingZone", "privateEndpoint"], .scalar("false", plain: true))
        XCTAssertEqual(parsed["name"], .scalar("demo", plain: false))
    }

    func testCutoverListHasEveryItemOfTheDemoAndFiltersByStateClusterWaveAndPhase() throws {
        let database = try demo()
        let listing = try CutoverListing.load(database)
        let keys = try strings(database, "SELECT key FROM plan_item WHERE obsolete = 0 ORDER BY position")
        XCTAssertGreaterThan(keys.count, 200)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(TableRenderer.json(listing.table).utf8)) as? [[String: Any]])
        XCTAssertEqual(json.compactMap { $0["key"] as? String }, keys)
        XCTAssertTrue(json.allSatisfy { $0["prerequisites"] is [String] }, "prerequisites are arrays")
        XCTAssertTrue(json.allSatisfy { $0["id"] is Int })
        let started = json.filter { ($0["state"] as? String) == "in_progress" }
        XCTAssertFalse(started.isEmpty)
        XCTAssertEqual(started.compactMap { $0["owner"] as? String }, started.map { _ in "bob" }, "the owner is who changed it last")
        XCTAssertTrue(json.contains { $0["owner"] is NSNull && $0["changed"] is NSNull }, "an untouched item has no owner yet")

        let blocked = try CutoverListing.load(database, filter: .init(state: .blocked))
        XCTAssertEqual(blocked.rows.map(\.item.key), ["plan:cluster:prod"])
        let prodWave1 = try CutoverListing.load(database, filter: .init(wave: 1, cluster: "prod", phase: .cutover))
        XCTAssertFalse(prodWave1.rows.isEmpty)
        XCTAssertTrue(prodWave1.rows.allSatisfy { $0.item.wave == 1 && $0.item.cluster == "prod" && $0.item.phase == "cutover" })
        XCTAssertThrowsError(try CutoverListing.load(database, filter: .init(cluster: "prdo"))) { error in
            XCTAssertEqual("\(error)", "no cluster named 'prdo' in the inventory (clusters: prod, staging)")
        }
        XCTAssertThrowsError(try CutoverListing.load(database, plan: "nope"))
        // The table counts the prerequisites and keeps the title for -o wide.
        let text = TableRenderer.text(listing.table)
        XCTAssertTrue(text.hasPrefix("ID "))
        XCTAssertFalse(text.contains("TITLE"))
        XCTAssertTrue(TableRenderer.text(listing.table, wide: true).contains("TITLE"))
    }

    func testCutoverStatusJSONCountsEveryStateOfEveryGroup() throws {
        let database = try demo()
        let status = try CutoverStatus.load(database)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any])
        XCTAssertEqual(object["plan"] as? String, "demo")
        let phases = try XCTUnwrap(object["phases"] as? [[String: Any]])
        XCTAssertEqual(phases.compactMap { $0["group"] as? String }, ["assessment", "plan", "cutover"])
        let total = phases.reduce(0) { sum, phase in sum + ItemState.allCases.reduce(0) { $0 + ((phase[$1.rawValue] as? Int) ?? 0) } }
        XCTAssertEqual(total, try count(database, "SELECT count(*) FROM plan_item WHERE obsolete = 0"))
        let blocked = try XCTUnwrap(object["blocked"] as? [[String: Any]])
        XCTAssertEqual(blocked.compactMap { $0["key"] as? String }, ["plan:cluster:prod"])
        XCTAssertTrue((object["next"] as? [[String: Any]])?.allSatisfy { $0["note"] is NSNull || $0["note"] is String } ?? false)
    }

    func testCutoverShowJSONHasTheItemItsPrerequisitesAndHistory() throws {
        let database = try demo()
        let detail = try ItemDetail.load(database, handle: "plan:cluster:prod")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try StructuredOutput.json(detail.document).utf8)) as? [String: Any])
        XCTAssertEqual(object["key"] as? String, "plan:cluster:prod")
        XCTAssertEqual(object["state"] as? String, "blocked")
        XCTAssertEqual(object["note"] as? String, "waiting for the network team's Direct Connect to the new VPC")
        let history = try XCTUnwrap(object["history"] as? [[String: Any]])
        XCTAssertEqual(history.last?["actor"] as? String, "bob")
        XCTAssertEqual(history.last?["to"] as? String, "blocked")
        XCTAssertEqual(history.last?["forced"] as? Bool, false)
        let prerequisites = try XCTUnwrap(object["prerequisites"] as? [[String: Any]])
        XCTAssertEqual(prerequisites.compactMap { $0["key"] as? String }, detail.item.prerequisites)
        XCTAssertTrue(prerequisites.allSatisfy { $0["state"] is String })
    }
}
