import Foundation
import XCTest
@testable import EksodusCore

/// Every name bash reads back is the name itself, and a quoted word never spans lines.
final class ShellQuoteTests: XCTestCase {
    func testHostileWordsRoundTripThroughBashOnOneLine() throws {
        let hostile = ["plain", "it's", "$(touch PWNED)", "`id`", "a\nb", "a\r\n# comment", "tab\there", "back\\slash\\'", "del\u{7F}c1\u{85}",
                       "line\u{2028}sep\u{2029}", "\u{FEFF}bom", "\u{01}\u{1F}x", "ünïcødé 🚀", "", "'", "\\x41",
                       "'\u{301}; touch PWNED; echo '", "x'\u{301}\u{2028}'\u{300}y"]
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
}
