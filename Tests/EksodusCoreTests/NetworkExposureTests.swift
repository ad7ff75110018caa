import Foundation
import XCTest
@testable import EksodusCore

/// What an EKS engineer expects of the network plan: the source exposure is kept, unknown exposure is a decision (planned
/// internal), and one ALB is shared only by Ingresses that agree on scheme, allow-list and TLS policy.
final class NetworkExposureTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func plan(_ files: [String: String]) throws -> TransitionPlan {
        let folder = try writeManifests(files, test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: reference).run(request)
    }

    /// Online Boutique's manifests, with `annotations` added to its frontend-external LoadBalancer Service.
    func boutique(annotations: [String: String] = [:], spec: String = "") throws -> String {
        let fixtures = try requireFixtures()
        var text = try String(contentsOf: fixtures.appendingPathComponent("01-gcp-online-boutique/kubernetes-manifests.yaml"), encoding: .utf8)
        let lines = annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        if !lines.isEmpty { text = text.replacingOccurrences(of: "  name: frontend-external\n", with: "  name: frontend-external\n  annotations:\n" + lines) }
        if !spec.isEmpty { text = text.replacingOccurrences(of: "spec:\n  type: LoadBalancer\n", with: "spec:\n  type: LoadBalancer\n" + spec) }
        return text
    }

    func frontend(_ plan: TransitionPlan) throws -> NetworkPlan.Entry {
        try XCTUnwrap(plan.network.entries.first { $0.name == "frontend-external" })
    }

    func testAServiceThatSaysNothingIsPlannedInternalWithADecisionItem() throws {
        let plan = try plan(["boutique.yaml": try boutique()])
        let entry = try frontend(plan)
        XCTAssertNil(entry.exposure.source)
        XCTAssertEqual(entry.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal")
        let decision = try XCTUnwrap(plan.items.first { $0.keyText == "plan:exposure:src" })
        XCTAssertTrue(decision.evidence.contains("Service/default/frontend-external"), decision.evidence)
        XCTAssertTrue(try XCTUnwrap(plan.items.first { $0.keyText == "plan:platform:src" }).waitsFor.contains(decision.keyText),
                      "the platform wave waits for the decision")
    }

    func testInternalAnnotationsOfEveryPlatformStayInternal() throws {
        let internalAnnotations: [[String: String]] = [
            ["networking.gke.io/load-balancer-type": "Internal"],
            ["cloud.google.com/load-balancer-type": "internal"],
            ["service.beta.kubernetes.io/azure-load-balancer-internal": "true"],
            ["service.beta.kubernetes.io/aws-load-balancer-internal": "true"],
            ["service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"],
            ["service.beta.kubernetes.io/openstack-internal-load-balancer": "true"],
        ]
        for annotations in internalAnnotations {
            let plan = try plan(["boutique.yaml": try boutique(annotations: annotations)])
            let entry = try frontend(plan)
            XCTAssertEqual(entry.exposure.source, .internal, "\(annotations)")
            XCTAssertEqual(entry.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal", "\(annotations)")
            XCTAssertFalse(plan.items.contains { $0.keyText == "plan:exposure:src" }, "nothing left to decide with \(annotations)")
        }
    }

    func testAPublicServiceStaysPublicAndAsWrittenWouldBecomePrivateIsAWarning() throws {
        let plan = try plan(["boutique.yaml": try boutique(spec: "  loadBalancerIP: 34.120.10.20\n")])
        let entry = try frontend(plan)
        XCTAssertEqual(entry.exposure.source, .internetFacing)
        XCTAssertEqual(entry.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internet-facing")
        let findings = plan.assessment.allFindings.filter { $0.checkID == "NET003" && $0.name == "frontend-external" }
        XCTAssertEqual(findings.map(\.severity), [.warning])
        XCTAssertTrue(findings.first?.message.contains("default scheme is internal") ?? false)
        // A private address says internal.
        let privatePlan = try self.plan(["boutique.yaml": try boutique(spec: "  loadBalancerIP: 10.1.2.3\n")])
        XCTAssertEqual(try frontend(privatePlan).exposure.source, .internal)
    }

    /// A source allow-list EKS cannot be given (an entry that is no network) never leaves a public load balancer open to
    /// everyone: the Service is planned internal and its exposure is the team's decision, whatever else its manifest says.
    func testAServiceAllowListThatDoesNotParseIsPlannedInternalUntilDecided() throws {
        let inSpec = try plan(["boutique.yaml": try boutique(annotations: ["service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"],
                                                            spec: "  loadBalancerSourceRanges: [\"10.0.0.0/8;\", 192.168.0.0/16]\n")])
        let entry = try frontend(inSpec)
        XCTAssertNil(entry.exposure.source, entry.exposure.evidence)
        XCTAssertTrue(entry.exposure.evidence.contains("10.0.0.0/8;"), entry.exposure.evidence)
        XCTAssertEqual(entry.exposure.allowList, ["192.168.0.0/16"])
        XCTAssertEqual(entry.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal")
        XCTAssertTrue(try XCTUnwrap(inSpec.items.first { $0.keyText == "plan:exposure:src" }).evidence.contains("Service/default/frontend-external"))

        let annotated = try plan(["boutique.yaml": try boutique(annotations: ["service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                                                                              "service.beta.kubernetes.io/load-balancer-source-ranges": "203.0.113.0/24, office"])])
        XCTAssertNil(try frontend(annotated).exposure.source)
        XCTAssertEqual(try frontend(annotated).annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal")

        // Entries that all parse keep the source's scheme (a bare address as its /32).
        let clean = try plan(["boutique.yaml": try boutique(annotations: ["service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"],
                                                           spec: "  loadBalancerSourceRanges: [203.0.113.7]\n")])
        XCTAssertEqual(try frontend(clean).exposure.source, .internetFacing)
        XCTAssertEqual(try frontend(clean).exposure.allowList, ["203.0.113.7/32"])
    }

    func ingress(_ name: String, annotations: [String: String] = [:], tls: Bool = false, className: String = "nginx") -> String {
        let lines = annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        return """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: \(name)
              namespace: shop
            \(lines.isEmpty ? "" : "  annotations:\n" + lines)spec:
              ingressClassName: \(className)
            \(tls ? "  tls: [{hosts: [\(name).shop.example], secretName: \(name)-tls}]\n" : "")  rules:
              - host: \(name).shop.example
                http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: \(name), port: {number: 80}}}}]}
            ---

            """
    }

    func testIngressGroupsNeverMixSchemesOrAllowLists() throws {
        let scheme = "alb.ingress.kubernetes.io/scheme"
        let plan = try plan(["ingresses.yaml": [
            ingress("web", annotations: [scheme: "internet-facing"]),
            ingress("api", annotations: [scheme: "internet-facing"]),
            ingress("admin", annotations: [scheme: "internet-facing", "nginx.ingress.kubernetes.io/whitelist-source-range": "203.0.113.0/24"]),
            ingress("ops", annotations: ["nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8"]),
        ].joined()])
        func group(_ name: String) throws -> String { try XCTUnwrap(plan.network.entries.first { $0.name == name }?.group) }
        XCTAssertEqual(try group("web"), try group("api"), "same scheme, no allow-list: one ALB")
        XCTAssertNotEqual(try group("web"), try group("admin"), "inbound-cidrs applies to the whole ALB")
        XCTAssertNotEqual(try group("web"), try group("ops"))
        let ops = try XCTUnwrap(plan.network.entries.first { $0.name == "ops" })
        XCTAssertEqual(ops.exposure.source, .internal, "allow-listed to private ranges only: internal")
        XCTAssertEqual(ops.annotations["alb.ingress.kubernetes.io/inbound-cidrs"], "10.0.0.0/8")
        for entry in plan.network.entries {
            let name = try XCTUnwrap(entry.group)
            XCTAssertLessThanOrEqual(name.count, 63)
            XCTAssertNotNil(name.range(of: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", options: .regularExpression), name)
        }
    }

    func testTLSIngressesGetACertificateItemNamingTheirHosts() throws {
        let plan = try plan(["ingresses.yaml": ingress("web", annotations: ["cert-manager.io/cluster-issuer": "letsencrypt"], tls: true)])
        let entry = try XCTUnwrap(plan.network.entries.first { $0.name == "web" })
        XCTAssertTrue(entry.needsCertificate)
        XCTAssertNil(entry.annotations["alb.ingress.kubernetes.io/certificate-arn"], "no placeholder ARN: an invalid one breaks the whole IngressGroup")
        XCTAssertEqual(entry.annotations["alb.ingress.kubernetes.io/listen-ports"], "[{\"HTTP\": 80}, {\"HTTPS\": 443}]")
        XCTAssertTrue(entry.manual.contains { $0.contains("web.shop.example") && $0.contains("letsencrypt") }, "\(entry.manual)")
        let item = try XCTUnwrap(plan.items.first { $0.keyText == "plan:certificates:src" })
        XCTAssertTrue(item.title.contains("web.shop.example"), item.title)
    }

    /// A certificate ARN on an Ingress another controller served was never used: it may be gone, or another account's or
    /// region's, and one the AWS Load Balancer Controller cannot use fails its whole IngressGroup. Only the source ALB's is kept.
    func testOnlyTheSourceALBsCertificateARNIsCopied() throws {
        let arn = "alb.ingress.kubernetes.io/certificate-arn"
        let stale = "arn:aws:acm:us-east-1:111122223333:certificate/0b1c2d3e-old"
        let plan = try plan(["ingresses.yaml": [ingress("web", annotations: [arn: stale], tls: true),
                                                ingress("api", annotations: [arn: stale], tls: true, className: "alb"),
                                                ingress("plain", annotations: [arn: stale])].joined()])
        let web = try XCTUnwrap(plan.network.entries.first { $0.name == "web" })
        XCTAssertNil(web.annotations[arn], "nginx served web: its ARN served nothing")
        XCTAssertTrue(web.needsCertificate, "found by host instead")
        XCTAssertEqual(web.annotations["alb.ingress.kubernetes.io/listen-ports"], "[{\"HTTP\": 80}, {\"HTTPS\": 443}]")
        XCTAssertTrue(web.manual.contains { $0.contains(stale) && $0.contains("not copied") }, "\(web.manual)")
        let api = try XCTUnwrap(plan.network.entries.first { $0.name == "api" })
        XCTAssertEqual(api.annotations[arn], stale, "the source ALB's own certificate")
        XCTAssertFalse(api.needsCertificate)
        let plain = try XCTUnwrap(plan.network.entries.first { $0.name == "plain" })
        XCTAssertNil(plain.annotations[arn])
        XCTAssertFalse(plain.needsCertificate, "nginx served it over plain HTTP: the inert ARN adds no HTTPS listener")
        XCTAssertNil(plain.annotations["alb.ingress.kubernetes.io/listen-ports"])
        XCTAssertTrue(plain.manual.contains { $0.contains(stale) && $0.contains("not copied") }, "\(plain.manual)")
    }

    func testThePlanReportShowsTheNetworkTable() throws {
        let folder = try temporaryFolder(self)
        let demo = try Demo(folder: folder, now: fixedNow).run()
        let report = try String(contentsOf: demo.folder.appendingPathComponent("reports/plan.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("| cluster | object | today | source exposure | on eks | scheme | alb group |"), "network table header")
        XCTAssertTrue(report.contains("internet-facing (served by ingress controller Service platform/ingress-nginx-controller"))
    }

    func testPrivateAddressSpace() {
        XCTAssertEqual(IPv4Range("10.20.0.0/16")?.isPrivate, true)
        XCTAssertEqual(IPv4Range("172.31.255.1")?.isPrivate, true)
        XCTAssertEqual(IPv4Range("172.32.0.1")?.isPrivate, false)
        XCTAssertEqual(IPv4Range("192.168.0.0/15")?.isPrivate, false, "wider than the private block")
        XCTAssertEqual(IPv4Range("0.0.0.0/0")?.isPrivate, false)
        XCTAssertNil(IPv4Range("10.0.0.256"))
        XCTAssertNil(IPv4Range("10.0.0.0/33"))
    }
}

/// On-premises dependencies: private names and addresses are found, cluster-local and public names are not.
final class OnPremisesDependencyTests: XCTestCase {
    func testRealAppsCallingOnlyClusterServicesHaveNoOnPremisesFindings() throws {
        let fixtures = try requireFixtures()
        func onPremises(_ entry: String) throws -> [String] {
            let database = try AppDatabase.inMemory()
            try importPaths([fixtures.appendingPathComponent(entry).path], cluster: "src", into: database)
            let result = try Assessor(database: database, reference: try ReferenceData.embedded()).run(target: KubernetesVersion(major: 1, minor: 35), now: fixedNow)
            return result.allFindings.filter { $0.checkID == "NET009" }.map(\.message)
        }
        for entry in ["01-gcp-online-boutique", "02-sock-shop", "03-istio-bookinfo", "04-k8s-examples-mysql-wordpress-pd"] {
            XCTAssertEqual(try onPremises(entry), [], entry)
        }
        // The Crane export's WordPress is served under a .local name: a real private name, but its admin e-mail is no call.
        XCTAssertEqual(try onPremises("13-crane-export-wordpress"),
                       ["Job/default/wordpress-install calls the source's private network: env WORDPRESS_SITE_URL → wordpress-k8s.example.local (private DNS name)"])
    }

    func testTheSamplesSMTPRelayBecomesAConnectivityItem() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let finding = try XCTUnwrap(demo.assessment.allFindings.first { $0.checkID == "NET009" })
        XCTAssertTrue(finding.message.contains("smtp.acme.internal"), finding.message)
        let item = try XCTUnwrap(demo.plan.items.first { $0.keyText == "plan:connectivity:prod" })
        XCTAssertTrue(item.evidence.contains("smtp.acme.internal"))
        XCTAssertTrue(item.title.contains("Route 53 Resolver"))
        XCTAssertTrue(try XCTUnwrap(demo.plan.items.first { $0.keyText == "plan:platform:prod" }).waitsFor.contains(item.keyText))
    }

    func testEndpointsInFreeText() throws {
        let finder = OnPremisesEndpoints(reference: try ReferenceData.embedded())
        XCTAssertEqual(finder.endpoints(in: "jdbc:postgresql://db01.acme.corp:5432/shop?ssl=true").map(\.description), ["db01.acme.corp (private DNS name)"])
        XCTAssertEqual(finder.endpoints(in: "10.20.3.7:6379,192.168.1.10").map(\.description), ["10.20.3.7 (private address)", "192.168.1.10 (private address)"])
        XCTAssertEqual(finder.endpoints(in: "http://cart.shop.svc.cluster.local:8080 redis.default.svc 127.0.0.1 0.0.0.0 api.stripe.com localhost").count, 0)
        XCTAssertEqual(finder.endpoints(in: "ops@acme.corp").count, 0, "a mailbox is not a host")
        XCTAssertEqual(finder.endpoints(in: "ldap://bind@dc1.acme.corp").map(\.description), ["dc1.acme.corp (private DNS name)"])
    }
}
