import Foundation
import XCTest
@testable import EksodusCore

/// Readiness explains itself: blockers are counted on the workloads they are about, and a blocked cluster never
/// outranks a clear one.
final class ReadinessTests: XCTestCase {
    func assess(_ paths: [(String, String)]) throws -> (AssessmentResult, AppDatabase) {
        let database = try AppDatabase.inMemory()
        for (path, cluster) in paths { try importPaths([path], cluster: cluster, into: database) }
        let result = try Assessor(database: database, reference: try ReferenceData.embedded()).run(target: KubernetesVersion(major: 1, minor: 33), now: fixedNow)
        return (result, database)
    }

    /// Sock Shop 2018's Deployments are extensions/v1beta1: the removed API is a blocker of each Deployment.
    func testRemovedAPIFindingsAreBlockersOfTheWorkloadsTheyAreAbout() throws {
        let fixtures = try requireFixtures()
        let (result, _) = try assess([(fixtures.appendingPathComponent("08-sock-shop-2018-old-apis/manifests").path, "old")])
        let cluster = try XCTUnwrap(result.clusters.first)
        let carts = try XCTUnwrap(cluster.workloads.first { $0.label == "Deployment/sock-shop/carts" })
        let api = cluster.findings.filter { $0.checkID == "API001" && $0.resourceID == carts.resourceID }
        XCTAssertFalse(api.isEmpty)
        XCTAssertTrue(api.allSatisfy { $0.workloadID == carts.id })
        let byResource = Dictionary(cluster.workloads.compactMap { w in w.resourceID.map { ($0, w.id) } }, uniquingKeysWith: { a, _ in a })
        for finding in cluster.findings {
            if let resource = finding.resourceID, let workload = byResource[resource] { XCTAssertEqual(finding.workloadID, workload, "\(finding.checkID) \(finding.name)") }
        }
        let row = try XCTUnwrap(AssessmentOutput.summary(result, worst: 100).split(separator: "\n").first { $0.hasPrefix("Deployment/sock-shop/carts ") })
        let blockers = try XCTUnwrap(row.split(separator: " ").last.flatMap { Int($0) })
        XCTAssertEqual(blockers, cluster.findings.filter { $0.workloadID == carts.id && $0.severity == .blocker }.count)
        XCTAssertGreaterThanOrEqual(blockers, 1, String(row))
    }

    /// "blocked": nine clean Deployments and one with four blockers (a removed API, the Docker socket, a static AWS key,
    /// a sidecar without an image).
    /// "clear": ten Deployments with warnings only (no probes, no requests, Docker Hub :latest). The blocked one must rank lower.
    func testAClusterWithBlockersNeverScoresAboveOneWithoutAndTheReportSaysWhy() throws {
        let clean = (0..<9).map { index in
            CheckSupport.deployment("web\(index)", replicas: 2, pod: CheckSupport.goodContainer)
        }
        let blocked = """
            apiVersion: extensions/v1beta1
            kind: Deployment
            metadata: {name: agent, namespace: shop}
            spec:
              replicas: 2
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  containers:
                  - name: agent
                    image: 'quay.io/acme/agent:1.0.0'
                    env: [{name: AWS_SECRET_ACCESS_KEY, value: not-a-real-key}]
                    volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]
                  - {name: sidecar, image: ''}
                  volumes: [{name: docker, hostPath: {path: /var/run/docker.sock}}]
            """
        let warned = (0..<10).map { index in
            CheckSupport.deployment("api\(index)", replicas: 1, pod: "      containers: [{name: api, image: 'nginx'}]")
        }
        let blockedFolder = try writeManifests(["apps.yaml": (clean + [blocked]).joined(separator: "\n---\n")], test: self)
        let clearFolder = try writeManifests(["apps.yaml": warned.joined(separator: "\n---\n")], test: self)
        let (result, database) = try assess([(blockedFolder.path, "blocked"), (clearFolder.path, "clear")])
        let scores = Dictionary(uniqueKeysWithValues: result.clusters.map { ($0.cluster.name, ($0.readiness, $0.count(.blocker))) })
        let (blockedScore, blockers) = try XCTUnwrap(scores["blocked"])
        let (clearScore, none) = try XCTUnwrap(scores["clear"])
        XCTAssertGreaterThanOrEqual(blockers, 4, "\(result.clusters.flatMap(\.findings).filter { $0.severity == .blocker }.map { "\($0.checkID) \($0.name) \($0.system)" })")
        XCTAssertEqual(none, 0)
        XCTAssertLessThan(blockedScore, clearScore, "\(scores)")
        XCTAssertLessThan(blockedScore, 50)
        XCTAssertGreaterThanOrEqual(clearScore, 50)
        // More blockers never raise the score.
        for complexity in stride(from: 0.0, through: 1.0, by: 0.1) {
            for count in 0..<12 {
                XCTAssertLessThanOrEqual(Assessor.readiness(complexity: complexity, blockers: count + 1), Assessor.readiness(complexity: complexity, blockers: count))
                XCTAssertLessThan(Assessor.readiness(complexity: 0, blockers: count + 1), Assessor.readiness(complexity: 1, blockers: 0))
            }
        }
        // The report states the formula.
        let plan = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        _ = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(plan)
        let report = try XCTUnwrap(try ReportRenderer(database: database, now: fixedNow).render(.assessment, format: .markdown).first).text
        XCTAssertTrue(report.contains("How readiness is scored: "), report)
        XCTAssertTrue(report.contains(MarkdownText.escape(Assessor.readinessFormula)))
    }
}
