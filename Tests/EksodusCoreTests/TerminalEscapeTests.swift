import Foundation
import XCTest
@testable import EksodusCore

/// What eksodus prints or writes for a reader's terminal never carries a manifest's escape sequences: ESC ] 0;…BEL
/// retitles the window, ESC [2J clears it, and a line break in a value would forge a line of the outline.
final class TerminalEscapeTests: XCTestCase {
    static let escape = "\u{1B}]0;PWNED\u{07}\u{1B}[2J"

    func plan() throws -> TransitionPlan {
        let hostile = Self.escape
        let manifests = """
        {"apiVersion": "v1", "kind": "List", "items": [
         {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "app"},
          "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}}, "template": {"metadata": {"labels": {"app": "api"}},
           "spec": {"containers": [{"name": "api", "image": "reg.example.com/api:1",
            "env": [{"name": "DB_URL", "value": "postgres://db.data.svc.cluster.local:5432/\(hostile)\\nwave 9 [forged]: x"}]}]}}}},
         {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "data"},
          "spec": {"replicas": 1, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}}, "template": {"metadata": {"labels": {"app": "db"}},
           "spec": {"containers": [{"name": "pg", "image": "postgres:16.4"}]}},
           "volumeClaimTemplates": [{"metadata": {"name": "d"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast\(hostile)",
            "resources": {"requests": {"storage": "1Gi"}}}}]}},
         {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "data"},
          "spec": {"selector": {"app": "db"}, "ports": [{"port": 5432}]}}
        ]}
        """.replacingOccurrences(of: "\u{1B}", with: "\\u001b").replacingOccurrences(of: "\u{07}", with: "\\u0007")
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["estate.json": manifests], test: self)
        try importPaths([folder.path], cluster: "c1", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    func testPlanOutlineShowsInputAsVisibleLines() throws {
        let plan = try plan()
        XCTAssertTrue(plan.dependencies.contains { $0.evidence.contains("\u{1B}") }, "the estate carries the escape into the plan")
        let outline = PlanOutline.text(plan)
        XCTAssertFalse(outline.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, outline)
        XCTAssertTrue(outline.contains("5432/\\u{1B}"), "shown, not dropped: \(outline)")
        XCTAssertFalse(outline.split(separator: "\n").contains { $0.hasPrefix("wave 9 [forged]") }, outline)
    }

    /// Tab, CR and LF are data inside a quoted CSV field and stay; ESC, BEL, C1 and bidi controls are spelled out.
    func testCSVCellsCarryNoTerminalControls() throws {
        let table = Table(columns: ["name", "note"], rows: [
            [.text("web" + Self.escape), .text("a\tb\r\nc")], [.text("x\u{9B}31m\u{85}"), .text("pay\u{202E}lav")], [.text("plain"), .text("ünï, \"q\"")],
        ])
        let csv = TableRenderer.csv(table)
        XCTAssertFalse(csv.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" || $0 == "\u{85}" || $0 == "\u{202E}" }, csv)
        XCTAssertEqual(csv, "name,note\r\n"
            + "web\\u{1B}]0;PWNED\\u{7}\\u{1B}[2J,\"a\tb\r\nc\"\r\n"
            + "x\\u{9B}31m\\u{85},pay\\u{202E}lav\r\n"
            + "plain,\"ünï, \"\"q\"\"\"\r\n")
        // Long cells go eight bytes at a time: a control past the first words is found too.
        let long = String(repeating: "abcdefgh", count: 9) + "\u{1B}[2J" + String(repeating: "z", count: 20)
        XCTAssertFalse(TableRenderer.csv(Table(columns: ["c"], rows: [[.text(long)]])).contains("\u{1B}"))
    }
}
