import Foundation
import XCTest
@testable import EksodusCore

/// Kubernetes-style listings: short access modes, Gi/Mi sizes, long columns behind -o wide, and JSON that keeps types.
final class ListingTypesTests: XCTestCase {
    let table = Table(columns: ["name", "ready", "size_bytes", "modes", "digest"], rows: [
        [.text("data-0"), .bool(true), .bytes(10 * 1_073_741_824), .list(["ReadWriteOnce", "ReadOnlyMany"], shown: "RWO,ROX"), .text("sha256:abc")],
        [.text("cache"), .bool(false), .bytes(512 * 1_048_576), .list([]), .null],
    ], wideColumns: ["digest"], headers: ["size_bytes": "size"])

    func testTableShowsShortFormsAndHidesWideColumns() {
        let text = TableRenderer.text(table)
        XCTAssertEqual(text.split(separator: "\n").first.map(String.init), "NAME     READY   SIZE    MODES")
        XCTAssertTrue(text.contains("10Gi"))
        XCTAssertTrue(text.contains("512Mi"))
        XCTAssertTrue(text.contains("RWO,ROX"))
        XCTAssertFalse(text.contains("sha256:abc"))
        XCTAssertTrue(TableRenderer.render(table, as: .wide).contains("sha256:abc"))
    }

    func testJSONYAMLAndCSVKeepTheData() throws {
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(TableRenderer.json(table).utf8)) as? [[String: Any]])
        XCTAssertEqual(json[0]["ready"] as? Bool, true)
        // Written as JSON's own true/false, not 1/0 or "yes" (JSONSerialization alone cannot tell them apart on Linux).
        XCTAssertTrue(TableRenderer.json(table).contains("\"ready\": true"), TableRenderer.json(table))
        XCTAssertTrue(TableRenderer.json(table).contains("\"ready\": false"))
        XCTAssertEqual(json[0]["size_bytes"] as? Int, 10_737_418_240)
        XCTAssertEqual(json[0]["modes"] as? [String], ["ReadWriteOnce", "ReadOnlyMany"])
        XCTAssertEqual(json[0]["digest"] as? String, "sha256:abc", "JSON carries the wide columns")
        XCTAssertTrue(json[1]["digest"] is NSNull)
        let yaml = TableRenderer.yaml(table)
        XCTAssertTrue(yaml.contains("ready: true"))
        XCTAssertTrue(yaml.contains("size_bytes: 10737418240"))
        XCTAssertEqual(TableRenderer.csv(table).split(separator: "\r\n").dropFirst().first.map(String.init),
                       "data-0,true,10737418240,ReadWriteOnce ReadOnlyMany,sha256:abc")
        XCTAssertEqual(TableRenderer.json(Table(columns: ["a"])), "[]\n")
        // Invisible separators are escaped, as JSONWriter does (libyaml reads eksodus's JSON back).
        XCTAssertEqual(TableRenderer.json(Table(columns: ["a"], rows: [[.text("x\u{2028}y\u{FEFF}\u{85}")]])), "[\n  {\"a\": \"x\\u2028y\\ufeff\\u0085\"}\n]\n")
        XCTAssertTrue(try StructuredOutput.json(["k": "a\u{2029}b"]).contains("a\\u2029b"))
    }

    func testInventoryListingsOfTheSampleUseKubernetesForms() throws {
        let folder = try temporaryFolder(self)
        var run = Demo(folder: folder, now: fixedNow)
        run.tracksProgress = false
        let database = try AppDatabase.open(path: try run.run().databasePath)
        let volumes = try InventoryQuery().table(.volumes, in: database)
        let modes = volumes.column("access_modes")
        XCTAssertFalse(modes.isEmpty)
        for cell in modes {
            guard case .list(let full, let shown) = cell else { return XCTFail("access modes are a list: \(cell)") }
            XCTAssertEqual(shown, full.map { InventoryQuery.accessModeAbbreviations[$0] ?? $0 }.joined(separator: ","))
            XCTAssertTrue(full.allSatisfy { InventoryQuery.accessModeAbbreviations[$0] != nil }, "\(full)")
        }
        XCTAssertTrue(volumes.column("size_bytes").contains { if case .bytes = $0 { return true } else { return false } })
        let text = TableRenderer.text(volumes)
        XCTAssertTrue(text.contains("RWO"))
        XCTAssertTrue(text.range(of: #"\b[0-9.]+Gi\b"#, options: .regularExpression) != nil, text)
        // Images: the reference in the table, the normalised name (and digest) only with -o wide.
        let images = try InventoryQuery().table(.images, in: database)
        let header = TableRenderer.text(images).split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertTrue(header.contains("REFERENCE"))
        XCTAssertFalse(header.contains("NORMALIZED"))
        XCTAssertTrue(TableRenderer.render(images, as: .wide).split(separator: "\n").first?.contains("NORMALIZED") ?? false)
        // Ingress TLS is a boolean in JSON.
        let ingresses = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(TableRenderer.json(try InventoryQuery().table(.ingresses, in: database)).utf8)) as? [[String: Any]])
        XCTAssertFalse(ingresses.isEmpty)
        XCTAssertEqual(ingresses.count, TableRenderer.json(try InventoryQuery().table(.ingresses, in: database)).components(separatedBy: "\"tls\": ").count - 1)
        XCTAssertTrue(TableRenderer.json(try InventoryQuery().table(.ingresses, in: database)).range(of: #""tls": (true|false)\}"#, options: .regularExpression) != nil)
        let workloads = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(TableRenderer.json(try InventoryQuery().table(.workloads, in: database)).utf8)) as? [[String: Any]])
        XCTAssertTrue(workloads.contains { $0["memory_request_bytes"] is Int })
        XCTAssertTrue(workloads.allSatisfy { $0["images"] is [String] })
        XCTAssertThrowsError(try ClusterScope.require("nope", in: database))
    }
}
