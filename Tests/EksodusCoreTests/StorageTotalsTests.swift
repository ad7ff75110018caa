import Foundation
import XCTest
@testable import EksodusCore

/// Storage totals as a migration engineer sizes EBS and EFS: a claim template once per replica, a bound volume once.
final class StorageTotalsTests: XCTestCase {
    func testCassandraClaimTemplateCountsOncePerReplica() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("05-k8s-examples-cassandra").path], cluster: "src", into: database)
        let request = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        // replicas: 3 × a 1Gi template: three 1 GiB gp3 volumes.
        let template = try XCTUnwrap(plan.storage.entries.first { $0.name == "cassandra-data" })
        XCTAssertEqual(template.copies, 3)
        let totals = plan.storage.totals
        XCTAssertEqual(totals.count, 1)
        XCTAssertEqual(totals.first?.cluster, "src")
        XCTAssertEqual(totals.first?.targetClass, StoragePlan.gp3)
        XCTAssertEqual(totals.first?.volumes, 3)
        XCTAssertEqual(totals.first?.bytes, 3 * 1_073_741_824)
    }

    /// The sample's prod cluster, summed by hand: cart-cache aof 10Gi × 3, orders-db data 100Gi (its running claim
    /// data-orders-db-0 and that claim's PV are the same volume), search-index 200Gi, rabbitmq mnesia 20Gi × 3, prometheus
    /// tsdb 50Gi, the unbound local PV search-data-node3 200Gi: 10 volumes, 640 GiB on gp3, plus db-backup's hostPath
    /// (no size); media-uploads 500Gi on EFS. Staging: orders-db 20Gi, rabbitmq 5Gi, cart-cache's Redis without a claim.
    func testTheSamplePlanReportTotalsEachClusterAndClassOnceWithOneCopyMethodPerVolume() throws {
        let folder = try temporaryFolder(self)
        let demo = try Demo(folder: folder, now: fixedNow).run()
        let totals = demo.plan.storage.totals.map { "\($0.cluster) \($0.targetClass.prefix { $0 != " " }) \($0.volumes) \(StoragePlan.gibibytes($0.bytes)) \($0.unsized)" }
        XCTAssertEqual(totals, ["prod efs 1 500 GiB 0", "prod gp3 11 640 GiB 1", "staging gp3 3 25 GiB 1"])
        let report = try String(contentsOf: folder.appendingPathComponent("reports/plan.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("| cluster | target | volumes | GiB | without a size |"), report)
        XCTAssertTrue(report.contains("| prod | \(StoragePlan.gp3) | 11 | 640 GiB | 1 |"))
        // One entry, so one copy method, per volume: the running claim of orders-db is its template's first replica.
        let prod = demo.plan.storage.entries.filter { $0.cluster == "prod" }
        XCTAssertFalse(prod.contains { $0.name == "data-orders-db-0" }, "\(prod.map(\.name))")
        let ordersDB = prod.filter { $0.owner == "StatefulSet/orders-db" }
        XCTAssertEqual(ordersDB.map(\.copyMethod).count, 1)
        XCTAssertTrue(ordersDB.first?.copyMethod.contains("PostgreSQL streaming replication") == true)
        // prometheus's tsdb is not copied: the runbook starts it empty on EKS. The batch job's hostPath data is copied from the node.
        XCTAssertEqual(prod.first { $0.name == "tsdb" }?.copyMethod, StoragePlan.freshMonitoring)
        XCTAssertEqual(prod.first { $0.name == "scratch" }?.copyMethod, StoragePlan.nodeCopy)
        let node = try XCTUnwrap(prod.first { $0.name == "search-data-node3" })
        XCTAssertEqual(node.copyMethod, StoragePlan.unboundVolume)
    }
}
