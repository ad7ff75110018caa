import Foundation
import XCTest
@testable import EksodusCore

/// A switch's rollback is often run in a shell of its own: without the EKS load balancer's name its change fails, rather
/// than send Route 53 a batch naming an empty EKS record.
final class TrafficRollbackShellTests: XCTestCase {
    func testARollbackInAFreshShellStopsBeforeAnyChange() throws {
        let traffic = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "traffic:prod:shop.acme.example" })
        let changes = traffic.rollbackCommands.filter { $0.contains("change-resource-record-sets") }
        XCTAssertFalse(changes.isEmpty)
        let folder = try temporaryFolder(self)
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"$*\" >> \"$CALLS\"\necho /change/C1\n".write(to: bin.appendingPathComponent("aws"), atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(bin.appendingPathComponent("aws").path, 0o755), 0)
        let record = try XCTUnwrap(changes[0].firstMatch(of: /'([^'\/]+\.dns-record\.json)'/)?.1)
        try #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
            .write(to: folder.appendingPathComponent(String(record)), atomically: true, encoding: .utf8)
        let calls = folder.appendingPathComponent("calls").path
        for line in changes {
            let result = try GateShell.run("cd " + ShellQuote.word(folder.path) + "\nunset EKS_LB LB_ZONE\n" + line, environment: ["PATH": bin.path + ":/usr/bin:/bin", "CALLS": calls])
            XCTAssertNotEqual(result.status, 0, line)
        }
        XCTAssertFalse(((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").contains("change-resource-record-sets"), "no batch reached Route 53")
    }
}
