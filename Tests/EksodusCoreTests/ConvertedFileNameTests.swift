import Foundation
import XCTest
@testable import EksodusCore

/// A converted workload's file name is its label lower-cased, every run of other characters one '-', at most 80
/// characters: ASCII labels (cleaned by byte) get the names the Unicode-aware cleaning gives them.
final class ConvertedFileNameTests: XCTestCase {
    /// The cleaning as the Unicode-aware route spells it, for comparison.
    func reference(_ object: String) -> String {
        let cleaned = object.lowercased().unicodeScalars.map { $0.isASCII && CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" }
        let base = String(String(cleaned).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-").prefix(80))
        return (base.isEmpty ? "object" : base) + ".yaml"
    }

    func testASCIILabelsAsTheUnicodeCleaningNamesThem() {
        XCTAssertEqual(ConvertedLayout.workloadPath(cluster: "prod", wave: 2, label: "Deployment/Shop/Web_API"), "prod/wave-2/workloads/deployment-shop-web-api.yaml")
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09-_./ :\t\r\n'\"\u{7F}\u{01}")
        var labels = ["", "---", "-a-", "A..b", String(repeating: "x/", count: 60), String(repeating: "Ab", count: 50) + "-"]
        for _ in 0..<500 {
            labels.append(String((0..<Int.random(in: 0...90, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for label in labels {
            var unused: Set<String> = []
            XCTAssertEqual(ConvertedLayout.uniqueFileName(for: label, used: &unused), reference(label), label.debugDescription)
        }
        var unused: Set<String> = []
        XCTAssertEqual(ConvertedLayout.uniqueFileName(for: "Ünï/Web", used: &unused), reference("Ünï/Web"))
    }
}
