import Foundation
import XCTest
@testable import EksodusCore

/// The rollback rehearsal, as an EKS migration engineer expects it on the demo: production's rehearses a served
/// workload's switch (not a finished Job), staging (the lowest environment) rehearses a database's promotion and switches
/// rolled back and redone, and production's first application wave waits for staging's rehearsal. Every step it runs
/// exists, every rollback it runs has commands, and the forward runs follow the runbook's order.
final class RollbackRehearsalTests: XCTestCase {
    private func items() throws -> [String: PlanItem] {
        Dictionary(try DemoPlanOnce.plan().items.map { ($0.keyText, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The keys of `eksodus cutover run|reopen 'KEY'` lines, with whether each is a rollback.
    private func runs(_ item: PlanItem, verb: String = "run") -> [(key: String, rollback: Bool)] {
        item.commands.compactMap { line in
            guard line.hasPrefix("eksodus cutover \(verb) '"), let end = line.dropFirst("eksodus cutover \(verb) '".count).firstIndex(of: "'") else { return nil }
            return (String(line[line.index(line.startIndex, offsetBy: "eksodus cutover \(verb) '".count)..<end]), line.hasSuffix(" --rollback"))
        }
    }

    func testProductionRehearsesAServedWorkloadsSwitchNeverAJob() throws {
        let items = try items()
        let rehearsal = try XCTUnwrap(items["rehearsal:prod"])
        let runs = runs(rehearsal)
        XCTAssertFalse(runs.isEmpty, "\(rehearsal.commands)")
        for run in runs {
            let step = try XCTUnwrap(items[run.key], "\(run.key) is no item of the plan")
            XCTAssertFalse(run.key.contains("catalog-reindex") || run.key.hasPrefix("deploy:prod/batch"), "a finished Job has nothing to roll back: \(run.key)")
            if run.rollback { XCTAssertFalse(step.rollbackCommands.isEmpty, "\(run.key) has no rollback to rehearse") }
        }
        XCTAssertTrue(runs.contains { $0.rollback && $0.key.hasPrefix("traffic:prod:") }, "a served name moved back: \(rehearsal.commands)")
        // No copied store's switch is rolled back alone in production: its consumers would reach a source without EKS's writes.
        XCTAssertFalse(runs.contains { $0.rollback && ($0.key.hasPrefix("redirect:") || $0.key.hasPrefix("promote:")) }, "\(rehearsal.commands)")
    }

    func testStagingRehearsesADatabasePromotionAndProductionWaitsForIt() throws {
        let plan = try DemoPlanOnce.plan()
        let items = try items()
        let rehearsal = try XCTUnwrap(items["rehearsal:staging"])
        let runs = runs(rehearsal)
        let rolledBack = runs.filter(\.rollback).map(\.key), forward = runs.filter { !$0.rollback }.map(\.key)
        let promote = try XCTUnwrap(rolledBack.first { $0.hasPrefix("promote:staging/") }, "a database promotion rolled back: \(rehearsal.commands)")
        let workload = String(promote.dropFirst("promote:".count))
        XCTAssertTrue(rolledBack.contains("data:" + workload), "its EKS copy deleted before it is copied again")
        XCTAssertLessThan(try XCTUnwrap(rolledBack.firstIndex { $0.hasPrefix("redirect:") }), try XCTUnwrap(rolledBack.firstIndex(of: promote)), "switches back first, then the promotion")
        // The consumers restart (the reconnect's rollback) only once the redirect is undone, so they reach the source copy.
        XCTAssertLessThan(try XCTUnwrap(rolledBack.firstIndex(of: "redirect:" + workload)), try XCTUnwrap(rolledBack.firstIndex(of: "reconnect:" + workload)), "\(rolledBack)")
        for key in rolledBack { XCTAssertFalse(try XCTUnwrap(items[key], key).rollbackCommands.isEmpty, "\(key) has no rollback") }
        // Forward again in the runbook's order, every step that was done reopened or rolled back first.
        let position = Dictionary(plan.items.enumerated().map { ($0.element.keyText, $0.offset) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(forward.map { position[$0] ?? -1 }, forward.map { position[$0] ?? -1 }.sorted(), "\(forward)")
        let reopened = self.runs(rehearsal, verb: "reopen").map { $0.key }
        XCTAssertEqual(Set(forward), Set(rolledBack).union(reopened), "each forward run starts from pending")
        for key in ["deploy:", "data:", "data-verify:", "freeze:", "promote:"] { XCTAssertTrue(forward.contains(key + workload), key) }

        // Production's first application wave starts after it, and nothing in staging waits for production (no cycle).
        let gate = try XCTUnwrap(items["gate:prod:wave-1"])
        XCTAssertTrue(gate.prerequisites.contains(.cutover(.rehearsal, cluster: "staging")), "\(gate.prerequisites)")
        XCTAssertLessThan(try XCTUnwrap(position["rehearsal:staging"]), try XCTUnwrap(position["gate:prod:wave-1"]))
        XCTAssertFalse(items["gate:staging:wave-1"]?.prerequisites.contains(.cutover(.rehearsal, cluster: "prod")) ?? true)
    }

    /// One environment only: no promotion is rolled back and redone in production, and no gate waits for another cluster.
    func testASingleEnvironmentRehearsesNoPromotion() throws {
        let manifests = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: data}
            spec:
              serviceName: db
              replicas: 1
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  containers:
                  - {name: postgres, image: "postgres:16.2", volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]}
              volumeClaimTemplates:
              - metadata: {name: data}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: data}
            spec: {selector: {app: db}, ports: [{port: 5432}]}
            """
        let plan = try planAndConvert(manifests, test: self).plan
        let rehearsal = try XCTUnwrap(plan.items.first { $0.keyText == "rehearsal:src" })
        XCTAssertFalse(rehearsal.commands.contains { $0.contains("'promote:") || $0.contains("'redirect:") }, "\(rehearsal.commands)")
    }
}
