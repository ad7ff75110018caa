import XCTest
@testable import EksodusCore

/// The redirect's LoadBalancer Service sits beside the Service it copies: its name must be a Service name and never that Service's own.
final class RedirectNameTests: XCTestCase {
    func testTheCrossServiceNameIsAValidLabelApartFromTheOriginal() {
        XCTAssertEqual(RedirectCommands.crossName("orders-db"), "orders-db-eksodus")
        let long = String(repeating: "p", count: 63), alsoLong = String(repeating: "p", count: 62) + "q"
        for name in [long, alsoLong, String(repeating: "a", count: 55) + "-", String(repeating: "b", count: 56)] {
            let cross = RedirectCommands.crossName(name)
            XCTAssertNotEqual(cross, name)
            XCTAssertLessThanOrEqual(cross.utf8.count, 63, cross)
            XCTAssertTrue(DNSLabel.isValid(cross), cross)
        }
        XCTAssertNotEqual(RedirectCommands.crossName(long), RedirectCommands.crossName(alsoLong), "names cut alike keep apart by their hash")
    }
}
