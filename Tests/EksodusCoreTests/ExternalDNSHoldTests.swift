import Foundation
import XCTest
@testable import EksodusCore

/// external-dns publishes an Ingress's rule and TLS hosts with no annotation, so every converted Ingress with hosts is
/// held off it; and a source external-dns would rewrite the record mid-switch, so the TTL step waits for the operator.
final class ExternalDNSHoldTests: XCTestCase {
    typealias App = SharedHostGroupTests

    func testAnIngressWithHostsButNoHostnameAnnotationIsHeldOffExternalDNS() throws {
        let result = try planAndConvert(App.app("web", path: "/"), test: self)
        let ingress = try XCTUnwrap(try writtenObjects(result.files, kind: "Ingress").first)
        XCTAssertEqual(ingress["metadata", "annotations", ExternalDNSHold.controllerKey]?.string, ExternalDNSHold.holdValue)
        let changes = result.files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined()
        XCTAssertTrue(changes.contains("Ingress web/web: external-dns held off"), changes)
        let traffic = try XCTUnwrap(result.plan.items.first { $0.key.step == .traffic && $0.key.description.hasSuffix(":shop.acme.example") })
        let handBack = try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("# after 100 %") && $0.contains("remove \(ExternalDNSHold.controllerKey)") })
        XCTAssertGreaterThan(handBack, try XCTUnwrap(traffic.commands.lastIndex { $0.hasPrefix("eksodus_dns_shift ") }))
        // No source external-dns in this estate: no gate for it.
        let ttl = try XCTUnwrap(result.plan.items.first { $0.key.step == .dnsTTL && $0.key.description.hasSuffix(":shop.acme.example") })
        XCTAssertFalse(ttl.commands.joined().contains("SOURCE_EXTERNAL_DNS_HELD"))
    }

    static let externalDNS = """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: external-dns, namespace: web}
        spec:
          selector: {matchLabels: {app: external-dns}}
          template:
            metadata: {labels: {app: external-dns}}
            spec: {containers: [{name: external-dns, image: "registry.k8s.io/external-dns/external-dns:v0.14.2", args: ["--source=ingress"]}]}

        """

    func testASourceExternalDNSStopsTheTTLStepUntilTheOperatorHeldIt() throws {
        for (why, manifests) in [("an external-dns workload", App.app("web", path: "/") + Self.externalDNS),
                                 ("an external-dns annotation", App.app("web", path: "/", annotations: [ExternalDNSHold.hostnameKey: "shop.acme.example"]))] {
            let result = try planAndConvert(manifests, test: self)
            let ttl = try XCTUnwrap(result.plan.items.first { $0.key.step == .dnsTTL && $0.key.description.hasSuffix(":shop.acme.example") }, why)
            let gate = try XCTUnwrap(ttl.commands.first { !$0.hasPrefix("#") }, why)
            XCTAssertTrue(gate.contains("SOURCE_EXTERNAL_DNS_HELD") && gate.contains(ExternalDNSHold.holdValue) && gate.contains("scale the source external-dns to 0"), gate)
            // The gate comes before any command that reads or changes the record.
            XCTAssertLessThan(try XCTUnwrap(ttl.commands.firstIndex(of: gate)), try XCTUnwrap(ttl.commands.firstIndex { $0.contains("aws route53") || $0.hasPrefix("eksodus_") }), why)
            XCTAssertNotEqual(try GateShell.run("set -e\n" + gate, environment: ["PATH": "/usr/bin:/bin"]).status, 0, why)
            XCTAssertNotEqual(try GateShell.run("set -e\n" + gate, environment: ["PATH": "/usr/bin:/bin", "SOURCE_EXTERNAL_DNS_HELD": "no"]).status, 0, why)
            XCTAssertEqual(try GateShell.run("set -e\n" + gate, environment: ["PATH": "/usr/bin:/bin", "SOURCE_EXTERNAL_DNS_HELD": "yes"]).status, 0, why)
        }
    }

    /// A LoadBalancer Service switched by its workload's own step (no Ingress host): its TTL step waits for the same hold.
    func testAWorkloadsOwnSwitchWaitsForTheSourceExternalDNSToo() throws {
        let service = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: web}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec: {containers: [{name: api, image: "registry.example/api:1.0", ports: [{containerPort: 8080}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: web}
            spec: {type: LoadBalancer, selector: {app: api}, ports: [{port: 443, targetPort: 8080}]}

            """
        for (manifests, held) in [(service + Self.externalDNS, true), (service, false)] {
            let result = try planAndConvert(manifests, test: self)
            let ttl = try XCTUnwrap(result.plan.items.first { $0.key.step == .dnsTTL && $0.key.description.hasSuffix("/web/api") }, "\(result.plan.items.map(\.keyText))")
            let first = try XCTUnwrap(ttl.commands.first { !$0.hasPrefix("#") })
            XCTAssertEqual(first.contains("SOURCE_EXTERNAL_DNS_HELD"), held, first)
            if held {
                XCTAssertNotEqual(try GateShell.run("set -e\n" + first, environment: ["PATH": "/usr/bin:/bin"]).status, 0)
                XCTAssertEqual(try GateShell.run("set -e\n" + first, environment: ["PATH": "/usr/bin:/bin", "SOURCE_EXTERNAL_DNS_HELD": "yes"]).status, 0)
            }
        }
    }
}
