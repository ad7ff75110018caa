import XCTest
@testable import EksodusCore

/// A registry port is a TCP port, 1 to 65535 (RFC 6335 §6); the distribution/reference grammar only says `[0-9]+`, so the
/// range is checked beside it. An image outside it is refused as not migrated, never copied or crashed on.
final class ImageReferencePortTests: XCTestCase {
    func testARegistryPortOutsideTCPsRangeIsAProblem() {
        for invalid in ["reg.example.com:99999/app:1", "reg.example.com:0/app:1", "reg.example.com:65536/app", "localhost:00000/app",
                        "[::1]:70000/app:1", "reg.example.com:" + String(repeating: "9", count: 40) + "/app:1"] {
            let problem = ImageReference.problem(with: invalid)
            XCTAssertNotNil(problem, invalid)
            XCTAssertTrue(problem?.contains("port") ?? false, "\(invalid): \(problem ?? "nil")")
        }
        for valid in ["reg.example.com:65535/app:1", "reg.example.com:1/app:1", "localhost:5000/app", "[::1]:5000/app:1", "reg.example.com:443/a/b@sha256:" + String(repeating: "0", count: 64),
                      "app:99999", "reg.example.com/app:99999"] {
            XCTAssertNil(ImageReference.problem(with: valid), valid)
        }
    }

    func testAnImageWithABadPortIsRejectedFromTheCopyList() throws {
        let images = ImageMigration.build(uses: [(image: "reg.example.com:99999/app:1", workload: "shop/web", cluster: "c")],
                                          reference: try ReferenceData.embedded(), region: "eu-west-1", accountID: "123456789012", prefix: "migrated/")
        let entry = images.entries.first
        XCTAssertEqual(entry?.method, .rejected)
        XCTAssertTrue(entry?.warnings.joined().contains("port 99999") ?? false, "\(entry?.warnings ?? [])")
    }
}
