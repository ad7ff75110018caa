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
        let lines = annotations.sorted { $0.key < $1.key }.map { entry in
            "    \(entry.key): \"\(entry.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"\n"
        }.joined()
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
        let stale = "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-old"
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

    /// An Ingress the source's ALB served keeps how that ALB listened, routed and logged people in: dropping its own
    /// annotations left HTTPS alone (no HTTP listener, no redirect), broke its `use-annotation` backends and served its pages
    /// without the OIDC login. What names the source's VPC or account is not copied and is named; what eksodus does not know
    /// is named too.
    func testTheSourceALBsListenersActionsAndLoginCarryOver() throws {
        let alb = "alb.ingress.kubernetes.io/"
        let certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/4f0e-current"
        let action = #"{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"api-blue","servicePort":"80","weight":90},{"serviceName":"api-green","servicePort":"80","weight":10}]}}"#
        let oidc = #"{"issuer":"https://login.example.com","authorizationEndpoint":"https://login.example.com/auth","tokenEndpoint":"https://login.example.com/token","userInfoEndpoint":"https://login.example.com/userinfo","secretName":"api-oidc"}"#
        let waf = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shop/0a1b"
        let ownWAF = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop/9z8y"
        let legacy = #"{"type":"forward","forwardConfig":{"targetGroups":[{"targetGroupARN":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/legacy/1a"}]}}"#
        let plan = try plan(["ingresses.yaml": [
            ingress("api", annotations: [alb + "certificate-arn": certificate, alb + "listen-ports": #"[{"HTTP": 80}, {"HTTPS": 443}]"#,
                                         alb + "ssl-redirect": "443", alb + "actions.weighted": action, alb + "auth-type": "oidc",
                                         alb + "auth-idp-oidc": oidc, alb + "scheme": "internet-facing", alb + "security-groups": "sg-0123",
                                         alb + "subnets": "subnet-1,subnet-2", alb + "wafv2-acl-arn": waf, alb + "load-balancer-name": "shop-api",
                                         alb + "frobnicate": "on", alb + "healthcheck-path": "/healthz"], className: "alb"),
            ingress("admin", annotations: [alb + "certificate-arn": certificate, alb + "actions.legacy": legacy, alb + "wafv2-acl-arn": ownWAF], className: "alb"),
        ].joined()])
        let api = try XCTUnwrap(plan.network.entries.first { $0.name == "api" })
        let admin = try XCTUnwrap(plan.network.entries.first { $0.name == "admin" })
        XCTAssertEqual(api.annotations[alb + "listen-ports"], #"[{"HTTP": 80}, {"HTTPS": 443}]"#, "HTTP stays, to redirect")
        XCTAssertEqual(api.annotations[alb + "ssl-redirect"], "443")
        XCTAssertEqual(api.annotations[alb + "actions.weighted"], action, "the use-annotation backend's action")
        XCTAssertEqual(api.annotations[alb + "auth-type"], "oidc", "the login stays")
        XCTAssertNil(api.annotations[alb + "auth-idp-oidc"], "masked at import: never the marker in an Ingress")
        XCTAssertTrue(api.manual.contains { $0.hasPrefix(alb + "auth-idp-oidc") && $0.contains("masks its value") }, "\(api.manual)")
        XCTAssertEqual(api.annotations[alb + "healthcheck-path"], "/healthz")
        XCTAssertEqual(api.annotations[alb + "certificate-arn"], certificate, "of this account and region")
        XCTAssertFalse(api.needsCertificate)
        XCTAssertEqual(api.annotations[alb + "scheme"], "internet-facing", "the plan's exposure")
        XCTAssertEqual(api.annotations[alb + "group.name"], api.group, "the plan's group")
        for bound in ["security-groups", "subnets", "wafv2-acl-arn", "load-balancer-name", "frobnicate"] {
            XCTAssertNil(api.annotations[alb + bound], bound)
            XCTAssertTrue(api.manual.contains { $0.hasPrefix(alb + bound) && $0.contains("not copied") }, "\(bound): \(api.manual)")
        }
        XCTAssertTrue(api.manual.contains { $0.contains("wafv2-acl-arn") && $0.contains("unprotected") }, "\(api.manual)")
        XCTAssertEqual(admin.annotations[alb + "wafv2-acl-arn"], ownWAF, "a web ACL of the plan's account and region protects the new ALB too")
        // A forward to another account's target group: still copied (without it the rule would be gone), named for replacement.
        XCTAssertEqual(admin.annotations[alb + "actions.legacy"], legacy)
        XCTAssertTrue(admin.manual.contains { $0.hasPrefix(alb + "actions.legacy is copied") && $0.contains("region us-east-1, not eu-west-1, account 111122223333") }, "\(admin.manual)")
    }

    /// ACM certificates are regional and an ALB takes its own account's: the source ALB's certificate of another region or
    /// account is not copied (an ARN the controller cannot use fails the whole IngressGroup), the hosts' certificate is found by
    /// host on the HTTPS listener the source had, and the ARN is named with why.
    func testASourceALBCertificateOfAnotherRegionOrAccountIsNotCopied() throws {
        let alb = "alb.ingress.kubernetes.io/"
        let plan = try plan(["ingresses.yaml": [
            ingress("east", annotations: [alb + "certificate-arn": "arn:aws:acm:us-east-1:123456789012:certificate/east"], className: "alb"),
            ingress("other", annotations: [alb + "certificate-arn": "arn:aws:acm:eu-west-1:123456789012:certificate/ok,arn:aws:acm:eu-west-1:111122223333:certificate/theirs",
                                           alb + "listen-ports": #"[{"HTTP": 80}, {"HTTPS": 443}]"#, alb + "ssl-redirect": "443"], tls: true, className: "alb"),
            ingress("iam", annotations: [alb + "certificate-arn": "arn:aws:iam::123456789012:server-certificate/shop"], className: "alb"),
            ingress("plain", className: "alb"),
            ingress("tlsonly", tls: true, className: "alb"),
            ingress("redirect", annotations: [alb + "listen-ports": #"[{"HTTP": 80}]"#, alb + "ssl-redirect": "443"], className: "alb"),
        ].joined()])
        func entry(_ name: String) throws -> NetworkPlan.Entry { try XCTUnwrap(plan.network.entries.first { $0.name == name }) }
        let east = try entry("east")
        XCTAssertNil(east.annotations[alb + "certificate-arn"])
        XCTAssertTrue(east.needsCertificate)
        XCTAssertEqual(east.tlsHosts, ["east.shop.example"], "found by its rule's host: it has no spec.tls")
        XCTAssertEqual(east.annotations[alb + "listen-ports"], #"[{"HTTPS": 443}]"#, "what the source's default listener was, asked for explicitly")
        XCTAssertTrue(east.manual.contains { $0.contains("certificate/east") && $0.contains("region us-east-1, not eu-west-1") }, "\(east.manual)")
        let other = try entry("other")
        XCTAssertNil(other.annotations[alb + "certificate-arn"], "one of its certificates is another account's: none is copied")
        XCTAssertTrue(other.needsCertificate)
        XCTAssertEqual(other.annotations[alb + "listen-ports"], #"[{"HTTP": 80}, {"HTTPS": 443}]"#, "the source's listeners")
        XCTAssertTrue(other.manual.contains { $0.contains("certificate/theirs") && $0.contains("account 111122223333") && !$0.contains("certificate/ok (") }, "\(other.manual)")
        XCTAssertTrue(plan.items.contains { $0.keyText == "plan:certificates:src" && $0.title.contains("east.shop.example") && $0.title.contains("other.shop.example") })
        let iam = try entry("iam")
        XCTAssertEqual(iam.annotations[alb + "certificate-arn"], "arn:aws:iam::123456789012:server-certificate/shop", "an IAM server certificate of this account")
        XCTAssertFalse(iam.needsCertificate)
        let plain = try entry("plain")
        XCTAssertFalse(plain.needsCertificate, "the source ALB served plain HTTP")
        XCTAssertNil(plain.annotations[alb + "listen-ports"])
        let tlsOnly = try entry("tlsonly")
        XCTAssertFalse(tlsOnly.needsCertificate, "without an ARN or listen-ports the source ALB's default listener was HTTP 80: spec.tls alone changes nothing")
        XCTAssertNil(tlsOnly.annotations[alb + "listen-ports"])
        let redirect = try entry("redirect")
        XCTAssertEqual(redirect.annotations[alb + "listen-ports"], #"[{"HTTP": 80}, {"HTTPS": 443}]"#, "a redirect needs the HTTPS listener it points at")
        XCTAssertTrue(redirect.needsCertificate)
        XCTAssertNotEqual(redirect.group, plain.group, "its redirect would send the HTTP of every Ingress of the group to 443")
        XCTAssertEqual(plain.group, tlsOnly.group)
    }

    /// A Service an ELB served keeps its TLS listener and PROXY protocol on the NLB (without them, TLS clients reach the pods'
    /// plain port and a proxy expecting the PROXY header refuses every connection); another region's certificate, the source's
    /// security groups and a Classic Load Balancer's HTTP backend protocol are not copied, and each is a CHANGES.md TODO.
    func testAServiceAnELBServedKeepsItsTLSListenerAndProxyProtocol() throws {
        let aws = "service.beta.kubernetes.io/aws-load-balancer-"
        func service(_ name: String, _ annotations: [String: String]) -> String {
            let lines = annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
            return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: \(name)
                  namespace: shop
                  annotations:
                \(lines)spec:
                  type: LoadBalancer
                  selector: {app: \(name)}
                  ports: [{name: https, port: 443, targetPort: 8080}]
                status:
                  loadBalancer: {ingress: [{hostname: a1b2c3-\(name).eu-west-1.elb.amazonaws.com}]}
                ---

                """
        }
        let certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/edge"
        let files = ["services.yaml": service("edge", [aws + "ssl-cert": certificate, aws + "ssl-ports": "443", aws + "proxy-protocol": "*",
                                                       aws + "backend-protocol": "tcp", aws + "scheme": "internet-facing", aws + "security-groups": "sg-0abc",
                                                       aws + "healthcheck-path": "/ready"])
                     + service("legacy", [aws + "ssl-cert": "arn:aws:acm:us-east-1:123456789012:certificate/old", aws + "ssl-ports": "443",
                                          aws + "backend-protocol": "http", aws + "internal": "true"])
                     + service("tls", [aws + "backend-protocol": "https", aws + "healthcheck-port": "32080", aws + "proxy-protocol": "*"])]
        let plan = try plan(files)
        let edge = try XCTUnwrap(plan.network.entries.first { $0.name == "edge" })
        XCTAssertEqual(edge.annotations[aws + "ssl-cert"], certificate)
        XCTAssertEqual(edge.annotations[aws + "ssl-ports"], "443")
        XCTAssertEqual(edge.annotations[aws + "proxy-protocol"], "*", "the pods' proxy expects the PROXY header")
        XCTAssertEqual(edge.annotations[aws + "backend-protocol"], "tcp")
        XCTAssertEqual(edge.annotations[aws + "healthcheck-path"], "/ready")
        XCTAssertEqual(edge.annotations[aws + "type"], "external", "the plan's NLB")
        XCTAssertEqual(edge.annotations[aws + "scheme"], "internet-facing")
        XCTAssertNil(edge.annotations[aws + "security-groups"])
        XCTAssertTrue(edge.manual.contains { $0.hasPrefix(aws + "security-groups") && $0.contains("not copied") }, "\(edge.manual)")
        let legacy = try XCTUnwrap(plan.network.entries.first { $0.name == "legacy" })
        XCTAssertNil(legacy.annotations[aws + "ssl-cert"], "another region's certificate")
        XCTAssertNil(legacy.annotations[aws + "ssl-ports"], "no TLS listener without a certificate")
        XCTAssertNil(legacy.annotations[aws + "backend-protocol"], "http is a Classic Load Balancer's")
        XCTAssertEqual(legacy.annotations[aws + "scheme"], "internal")
        XCTAssertTrue(legacy.manual.contains { $0.contains("certificate/old") && $0.contains("region us-east-1, not eu-west-1") && $0.contains("finds none by host") }, "\(legacy.manual)")
        XCTAssertTrue(legacy.manual.contains { $0.hasPrefix(aws + "backend-protocol") && $0.contains("HTTP proxy") }, "\(legacy.manual)")
        let tlsPods = try XCTUnwrap(plan.network.entries.first { $0.name == "tls" })
        XCTAssertEqual(tlsPods.annotations[aws + "backend-protocol"], "ssl", "TLS to the pods stays")
        XCTAssertNil(tlsPods.annotations[aws + "healthcheck-port"], "a node port: the NLB's targets are the pods")
        XCTAssertTrue(tlsPods.manual.contains { $0.contains("PROXY protocol v1") }, "\(tlsPods.manual)")
        // convert says so where the team applies the Service.
        let folder = try writeManifests(files, test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let stored = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: stored, reference: reference).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        let changes = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.hasSuffix("CHANGES.md") }
            .map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }.joined()
        XCTAssertTrue(changes.contains("Service shop/legacy: \(aws)ssl-cert is not copied"), changes)
        XCTAssertTrue(changes.contains("Service shop/edge: \(aws)security-groups sg-0abc is not copied"), changes)
    }

    func testForeignARNsAreFoundInListsAndActions() {
        let arns = ForeignARNs(region: "cn-north-1", accountID: "123456789012")
        XCTAssertNil(arns.objection("arn:aws-cn:acm:cn-north-1:123456789012:certificate/a"))
        XCTAssertEqual(arns.objection("arn:aws:acm:cn-north-1:123456789012:certificate/a"), "partition aws, not aws-cn")
        XCTAssertEqual(arns.objection("arn:aws-cn:acm:cn-northwest-1:210987654321:certificate/a"), "region cn-northwest-1, not cn-north-1, account 210987654321, not 123456789012")
        XCTAssertNil(arns.objection("arn:aws-cn:s3:::logs-bucket"), "no region or account to object to")
        XCTAssertEqual(arns.objection("arn:aws-cn:acm"), "not an ARN")
        let action = #"{"type":"forward","forwardConfig":{"targetGroups":[{"targetGroupARN":"arn:aws-cn:elasticloadbalancing:cn-north-1:210987654321:targetgroup/blue/1a"},{"targetGroupARN":"arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/green/2b"}]}}"#
        XCTAssertEqual(arns.foreign(in: action).map(\.arn), ["arn:aws-cn:elasticloadbalancing:cn-north-1:210987654321:targetgroup/blue/1a"])
        XCTAssertEqual(arns.certificateObjections("arn:aws-cn:acm:cn-north-1:123456789012:certificate/a, arn:aws-cn:iam::123456789012:server-certificate/b").count, 0)
        XCTAssertEqual(arns.certificateObjections("arn:aws-cn:wafv2:cn-north-1:123456789012:regional/webacl/x").map(\.why), ["not an ACM certificate or IAM server certificate ARN"])
        XCTAssertEqual(arns.certificateObjections(" , ").map(\.why), ["names no certificate"])
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
