@testable import EksodusCore
import XCTest

/// The module's own `contains(_:)` on strings and substrings (a byte search) answers as Foundation's did for the needles the
/// code asks about.
final class ByteSearchTests: XCTestCase {
    func testFindsLiteralBytesAnywhere() {
        XCTAssertTrue("redis-server --appendonly yes".contains("appendonly yes"))
        XCTAssertTrue("cluster-enabled yes".contains("cluster-enabled yes"))
        XCTAssertTrue("Ärger: sentinel".contains("sentinel"))
        XCTAssertFalse("redis-server".contains("sentinel"))
        XCTAssertFalse("ab".contains("abc"))
        XCTAssertFalse("Sentinel".contains("sentinel"), "byte for byte: case matters, as it did")
    }

    func testEmptyNeedleIsNeverContainedAsWithFoundation() {
        XCTAssertFalse("anything".contains(""))
        XCTAssertFalse("".contains(""))
    }

    func testSubstringsSearchOnlyTheirOwnBytes() {
        let text = "docker.io/library/nginx:1.25"
        let registry = text[..<text.firstIndex(of: "/")!]
        XCTAssertTrue(registry.contains("."))
        XCTAssertFalse(registry.contains("library"), "the bytes after the substring are not searched")
        let tail = text[text.lastIndex(of: ":")!...]
        XCTAssertFalse(tail.contains("/"))
    }

    func testTheModulesCallsSearchBytesNotFoundationsGraphemes() {
        // Foundation's contains compares by Unicode rules: "e" followed by a combining accent is one character, so it finds no
        // "cafe" in "café" written decomposed. The module's search compares bytes, and does.
        XCTAssertTrue("cafe\u{301} menu".contains("cafe"))
        XCTAssertTrue("cafe\u{301} menu"[...].contains("cafe"))
    }

    func testThePrefilterFindsAnEmptyNeedleEverywhere() {
        XCTAssertTrue("{}".containsBytes(""))
        XCTAssertTrue("{\"hostAliases\": []}".containsBytes("\"hostAliases\""))
        XCTAssertFalse("{\"hostNetwork\": true}".containsBytes("\"hostAliases\""))
    }
}
