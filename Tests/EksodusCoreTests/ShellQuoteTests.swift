import Foundation
import XCTest
@testable import EksodusCore

/// Every name bash reads back is the name itself, and a quoted word never spans lines.
final class ShellQuoteTests: XCTestCase {
    func testHostileWordsRoundTripThroughBashOnOneLine() throws {
        let hostile = ["plain", "it's", "$(touch PWNED)", "`id`", "a\nb", "a\r\n# comment", "tab\there", "back\\slash\\'", "del\u{7F}c1\u{85}",
                       "line\u{2028}sep\u{2029}", "\u{FEFF}bom", "\u{01}\u{1F}x", "ünïcødé 🚀", "", "'", "\\x41",
                       "'\u{301}; touch PWNED; echo '", "x'\u{301}\u{2028}'\u{300}y",
                       "web\u{202E}gpj.exe", "a\u{2066}b\u{2069}\u{200E}\u{200F}\u{061C}c"]
        for text in hostile {
            let word = ShellQuote.word(text)
            XCTAssertFalse(word.unicodeScalars.contains { $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{85}" }, word)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "printf %s " + word]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, word)
            XCTAssertEqual(Array(data), Array(text.utf8), "\(word) reads back as \(String(decoding: data, as: UTF8.self))")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "PWNED"))
    }

    /// A bidi control reorders what a terminal shows (`payments\u{202E}lav` reads as `paymentsval`), so the word a
    /// reader copies would not be the one the command names: every one is written as an escape, in words and YAML alike.
    func testBidiControlsAreWrittenAsEscapes() throws {
        let controls: [Unicode.Scalar] = ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}",
                                          "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}"]
        for control in controls {
            let name = "pay" + String(Character(control)) + "ments"
            let word = ShellQuote.word(name)
            XCTAssertFalse(word.unicodeScalars.contains(control), word)
            let hex = String(control.value, radix: 16)
            XCTAssertEqual(word, "$'pay\\u" + String(repeating: "0", count: 4 - hex.count) + hex + "ments'")
            XCTAssertFalse(ShellQuote.comment(name).unicodeScalars.contains(control))
            let yaml = try YAMLEmitter.emit(.mapping([("name", .string(name))]))
            XCTAssertFalse(yaml.unicodeScalars.contains(control), yaml)
            XCTAssertEqual(try ManifestText.objects(yaml).first?["name"]?.string, name, "the YAML still means the name")
            XCTAssertFalse(MarkdownText.escape(name).unicodeScalars.contains(control))
            XCTAssertFalse(MarkdownText.code(name).unicodeScalars.contains(control))
        }
    }
}
