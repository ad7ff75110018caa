import Foundation
import XCTest
@testable import EksodusCore

/// One host split by path across namespaces (`/api` in api, `/` in web): on one source ingress controller its Ingresses
/// join one ALB IngressGroup and the host switches once; on different (or unknown) controllers the switch keeps its
/// failing decision.
final class SharedHostGroupTests: XCTestCase {
    /// A Deployment, Service and Ingress in `namespace` routing `path` of shop.acme.example; `status`: the source load
    /// balancer's address in the Ingress's status (none when nil).
    static func app(_ namespace: String, path: String, className: String = "nginx", status: String? = "203.0.113.10",
                    annotations: [String: String] = [:], morePaths: [String] = [], host: String = "shop.acme.example", created: String? = nil) -> String {
        let extra = annotations.sorted { $0.key < $1.key }.map { "\n    \($0.key): \"\($0.value)\"" }.joined()
            + (created.map { "\n  creationTimestamp: \"\($0)\"" } ?? "")
        let paths = ([path] + morePaths).map { "{path: \($0), pathType: Prefix, backend: {service: {name: \(namespace), port: {number: 80}}}}" }.joined(separator: ", ")
        return """
            apiVersion: v1
            kind: Namespace
            metadata: {name: \(namespace)}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: \(namespace)
              namespace: \(namespace)
              annotations:
                nginx.ingress.kubernetes.io/proxy-body-size: 10m\(extra)
            spec:
              ingressClassName: \(className)
              rules:
              - host: "\(host)"
                http: {paths: [\(paths)]}
            \(status.map { "status:\n  loadBalancer:\n    ingress:\n    - ip: \($0)" } ?? "")
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: \(namespace), namespace: \(namespace)}
            spec: {selector: {app: \(namespace)}, ports: [{port: 80}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(namespace), namespace: \(namespace)}
            spec:
              selector: {matchLabels: {app: \(namespace)}}
              template:
                metadata: {labels: {app: \(namespace)}}
                spec: {containers: [{name: app, image: "nginx:1.27"}]}

            """
    }

    func switches(_ plan: TransitionPlan) -> [PlanItem] {
        plan.items.filter { $0.key.step == .traffic && $0.key.description.contains("shop.acme.example") }
    }

    func testAHostSplitByPathOnOneControllerJoinsOneIngressGroupAndSwitchesOnce() throws {
        let result = try planAndConvert(Self.app("api", path: "/api") + "---\n" + Self.app("web", path: "/"), test: self)
        let ingresses = try writtenObjects(result.files, kind: "Ingress")
        XCTAssertEqual(ingresses.count, 2)
        let groups = Set(ingresses.compactMap { $0["metadata", "annotations", "alb.ingress.kubernetes.io/group.name"]?.string })
        XCTAssertEqual(groups.count, 1, "\(groups)")
        let group = try XCTUnwrap(groups.first)
        XCTAssertTrue(SharedHostGroups.isValidGroupName(group), group)
        // The more specific /api is matched first: the smaller order.
        func order(_ namespace: String) -> String? {
            ingresses.first { $0["metadata", "namespace"]?.string == namespace }?["metadata", "annotations", "alb.ingress.kubernetes.io/group.order"]?.string
        }
        XCTAssertEqual(order("api"), "1")
        XCTAssertEqual(order("web"), "2")
        let traffic = switches(result.plan)
        XCTAssertEqual(traffic.count, 1, "\(traffic.map(\.key.description))")
        let item = try XCTUnwrap(traffic.first)
        XCTAssertFalse(item.commands.joined().contains("claimed by Ingresses of several namespaces"), "\(item.commands)")
        XCTAssertTrue(item.commands.contains { $0.hasPrefix("eksodus_dns_shift ") })
        XCTAssertTrue(item.evidence.contains(group) && item.evidence.contains("IngressClassParams"), item.evidence)
        XCTAssertEqual(result.plan.items.filter { $0.key.step == .dnsTTL && $0.key.description.contains("shop.acme.example") }.count, 1)
        // The caveat reaches CHANGES.md as work to do.
        XCTAssertTrue(result.files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined().contains("IngressClassParams"))
    }

    func testAHostSplitAcrossControllersOrUnknownOnesKeepsTheFailingDecision() throws {
        let cases: [(String, String)] = [
            ("another class", Self.app("api", path: "/api") + "---\n" + Self.app("web", path: "/", className: "traefik")),
            ("another load balancer", Self.app("api", path: "/api") + "---\n" + Self.app("web", path: "/", status: "198.51.100.7")),
            ("no status", Self.app("api", path: "/api", status: nil) + "---\n" + Self.app("web", path: "/", status: nil)),
        ]
        for (why, manifests) in cases {
            let result = try planAndConvert(manifests, test: self)
            let groups = Set(try writtenObjects(result.files, kind: "Ingress").compactMap { $0["metadata", "annotations", "alb.ingress.kubernetes.io/group.name"]?.string })
            XCTAssertEqual(groups.count, 2, why)
            let item = try XCTUnwrap(switches(result.plan).first, why)
            XCTAssertTrue(item.commands.joined().contains("claimed by Ingresses of several namespaces"), why)
            // The decision fails in bash before any command moves the name.
            XCTAssertNotEqual(try GateShell.run("set -e\n" + item.commands.joined(separator: "\n"), environment: ["PATH": "/usr/bin:/bin"]).status, 0, why)
        }
    }

