import Foundation
import XCTest
@testable import EksodusCore

/// A Route's host becomes an Ingress rule's host, which the API server takes only as a lower-case DNS name, optionally
/// with one leading `*` label, and never an IP (Kubernetes API reference, IngressRule.host). A host that is not one is
/// not written into an Ingress (kubectl apply would refuse the file) and never dropped (a rule without a host matches
/// every host): the conversion leaves a TODO instead.
final class RouteHostTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func route(_ name: String, host: String) -> String {
        """
        apiVersion: route.openshift.io/v1
        kind: Route
        metadata: {name: \(name), namespace: shop}
        spec: {host: \(String(reflecting: host)), to: {kind: Service, name: web}, port: {targetPort: "8080"}, tls: {termination: edge}}
        """
    }

    func testHostsAnIngressCannotTakeAreLeftAsTodosNotWritten() throws {
        let hosts = ["good": "shop.example.com", "wild": "*.apps.example.com", "upper": "Shop.EXAMPLE.com", "star": "*",
                     "inner": "a.*.example.com", "inject": "x.example.com\n  injected: true", "ip": "10.0.0.1", "dot": "shop.example.com.",
                     "long": String(repeating: "a", count: 64) + ".example.com"]
        let files = ["web.yaml": """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80, targetPort: 8080}], selector: {app: web}}
            """, "routes.yaml": hosts.sorted { $0.key < $1.key }.map { route($0.key, host: $0.value) }.joined(separator: "\n---\n")]
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(files, test: self).path], cluster: "ocp", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        var ingresses: [String: String] = [:], changes = ""
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! {
            if url.lastPathComponent == "CHANGES.md" { changes += try String(contentsOf: url, encoding: .utf8) }
            guard url.pathExtension == "yaml", let object = try ManifestText.objects(String(contentsOf: url, encoding: .utf8), name: url.path).first,
                  object["kind"]?.string == "Ingress", let name = object["metadata", "name"]?.string else { continue }
            ingresses[name] = object["spec", "rules"]?.items.first?["host"]?.string
        }
        XCTAssertEqual(ingresses, ["good": "shop.example.com", "wild": "*.apps.example.com"])
        for name in hosts.keys where ingresses[name] == nil {
            XCTAssertTrue(changes.contains("Route shop/\(name): host "), "no TODO for \(name): \(changes)")
        }
    }
}
