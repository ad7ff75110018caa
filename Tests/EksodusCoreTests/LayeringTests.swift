import Foundation
import XCTest

/// The layers of EksodusCore, bottom first: a file may name the types of its own folder and of lower layers, never those
/// of a higher layer or of another folder in its own layer. Separate SwiftPM targets would make the compiler keep this,
/// but would force `public` on everything one layer uses of another; this test is the chosen alternative. It reads the
/// sources, collects the types each folder declares at top level, and names file:line where a file mentions one it may not.
final class LayeringTests: XCTestCase {
    static let layers: [[String]] = [
        ["Support"],
        ["Manifest"],
        ["Kubernetes"],
        ["Output"],
        ["Database"],
        ["Inventory"],
        ["Reference"],
        ["Import", "Assess"],
        ["Plan"],
        ["Convert", "Cutover"],
        ["Report"],
        ["Demo"],
    ]

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/EksodusCore")
    }

    func testEveryFolderHasALayer() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { name in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: Self.sources.appendingPathComponent(name).path, isDirectory: &isFolder) && isFolder.boolValue
        }
        XCTAssertFalse(folders.isEmpty)
        let placed = Set(Self.layers.joined())
        XCTAssertEqual(folders.filter { !placed.contains($0) }.sorted(), [], "folders with no layer: add them to LayeringTests.layers")
    }

    func testNoFileNamesATypeOfAHigherLayer() throws {
        let rank = Dictionary(Self.layers.enumerated().flatMap { index, folders in folders.map { ($0, index) } }, uniquingKeysWith: { first, _ in first })
        var files: [(folder: String, path: String, code: [String])] = []
        var owner: [String: String] = [:]
        for folder in rank.keys.sorted() {
            let root = Self.sources.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = root.appendingPathComponent(relative).path
                let code = SwiftCode.withoutCommentsAndStrings(try String(contentsOfFile: path, encoding: .utf8))
                files.append((folder, "\(folder)/\(relative)", code))
                for name in SwiftCode.topLevelTypes(code) {
                    if let other = owner[name], other != folder { XCTFail("\(name) is declared in both \(other)/ and \(folder)/") }
                    owner[name] = folder
                }
            }
        }
        XCTAssertGreaterThan(owner.count, 100, "the scan found too few types to be reading the sources")
        var violations: [String] = []
        for file in files {
            let own = SwiftCode.allTypes(file.code)
            for (number, line) in file.code.enumerated() {
                for name in Set(SwiftCode.typeNames(line)) where !own.contains(name) {
                    guard let folder = owner[name], folder != file.folder, let mine = rank[file.folder], let theirs = rank[folder], theirs >= mine else { continue }
                    violations.append("Sources/EksodusCore/\(file.path):\(number + 1): names \(name) of \(folder)/, a \(theirs == mine ? "sibling" : "higher") layer")
                }
            }
        }
        XCTAssertEqual(violations, [], "\n" + violations.joined(separator: "\n"))
    }

    func testTheScannerSeesCodeOnly() {
        let code = SwiftCode.withoutCommentsAndStrings("""
            let a = "Estate \\(TransitionPlan.self) x" // Report
            /* PlanStore /* nested */ Cutover */ let b: Finding
            let c = \"\"\"
              Importer
              \\(ReportRenderer.x)
              \"\"\"
            """)
        XCTAssertEqual(code.flatMap(SwiftCode.typeNames), ["TransitionPlan", "Finding", "ReportRenderer"])
        XCTAssertEqual(SwiftCode.topLevelTypes(["public struct Estate: Sendable {", "    struct Inner {}", "final class Box {}", "extension Foo {}"]),
                       ["Estate", "Box"])
    }
}

/// Just enough of Swift's lexical structure for `LayeringTests`: comments and string literals blanked (interpolations
/// kept, they are code), type declarations and capitalised identifiers found.
enum SwiftCode {
    static func withoutCommentsAndStrings(_ text: String) -> [String] {
        let chars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        // Each open string literal, and the parenthesis depth of the interpolation inside it (nil while in its text).
        var strings: [(multiline: Bool, interpolation: Int?)] = []
        var blockDepth = 0
        func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }
        while index < chars.count {
            let c = chars[index]
            if blockDepth > 0 {
                if c == "*", peek(1) == "/" { blockDepth -= 1; index += 2; continue }
                if c == "/", peek(1) == "*" { blockDepth += 1; index += 2; continue }
                if c == "\n" { out.append(c) }
                index += 1
                continue
            }
            if let top = strings.last, top.interpolation == nil {
                if c == "\\", peek(1) == "(" { strings[strings.count - 1].interpolation = 0; out.append(" "); index += 2; continue }
                if c == "\\" { index += 2; continue }
                if top.multiline, c == "\"", peek(1) == "\"", peek(2) == "\"" { strings.removeLast(); out.append(" "); index += 3; continue }
                if !top.multiline, c == "\"" { strings.removeLast(); out.append(" "); index += 1; continue }
                if c == "\n" { out.append(c) }
                index += 1
                continue
            }
            if c == "/", peek(1) == "/" {
                while index < chars.count, chars[index] != "\n" { index += 1 }
                continue
            }
            if c == "/", peek(1) == "*" { blockDepth = 1; index += 2; continue }
            if c == "\"" {
                let multiline = peek(1) == "\"" && peek(2) == "\""
                strings.append((multiline, nil))
                index += multiline ? 3 : 1
                continue
            }
            if let depth = strings.last?.interpolation {
                if c == "(" { strings[strings.count - 1].interpolation = depth + 1 }
                if c == ")" {
                    if depth == 0 { strings[strings.count - 1].interpolation = nil; out.append(" "); index += 1; continue }
                    strings[strings.count - 1].interpolation = depth - 1
                }
            }
            out.append(c)
            index += 1
        }
        return String(out).components(separatedBy: "\n")
    }

    static let declaration = try! NSRegularExpression(
        pattern: #"^\s*(?:@\w+\s+)*(?:(?:public|internal|private|fileprivate|final|indirect|package)\s+)*(?:struct|enum|class|protocol|actor|typealias)\s+([A-Z][A-Za-z0-9_]*)"#)

    /// Types declared at the start of a line with no indentation: the folder's top-level types.
    static func topLevelTypes(_ lines: [String]) -> [String] {
        lines.filter { !($0.first?.isWhitespace ?? true) }.compactMap(declaredType)
    }

    /// Every type the file declares, nested ones too (a nested `Item` shadows another folder's top-level `Item`).
    static func allTypes(_ lines: [String]) -> Set<String> { Set(lines.compactMap(declaredType)) }

    private static func declaredType(_ line: String) -> String? {
        let range = NSRange(line.startIndex..., in: line)
        guard let match = declaration.firstMatch(in: line, range: range), let name = Range(match.range(at: 1), in: line) else { return nil }
        return String(line[name])
    }

    /// Capitalised identifiers that are not a member (`.Scheme` after a type is that type's business).
    static func typeNames(_ line: String) -> [String] {
        var names: [String] = []
        var current = ""
        var previous: Character = " "
        var afterDot = false
        for character in line + " " {
            if character.isLetter || character.isNumber || character == "_" {
                if current.isEmpty { afterDot = previous == "." }
                current.append(character)
            } else {
                if let first = current.first, first.isUppercase, !afterDot { names.append(current) }
                current = ""
            }
            previous = character
        }
        return names
    }
}
