import Foundation
import XCTest
@testable import EksodusCore

/// Names the API server would refuse never reach a command; values that are not quantities never crash an import.
final class HostileNamesImportTests: XCTestCase {
    // Names the API server refuses (`--all` as a namespace, `-f` as a Deployment, NUL, '/', '%', '..') stop the import:
    // ImportValidationTests. A name it accepts but a command would misread is left out with a warning:
    func testAPathSegmentNameThatWouldReadAsAnOptionIsSkippedWithAWarning() throws {
        let folder = try writeManifests(["all.yaml": """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: "-f"}
            rules: []
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: "system:controller:ok"}
            rules: []
            """], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT name FROM resource ORDER BY 1"), ["system:controller:ok"])
        let warnings = summary.notices.map(\.message).joined(separator: "\n")
        XCTAssertTrue(warnings.contains("starts with '-'"), warnings)
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
