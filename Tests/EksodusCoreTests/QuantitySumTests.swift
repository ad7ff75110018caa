import Foundation
import XCTest
@testable import EksodusCore

/// Each quantity below Int.max is usable on its own; what the import and the compute plan add up from hostile exports
/// (containers of a pod, nodes of a cluster, pods × replicas) must never trap on overflow.
final class QuantitySumTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func computePlan(_ database: AppDatabase) throws -> ComputePlan {
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try XCTUnwrap(try TransitionPlanner(database: database, reference: reference).run(request).compute.first)
    }

    func testAPodMetricsWhoseContainersAddUpBeyondAnIntIsReadAsTheLargestUsableValue() throws {
        let folder = try writeManifests(["metrics.yaml": """
            apiVersion: metrics.k8s.io/v1beta1
            kind: PodMetrics
            metadata: {name: web-7d4b9c-abcde, namespace: shop}
            timestamp: "2026-11-30T10:00:00Z"
            containers:
            - {name: a, usage: {cpu: "5000000000000000", memory: "8E"}}
            - {name: b, usage: {cpu: "5000000000000000", memory: "8E"}}
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM pod_usage WHERE memory_bytes = ? AND cpu_m = ?", [Int.max, Int.max]), 1)
    }

    func testNodesWorkloadsAndMeasuredUsageBeyondAnIntStillMakeAComputePlan() throws {
        let node = { (name: String) in
            """
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "\(name)", "labels": {"kubernetes.io/os": "linux"}},
             "status": {"allocatable": {"cpu": "5000000000000000", "memory": "8E", "pods": "110"},
                        "capacity": {"cpu": "5000000000000000", "memory": "8E", "pods": "110"}}}
            """
        }
        let folder = try writeManifests([
            "nodes.json": #"{"apiVersion": "v1", "kind": "List", "items": ["# + node("n1") + "," + node("n2") + "]}",
            "web.yaml": CheckSupport.deployment("web", replicas: 2_000_000_000, pod: """
                  containers:
                  - {name: a, image: 'nginx:1.27', resources: {requests: {cpu: "5000000000000000", memory: "8E"}}}
                  - {name: b, image: 'nginx:1.27', resources: {requests: {cpu: "5000000000000000", memory: "8E"}}}
            """),
            "metrics.yaml": """
                apiVersion: metrics.k8s.io/v1beta1
                kind: PodMetrics
                metadata: {name: web-5d4f8b-abcde, namespace: shop}
                containers: [{name: a, usage: {cpu: "5000000000000000", memory: "8E"}}]
                """,
            "batch.yaml": CheckSupport.deployment("huge", replicas: Int.max, pod: """
                  containers: [{name: a, image: 'nginx:1.27'}]
            """),
        ], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database, validates: false)  // an int64 replicas: refused by the import, held by a forged inventory
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload"), 2)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM pod_usage"), 1)
        // replicas is int32 in the API: a larger number is read as the largest the API server would store.
        XCTAssertEqual(try count(database, "SELECT max(replicas) FROM pod_spec"), Int(Int32.max))
        let plan = try computePlan(database)
        XCTAssertFalse(plan.nodeGroups.isEmpty)
    }

    func testMillicoresAndBytesAreExactWhereTheTextIs() {
        // Each of these is a binary fraction a Double cannot hold: × 1000 lands just above the whole number.
        for (text, millicores) in [("700m", 700), ("300m", 300), ("0.7", 700), ("0.3", 300), ("1.1", 1100), ("2.3", 2300), ("0.0001", 1), ("250m", 250), ("1", 1000)] {
            XCTAssertEqual(Quantity.millicores(text), millicores, text)
        }
        for (text, bytes) in [("1.1Gi", 1_181_116_007), ("0.3k", 300), ("1.5Mi", 1_572_864), ("100", 100), ("0.5", 1)] {
            XCTAssertEqual(Quantity.bytes(text), bytes, text)
        }
    }

    func testVolumesWhoseSizesAddUpBeyondAnIntStillMakeAStoragePlanAndReport() throws {
        let claims = (0..<2).map { index in
            """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data-\(index), namespace: shop}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 8E}}}
            """
        }
        let statefulSet = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: shop}
            spec:
              replicas: 3
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: 'postgres:16', volumeMounts: [{name: data, mountPath: /data}]}]}
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 8E}}}}]
            """
        let folder = try writeManifests(["storage.yaml": (claims + [statefulSet]).joined(separator: "\n---\n")], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        XCTAssertEqual(plan.storage.totals.map(\.bytes).max(), Int.max)
        let out = try temporaryFolder(self)
        XCTAssertNoThrow(try ReportRenderer(database: database, now: fixedNow).write(.plan, format: .html, to: out))
    }
}
