import Foundation
import XCTest
@testable import EksodusCore

/// The switch of a held host does not move until the decided Ingress on EKS really restricts who may connect (its
/// inbound-cidrs), enforces the decided login, or has no regex path left: each check runs in bash against a stub
/// `kubectl` that prints the EKS Ingress as JSON, and a real `jq`.
final class HeldIngressChecksTests: XCTestCase {
    /// The EKS Ingress `kubectl -o json` prints, with `annotations` and one path.
    static func ingressJSON(_ annotations: [String: String], path: String = "/", pathType: String = "Prefix") throws -> String {
        let object: [String: Any] = [
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": ["name": "admin", "namespace": "shop", "annotations": annotations],
            "spec": ["rules": [["host": "admin.acme.example", "http": ["paths": [["path": path, "pathType": pathType]]]]]],
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Runs `lines` with a `kubectl` that prints `json` for `get ingress/admin -o json` in namespace shop on EKS (nothing
    /// else), or fails when `json` is nil.
    func run(_ lines: [String], json: String?) throws -> Int32 {
        let folder = try temporaryFolder(self)
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try json.map { try $0.write(to: folder.appendingPathComponent("ingress.json"), atomically: true, encoding: .utf8) }
        let stub = bin.appendingPathComponent("kubectl")
        try """
            #!/bin/bash
            [ "$*" = "--context eks -n shop get ingress/admin -o json" ] || exit 1
            [ -f \(ShellQuote.word(folder.appendingPathComponent("ingress.json").path)) ] || { echo 'Error from server (NotFound)' >&2; exit 1; }
            cat \(ShellQuote.word(folder.appendingPathComponent("ingress.json").path))

            """.write(to: stub, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        // The checks call the runbook library (`eksodus_held_ingress`), loaded first as in a step.
        return try GateShell.run("set -e\n" + ([RunbookLibrary.load] + lines).joined(separator: "\n"), environment: ["PATH": bin.path + ":/usr/bin:/bin"]).status
    }

    static let cidrs = "alb.ingress.kubernetes.io/inbound-cidrs", scheme = "alb.ingress.kubernetes.io/scheme"

    func testAnAllowListHoldPassesOnlyARealRestriction() throws {
        let lines = HeldIngressChecks.checks(namespace: "shop", ingress: "admin", held: Exposure.Held(reasons: ["x"], probePath: "/", auth: false, allowList: true))
        XCTAssertEqual(lines.last, "eksodus_held_ingress 'shop' 'admin' 'allow-list'")
        XCTAssertTrue(RunbookLibrary.text.contains("--arg key 'alb.ingress.kubernetes.io/inbound-cidrs'"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("#") && $0.contains("internal ALB") }, "the internal scheme is checked too, and said so")
        let refused: [(String, [String: String]?)] = [
            ("no EKS Ingress", nil),
            ("absent", [Self.scheme: "internet-facing"]),
            ("empty", [Self.cidrs: " "]),
            ("0.0.0.0/0", [Self.cidrs: "10.0.0.0/8,0.0.0.0/0"]),
            ("::/0", [Self.cidrs: "::/0"]),
            ("::/0 spelled out", [Self.cidrs: "10.0.0.0/8, 0:0::0/0"]),
            ("garbage", [Self.cidrs: "any"]),
            ("the source's unparsed entry", [Self.cidrs: "10.0.0.0/8;"]),
            ("a bare address", [Self.cidrs: "10.1.2.3"]),
            ("a prefix out of range", [Self.cidrs: "10.0.0.0/33"]),
            ("a trailing comma", [Self.cidrs: "10.0.0.0/8,"]),
            ("two ::", [Self.cidrs: "2001::db8::/32"]),
            ("internal scheme, no list", [Self.scheme: "internal"]),
            ("internal scheme, open list", [Self.scheme: "internal", Self.cidrs: "0.0.0.0/0"]),
            ("a hostile value", [Self.cidrs: "10.0.0.0/8$(touch pwned)"]),
        ]
        for (why, annotations) in refused {
            XCTAssertNotEqual(try run(lines, json: try annotations.map { try Self.ingressJSON($0) }), 0, why)
        }
        let admitted: [(String, [String: String])] = [
            ("one IPv4 CIDR", [Self.cidrs: "10.20.0.0/16"]),
            ("a list with IPv6", [Self.cidrs: "10.20.0.0/16, 192.168.1.7/32,2001:db8::/32,fe80::1/128"]),
            ("internal scheme, good list", [Self.scheme: "internal", Self.cidrs: "10.0.0.0/8"]),
        ]
        for (why, annotations) in admitted { XCTAssertEqual(try run(lines, json: try Self.ingressJSON(annotations)), 0, why) }
    }

    func testALoginHoldPassesOnlyOIDCCognitoOrTheApplicationsDecidedLogin() throws {
        let lines = HeldIngressChecks.checks(namespace: "shop", ingress: "admin", held: Exposure.Held(reasons: ["x"], probePath: "/", auth: true))
        XCTAssertEqual(lines, ["eksodus_held_ingress 'shop' 'admin' 'login'"])
        XCTAssertTrue(RunbookLibrary.text.contains("--arg decided '\(HeldIngressChecks.loginDecidedKey)'"))
        for (why, annotations) in [("no login", [:]), ("auth-type none", ["alb.ingress.kubernetes.io/auth-type": "none"]),
                                   ("the source's annotation left", ["nginx.ingress.kubernetes.io/auth-type": "basic"]),
                                   ("a decision that names no login", [HeldIngressChecks.loginDecidedKey: "yes"])] as [(String, [String: String])] {
            XCTAssertNotEqual(try run(lines, json: try Self.ingressJSON(annotations)), 0, why)
        }
        for (why, annotations) in [("oidc", ["alb.ingress.kubernetes.io/auth-type": "oidc"]), ("cognito", ["alb.ingress.kubernetes.io/auth-type": "cognito"]),
                                   ("the application's own", [HeldIngressChecks.loginDecidedKey: "application"])] as [(String, [String: String])] {
            XCTAssertEqual(try run(lines, json: try Self.ingressJSON(annotations)), 0, why)
        }
    }

    /// Every check of a hold in one call: each must pass, the first that fails stops it, and an unknown check is a failure.
    func testOneCallRunsEveryCheckOfTheHold() throws {
        let lines = HeldIngressChecks.checks(namespace: "shop", ingress: "admin", held: Exposure.Held(reasons: ["x"], probePath: "/", auth: true, allowList: true, regex: true))
        XCTAssertEqual(lines.last, "eksodus_held_ingress 'shop' 'admin' 'allow-list' 'login' 'regex'")
        let good: [String: String] = [Self.cidrs: "10.0.0.0/8", "alb.ingress.kubernetes.io/auth-type": "oidc"]
        XCTAssertEqual(try run(lines, json: try Self.ingressJSON(good)), 0)
        XCTAssertNotEqual(try run(lines, json: try Self.ingressJSON([Self.cidrs: "10.0.0.0/8"])), 0, "no login")
        XCTAssertNotEqual(try run(lines, json: try Self.ingressJSON(["alb.ingress.kubernetes.io/auth-type": "oidc"])), 0, "no allow-list")
        XCTAssertNotEqual(try run(lines, json: try Self.ingressJSON(good, path: "/a(.*)", pathType: "ImplementationSpecific")), 0, "a regex path")
        XCTAssertNotEqual(try run(lines, json: nil), 0, "no EKS Ingress")
        XCTAssertNotEqual(try run(["eksodus_held_ingress 'shop' 'admin' 'allow-list' 'anything'"], json: try Self.ingressJSON(good)), 0, "an unknown check")
        XCTAssertTrue(HeldIngressChecks.checks(namespace: "shop", ingress: "admin", held: Exposure.Held(reasons: ["x"], probePath: "/", auth: false)).isEmpty)
        // A hostile name is one word each.
        XCTAssertEqual(HeldIngressChecks.checks(namespace: "shop", ingress: "a'$(touch p)", held: Exposure.Held(reasons: ["x"], probePath: "/", auth: true)),
                       ["eksodus_held_ingress 'shop' 'a'\\''$(touch p)' 'login'"])
    }

    func testARegexHoldPassesOnceNoRegexPathRemains() throws {
        let lines = HeldIngressChecks.checks(namespace: "shop", ingress: "admin", held: Exposure.Held(reasons: ["x"], probePath: "/", auth: false, regex: true))
        XCTAssertNotEqual(try run(lines, json: try Self.ingressJSON([:], path: "/api(/|$)(.*)", pathType: "ImplementationSpecific")), 0)
        XCTAssertNotEqual(try run(lines, json: try Self.ingressJSON([:], path: "/v[0-9]+/", pathType: "ImplementationSpecific")), 0)
        XCTAssertEqual(try run(lines, json: try Self.ingressJSON([:], path: "/api", pathType: "Prefix")), 0)
        XCTAssertEqual(try run(lines, json: try Self.ingressJSON([:], path: "/api/*", pathType: "ImplementationSpecific")), 0, "an ALB wildcard")
    }

    /// The plan of an Ingress held for its allow-list: its host's switch runs the inbound-cidrs check before any weight moves.
    func testTheHeldHostsSwitchReadsTheInboundCIDRs() throws {
        let result = try planAndConvert(AllowListHoldTests.manifests("admin", allow: "\"10.0.0.0/8;\""), test: self)
        let traffic = try XCTUnwrap(result.plan.items.first { $0.key.step == .traffic && $0.key.description.contains("admin.acme.example") })
        let check = try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("eksodus_held_ingress ") && $0.contains(" 'allow-list'") }, "\(traffic.commands)")
        let firstShift = try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("eksodus_dns_shift ") })
        XCTAssertLessThan(check, firstShift)
    }

