import Foundation
import XCTest
@testable import EksodusCore

/// On the demo: Grafana's database URL and the shop's RabbitMQ URL (a ConfigMap) hold masked passwords, so convert holds
/// their files back; the deploys of Grafana and of the shop's workloads reading that ConfigMap wait for a decision whose
/// commands fail, in bash, until the hand-written file is there without the marker and the ConfigMap is on EKS.
final class MaskedCredentialsDecisionTests: XCTestCase {
    private func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key) in \(plan.items.map(\.keyText).filter { $0.hasPrefix("credentials:") })")
    }

    func testGrafanasDeployWaitsForItsHeldFileAndTheCheckFailsUntilItIsWritten() throws {
        let plan = try DemoPlanOnce.plan()
        let decision = try item("credentials:prod/monitoring/grafana", in: plan)
        XCTAssertTrue(try item("deploy:prod/monitoring/grafana", in: plan).prerequisites.contains(decision.key))
        XCTAssertTrue(decision.evidence.contains("GF_DATABASE_URL"), decision.evidence)
        let folder = try temporaryFolder(self)
        let path = "converted/" + ConvertedLayout.workloadPath(cluster: "prod", wave: try XCTUnwrap(decision.wave), label: "Deployment/monitoring/grafana")
        let script = "cd \(ShellQuote.word(folder.path))\nset -e\n" + decision.commands.joined(separator: "\n")
        XCTAssertNotEqual(try GateShell.run(script).status, 0, "no file written yet")
        let file = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: file)
        XCTAssertNotEqual(try GateShell.run(script).status, 0, "an empty file")
        try Data("value: \"postgres://grafana:\(SecretRedaction.marker)@db/grafana\"\n".utf8).write(to: file)
        XCTAssertNotEqual(try GateShell.run(script).status, 0, "the marker is still in it")
        try Data("valueFrom: {secretKeyRef: {name: grafana-db, key: url}}\n".utf8).write(to: file)
        XCTAssertEqual(try GateShell.run(script).status, 0, "written by hand")
    }

    func testConsumersOfAHeldConfigMapWaitUntilItIsOnEKS() throws {
        let plan = try DemoPlanOnce.plan()
        let decisions = plan.items.filter { $0.key.step == .credentials && $0.evidence.contains("ConfigMap shop/shop-endpoints") }
        XCTAssertFalse(decisions.isEmpty, "\(plan.items.filter { $0.key.step == .credentials }.map(\.keyText))")
        for decision in decisions {
            let deploy = try XCTUnwrap(plan.items.first { $0.key == .workload(.deploy, try XCTUnwrap(decision.key.workload)) })
            XCTAssertTrue(deploy.prerequisites.contains(decision.key), deploy.keyText)
            let script = """
                kubectl() { [ "${FAIL:-}" != 1 ] || return 1; printf '%b' "${OUT:-}"; }
                set -e
                """ + "\n" + decision.commands.filter { $0.contains("configmap") }.joined(separator: "\n")
            XCTAssertNotEqual(try GateShell.run(script, environment: ["FAIL": "1"], pipefail: true).status, 0, "kubectl fails")
            XCTAssertNotEqual(try GateShell.run(script, environment: ["OUT": ""], pipefail: true).status, 0, "no ConfigMap answered")
            XCTAssertEqual(try GateShell.run(script, environment: ["OUT": "configmap/shop-endpoints\\n"], pipefail: true).status, 0)
        }
    }
}

/// The demo's converted folder, as `eksodus convert` writes it: no file carries the marker, and what was held back is a TODO.
extension RunbookSafetyTests {
    func testTheDemosConvertedFilesNeverCarryTheRedactionMarker() throws {
        let (_, folder) = try demo()
        let converted = folder.appendingPathComponent("converted")
        var yamlFiles = 0
        var todos = ""
        for case let url as URL in try XCTUnwrap(FileManager.default.enumerator(at: converted, includingPropertiesForKeys: nil)) {
            guard !url.hasDirectoryPath, let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            if url.lastPathComponent == "CHANGES.md" { todos += text; continue }
            yamlFiles += 1
            XCTAssertFalse(text.contains("<redacted"), "\(url.path) would deploy the redaction marker")
        }
        XCTAssertGreaterThan(yamlFiles, 20)
        XCTAssertTrue(todos.contains("Deployment monitoring/grafana not written (held until decided"), "Grafana's URL held a masked password")
        XCTAssertTrue(todos.contains("ConfigMap shop/shop-endpoints not written (held until decided"), "the shop's RabbitMQ URL held one")
    }
}
