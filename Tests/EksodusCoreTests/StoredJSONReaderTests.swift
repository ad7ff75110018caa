@testable import EksodusCore
import GRDB
import XCTest

/// `StoredJSONReader` is a fast path: wherever it reads a text, it must read what the YAML reader reads, and it must hand
/// everything it is not sure of to the YAML reader.
final class StoredJSONReaderTests: XCTestCase {
    /// Every JSON column and body the fixtures' import stores reads the same through both paths.
    func testEveryStoredColumnOfTheFixturesReadsAsTheYAMLReaderReadsIt() throws {
        let folder = try requireFixtures()
        let database = try AppDatabase.inMemory()
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where entry.first?.isNumber ?? false {
            _ = try importPaths([folder.appendingPathComponent(entry).path], cluster: entry, into: database)
        }
        let columns = [("resource", "body"), ("resource", "labels"), ("resource", "annotations"), ("pod_spec", "node_selector"),
                       ("pod_spec", "affinity"), ("pod_spec", "tolerations"), ("pod_spec", "template_annotations"), ("container", "env"),
                       ("container", "ports"), ("container", "volume_mounts"), ("container", "env_from"), ("container", "command"),
                       ("container", "args"), ("pod_volume", "detail"), ("service", "ports"), ("service", "selector"), ("volume", "access_modes")]
        var fast = 0, total = 0
        for (table, column) in columns {
            for text in try strings(database, "SELECT \(column) FROM \(table) WHERE \(column) IS NOT NULL") {
                total += 1
                let yaml = ManifestText.yamlValue(text)
                if let node = StoredJSONReader.value(text) {
                    fast += 1
                    XCTAssertEqual(node, yaml, "\(table).\(column): \(text.prefix(200))")
                }
                XCTAssertEqual(ManifestText.value(text), yaml, "\(table).\(column): \(text.prefix(200))")
            }
        }
        // The fixtures' own JSON is what the fast path is for: it must take nearly all of it.
        XCTAssertGreaterThan(total, 1000)
        XCTAssertGreaterThan(Double(fast), 0.99 * Double(total))
    }

    /// What JSONWriter writes from hostile values reads back the same both ways (and, where the fast path takes it, exactly).
    func testHostileStringsRoundTripThroughBothReaders() {
        let values = ["plain", "quote \" and \\ backslash", "tab\tnew\nline\rreturn", "nul\u{0}byte", "del\u{7F}", "c1\u{85}\u{9F}",
                      "separators\u{2028}\u{2029}", "bom\u{FEFF}", "non-characters \u{FFFE}", "émoji 🚀 and ünïcode", "combining \"\u{301}",
                      "", "null", "true", "123", "-1.5e3", "{\"a\": [1]}", String(repeating: "k", count: 1200)]
        for value in values {
            let node = ManifestNode.mapping([(value, .sequence([.scalar(value, plain: false), .scalar("7", plain: true), .scalar("null", plain: true)])),
                                             ("n", .scalar("true", plain: true))])
            let text = JSONWriter.string(node)
            let yaml = ManifestText.yamlValue(text)
            if let fast = StoredJSONReader.value(text) { XCTAssertEqual(fast, yaml, text) }
            XCTAssertEqual(ManifestText.value(text), yaml, text)
            if value.count < 1000 { XCTAssertEqual(yaml, node, "the YAML reader reads JSONWriter's text back: \(text)") }
        }
    }

    func testTextOutsideTheSubsetTakesTheYAMLReader() {
        // Whitespace, surrogate escapes, single quotes, YAML-only syntax, trailing text, a key libyaml gives up on, deep nesting.
        let longKey = "{\"" + String(repeating: "k", count: 1100) + "\":1}"
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        for text in ["{ \"a\": 1 }", "[\"\\ud83d\\ude80\"]", "['a']", "{a: 1}", "[1] x", "\"\\x41\"", longKey, deep, "", "[1,]", "01abc", "-"] {
            XCTAssertNil(StoredJSONReader.value(text), text)
            XCTAssertEqual(ManifestText.value(text), ManifestText.yamlValue(text), text)
        }
    }

    func testRepeatedKeysKeepTheirFirstPlaceAndTheLastValue() {
        let text = "{\"a\":1,\"b\":2,\"a\":3}"
        XCTAssertEqual(StoredJSONReader.value(text), .mapping([("a", .scalar("3", plain: true)), ("b", .scalar("2", plain: true))]))
        XCTAssertEqual(StoredJSONReader.value(text), ManifestText.yamlValue(text))
    }
}
