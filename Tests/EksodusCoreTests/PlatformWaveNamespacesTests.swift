import Foundation
import XCTest
@testable import EksodusCore

/// Wave 0 makes the namespaces idempotently: eksctl already made those of its IAM ServiceAccounts and plan:secrets those of
/// its stores, and `kubectl create namespace` stopped the platform wave with AlreadyExists.
final class PlatformWaveNamespacesTests: XCTestCase {
    func testNamespacesAreAppliedSoOnesThatExistDoNotStopTheWave() throws {
        let plan = try DemoPlanOnce.plan()
        let platform = try XCTUnwrap(plan.items.first { $0.keyText == "plan:platform:prod" })
        let lines = platform.commands.filter { $0.contains("create namespace") }
        XCTAssertFalse(lines.isEmpty)
        let bin = try temporaryFolder(self)
        // A kubectl that refuses to create what exists, as the API server does, and applies anything.
        try """
            #!/bin/sh
            case "$*" in
              *"create namespace"*"--dry-run=client"*) echo "apiVersion: v1"; echo "kind: Namespace" ;;
              *"create namespace"*) echo 'Error from server (AlreadyExists)' >&2; exit 1 ;;
              *"apply -f -"*) cat >/dev/null ;;
              *) exit 2 ;;
            esac
            """.write(to: bin.appendingPathComponent("kubectl"), atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(bin.appendingPathComponent("kubectl").path, 0o755), 0)
        for line in lines {
            let result = try GateShell.run(line, environment: ["PATH": bin.path + ":/usr/bin:/bin"], pipefail: true)
            XCTAssertEqual(result.status, 0, line)
        }
    }
}
