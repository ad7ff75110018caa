import Foundation

/// A picture in a report: Mermaid source in Markdown (GitHub draws it), inline SVG in HTML (the page loads nothing).
/// The contexts put diagrams among their template values; the renderer turns each into what its format shows.
struct ReportDiagram {
    /// The Mermaid diagram for Markdown; nil when the Markdown already says it in a table.
    var mermaid: String?
    var svg: String
    /// What Markdown shows instead when there is no Mermaid diagram (a sentence); nil for nothing.
    var markdownText: String? = nil

    /// What the Markdown report shows; nil for nothing.
    var markdown: String? { mermaid.map { MarkdownText.fence($0, language: "mermaid") } ?? markdownText }

    /// Where the SVGs go in the HTML: the Markdown carries a placeholder line per diagram, which `MarkdownHTML` swaps for
    /// the picture. Each rendering draws a fresh random token, so no text from the inventory or a template can forge one.
    struct Placeholders {
        let token = UUID().uuidString
        var svgs: [String] = []

        mutating func add(_ svg: String) -> String {
            svgs.append(svg)
            return "<!--eksodus-diagram \(token) \(svgs.count - 1)-->"
        }

        /// The SVG a line stands for, if it is one of this rendering's placeholders.
        func svg(for line: String) -> String? {
            let prefix = "<!--eksodus-diagram \(token) "
            guard line.hasPrefix(prefix), line.hasSuffix("-->"), let index = Int(line.dropFirst(prefix.count).dropLast(3)),
                  svgs.indices.contains(index) else { return nil }
            return svgs[index]
        }
    }

    /// Template values with every diagram replaced: by its Markdown (the Mermaid block or sentence), or by a placeholder line
    /// (HTML, when `placeholders` is given). A diagram Markdown has nothing for is left out, so a template's
    /// `{{#key}}…{{/key}}` section around it falls away.
    static func resolve(_ value: Any, placeholders: inout Placeholders?) -> Any? {
        switch value {
        case let diagram as ReportDiagram:
            if placeholders != nil { return placeholders!.add(diagram.svg) }
            return diagram.markdown
        case let values as [String: Any]:
            return values.compactMapValues { resolve($0, placeholders: &placeholders) }
        case let values as [[String: Any]]:
            return values.map { $0.compactMapValues { resolve($0, placeholders: &placeholders) } }
        case let values as [Any]:
            return values.compactMap { resolve($0, placeholders: &placeholders) }
        default:
            return value
        }
    }
}
