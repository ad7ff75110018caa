import Foundation
import XCTest
@testable import EksodusCore

/// What the assessment, the Fargate column, the storage plan and the runbook say of one volume is the one thing the plan
/// does, on the demo estate: a data store's claim moves by its replication, a shared claim goes to EFS, Prometheus starts empty.
final class StorageStoriesAgreeTests: XCTestCase {
    nonisolated(unsafe) private static var demo: Demo.Result?

    private func demo() throws -> Demo.Result {
        if let made = Self.demo { return made }
        var run = Demo(folder: try temporaryFolder(self), now: fixedNow)
        run.tracksProgress = false
        let made = try run.run()
        Self.demo = made
        return made
    }

    func testSTO005NamesTheDataStoresReplicationWhereTheStoragePlanReplicates() throws {
        let result = try demo()
        let findings = result.assessment.clusters.flatMap(\.findings).filter { $0.checkID == "STO005" }
        XCTAssertFalse(findings.isEmpty)
        let storage = result.plan.storage.entries
        for finding in findings where finding.kind == "StatefulSet" {
            // The storage plan's entry of the same workload and its method.
            let entry = try XCTUnwrap(storage.first { $0.owner == "StatefulSet/\(finding.name)" && $0.namespace == finding.namespace }, finding.message)
            XCTAssertTrue(finding.message.contains(entry.copyMethod), "\(finding.message) | plan: \(entry.copyMethod)")
            XCTAssertFalse(finding.message.contains("Velero"), finding.message)
        }
        let replicated = findings.filter { $0.message.contains("REPLICAOF") || $0.message.contains("Shovel") }
        XCTAssertFalse(replicated.isEmpty, "the Redis and RabbitMQ claims: \(findings.map(\.message))")
    }

    func testTheFargateColumnJudgesAnEFSClaimAsEFSNotAsBlockStorage() throws {
        let result = try demo()
        let prod = try XCTUnwrap(result.assessment.clusters.first { $0.cluster.name == "prod" })
        let claim = try XCTUnwrap(result.plan.storage.entries.first { $0.cluster == "prod" && $0.owner.hasSuffix("/media-upload") || $0.name == "media-uploads" })
        XCTAssertEqual(claim.targetClass, StoragePlan.efs)
        let reasons = try XCTUnwrap(prod.profiles[try XCTUnwrap(claim.workloadID)]).fargateReasons
        XCTAssertFalse(reasons.contains { $0.hasPrefix("block storage") }, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.contains("static PersistentVolume") }, "\(reasons)")
    }

    func testThePrometheusVolumeIsNotCopiedInThePlanAsInTheRunbook() throws {
        let result = try demo()
        let tsdb = try XCTUnwrap(result.plan.storage.entries.first { $0.owner == "StatefulSet/prometheus" })
        XCTAssertEqual(tsdb.copyMethod, StoragePlan.freshMonitoring)
        XCTAssertFalse(tsdb.copyMethod.contains("rsync"))
        let deploy = try XCTUnwrap(result.plan.items.first { $0.keyText == "deploy:prod/monitoring/prometheus" })
        XCTAssertTrue(deploy.title.contains("empty"), deploy.title)
        XCTAssertFalse(result.plan.items.contains { $0.keyText == "data:prod/monitoring/prometheus" }, "no copy step")
    }
}
