import Foundation
import XCTest
@testable import EksodusCore

/// The JSON strings eksodus stores read back as the text they were made from, whichever writer made them, and never carry
/// the characters libyaml (which reads them back) refuses or folds raw.
final class JSONWriterEscapingTests: XCTestCase {
    static let hostile = ["plain", "", "say \"hi\"", "back\\slash", "a\nb\r\nc\td", "\u{01}\u{1F}\u{7F}", "c1\u{80}\u{85}\u{9F}",
                          "line\u{2028}sep\u{2029}", "\u{FEFF}bom", "non\u{FFFE}char\u{FFFF}", "ünïcødé 🚀 \u{A0}\u{2027}\u{FFFD}",
                          "\"\u{301}", "é\"", String(repeating: "kubectl --context \"$EKS_CONTEXT\" ", count: 40)]

    func testEscapesAsSpelledOut() {
        XCTAssertEqual(JSONWriter.string(["a\"b\\c\n\r\t\u{01}\u{7F}\u{85}\u{2028}\u{2029}\u{FEFF}\u{FFFE}\u{FFFF}é🚀"]),
                       #"["a\"b\\c\n\r\t\u0001\u007f\u0085\u2028\u2029\ufeff\ufffe\uffffé🚀"]"#)
        XCTAssertEqual(JSONWriter.string([]), "[]")
        XCTAssertEqual(JSONWriter.string(["", "x"]), #"["","x"]"#)
    }

    func testHostileStringsReadBackWhole() throws {
        let text = JSONWriter.string(Self.hostile)
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || [0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF].contains($0.value) })
        XCTAssertEqual(try JSONDecoder().decode([String].self, from: Data(text.utf8)), Self.hostile)
    }

    /// The byte writer the plan's item columns use and the String writer the importer uses spell every string alike.
    func testByteAndStringWritersAgree() {
        for text in Self.hostile {
            var string = ""
            JSONWriter.writeString(text, to: &string)
            var bytes: [UInt8] = [UInt8(ascii: "x")]
            JSONWriter.writeString(text, to: &bytes)
            XCTAssertEqual(Array(string.utf8), Array(bytes.dropFirst()), text)
        }
        var list: [UInt8] = []
        JSONWriter.write(Self.hostile, to: &list)
        XCTAssertEqual(String(decoding: list, as: UTF8.self), "[" + Self.hostile.map { text in
            var out = ""
            JSONWriter.writeString(text, to: &out)
            return out
        }.joined(separator: ",") + "]")
    }
}