    func testGroupNamesAreValidAndDeterministic() {
        let long = SharedHostGroups.groupName(cluster: "Prod_EU", host: String(repeating: "a", count: 80) + ".Example", members: ["a/b", "c/d"], exclusive: "x")
        XCTAssertTrue(SharedHostGroups.isValidGroupName(long), long)
        XCTAssertEqual(long, SharedHostGroups.groupName(cluster: "Prod_EU", host: String(repeating: "a", count: 80) + ".Example", members: ["a/b", "c/d"], exclusive: "x"))
        let hostile = SharedHostGroups.groupName(cluster: "$(id)", host: "--;\n", members: ["a/b"], exclusive: "")
        XCTAssertTrue(SharedHostGroups.isValidGroupName(hostile), hostile)
        XCTAssertNotEqual(SharedHostGroups.groupName(cluster: "c", host: "h", members: ["a/b"], exclusive: ""),
                          SharedHostGroups.groupName(cluster: "c", host: "h", members: ["a/c"], exclusive: ""))
        for bad in ["", "-a", "a-", "A", "a.b", "a_b", String(repeating: "a", count: 64)] { XCTAssertFalse(SharedHostGroups.isValidGroupName(bad), bad) }
    }

    /// external-dns on EKS must not take the record before the planned switch: convert drops the hostname and holds
    /// external-dns off the object; the switch says when to hand it back.
    func testTheExternalDNSHostnameIsHeldUntilTheSwitchIsComplete() throws {
        let key = ExternalDNSHold.hostnameKey
        let result = try planAndConvert(Self.app("web", path: "/", annotations: [key: "shop.acme.example"]) + """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: edge
              namespace: web
              annotations: {\(key): edge.acme.example}
            spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443}]}

            """, test: self)
        let ingress = try XCTUnwrap(try writtenObjects(result.files, kind: "Ingress").first)
        XCTAssertNil(ingress["metadata", "annotations", key])
        XCTAssertEqual(ingress["metadata", "annotations", ExternalDNSHold.controllerKey]?.string, ExternalDNSHold.holdValue)
        let edge = try XCTUnwrap(try writtenObjects(result.files, kind: "Service").first { $0["metadata", "name"]?.string == "edge" })
        XCTAssertNil(edge["metadata", "annotations", key])
        XCTAssertEqual(edge["metadata", "annotations", ExternalDNSHold.controllerKey]?.string, ExternalDNSHold.holdValue)
        let changes = result.files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined()
        XCTAssertTrue(changes.contains("Ingress web/web: external-dns hostname shop.acme.example dropped") && changes.contains("--txt-owner-id"), changes)
        XCTAssertTrue(changes.contains("Service web/edge: external-dns hostname edge.acme.example dropped"), changes)
        let item = try XCTUnwrap(switches(result.plan).first)
        XCTAssertTrue(item.evidence.contains("external-dns hostname shop.acme.example dropped"), item.evidence)
        let last = try XCTUnwrap(item.commands.firstIndex { $0.hasPrefix("# after 100 %") && $0.contains(key) })
        XCTAssertGreaterThan(last, try XCTUnwrap(item.commands.lastIndex { $0.hasPrefix("eksodus_dns_shift ") }))
    }

    /// A hostile hostname value stays on one visible line in CHANGES.md, the converted file's comment and the switch.
    func testAHostileExternalDNSHostnameStaysOnOneLine() throws {
        let result = try planAndConvert(Self.app("web", path: "/", annotations: [ExternalDNSHold.hostnameKey: "a.example\\n- [x] done $(touch pwned)"]), test: self)
        for (path, text) in result.files { XCTAssertFalse(text.contains("\n- [x] done"), path) }
        let item = try XCTUnwrap(switches(result.plan).first)
        XCTAssertTrue(item.commands.filter { $0.hasPrefix("#") }.allSatisfy { !$0.contains("\n") })
        XCTAssertNil(try writtenObjects(result.files, kind: "Ingress").first?["metadata", "annotations", ExternalDNSHold.hostnameKey])
    }

    /// The switches these plans make (one host on one IngressGroup with external-dns held off, the refused split, the
    /// allow-list hold's inbound-cidrs check) pass shellcheck, as the demo's runbook does.
    func testTheNewSwitchLinesPassShellcheck() throws {
        guard let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("shellcheck is not installed (.ci/run installs it)")
        }
        let plans = [
            try planAndConvert(Self.app("api", path: "/api") + "---\n" + Self.app("web", path: "/", annotations: [ExternalDNSHold.hostnameKey: "shop.acme.example"]), test: self).plan,
            try planAndConvert(Self.app("api", path: "/api") + "---\n" + Self.app("web", path: "/", className: "traefik"), test: self).plan,
            try planAndConvert(AllowListHoldTests.manifests("admin", allow: "\"10.0.0.0/8;\""), test: self).plan,
            // A tenant's wildcard, a source external-dns, a group with nested paths.
            try planAndConvert(Self.app("web", path: "/") + "---\n" + Self.app("tenant", path: "/", host: "*.acme.example") + ExternalDNSHoldTests.externalDNS, test: self).plan,
            try planAndConvert(Self.app("cart", path: "/shop/cart") + "---\n" + Self.app("misc", path: "/a", morePaths: ["/shop/cart/x"]), test: self).plan,
        ]
        let items = plans.flatMap { $0.items.filter { [.traffic, .dnsTTL].contains($0.key.step) } }
        XCTAssertGreaterThanOrEqual(items.count, 12)
        let lines = ["#!/usr/bin/env bash", RunbookLibrary.text] + items.flatMap { item in
            [item.commands, item.rollbackCommands].filter { !$0.isEmpty }.flatMap { ["(", ":"] + $0 + [")"] }
        }
        let file = try temporaryFolder(self).appendingPathComponent("switches.sh")
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try GateShell.run(ShellQuote.word(shellcheck) + " --exclude=SC2030,SC2031,SC1090 " + ShellQuote.word(file.path))  // SC1090: the library is at the top
        XCTAssertEqual(result.status, 0, result.output)
    }
}
