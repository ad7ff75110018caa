import Foundation
import XCTest
@testable import EksodusCore

/// A kind is only that kind in its own API group: `evil.example/v1 Deployment` is a custom resource, kept as a resource
/// but never a workload, a Service or an Ingress, and its name is held to the custom resources' rule (a DNS-1123
/// subdomain); the built-in kinds of old exports (extensions/v1beta1, apps/v1beta2, OpenShift's `v1` DeploymentConfig)
/// still are what they were.
final class ImportAPIGroupTests: XCTestCase {
    static func deployment(_ apiVersion: String, name: String) -> String {
        """
        apiVersion: \(apiVersion)
        kind: Deployment
        metadata: {name: \(name), namespace: shop}
        spec: {replicas: 1, selector: {matchLabels: {app: \(name)}}, template: {metadata: {labels: {app: \(name)}}, spec: {containers: [{name: a, image: 'nginx:1.27'}]}}}
        """
    }

    func testAKindOfAnotherGroupIsACustomResourceNotAWorkload() throws {
        let folder = try writeManifests(["all.yaml": [
            Self.deployment("apps/v1", name: "real"),
            Self.deployment("extensions/v1beta1", name: "old"),
            Self.deployment("apps/v1beta2", name: "older"),
            Self.deployment("evil.example/v1", name: "fake"),
            Self.deployment("v1", name: "core"),
            "apiVersion: evil.example/v1\nkind: Service\nmetadata: {name: fake-svc, namespace: shop}\nspec: {type: LoadBalancer, ports: [{port: 80}]}",
            "apiVersion: evil.example/v1\nkind: Ingress\nmetadata: {name: fake-ing, namespace: shop}\nspec: {rules: [{host: evil.example, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: fake-svc, port: {number: 80}}}}]}}]}",
            "apiVersion: v1\nkind: DeploymentConfig\nmetadata: {name: dc, namespace: shop}\nspec: {replicas: 1, template: {metadata: {labels: {app: dc}}, spec: {containers: [{name: a, image: 'nginx:1.27'}]}}}",
        ].joined(separator: "\n---\n")], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource"), 8, "every object is kept as a resource")
        XCTAssertEqual(try strings(database, "SELECT kind || ' ' || name FROM workload ORDER BY name"),
                       ["DeploymentConfig dc", "Deployment old", "Deployment older", "Deployment real"])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM pod_spec p JOIN resource r ON r.id = p.resource_id WHERE r.api_group IN ('evil.example', '')  AND r.kind = 'Deployment'"), 0)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM container c JOIN resource r ON r.id = c.resource_id WHERE r.name IN ('fake', 'core')"), 0)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM service"), 0, "no Service of the core group")
        XCTAssertEqual(try count(database, "SELECT count(*) FROM ingress"), 0, "no Ingress of networking.k8s.io or extensions")
    }

    /// The plan never targets the custom resource as `deployment/NAME`.
    func testThePlanLeavesTheCustomResourceAlone() throws {
        let folder = try writeManifests(["all.yaml": Self.deployment("apps/v1", name: "real") + "\n---\n" + Self.deployment("evil.example/v1", name: "fake")], test: self)
        let plan = try planImported([folder.path]).plan
        let commands = plan.items.flatMap { $0.commands + $0.rollbackCommands }
        XCTAssertTrue(commands.contains { $0.contains("deployment/real") })
        XCTAssertFalse(commands.contains { $0.contains("fake") }, commands.filter { $0.contains("fake") }.joined(separator: "\n"))
    }

    /// A custom resource's name is a DNS-1123 subdomain, whatever its kind is called; the built-in kinds keep their rules
    /// (RBAC's `system:…` and `Team:Admins` are path segment names, OpenShift's groups too).
    func testACustomResourceNameIsASubdomain() throws {
        for (object, refused) in [
            (Self.deployment("evil.example/v1", name: "\"web;reboot\""), true),
            (Self.deployment("evil.example/v1", name: "Web"), true),
            ("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: Mixed_Case, namespace: shop}", true),
            ("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: widget.v2, namespace: shop}", false),
            ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: \"Team:Admins\", namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}", false),
            ("apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: Web_Route, namespace: shop}\nspec: {to: {kind: Service, name: web}}", false),
            ("apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\nmetadata: {name: Snap_1, namespace: shop}", false),
        ] {
            let folder = try writeManifests(["one.yaml": object], test: self)
            let database = try AppDatabase.inMemory()
            if refused {
                XCTAssertThrowsError(try importPaths([folder.path], cluster: "c", into: database), object) { error in
                    XCTAssertTrue("\(error)".contains("is not a DNS-1123 subdomain, which a custom resource's name is"), "\(error)")
                }
                XCTAssertEqual(try count(database, "SELECT count(*) FROM resource"), 0)
            } else {
                XCTAssertNoThrow(try importPaths([folder.path], cluster: "c", into: database), object)
            }
        }
    }
}
