import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG read by Foundation's XML parser (strict XML 1.0: a stray `<`, `&` or control character is an error), kept as
/// its elements in document order so a test can count boxes and edges and read their texts.
final class ParsedSVG: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var classes: Set<String>
        var parent: Int?
        var text = ""
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> ParsedSVG {
        let parsed = ParsedSVG()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = parsed
        // Foundation on Linux can report an error to the delegate and still return true: either one fails the parse.
        guard parser.parse(), parsed.firstError == nil else {
            throw ParseError(description: parsed.firstError ?? "line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "not XML")")
        }
        return parsed
    }

    private var firstError: String?

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if firstError == nil { firstError = "line \(parser.lineNumber), column \(parser.columnNumber): \(parseError)" }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let classes = Set((attributes["class"] ?? "").split(separator: " ").map(String.init))
        elements.append(Element(name: name, classes: classes, parent: open.last))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = open.last { elements[current].text += string }
    }

    /// The picture's own title (the first `<title>`, a child of `<svg>`).
    var title: String { elements.first { $0.name == "title" && $0.parent == 0 }?.text ?? "" }

    /// Elements named `name` with the class `style`.
    func indices(_ name: String, class style: String) -> [Int] {
        elements.indices.filter { elements[$0].name == name && elements[$0].classes.contains(style) }
    }

    /// The `<title>` text of each element named `name` with the class `style`: the full names of boxes, edges and bars.
    func titles(_ name: String, class style: String) -> [String] {
        indices(name, class: style).map { parent in elements.first { $0.name == "title" && $0.parent == parent }?.text ?? "" }
    }

    /// Every text a reader sees or hovers: `<text>` and `<title>` contents.
    var texts: [String] { elements.filter { $0.name == "text" || $0.name == "title" }.map(\.text) }

    /// The `<svg>…</svg>` elements of an HTML page, in order.
    static func inline(in html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            found.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }
}
