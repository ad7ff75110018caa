import Foundation
import XCTest
@testable import EksodusCore

/// Exports without ownerReferences fold by the controllers' own labels and annotations, and only within a namespace.
final class OwnerlessFoldingTests: XCTestCase {
    private func workloads(_ database: AppDatabase) throws -> [String] {
        try strings(database, "SELECT kind || '/' || namespace || '/' || name FROM workload ORDER BY 1")
    }

    private func text(_ string: String) -> ManifestNode { .scalar(string, plain: false) }

    func testOpenShiftListsFoldPodsAndReplicationControllersIntoTheirControllers() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([fixtures.appendingPathComponent("11-openshift-oc-list-exports").path], cluster: "ocp", into: database)
        // PROVENANCE.md: no object carries ownerReferences. The RCs name their DeploymentConfig in openshift.io/deployment-config.name,
        // the Pods their RC or StatefulSet in kubernetes.io/created-by.
        XCTAssertEqual(try workloads(database), [
            "DeploymentConfig/default/someotherdc", "DeploymentConfig/example/database", "DeploymentConfig/example/frontend",
            // database-1 names DeploymentConfig database, which is in namespace example only: never folded across namespaces.
            "ReplicationController/default/database-1", "ReplicationController/default/database-rc-1", "ReplicationController/default/frontend-rc-1",
            "StatefulSet/example/mysql",
        ])
        XCTAssertEqual(summary.workloads, 7)
        XCTAssertEqual(try count(database, "SELECT pods_observed FROM workload WHERE kind = 'StatefulSet' AND name = 'mysql'"), 3)
        XCTAssertEqual(try count(database, "SELECT pods_observed FROM workload WHERE kind = 'ReplicationController' AND name = 'frontend-rc-1'"), 3)
        // The DeploymentConfig's template describes it, not one of its old ReplicationControllers'.
        XCTAssertEqual(try strings(database, """
            SELECT r.kind FROM workload w JOIN resource r ON r.id = w.spec_resource_id WHERE w.kind = 'DeploymentConfig' AND w.name = 'database'
            """), ["DeploymentConfig"])
        XCTAssertEqual(try count(database, """
            SELECT count(*) FROM workload_member m JOIN workload w ON w.id = m.workload_id WHERE w.namespace = 'example' AND w.name = 'database'
            """), 3, "the DeploymentConfig and its two ReplicationControllers")
    }

    func testOpenShiftListsGetOneReplicationItemPerDatabase() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("11-openshift-oc-list-exports").path], cluster: "ocp", into: database)
        let request = PlanRequest(name: "ocp", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let data = plan.items.filter { $0.step == "data" }.map(\.key)
        // The galera StatefulSet's three Pods were three more copies of its data before they folded.
        XCTAssertEqual(data.filter { $0.contains("/example/mysql") }, ["data:ocp/example/mysql"])
        XCTAssertEqual(Set(data).count, data.count)
        XCTAssertFalse(data.contains { $0.contains("mysql-") }, "\(data)")
    }

    /// The Crane export with every ownerReferences removed folds as it does with them: pod-template-hash and job-name.
    func testCraneExportWithoutOwnerReferencesFoldsTheSame() throws {
        let fixtures = try requireFixtures()
        let source = fixtures.appendingPathComponent("13-crane-export-wordpress")
        let withReferences = try AppDatabase.inMemory()
        try importPaths([source.path], cluster: "crane", into: withReferences)

        var files: [String: String] = [:]
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: source, includingPropertiesForKeys: nil))
        var stripped = 0
        for case let url as URL in enumerator where url.pathExtension == "yaml" {
            for (index, object) in try parseObjects(try String(contentsOf: url, encoding: .utf8)).enumerated() {
                guard let metadata = object["metadata"] else { continue }
                if metadata["ownerReferences"] != nil { stripped += 1 }
                files["\(url.lastPathComponent)-\(index).json"] = JSONWriter.string(object.replacing("metadata", with: metadata.replacing("ownerReferences", with: nil)))
            }
        }
        XCTAssertGreaterThanOrEqual(stripped, 5, "the export's Pods and ReplicaSets carried ownerReferences")
        let without = try AppDatabase.inMemory()
        try importPaths([try writeManifests(files, test: self).path], cluster: "crane", into: without)
        XCTAssertEqual(try count(without, "SELECT count(*) FROM resource WHERE owner_kind IS NOT NULL"), 0)
        XCTAssertEqual(try workloads(without), try workloads(withReferences))
        XCTAssertEqual(try workloads(without), ["Deployment/default/wordpress", "Deployment/default/wordpress-mysql", "Job/default/wordpress-install"])
        let members = "SELECT r.kind || '/' || r.name || ' → ' || w.name FROM workload_member m JOIN resource r ON r.id = m.resource_id JOIN workload w ON w.id = m.workload_id ORDER BY 1"
        XCTAssertEqual(try strings(without, members), try strings(withReferences, members))
    }

    /// Pods `cassandra-0..2` beside the fixture's StatefulSet, as an old export lists them: the StatefulSet's template with the
    /// labels the controller adds, and no ownerReferences.
    func testPodsBesideTheirStatefulSetFoldIntoItInTheirNamespaceOnly() throws {
        let fixtures = try requireFixtures()
        let setText = try String(contentsOf: fixtures.appendingPathComponent("05-k8s-examples-cassandra/cassandra-statefulset.yaml"), encoding: .utf8)
        let set = try XCTUnwrap(try parseObjects(setText).first { $0["kind"]?.string == "StatefulSet" })
        let setName = try XCTUnwrap(set["metadata", "name"]?.string)
        let template = try XCTUnwrap(set["spec", "template"])
        func pod(_ name: String, namespace: String, podNameLabel: Bool = true) -> ManifestNode {
            var labels = template["metadata", "labels"]?.entries ?? []
            labels.append(("controller-revision-hash", text("\(setName)-6b9c8f7d4")))
            if podNameLabel { labels.append(("statefulset.kubernetes.io/pod-name", text(name))) }
            return .mapping([
                ("apiVersion", text("v1")), ("kind", text("Pod")),
                ("metadata", .mapping([("name", text(name)), ("namespace", text(namespace)), ("labels", .mapping(labels))])),
                ("spec", template["spec"] ?? .mapping([])),
            ])
        }
        let placed = set.replacing("metadata", with: (set["metadata"] ?? .mapping([])).replacing("namespace", with: text("data")))
        var files = ["statefulset.json": JSONWriter.string(placed)]
        for ordinal in 0..<3 { files["pod-\(ordinal).json"] = JSONWriter.string(pod("\(setName)-\(ordinal)", namespace: "data")) }
        // The same Pod name in another namespace, whose StatefulSet was not exported: its own workload, not folded across.
        files["stray.json"] = JSONWriter.string(pod("\(setName)-0", namespace: "other"))
        // A Pod whose name has no ordinal is not the StatefulSet's.
        files["lookalike.json"] = JSONWriter.string(pod("\(setName)-debug", namespace: "data", podNameLabel: false))
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(files, test: self).path], cluster: "old", into: database)
        XCTAssertEqual(try workloads(database), ["Pod/data/\(setName)-debug", "Pod/other/\(setName)-0", "StatefulSet/data/\(setName)"])
        XCTAssertEqual(try count(database, "SELECT pods_observed FROM workload WHERE kind = 'StatefulSet'"), 3)
    }

    func testHintsReadTheControllersMarks() {
        func owners(_ kind: String, _ name: String, labels: [String: String] = [:], annotations: [String: String] = [:]) -> [String] {
            guard case .owners(let candidates) = OwnerHints.read(kind: kind, name: name, labels: labels, annotations: annotations) else { return ["machinery"] }
            return candidates.map { "\($0.kind)/\($0.name)" }
        }
        XCTAssertEqual(owners("Pod", "web-7d9f8c6b5-x2x9q", labels: ["pod-template-hash": "7d9f8c6b5"]), ["ReplicaSet/web-7d9f8c6b5", "Deployment/web"])
        XCTAssertEqual(owners("ReplicaSet", "web-7d9f8c6b5", labels: ["pod-template-hash": "7d9f8c6b5"]), ["Deployment/web"])
        XCTAssertEqual(owners("Pod", "migrate-abcde", labels: ["job-name": "migrate", "controller-uid": "1"]), ["Job/migrate"])
        XCTAssertEqual(owners("Pod", "db-12", labels: ["statefulset.kubernetes.io/pod-name": "db-12", "controller-revision-hash": "db-1"]), ["StatefulSet/db"])
        XCTAssertEqual(owners("Pod", "db-x", labels: ["statefulset.kubernetes.io/pod-name": "db-x", "controller-revision-hash": "db-1"]), [])
        XCTAssertEqual(owners("Job", "backup-29012345", annotations: ["batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-12-01T03:00:00Z"]), ["CronJob/backup"])
        XCTAssertEqual(owners("Job", "backup-29012345"), [], "a name alone is no mark")
        XCTAssertEqual(owners("ReplicationController", "api-3", annotations: ["openshift.io/deployment-config.name": "api"]), ["DeploymentConfig/api"])
        XCTAssertEqual(owners("Pod", "api-3-deploy", annotations: ["openshift.io/deployer-pod-for.name": "api-3"]), ["machinery"])
        XCTAssertEqual(owners("Pod", "app-1-build", annotations: ["openshift.io/build.name": "app-1"]), ["machinery"])
        // A created-by reference that is not JSON, or names the object itself, is no owner.
        XCTAssertEqual(owners("Pod", "p", annotations: ["kubernetes.io/created-by": "{not json"]), [])
        XCTAssertEqual(owners("Pod", "p", annotations: ["kubernetes.io/created-by": #"{"reference":{"kind":"Pod","name":"p"}}"#]), [])
    }

    func testDeployerAndBuildPodsAreNoWorkloads() throws {
        let pods = ["deployer": "openshift.io/deployer-pod-for.name: api-1", "builder": "openshift.io/build.name: api-1"].map { name, annotation in
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: api-1-\(name)
              namespace: shop
              annotations:
                \(annotation)
            spec:
              containers:
              - name: c
                image: registry.example/origin-\(name):v3.11
            """
        }
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["pods.yaml": pods.joined(separator: "\n---\n")], test: self).path], cluster: "ocp", into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE kind = 'Pod'"), 2)
        XCTAssertEqual(try workloads(database), [])
    }
}
