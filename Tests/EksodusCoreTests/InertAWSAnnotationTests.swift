import Foundation
import XCTest
@testable import EksodusCore

/// A tenant of an on-premises (or other-cloud) source writes AWS load balancer annotations that nothing acts on there: they
/// must not decide the exposure on EKS, nor reach the converted objects.
final class InertAWSAnnotationTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    /// Imports as cluster `src`, assesses and plans for 1.35, converts; the plan and every written file's text by path.
    func convert(_ manifests: String) throws -> (TransitionPlan, [String: String]) {
        let folder = try writeManifests(["in.yaml": manifests], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var files: [String: String] = [:]
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where ["yaml", "md"].contains(url.pathExtension) {
            files[String(url.path.dropFirst(out.path.count + 1))] = try String(contentsOf: url, encoding: .utf8)
        }
        return (plan, files)
    }

    func written(_ files: [String: String], kind: String, name: String) throws -> ManifestNode {
        let objects = try files.filter { $0.key.hasSuffix(".yaml") && !$0.key.hasSuffix("kustomization.yaml") }
            .flatMap { try ManifestText.objects($0.value, name: $0.key) }
        return try XCTUnwrap(objects.first { $0["kind"]?.string == kind && $0["metadata", "name"]?.string == name }, "\(kind)/\(name) not written")
    }

    func changes(_ files: [String: String]) -> String {
        files.filter { $0.key.hasSuffix("CHANGES.md") }.map(\.value).joined(separator: "\n")
    }

    static let backend = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "nginx:1.25"}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        ---

        """

    static func ingress(className: String) -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: admin
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8
            alb.ingress.kubernetes.io/inbound-cidrs: 0.0.0.0/0
            alb.ingress.kubernetes.io/scheme: internet-facing
            alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS-1-0-2015-04
        spec:
          ingressClassName: \(className)
          rules:
          - host: admin.shop.example
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}

        """
    }

    /// The nginx Ingress admits only 10.0.0.0/8 today; its AWS annotations do nothing there.
    func testAnNginxIngressKeepsItsControllersAllowListAndDropsTheInertAWSAnnotations() throws {
        let (plan, files) = try convert(Self.backend + Self.ingress(className: "nginx"))
        let entry = try XCTUnwrap(plan.network.entries.first { $0.object == "Ingress/shop/admin" })
        XCTAssertEqual(entry.exposure.source, .internal, entry.exposure.evidence)
        XCTAssertEqual(entry.exposure.allowList, ["10.0.0.0/8"], "the serving controller's list, never the union")
        XCTAssertEqual(entry.annotations["alb.ingress.kubernetes.io/scheme"], "internal")
        XCTAssertEqual(entry.annotations["alb.ingress.kubernetes.io/inbound-cidrs"], "10.0.0.0/8")
        XCTAssertNil(entry.annotations["alb.ingress.kubernetes.io/ssl-policy"], "a TLS 1.0 policy nothing applied today")

        let findings = plan.assessment.allFindings.filter { $0.checkID == "NET011" && $0.name == "admin" }
        XCTAssertEqual(Set(findings.map(\.field)), ["metadata.annotations[alb.ingress.kubernetes.io/inbound-cidrs]",
                                                    "metadata.annotations[alb.ingress.kubernetes.io/scheme]",
                                                    "metadata.annotations[alb.ingress.kubernetes.io/ssl-policy]"])
        XCTAssertTrue(findings.allSatisfy { $0.severity == .warning }, "\(findings.map(\.severity))")

        let ingress = try written(files, kind: "Ingress", name: "admin")
        let annotations = try XCTUnwrap(ingress["metadata", "annotations"])
        XCTAssertEqual(annotations["alb.ingress.kubernetes.io/scheme"]?.string, "internal")
        XCTAssertEqual(annotations["alb.ingress.kubernetes.io/inbound-cidrs"]?.string, "10.0.0.0/8")
        XCTAssertNil(annotations["alb.ingress.kubernetes.io/ssl-policy"])
        XCTAssertEqual(ingress["spec", "ingressClassName"]?.string, "alb")
        let notes = changes(files)
        for key in ["scheme", "inbound-cidrs", "ssl-policy"] {
            XCTAssertTrue(notes.split(separator: "\n").contains { $0.contains("alb.ingress.kubernetes.io/\(key)") && $0.contains("dropped: an AWS annotation nothing acted on") },
                          "CHANGES.md names \(key):\n\(notes)")
        }
        XCTAssertTrue(notes.contains("dropped: an AWS annotation nothing acted on"), notes)
    }

    /// An alb-class Ingress is served by the ALB today: its inbound-cidrs, scheme and policy are the source's exposure.
    func testAnALBIngressKeepsItsOwnAnnotations() throws {
        let (plan, files) = try convert(Self.backend + Self.ingress(className: "alb"))
        let entry = try XCTUnwrap(plan.network.entries.first { $0.object == "Ingress/shop/admin" })
        XCTAssertEqual(entry.exposure.source, .internetFacing, entry.exposure.evidence)
        XCTAssertEqual(entry.exposure.allowList, ["0.0.0.0/0"], "an ALB's own inbound-cidrs; nginx's annotation did nothing there")
        XCTAssertEqual(entry.annotations["alb.ingress.kubernetes.io/ssl-policy"], "ELBSecurityPolicy-TLS-1-0-2015-04")
        XCTAssertFalse(plan.assessment.allFindings.contains { $0.checkID == "NET011" })
        let annotations = try XCTUnwrap(try written(files, kind: "Ingress", name: "admin")["metadata", "annotations"])
        XCTAssertEqual(annotations["alb.ingress.kubernetes.io/scheme"]?.string, "internet-facing")
        XCTAssertEqual(annotations["alb.ingress.kubernetes.io/inbound-cidrs"]?.string, "0.0.0.0/0")
    }

    static func database(status: String) -> String {
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: pg, namespace: data}
        spec:
          serviceName: pg
          selector: {matchLabels: {app: pg}}
          template:
            metadata: {labels: {app: pg}}
            spec: {containers: [{name: pg, image: "postgres:16"}]}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: pg
          namespace: data
          annotations: {service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing}
        spec: {type: LoadBalancer, selector: {app: pg}, ports: [{port: 5432}]}
        status: {loadBalancer: {ingress: [\(status)]}}

        """
    }

    /// vSphere: the Service's load balancer has a private address today; the AWS scheme beside it does nothing.
    func testAPrivateServiceWithAnInertInternetFacingSchemeStaysInternalUntilDecided() throws {
        let (plan, files) = try convert(Self.database(status: "{ip: 10.20.30.40}"))
        let entry = try XCTUnwrap(plan.network.entries.first { $0.object == "Service/data/pg" })
        XCTAssertEqual(entry.exposure.target, .internal, entry.exposure.evidence)
        XCTAssertTrue(entry.exposure.needsDecision, entry.exposure.evidence)
        XCTAssertTrue(entry.exposure.evidence.contains("10.20.30.40"), entry.exposure.evidence)
        XCTAssertEqual(entry.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal")
        let decision = try XCTUnwrap(plan.items.first { $0.keyText == "plan:exposure:src" })
        XCTAssertTrue(decision.evidence.contains("Service/data/pg"), decision.evidence)
        let findings = plan.assessment.allFindings.filter { $0.checkID == "NET011" && $0.name == "pg" }
        XCTAssertEqual(findings.map(\.field), ["metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-scheme]"])
        XCTAssertEqual(findings.map(\.severity), [.warning])

        let service = try written(files, kind: "Service", name: "pg")
        XCTAssertEqual(service["metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme"]?.string, "internal")
        XCTAssertNil(service["status"])
        XCTAssertTrue(changes(files).contains("dropped: an AWS annotation nothing acted on"), changes(files))

        // No status at all: the AWS scheme alone is no evidence either.
        let (bare, _) = try convert(Self.database(status: "").replacingOccurrences(of: "status: {loadBalancer: {ingress: []}}\n", with: ""))
        let bareEntry = try XCTUnwrap(bare.network.entries.first { $0.object == "Service/data/pg" })
        XCTAssertNil(bareEntry.exposure.source, bareEntry.exposure.evidence)
        XCTAssertEqual(bareEntry.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal")
    }

    /// kops or self-managed on AWS: an ELB serves the Service today, so its AWS scheme is its exposure.
    func testAServiceBehindAnELBTodayKeepsItsAWSScheme() throws {
        for hostname in ["a1b2c3-123456.eu-west-1.elb.amazonaws.com", "pg-0123abcd.elb.eu-west-1.amazonaws.com", "pg-1.elb.cn-north-1.amazonaws.com.cn"] {
            let (plan, files) = try convert(Self.database(status: "{hostname: \(hostname)}"))
            let entry = try XCTUnwrap(plan.network.entries.first { $0.object == "Service/data/pg" })
            XCTAssertEqual(entry.exposure.source, .internetFacing, "\(hostname): \(entry.exposure.evidence)")
            XCTAssertFalse(entry.exposure.needsDecision, hostname)
            XCTAssertFalse(plan.assessment.allFindings.contains { $0.checkID == "NET011" }, hostname)
            XCTAssertEqual(try written(files, kind: "Service", name: "pg")["metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme"]?.string,
                           "internet-facing", hostname)
        }
        for notELB in ["pg.elb.amazonaws.com.attacker.example", "elb.amazonaws.com", "pg.example.com"] {
            XCTAssertFalse(LoadBalancerExposure.isELBHostname(notELB), notELB)
        }
    }
}
