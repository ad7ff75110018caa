import Foundation
import XCTest
@testable import EksodusCore

/// Names the API server would refuse never reach a command; values that are not quantities never crash an import.
final class HostileNamesImportTests: XCTestCase {
    func testNamesThatWouldReadAsOptionsAreSkippedWithAWarning() throws {
        let folder = try writeManifests(["all.yaml": """
            apiVersion: v1
            kind: Namespace
            metadata: {name: "--all"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: "--all"}
            spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: 'nginx:1.27'}]}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: "-f", namespace: shop}
            spec: {selector: {matchLabels: {app: f}}, template: {metadata: {labels: {app: f}}, spec: {containers: [{name: f, image: 'nginx:1.27'}]}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: ok, namespace: shop}
            spec: {selector: {matchLabels: {app: ok}}, template: {metadata: {labels: {app: ok}}, spec: {containers: [{name: ok, image: 'nginx:1.27'}]}}}
            """], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT namespace || '/' || name FROM workload ORDER BY 1"), ["shop/ok"])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE name LIKE '-%' OR namespace LIKE '-%'"), 0)
        let warnings = summary.notices.map(\.message).joined(separator: "\n")
        XCTAssertTrue(warnings.contains("not a DNS label"), warnings)
        XCTAssertTrue(warnings.contains("starts with '-'"), warnings)
    }

    /// bash cuts a word at NUL (`$'web\x00x'` is `web`): such a name would make a runbook command act on another object.
    func testANameWithANulIsSkippedWithAWarning() throws {
        let folder = try writeManifests(["all.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: "web\\0x", namespace: shop}
            spec: {selector: {matchLabels: {app: w}}, template: {metadata: {labels: {app: w}}, spec: {containers: [{name: w, image: 'nginx:1.27'}]}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: 'nginx:1.27'}]}}}
            """], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT namespace || '/' || name FROM workload ORDER BY 1"), ["shop/web"])
        let warnings = summary.notices.map(\.message).joined(separator: "\n")
        XCTAssertTrue(warnings.contains("holds a NUL"), warnings)
    }

    /// The API server refuses names that are no path segment: with a '/', `traffic:c:service/lb/x/y` named two frontends.
    func testNamesThatAreNoPathSegmentAreSkippedWithAWarning() throws {
        let folder = try writeManifests(["all.yaml": """
            apiVersion: v1
            kind: Service
            metadata: {name: x/y, namespace: lb}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: "50%", namespace: lb}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: "..", namespace: lb}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: "web.v2", namespace: lb}
            spec: {ports: [{port: 80}]}
            """], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT namespace || ' ' || name FROM resource WHERE kind = 'Service' ORDER BY 1"), ["lb web.v2"])
        let warnings = summary.notices.map(\.message).joined(separator: "\n")
        XCTAssertEqual(warnings.components(separatedBy: "is no path segment name").count - 1, 3, warnings)
    }

    func testAClusterNameMustStartWithALetterOrDigit() throws {
        let folder = try writeManifests(["a.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"], test: self)
        for name in ["--all", "-f", ".hidden", "ünï"] {
            XCTAssertThrowsError(try importPaths([folder.path], cluster: name, into: try AppDatabase.inMemory()), name)
        }
    }

    func testQuantitiesBeyondAnIntAreNotUsableAndDoNotCrash() throws {
        for text in ["1e308", "99999999999999999999", "9223372036854775807", "9999999999999999999999Ei", "1e400", "-1"] {
            XCTAssertNil(Quantity.millicores(text), text)
            XCTAssertNil(Quantity.bytes(text + (text.hasSuffix("Ei") ? "" : "")), text)
        }
        XCTAssertEqual(Quantity.millicores("250m"), 250)
        XCTAssertEqual(Quantity.bytes("1Gi"), 1_073_741_824)
        let folder = try writeManifests(["big.yaml": CheckSupport.deployment(pod: """
                  containers: [{name: app, image: 'nginx:1.27', resources: {requests: {cpu: "1e308", memory: "9999999999999999999999Ei"}}}]
            """)], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload"), 1)
    }
}

final class HostileOutputTests: XCTestCase {
    func testCSVCellsNeverStartAFormula() {
        let csv = TableRenderer.csv(Table(columns: ["name"], rows: [[.text("@SUM(1+1)*cmd|' /C calc'!A0")], [.text("=1+1")], [.text("-5")], [.text("web")]]))
        let lines = csv.split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines, ["name", "'@SUM(1+1)*cmd|' /C calc'!A0", "'=1+1", "-5", "web"])
    }

    func testAllowListsKeepOnlyNetworks() {
        XCTAssertEqual(LoadBalancerExposure.cidrs("10.0.0.0/8, 1.2.3.4/32\nalb.ingress.kubernetes.io/scheme: internet-facing"), ["10.0.0.0/8", "1.2.3.4/32"])
        XCTAssertEqual(LoadBalancerExposure.cidrs("0.0.0.0/0\n- 1.2.3.4/32,evil: 1,2001:db8::/32"), ["0.0.0.0/0", "1.2.3.4/32", "2001:db8::/32"])
    }

    func testRunbookFileNamesAreNeverOptionsNorTooLong() {
        let long = ShellQuote.fileName(["c", "default", "deployment", String(repeating: "L", count: 300)], suffix: ".eks.json")
        XCTAssertLessThanOrEqual(long.utf8.count, 120)
        XCTAssertNotEqual(long, ShellQuote.fileName(["c", "default", "deployment", String(repeating: "L", count: 299)], suffix: ".eks.json"))
        XCTAssertFalse(ShellQuote.fileName(["-f", "x"]).hasPrefix("-"))
    }
}
