import Foundation
import XCTest
@testable import EksodusCore

/// An ingress-nginx allow-list that does not parse never becomes an ALB open to everyone its scheme reaches: the Ingress is
/// held out of conversion (CHANGES.md TODO, NET010, the traffic switch's held gate), and a bare address becomes a CIDR the
/// AWS Load Balancer Controller accepts.
final class AllowListHoldTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func ingress(_ name: String, allowKey: String = "nginx.ingress.kubernetes.io/whitelist-source-range", allow: String,
                 scheme: String = "internet-facing") -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: \(name)
          namespace: shop
          annotations:
            \(allowKey): \(allow)
            alb.ingress.kubernetes.io/scheme: \(scheme)
        spec:
          ingressClassName: nginx
          rules:
          - host: \(name).acme.example
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "nginx:1.27"}]}
        """
    }

    /// Imports, plans, assesses and converts; the plan, the findings, the estate and every written file's text.
    func run(_ manifests: String) throws -> (plan: TransitionPlan, findings: [Finding], estate: Estate, files: [String: String]) {
        let folder = try writeManifests(["in.yaml": manifests], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let findings = try Assessor(database: database, reference: reference).run(target: KubernetesVersion(major: 1, minor: 35), now: fixedNow)
            .clusters.flatMap(\.findings)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var files: [String: String] = [:]
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where ["yaml", "md"].contains(url.pathExtension) {
            files[String(url.path.dropFirst(out.path.count + 1))] = try String(contentsOf: url, encoding: .utf8)
        }
        return (plan, findings, try XCTUnwrap(estates.first), files)
    }

    func writtenIngresses(_ files: [String: String]) throws -> [ManifestNode] {
        try files.filter { $0.key.hasSuffix(".yaml") && !$0.key.hasSuffix("kustomization.yaml") }
            .flatMap { try ManifestText.objects($0.value, name: $0.key) }.filter { $0["kind"]?.string == "Ingress" }
    }

    func testBareAddressesBecomeHostCIDRsAndUnparsableEntriesAreNamed() {
        XCTAssertEqual(LoadBalancerExposure.cidrs("10.1.2.3, 2001:db8::1 10.0.0.0/8"), ["10.1.2.3/32", "2001:db8::1/128", "10.0.0.0/8"])
        XCTAssertEqual(LoadBalancerExposure.unparsed("10.0.0.0/8;"), ["10.0.0.0/8;"])
        XCTAssertEqual(LoadBalancerExposure.unparsed("10.0.0.0/33,10.1.2.3,any"), ["10.0.0.0/33", "any"])
        XCTAssertTrue(LoadBalancerExposure.unparsedIngressAllowList(["nginx.ingress.kubernetes.io/whitelist-source-range": "10.1.2.3"]).isEmpty)
    }

    func testAnUnparsableAllowListHoldsAnInternetFacingIngressOut() throws {
        for key in ["nginx.ingress.kubernetes.io/whitelist-source-range", "nginx.ingress.kubernetes.io/allowlist-source-range"] {
            let result = try run(ingress("admin", allowKey: key, allow: "\"10.0.0.0/8;\""))
            XCTAssertTrue(try writtenIngresses(result.files).isEmpty, "\(key): an ALB with no inbound-cidrs would admit the internet")
            let changes = result.files.filter { $0.key.hasSuffix("CHANGES.md") }.map(\.value).joined()
            XCTAssertTrue(changes.contains("Ingress shop/admin not written (held out of support/ until decided)"), changes)
            XCTAssertTrue(changes.contains("10.0.0.0/8;") && changes.contains(key), changes)
            let finding = try XCTUnwrap(result.findings.first { $0.checkID == "NET010" }, key)
            XCTAssertEqual(finding.severity, .blocker)
            XCTAssertTrue(finding.message.contains("'10.0.0.0/8;'"), finding.message)
            let entry = try XCTUnwrap(result.plan.network.entries.first { $0.name == "admin" })
            XCTAssertTrue(entry.manual.contains { $0.hasPrefix("held out by convert") }, "\(entry.manual)")
            XCTAssertNil(entry.annotations["alb.ingress.kubernetes.io/inbound-cidrs"])
        }
    }

    /// The switch of the held Ingress's host waits for the decided Ingress: the gate fails while it is not on EKS.
    func testTheHeldGateFailsUntilTheDecidedIngressIsApplied() throws {
        let result = try run(ingress("admin", allow: "\"10.0.0.0/8;\""))
        let routes = try XCTUnwrap(Exposure.Index(result.estate).ingresses["shop"]?.first { $0.name == "admin" })
        XCTAssertFalse(routes.held.isEmpty)
        let gate = TrafficCommands.heldGate(namespace: "shop", ingress: "admin", host: "admin.acme.example",
                                            held: Exposure.Held(reasons: routes.held, probePath: routes.probePath, auth: routes.auth))
        XCTAssertTrue(gate.before.contains { $0.hasPrefix("#") && $0.contains("allow-list") }, "\(gate.before)")
        let folder = try temporaryFolder(self)
        let script = gate.before.joined(separator: "\n")
        XCTAssertNotEqual(try bash(script, stubs: ["kubectl": "echo 'Error from server (NotFound)' >&2; exit 1"], in: folder), 0)
        XCTAssertEqual(try bash(script, stubs: ["kubectl": "echo ingress.networking.k8s.io/admin"], in: folder), 0)
    }

    /// A hostile entry (a newline, Markdown, a shell substitution) is named on one line and never breaks CHANGES.md or a comment.
    func testAHostileAllowListEntryIsNamedOnOneVisibleLine() throws {
        let result = try run(ingress("admin", allowKey: "nginx.ingress.kubernetes.io/allowlist-source-range", allow: "\"10.0.0.0/8\\n- [x] done $(touch /tmp/pwned) `id`\""))
        XCTAssertTrue(try writtenIngresses(result.files).isEmpty)
        let changes = result.files.filter { $0.key.hasSuffix("CHANGES.md") }.map(\.value).joined()
        XCTAssertFalse(changes.contains("\n- [x] done"), changes)
        XCTAssertTrue(changes.contains("not written (held out"), changes)
        let routes = try XCTUnwrap(Exposure.Index(result.estate).ingresses["shop"]?.first { $0.name == "admin" })
        let gate = TrafficCommands.heldGate(namespace: "shop", ingress: "admin", host: nil, held: Exposure.Held(reasons: routes.held, probePath: "/", auth: false))
        XCTAssertTrue(gate.before.filter { $0.hasPrefix("#") }.allSatisfy { !$0.contains("\n") }, "\(gate.before)")
    }

    func testABareAddressIsWrittenAsItsHostCIDR() throws {
        let result = try run(ingress("admin", allow: "\"10.1.2.3, 2001:db8::1\""))
        let written = try XCTUnwrap(try writtenIngresses(result.files).first, "a parsed allow-list converts")
        XCTAssertEqual(written["metadata", "annotations", "alb.ingress.kubernetes.io/inbound-cidrs"]?.string, "10.1.2.3/32,2001:db8::1/128")
        XCTAssertFalse(result.findings.contains { $0.checkID == "NET010" })
    }

    /// The demo's admin Ingress (10.20.0.0/16) keeps its allow-list and no NET010 reason.
    func testTheDemoAllowListStillParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../samples/prod").standardized.path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no samples/prod") }
        let (plan, _) = try planImported([path])
        let admin = try XCTUnwrap(plan.network.entries.first { $0.kind == "Ingress" && $0.name == "admin" })
        XCTAssertEqual(admin.annotations["alb.ingress.kubernetes.io/inbound-cidrs"], "10.20.0.0/16")
        XCTAssertFalse(admin.manual.contains { $0.hasPrefix("held out by convert") })
    }

    /// Runs `script` under bash -e with `stubs` first on the PATH; its exit status.
    func bash(_ script: String, stubs: [String: String], in folder: URL) throws -> Int32 {
        let bin = folder.appendingPathComponent("bin-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, body) in stubs {
            let url = bin.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", "-c", script]
        process.environment = RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin", "EKS_CONTEXT": "eks"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
