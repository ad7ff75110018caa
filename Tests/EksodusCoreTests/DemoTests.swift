import Foundation
import XCTest
@testable import EksodusCore

final class DemoTests: XCTestCase {
    func testDemoImportsBothSampleClusters() throws {
        let folder = try temporaryFolder(self)
        let result = try Demo(folder: folder, now: fixedNow).run()
        XCTAssertEqual(result.imports.map(\.cluster), ["prod", "staging"])
        let workloads = result.imports.reduce(0) { $0 + $1.workloads }
        XCTAssertTrue((35...45).contains(workloads), "about 40 workloads, got \(workloads)")
        XCTAssertTrue(result.imports.allSatisfy { $0.notices.isEmpty }, "the sample is all Kubernetes objects")
        XCTAssertTrue(result.summary.contains("prod"))
        // Phase one ran on the sample: the legacy APIs, the docker socket, node-exporter's hostPath / and the static key are blockers in prod.
        let prod = try XCTUnwrap(result.assessment.clusters.first { $0.cluster.name == "prod" })
        let blockers = Set(prod.findings.filter { $0.severity == .blocker && !$0.system }.map(\.checkID))
        XCTAssertEqual(blockers, ["API001", "API003", "SEC004", "SEC006", "SEC011"])
        XCTAssertTrue((1...99).contains(prod.readiness))
        XCTAssertTrue(result.summary.contains("2. Assessment & diagnosis"))
        // Phase two: staging's waves are listed before prod's; each cluster numbers its own (they may run side by side).
        XCTAssertEqual(result.plan.waves.first?.cluster, "staging")
        XCTAssertEqual(result.plan.waves.last?.cluster, "prod")
        for cluster in ["staging", "prod"] {
            let waves = result.plan.waves.filter { $0.cluster == cluster }
            XCTAssertEqual(waves.map(\.number).filter { $0 > 0 }.min(), 1, cluster)
            // Platform agents (the log shipper) move with the platform in wave 0; ingress-nginx does not move at all: every
            // Ingress becomes an ALB Ingress, so the AWS Load Balancer Controller replaces it.
            let platform = try XCTUnwrap(waves.first { $0.number == 0 }, cluster).workloads.map(\.label)
            XCTAssertTrue(platform.contains { $0.hasPrefix("DaemonSet/") && $0.hasSuffix("/fluent-bit") }, "\(platform)")
            XCTAssertFalse(result.plan.waves.flatMap(\.workloads).contains { $0.label.hasSuffix("/ingress-nginx-controller") })
            XCTAssertFalse(result.plan.network.entries.contains { $0.kind == "Service" && $0.name == "ingress-nginx-controller" }, "no NLB for it")
            XCTAssertFalse(platform.contains { $0.hasSuffix("/grafana") }, "a dashboard is an application")
        }
        // Phase three: a few items of the first wave are under way, and prod's cluster is blocked with its reason.
        XCTAssertTrue(result.summary.contains("4. Cutover & optimization"))
        XCTAssertTrue(result.summary.contains("plan:cluster:prod  waiting for the network team"))
        let database2 = try AppDatabase.open(path: result.databasePath)
        XCTAssertTrue((1...3).contains(try count(database2, "SELECT count(*) FROM plan_item WHERE state = 'in_progress' AND wave = ?", [result.plan.waves.first?.number])))
        XCTAssertGreaterThan(try count(database2, "SELECT count(*) FROM event"), 10)
        for report in ["assessment", "plan", "cutover", "images"] {
            for suffix in ["md", "html"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("reports/\(report).\(suffix)").path), "\(report).\(suffix)")
            }
        }
        for file in ["plan/prod-eks.yaml", "plan/staging-eks.yaml", "plan/migrate-images.sh", "converted/prod/storageclasses.yaml", "converted/staging/storageclasses.yaml"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }

        let database = try AppDatabase.open(path: result.databasePath)
        // What the sample is there to show: stateful sets on local, Ceph and NFS storage, legacy APIs, three kinds of registry.
        let classes = try strings(database, "SELECT DISTINCT provisioner FROM storage_class ORDER BY 1")
        XCTAssertEqual(classes, ["cluster.local/nfs-subdir-external-provisioner", "kubernetes.io/no-provisioner", "nfs.csi.k8s.io",
                                 "rancher.io/local-path", "rook-ceph.rbd.csi.ceph.com"])
        let registries = Set(try strings(database, "SELECT DISTINCT registry FROM image"))
        XCTAssertTrue(registries.isSuperset(of: ["harbor.acme.internal", "docker.io", "quay.io"]), "\(registries)")
        XCTAssertGreaterThan(try count(database, "SELECT count(*) FROM resource WHERE api_version IN ('extensions/v1beta1', 'batch/v1beta1', 'policy/v1beta1')"), 2)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload WHERE kind = 'StatefulSet'"), 8)
        // The folded storefront: Deployment + ReplicaSet + 3 Pods, one workload.
        XCTAssertEqual(try count(database, """
            SELECT pods_observed FROM workload w JOIN cluster c ON c.id = w.cluster_id WHERE c.name = 'prod' AND w.name = 'storefront'
            """), 3)
        // The static AWS key in checkout's env is a marker in the inventory, not the key.
        let env = try strings(database, "SELECT env FROM container WHERE name = 'checkout'").joined()
        XCTAssertFalse(env.contains("acmeDemoStaticSecretKeyNotReal"))
        XCTAssertTrue(env.contains(SecretRedaction.marker))
        let bodies = try strings(database, "SELECT body FROM resource").joined()
        for value in ["QWNtZURlbW9EYlBhc3N3b3JkMjAyNA==", "acme-demo-orders-db-password", "acme-demo-staging-smtp", "not-a-real-one", "acme-demo-grafana-pw"] {
            XCTAssertFalse(bodies.contains(value), value)
        }
    }

    /// The demo never ticks off an item its own output contradicts: plan:endpoint is done only where the eksctl config
    /// it wrote keeps the public API endpoint away from 0.0.0.0/0.
    func testDemoTicksTheEndpointOnlyWhereItsConfigClosesThePublicEndpoint() throws {
        let result = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let database = try AppDatabase.open(path: result.databasePath)
        let done = try strings(database, "SELECT key FROM plan_item WHERE key LIKE 'plan:endpoint:%' AND state = 'done'")
        XCTAssertFalse(done.isEmpty, "the demo ticks off staging's endpoint")
        let configs = try result.plan.eksctlConfigs()
        for key in done {
            let cluster = String(key.dropFirst("plan:endpoint:".count))
            let config = try XCTUnwrap(configs.first { $0.cluster == cluster }, key)
            XCTAssertFalse(config.yaml.contains("0.0.0.0/0"), "\(key) is done but \(config.file) is public to everyone")
            XCTAssertTrue(config.yaml.contains("publicAccessCIDRs"), config.yaml)
        }
    }
}
