@testable import EksodusCore
import XCTest

/// The fast paths a large report takes must write and read exactly what the plain rules say: CSV fields searched for
/// special bytes a word at a time, stored lists read straight to strings, work done on a second thread.
final class DetailFileSpeedPathTests: XCTestCase {
    /// RFC 4180 as the detail files apply it, written the slow way.
    private func reference(_ field: String) -> String {
        let guarded = ["=", "+", "-", "@", "\t", "\r"].contains(where: { field.utf8.first == $0.utf8.first }) && Double(field) == nil ? "'" + field : field
        let quoted = guarded.utf8.contains { [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains($0) }
        // By byte: a quote that a combining mark follows is one Character with it, and doubles all the same.
        let doubled = String(decoding: guarded.utf8.flatMap { $0 == UInt8(ascii: "\"") ? [$0, $0] : [$0] }, as: UTF8.self)
        return quoted ? "\"" + doubled + "\"" : guarded
    }

    func testASpecialByteAtAnyOffsetOfAnyLengthIsQuoted() {
        var rows: [[Table.Cell]] = [], expected = "c\r\n"
        for length in 1...40 {
            let plain = String(repeating: "a", count: length)
            rows.append([.text(plain)])
            expected += plain + "\r\n"
            for special in [",", "\"", "\n", "\r"] {
                for offset in 0..<length {
                    var bytes = Array(plain.utf8)
                    bytes[offset] = special.utf8.first ?? 0
                    let field = String(decoding: bytes, as: UTF8.self)
                    rows.append([.text(field)])
                    expected += reference(field) + "\r\n"
                }
            }
        }
        XCTAssertEqual(TableRenderer.csv(Table(columns: ["c"], rows: rows)), expected)
    }

    func testQuotesDoubleWhereverTheyAreAndFormulasStayText() {
        let fields = ["\"", "\"\"", "a\"b\"c", "\"start and end\"", String(repeating: "x\"", count: 20), "=1+1", "-5", "@SUM(A1)", "+\"q\",",
                      "é\"\u{301}", "tab\tinside", "🚀,🚀"]
        let table = Table(columns: ["c", "d"], rows: fields.map { [.text($0), .integer(1)] })
        XCTAssertEqual(TableRenderer.csv(table), "c,d\r\n" + fields.map { reference($0) + ",1\r\n" }.joined())
        XCTAssertEqual(TableRenderer.csvBytes(table), Array(TableRenderer.csv(table).utf8))
    }

    /// A stored list reads as the YAML reader reads it, or not at all (and then takes `Estate.strings`).
    func testStoredListsReadAsTheYAMLReaderReadsThem() {
        let values = ["plain", "quote \" and \\ backslash", "tab\tnew\nline\rreturn", "émoji 🚀 and ünïcode", "combining \"\u{301}", "",
                      "kubectl --context \"$EKS_CONTEXT\" -n 'shop' get 'deployment/web'", String(repeating: "\\\"", count: 300)]
        for count in 0...3 {
            let list = Array(values.prefix(count)) + Array(values.suffix(count))
            let text = JSONWriter.string(list)
            XCTAssertEqual(StoredJSONReader.strings(text), list, text)
            XCTAssertEqual(StoredJSONReader.strings(text), ManifestText.yamlValue(text)?.items.compactMap(\.string), text)
        }
        // Escapes JSONWriter never writes but JSON allows, each decoded as `StoredJSONReader.value` decodes it.
        XCTAssertEqual(StoredJSONReader.strings(#"["\u00e9\/\b\f\n\r\t\\\"x"]"#), ["é/\u{8}\u{C}\n\r\t\\\"x"])
        // Anything but a flat list of strings, and whatever the YAML reader might read otherwise, is left to it.
        for text in ["[1,\"a\"]", "[\"a\",null]", "[[\"a\"]]", "{\"a\":\"b\"}", "[\"a\" ]", "[\"\\u0000\"]", "[\"\\ud83d\\ude80\"]", "[\"\\x\"]",
                     "[\"\\u00\"]", "[\"unterminated]", "[\"a\"", "[\"\\", "\"a\"", "[\"nul\u{1}\"]"] {
            XCTAssertNil(StoredJSONReader.strings(text), text)
        }
    }

    func testBackgroundWorkHandsBackItsValueOrItsError() throws {
        struct Refused: Error {}
        let work = BackgroundWork { (1...1000).reduce(0, +) }
        XCTAssertEqual(try work.value(), 500_500)
        XCTAssertEqual(try work.value(), 500_500, "asked again, the same value")
        let failing = BackgroundWork { () throws -> Int in throw Refused() }
        XCTAssertThrowsError(try failing.value()) { XCTAssertTrue($0 is Refused) }
    }
}