    /// The HTTPS probe without credentials, against a stub `curl` that prints `answer` (`code redirect_url`) and the EKS
    /// Ingress with `annotations`: with login-decided: application, 403 or a redirect to another path (its /login) passes.
    func testTheLoginProbeAcceptsAnApplicationsOwnLoginRedirectOnlyWhereDecided() throws {
        let held = Exposure.Held(reasons: [], probePath: "/", auth: true)
        let after = TrafficCommands.heldGate(namespace: "shop", ingress: "admin", host: "admin.acme.example", held: held).after
        XCTAssertEqual(after.first, "eksodus_held_redirect 'shop' 'admin' 'admin.acme.example' '/'")
        let probe = [RunbookLibrary.load, try XCTUnwrap(after.last)]
        XCTAssertTrue(probe[1].hasPrefix("eksodus_held_login 'shop' 'admin' 'admin.acme.example' '/'"), "\(after)")
        let app = [HeldIngressChecks.loginDecidedKey: HeldIngressChecks.loginDecidedValue], oidc = ["alb.ingress.kubernetes.io/auth-type": "oidc"]
        let cases: [([String: String], String, Bool)] = [
            (app, "302 https://admin.acme.example/login?next=%2F", true), (app, "303 https://admin.acme.example/login", true),
            (app, "403 ", true), (app, "401 ", true), (app, "302 https://admin.acme.example/", false), (app, "302 https://admin.acme.example/?x=1", false),
            (app, "200 ", false), (app, "302 ", false), (app, "000 ", false),
            (oidc, "302 https://admin.acme.example/login", false), (oidc, "403 ", false), (oidc, "302 https://idp.example/authorize", true), (oidc, "401 ", true),
        ]
        for (annotations, answer, passes) in cases {
            let folder = try temporaryFolder(self)
            let bin = folder.appendingPathComponent("bin", isDirectory: true)
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try Self.ingressJSON(annotations).write(to: folder.appendingPathComponent("ingress.json"), atomically: true, encoding: .utf8)
            for (name, body) in [("kubectl", "[ \"$*\" = \"--context eks -n shop get ingress/admin -o json\" ] || exit 1\ncat " + ShellQuote.word(folder.appendingPathComponent("ingress.json").path)),
                                 ("curl", "echo " + ShellQuote.word(answer))] {
                try ("#!/bin/bash\n" + body + "\n").write(to: bin.appendingPathComponent(name), atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent(name).path)
            }
            let status = try GateShell.run("set -e\nEKS_LB=lb.example\n" + probe.joined(separator: "\n"), environment: ["PATH": bin.path + ":/usr/bin:/bin"]).status
            XCTAssertEqual(status == 0, passes, "\(annotations) \(answer)")
        }
    }
}
