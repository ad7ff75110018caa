import XCTest
@testable import EksodusCore

/// The digest digits names are made of: SHA-256 in lowercase hex, cut to the length asked for (odd lengths too).
final class DigestHexTests: XCTestCase {
    func testTheDigitsAreSHA256sInLowercaseHex() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        for digits in [1, 10, 11, 12, 16, 64] {
            XCTAssertEqual(DigestHex.sha256("abc", digits: digits), String(abc.prefix(digits)))
        }
        XCTAssertEqual(DigestHex.sha256("abc", digits: 80), abc, "no more digits than the digest has")
        XCTAssertEqual(DigestHex.sha256("", digits: 12), "e3b0c44298fc")
    }

    func testFieldsAreDigestedWithTheirLengths() {
        XCTAssertEqual(DigestHex.sha256(fields: ["ab", "c"], digits: 16), DigestHex.sha256("2:ab1:c", digits: 16))
        XCTAssertNotEqual(DigestHex.sha256(fields: ["ab", "c"]), DigestHex.sha256(fields: ["a", "bc"]), "the split between fields counts")
        XCTAssertNotEqual(DigestHex.sha256(fields: ["a:", "b"]), DigestHex.sha256(fields: ["a", ":b"]))
    }
}
