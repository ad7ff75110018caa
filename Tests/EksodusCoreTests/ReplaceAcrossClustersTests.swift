import Foundation
import XCTest
@testable import EksodusCore

/// `import --replace` makes one cluster's inventory the export: another cluster holding the same objects, images, node
/// facts and pod usage keeps every row, and its checklist items stay live.
final class ReplaceAcrossClustersTests: XCTestCase {
    func testReplacingOneClusterLeavesAnotherWithTheSameObjectsAlone() throws {
        let source = try requireFixtures().appendingPathComponent("02-sock-shop/complete-demo.yaml")
        let extras = try writeManifests([
            "top.txt": "sock-shop queue-master-6d8c5f9b7-abcde 5m 300Mi\n",
            "nodes.json": #"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"kubernetes.io/os": "linux"}}, "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}"#,
        ], test: self)
        let database = try AppDatabase.inMemory()
        for cluster in ["src", "other"] {
            try importPaths([source.path, extras.appendingPathComponent("top.txt").path, extras.appendingPathComponent("nodes.json").path],
                            cluster: cluster, into: database)
        }
        let request = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        _ = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let other = "(SELECT id FROM cluster WHERE name = 'other')"
        let queries = [
            "SELECT count(*) FROM resource WHERE cluster_id = \(other)",
            "SELECT count(*) FROM workload WHERE cluster_id = \(other)",
            "SELECT count(*) FROM pod_usage WHERE cluster_id = \(other)",
            "SELECT count(*) FROM resource r JOIN node n ON n.resource_id = r.id WHERE r.cluster_id = \(other)",
            "SELECT count(*) FROM plan_item i JOIN workload w ON w.id = i.workload_id WHERE w.cluster_id = \(other) AND i.obsolete = 0",
            "SELECT count(*) FROM image WHERE reference LIKE '%queue-master%'",
        ]
        let before = try queries.map { try count(database, $0) }
        XCTAssertTrue(before.allSatisfy { $0 > 0 }, "\(before)")

        // src's export loses queue-master (Deployment and Service), its pod usage and its node.
        let objects = try parseObjects(try String(contentsOf: source, encoding: .utf8)).filter { $0["metadata", "name"]?.string != "queue-master" }
        let reduced = try writeManifests(["reduced.json": JSONWriter.string(.mapping([("apiVersion", .string("v1")), ("kind", .string("List")), ("items", .sequence(objects))]))], test: self)
        let summary = try Importer(database: database, workers: 2).run(ImportRequest(paths: [reduced.path], cluster: "src", replace: true, now: fixedNow))
        XCTAssertEqual(summary.replacement?.vanishedWorkloads, ["Deployment/sock-shop/queue-master"])
        XCTAssertEqual(try queries.map { try count(database, $0) }, before, "the other cluster's rows changed")
        XCTAssertEqual(try count(database, "SELECT count(*) FROM pod_usage WHERE cluster_id = (SELECT id FROM cluster WHERE name = 'src')"), 0)
    }
}
