import Foundation
import XCTest
@testable import EksodusCore

/// Who may take a shared host's ALB: an identical host+path from two namespaces, interleaved paths and a wildcard over
/// other namespaces' hosts stop the switch in bash; a group puts every nested path first, then the oldest Ingress, never
/// the alphabetically first namespace.
final class SharedHostClaimTests: XCTestCase {
    typealias App = SharedHostGroupTests

    func orders(_ result: (plan: TransitionPlan, files: [String: String])) throws -> [String: String] {
        Dictionary(try writtenObjects(result.files, kind: "Ingress").compactMap { ingress in
            ingress["metadata", "annotations", "alb.ingress.kubernetes.io/group.order"]?.string.map { (ingress["metadata", "namespace"]?.string ?? "", $0) }
        }, uniquingKeysWith: { first, _ in first })
    }

    func shopItems(_ plan: TransitionPlan, _ step: PlanItemKey.Step, host: String = "shop.acme.example") -> [PlanItem] {
        plan.items.filter { $0.key.step == step && $0.key.description.hasSuffix(":" + host) }
    }

    func assertStopsInBash(_ item: PlanItem?, _ why: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let item = try XCTUnwrap(item, why, file: file, line: line)
        XCTAssertFalse(item.commands.contains { $0.hasPrefix("eksodus_dns_shift ") }, why, file: file, line: line)
        XCTAssertNotEqual(try GateShell.run("set -e\n" + item.commands.joined(separator: "\n"), environment: ["PATH": "/usr/bin:/bin"]).status, 0, why, file: file, line: line)
    }

    /// The attack: aaa-evil lists shop.acme.example `/` on the same class and status as the owner's `/`.
    func testAnIdenticalHostAndPathFromTwoNamespacesIsADecisionNeverAMerge() throws {
        let result = try planAndConvert(App.app("web", path: "/", created: "2021-01-01T00:00:00Z") + "---\n" + App.app("aaa-evil", path: "/", created: "2025-06-01T00:00:00Z"), test: self)
        // `/shop/` is `/shop` as a Prefix: the same claim.
        let spelled = try planAndConvert(App.app("web", path: "/shop") + "---\n" + App.app("aaa-evil", path: "/shop/"), test: self)
        try assertStopsInBash(shopItems(spelled.plan, .traffic).first, "trailing slash")
        XCTAssertEqual(try orders(result), [:])
        XCTAssertEqual(Set(try writtenObjects(result.files, kind: "Ingress").compactMap { $0["metadata", "annotations", "alb.ingress.kubernetes.io/group.name"]?.string }).count, 2)
        try assertStopsInBash(shopItems(result.plan, .traffic).first, "traffic")
        try assertStopsInBash(shopItems(result.plan, .dnsTTL).first, "dns-ttl")
        let manual = result.plan.network.entries.flatMap(\.manual).joined(separator: "\n")
        XCTAssertTrue(manual.contains("host shop.acme.example path / is claimed by Ingresses of several namespaces (aaa-evil/aaa-evil, web/web)") && manual.contains("no proof of ownership"), manual)
    }

    /// Equal specificity and no nesting: the oldest Ingress comes first, whatever its namespace is called.
    func testTiesGoToTheOldestIngressNotTheFirstName() throws {
        let result = try planAndConvert(App.app("zzz-owner", path: "/aa", created: "2020-01-01T00:00:00Z") + "---\n" + App.app("aaa-new", path: "/bb", created: "2024-01-01T00:00:00Z"), test: self)
        XCTAssertEqual(try orders(result), ["zzz-owner": "1", "aaa-new": "2"])
    }

    /// A member's path under another member's path comes first even when its shortest path is shorter
    /// (`/a` + `/shop/cart/x` before `/shop/cart`).
    func testEveryNestedPathIsMatchedBeforeThePathItLiesUnder() throws {
        let result = try planAndConvert(App.app("cart", path: "/shop/cart") + "---\n" + App.app("misc", path: "/a", morePaths: ["/shop/cart/x"]), test: self)
        XCTAssertEqual(try orders(result), ["misc": "1", "cart": "2"])
        let traffic = try XCTUnwrap(shopItems(result.plan, .traffic).first)
        XCTAssertTrue(traffic.commands.contains { $0.hasPrefix("eksodus_dns_shift ") })
        // The merge stands on class and status only: both steps ask the team to confirm the shared host.
        for item in [traffic, try XCTUnwrap(shopItems(result.plan, .dnsTTL).first)] {
            XCTAssertTrue(item.commands.contains { $0.hasPrefix("# decision: confirm with the owner of shop.acme.example that namespaces cart, misc may share it") }, "\(item.commands)")
        }
        XCTAssertTrue(traffic.evidence.contains("not that these namespaces may share the host"), traffic.evidence)
    }

    /// `api:/api` and `web:/ + /api/v2/legacy`: no order sends /api/v2/legacy to web (as nginx's longest match did) and
    /// /api to api; the switch stops and the paths are named.
    func testInterleavedPathsHoldTheSwitch() throws {
        let result = try planAndConvert(App.app("api", path: "/api") + "---\n" + App.app("web", path: "/", morePaths: ["/api/v2/legacy"]), test: self)
        XCTAssertEqual(try orders(result), [:])
        try assertStopsInBash(shopItems(result.plan, .traffic).first, "interleaved")
        let manual = result.plan.network.entries.flatMap(\.manual).joined(separator: "\n")
        XCTAssertTrue(manual.contains("interleaved paths (api/api shop.acme.example/api, web/web shop.acme.example/, web/web shop.acme.example/api/v2/legacy)"), manual)
        XCTAssertTrue(SharedHostGroups.lies("/api/v2/legacy", under: "/api") && SharedHostGroups.lies("/api", under: "/") && !SharedHostGroups.lies("/apiv2", under: "/api"))
        XCTAssertEqual([nil, "", "/", "/api/", "/api"].map(SharedHostGroups.normalized), ["/", "/", "/", "/api", "/api"])
    }

    /// A tenant's `*.acme.example` answers for shop.acme.example too: its switch is a decision.
    func testAWildcardOverAnotherNamespacesHostIsADecision() throws {
        let result = try planAndConvert(App.app("web", path: "/") + "---\n" + App.app("tenant", path: "/", host: "*.acme.example"), test: self)
        let wildcard = shopItems(result.plan, .traffic, host: "*.acme.example").first
        try assertStopsInBash(wildcard, "wildcard traffic")
        try assertStopsInBash(shopItems(result.plan, .dnsTTL, host: "*.acme.example").first, "wildcard dns-ttl")
        XCTAssertTrue(try XCTUnwrap(wildcard).commands.joined().contains("web/web"))
        // The owner's own host still switches.
        XCTAssertTrue(try XCTUnwrap(shopItems(result.plan, .traffic).first).commands.contains { $0.hasPrefix("eksodus_dns_shift ") })
        // A wildcard whose hosts are all its own namespace's switches as before.
        let own = try planAndConvert(App.app("tenant", path: "/", host: "*.tenant.example"), test: self)
        XCTAssertTrue(try XCTUnwrap(shopItems(own.plan, .traffic, host: "*.tenant.example").first).commands.contains { $0.hasPrefix("eksodus_dns_shift ") })
    }
}
