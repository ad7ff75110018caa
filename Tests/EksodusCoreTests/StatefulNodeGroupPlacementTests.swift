import Foundation
import XCTest
@testable import EksodusCore

/// `plan --zones a,b,c` writes one stateful node group per zone; an engineer expects the stateful workloads on them and
/// nothing else there: the groups are tainted, and convert gives each stateful workload the toleration and the groups'
/// label as nodeSelector, keeping the workload's own selector and tolerations. A stateless workload gets neither.
final class StatefulNodeGroupPlacementTests: XCTestCase {
    static let manifests = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: orders-db, namespace: data}
        spec:
          serviceName: orders-db
          replicas: 1
          selector: {matchLabels: {app: orders-db}}
          template:
            metadata: {labels: {app: orders-db}}
            spec:
              nodeSelector: {kubernetes.io/arch: amd64}
              tolerations:
              - {key: dedicated, operator: Equal, value: db, effect: NoSchedule}
              containers:
              - name: postgres
                image: postgres:16.2
                resources: {requests: {cpu: 500m, memory: 1Gi}}
                volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 20Gi}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: web, image: "nginx:1.25", resources: {requests: {cpu: 100m, memory: 128Mi}}}
        """

    func plan(zones: [String]) throws -> (plan: TransitionPlan, files: [String: String]) {
        let reference = try ReferenceData.embedded()
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["in.yaml": Self.manifests], test: self).path], cluster: "src", into: database)
        _ = try Assessor(database: database, reference: reference).run(target: KubernetesVersion(major: 1, minor: 35), now: fixedNow)
        let request = PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012",
                                  landingZone: LandingZoneOptions(zones: zones), now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: reference).run(request)
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var files: [String: String] = [:]
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where url.pathExtension == "yaml" {
            files[String(url.path.dropFirst(out.path.count + 1))] = try String(contentsOf: url, encoding: .utf8)
        }
        return (plan, files)
    }

    private func podSpec(_ files: [String: String], kind: String, name: String) throws -> ManifestNode {
        let object = try XCTUnwrap(try writtenObjects(files, kind: kind).first { $0["metadata", "name"]?.string == name }, "\(files.keys.sorted())")
        return try XCTUnwrap(object["spec", "template", "spec"])
    }

    func testThePerZoneStatefulGroupsAreTaintedAndTheDatabaseSelectsAndToleratesThem() throws {
        let zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
        let (plan, files) = try plan(zones: zones)
        let compute = try XCTUnwrap(plan.compute.first)
        let stateful = compute.nodeGroups.filter { $0.name.hasPrefix("stateful") }
        XCTAssertEqual(stateful.map(\.name), ["stateful-a", "stateful-b", "stateful-c"])
        for group in stateful {
            XCTAssertEqual(group.taints, [ComputePlan.statefulTaint], group.name)
            XCTAssertEqual(group.labels["role"], "stateful", group.name)
        }
        XCTAssertTrue(compute.nodeGroups.filter { !$0.name.hasPrefix("stateful") && $0.labels["role"] != "system" && !$0.spot }.allSatisfy { !$0.taints.contains(ComputePlan.statefulTaint) })

        // The eksctl config carries the taints, and eksctl's schema takes it.
        let yaml = try XCTUnwrap(try plan.eksctlConfigs().first { $0.cluster == "src" }?.yaml, "\(plan.eksctlRefusals)")
        let root = try XCTUnwrap(try ManifestText.objects(yaml).first)
        let groups = (root["managedNodeGroups"]?.items ?? []).filter { $0["name"]?.string?.hasPrefix("stateful-") == true }
        XCTAssertEqual(groups.count, 3)
        for group in groups {
            let taints = group["taints"]?.items ?? []
            XCTAssertEqual(taints.map { [$0["key"]?.string, $0["value"]?.string, $0["effect"]?.string] }, [["stateful", "true", "NoSchedule"]], yaml)
            XCTAssertEqual(group["labels", "role"]?.string, "stateful")
        }

        // The database: its own selector and toleration kept, the groups' label and taint's toleration added.
        let db = try podSpec(files, kind: "StatefulSet", name: "orders-db")
        XCTAssertEqual(db["nodeSelector", "role"]?.string, "stateful")
        XCTAssertEqual(db["nodeSelector", "kubernetes.io/arch"]?.string, "amd64", "its own selector stays")
        let tolerations = db["tolerations"]?.items ?? []
        XCTAssertTrue(tolerations.contains { $0["key"]?.string == "dedicated" && $0["value"]?.string == "db" }, "its own toleration stays")
        XCTAssertTrue(tolerations.contains { $0["key"]?.string == "stateful" && $0["operator"]?.string == "Equal" && $0["value"]?.string == "true" && $0["effect"]?.string == "NoSchedule" })

        // A stateless workload neither selects nor tolerates them: it stays off the stateful nodes.
        let web = try podSpec(files, kind: "Deployment", name: "web")
        XCTAssertNil(web["nodeSelector", "role"])
        XCTAssertFalse((web["tolerations"]?.items ?? []).contains { $0["key"]?.string == "stateful" })
        try validateEksctlConfigs([("zoned", yaml)], test: self)
    }

    /// The one-off copy pods (a PostgreSQL base backup, a node-data copy) mount an EBS claim bound on a stateful node, in a
    /// zone the other groups may have no node in: they tolerate the taint (the volume still picks the node).
    func testTheDemosCopyPodsTolerateTheStatefulTaint() throws {
        let commands = try DemoPlanOnce.plan().items.flatMap { $0.commands + $0.rollbackCommands }
        let copies = commands.filter { ($0.contains(" run eksodus-copy-") || $0.contains(" run \(PostgresStandby.pod) ")) && $0.contains("--context \"$EKS_CONTEXT\"") }
        XCTAssertFalse(copies.isEmpty, "the demo's copy pods on EKS")
        for line in copies {
            let tolerations = try XCTUnwrap(try overrides(of: line).spec["tolerations"] as? [[String: Any]], line)
            XCTAssertTrue(tolerations.contains { $0["key"] as? String == "stateful" && $0["operator"] as? String == "Equal" && $0["value"] as? String == "true" && $0["effect"] as? String == "NoSchedule" }, line)
        }
    }

    /// Without --zones the one stateful group is tainted too, and the database is placed there the same way.
    func testTheSingleStatefulGroupIsTaintedAndSelectedToo() throws {
        let (plan, files) = try plan(zones: [])
        let group = try XCTUnwrap(plan.compute.first?.nodeGroups.first { $0.name == "stateful" })
        XCTAssertEqual(group.taints, [ComputePlan.statefulTaint])
        let db = try podSpec(files, kind: "StatefulSet", name: "orders-db")
        XCTAssertEqual(db["nodeSelector", "role"]?.string, "stateful")
        XCTAssertTrue((db["tolerations"]?.items ?? []).contains { $0["key"]?.string == "stateful" })
    }
}
