import XCTest
@testable import EksodusCore

/// The `images:` runbook items copy what skopeo accepts: a reference with a tag and a digest is refused by containers/image
/// ("Docker references with both a tag and digest are currently not supported"), so the demo's payments image never moved.
extension ImageAdviceTests {
    func testTheWaveCopyItemsNeverNameATagAndADigestTogether() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let (plan, _) = try plan(["app.yaml": deployment("app", containers: [("pinned", "harbor.corp.example/shop/pay:3.8.2@\(digest)"),
                                                                             ("tagged", "harbor.corp.example/shop/cart:2.4.0"),
                                                                             ("bare", "harbor.corp.example/shop/base@\(digest)")])])
        let copies = plan.items.filter { $0.key.description.hasPrefix("images:") }.flatMap(\.commands).filter { $0.hasPrefix("skopeo copy") }
        XCTAssertEqual(copies.count, 3, "\(copies)")
        for copy in copies {
            for word in copy.split(separator: " ") where word.hasPrefix("'docker://") {
                let name = (word.split(separator: "/").last ?? "").split(separator: "@", maxSplits: 1)
                XCTAssertFalse(name.count == 2 && name[0].contains(":"), "tag and digest together: \(copy)")
            }
        }
        XCTAssertTrue(copies.contains { $0.contains("'docker://harbor.corp.example/shop/pay@\(digest)'") && $0.contains("/shop/pay:3.8.2'") }, "\(copies)")
        XCTAssertTrue(copies.contains { $0.contains("'docker://harbor.corp.example/shop/cart:2.4.0'") && $0.contains("/shop/cart:2.4.0'") }, "\(copies)")
        XCTAssertTrue(copies.contains { $0.contains("'docker://harbor.corp.example/shop/base@\(digest)'") && $0.contains("/shop/base:sha256-" + String(repeating: "ab", count: 32) + "'") }, "\(copies)")
    }
}
