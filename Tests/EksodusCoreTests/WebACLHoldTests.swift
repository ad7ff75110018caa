import Foundation
import XCTest
@testable import EksodusCore

/// An Ingress the source's ALB protected with a web ACL that cannot be copied (another account's or region's, or WAF
/// Classic's) would be served on EKS by an ALB without one: convert holds it out with a TODO, and the switch of its host
/// fails until the decided Ingress is on EKS. A web ACL of the plan's own account and region is copied and holds nothing.
extension AllowListHoldTests {
    static func albIngress(_ name: String, annotations: [String: String]) -> String {
        let lines = annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        return """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: \(name)
              namespace: shop
              annotations:
            \(lines)spec:
              ingressClassName: alb
              rules:
              - host: \(name).acme.example
                http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
            ---

            """
    }

    func testAnIngressWhoseWebACLIsNotCopiedIsHeldUntilDecided() throws {
        let alb = "alb.ingress.kubernetes.io/"
        let base = ingress("unused", allow: "10.0.0.0/8")
        let services = base[base.range(of: "apiVersion: v1\nkind: Service")!.lowerBound...]
        let manifests = Self.albIngress("shop", annotations: [alb + "wafv2-acl-arn": "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/shop/0a1b", alb + "scheme": "internet-facing"])
            + Self.albIngress("classic", annotations: [alb + "waf-acl-id": "a1b2c3d4-5678", alb + "scheme": "internet-facing"])
            + Self.albIngress("own", annotations: [alb + "wafv2-acl-arn": "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop/9z8y", alb + "scheme": "internet-facing"])
            + services
        let result = try run(manifests)
        func entry(_ name: String) throws -> NetworkPlan.Entry { try XCTUnwrap(result.plan.network.entries.first { $0.name == name }) }
        let changes = result.files.filter { $0.key.hasSuffix("CHANGES.md") }.map(\.value).joined()
        let written = Set(try writtenIngresses(result.files).compactMap { $0["metadata", "name"]?.string })
        XCTAssertEqual(written, ["own"], "only the Ingress whose web ACL carries over is written")
        for name in ["shop", "classic"] {
            XCTAssertEqual(try entry(name).held?.count, 1, name)
            XCTAssertTrue(try entry(name).manual.contains { $0.hasPrefix("held out by convert: the source's ALB was protected by a web ACL") }, name)
            XCTAssertTrue(changes.contains("Ingress shop/\(name) not written (held out of support/ until decided)"), changes)
        }
        XCTAssertTrue(changes.contains("wafv2-acl-arn arn:aws:wafv2:us-east-1:111122223333:regional/webacl/shop/0a1b) that is not copied"), changes)
        XCTAssertNil(try entry("own").held)
        XCTAssertEqual(try entry("own").annotations[alb + "wafv2-acl-arn"], "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop/9z8y")

        // The host's switch waits for the decided Ingress: its gate fails while that is not on EKS.
        let traffic = try XCTUnwrap(result.plan.items.first { $0.keyText.hasPrefix("traffic:") && $0.commands.contains { $0.contains("ingress/shop") } && $0.commands.contains { $0.contains("shop.acme.example") } },
                                    "\(result.plan.items.map(\.keyText))")
        let gate = try XCTUnwrap(traffic.commands.first { $0.contains("get 'ingress/shop' -o name") }, "\(traffic.commands)")
        XCTAssertTrue(gate.contains("apply the decided Ingress shop/shop first"), gate)
        XCTAssertTrue(traffic.commands.contains { $0.hasPrefix("#") && $0.contains("web ACL") }, "\(traffic.commands)")
        XCTAssertFalse(result.plan.items.contains { $0.commands.contains { $0.contains("get 'ingress/own' -o name") } }, "a copied web ACL holds nothing")
    }
}
