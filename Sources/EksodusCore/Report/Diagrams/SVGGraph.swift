/// A directed graph drawn as boxes in columns (`LayeredLayout`), each edge a curve from a provider's right side to its
/// consumer's left side with an arrowhead. Every box is a `<g class="node">`, every edge a `<g class="edge">`, each with a
/// `<title>` holding the full text (labels are shortened to fit their box).
struct SVGGraph {
    struct Node {
        var label: String
        var detail: String?
        /// A CSS class: `wave`, `workload` or `summary` (a group standing for several).
        var style: String
    }

    struct Edge {
        var from: Int
        var to: Int
        var title: String
    }

    var title: String
    var nodes: [Node]
    var edges: [Edge]
    /// Edges that order the columns without being drawn (a cluster's waves follow one another).
    var orderingEdges: [(from: Int, to: Int)] = []
    /// Said under the picture: what was summarised or left out.
    var note: String?

    static let nodeWidth = 210.0, nodeHeight = 42.0, columnGap = 64.0, rowGap = 12.0, margin = 12.0, labelCharacters = 30

    func render() -> String {
        let layout = LayeredLayout(nodes: nodes.count, edges: edges.map { ($0.from, $0.to) } + orderingEdges)
        let tallest = layout.columns.map(\.count).max() ?? 0
        let columns = Double(layout.columns.count), rows = Double(tallest)
        let width = Self.margin * 2 + max(1, columns) * Self.nodeWidth + max(0, columns - 1) * Self.columnGap
        let graphHeight = rows * Self.nodeHeight + max(0, rows - 1) * Self.rowGap
        let noteHeight = note == nil ? 0.0 : 22.0
        let height = Self.margin * 2 + max(graphHeight, 20) + noteHeight
        func origin(_ node: Int) -> (x: Double, y: Double) {
            let column = layout.layer[node]
            let offset = (rows - Double(layout.columns[column].count)) * (Self.nodeHeight + Self.rowGap) / 2
            return (Self.margin + Double(column) * (Self.nodeWidth + Self.columnGap),
                    Self.margin + offset + Double(layout.position[node]) * (Self.nodeHeight + Self.rowGap))
        }
        let n = SVGText.number
        var out = SVGDocument.open(width: width, height: height, title: title)
        for edge in edges {
            let from = origin(edge.from), to = origin(edge.to)
            let x1 = from.x + Self.nodeWidth, y1 = from.y + Self.nodeHeight / 2, x2 = to.x, y2 = to.y + Self.nodeHeight / 2
            let bend = max(30, abs(x2 - x1) / 2)
            out += "<g class=\"edge\"><title>\(SVGText.escape(edge.title))</title>"
            out += "<path d=\"M\(n(x1)),\(n(y1)) C\(n(x1 + bend)),\(n(y1)) \(n(x2 - bend)),\(n(y2)) \(n(x2 - 7)),\(n(y2))\"/>"
            out += "<polygon points=\"\(n(x2)),\(n(y2)) \(n(x2 - 8)),\(n(y2 - 4)) \(n(x2 - 8)),\(n(y2 + 4))\"/></g>\n"
        }
        for (index, node) in nodes.enumerated() {
            let at = origin(index)
            out += "<g class=\"node \(node.style)\"><title>\(SVGText.escape(node.label + (node.detail.map { " · " + $0 } ?? "")))</title>"
            out += "<rect x=\"\(n(at.x))\" y=\"\(n(at.y))\" width=\"\(n(Self.nodeWidth))\" height=\"\(n(Self.nodeHeight))\" rx=\"5\"/>"
            let labelY = node.detail == nil ? at.y + Self.nodeHeight / 2 + 4 : at.y + 17
            out += "<text x=\"\(n(at.x + 8))\" y=\"\(n(labelY))\">\(SVGText.escape(SVGText.shortened(node.label, to: Self.labelCharacters)))</text>"
            if let detail = node.detail {
                out += "<text class=\"detail\" x=\"\(n(at.x + 8))\" y=\"\(n(at.y + 33))\">\(SVGText.escape(SVGText.shortened(detail, to: Self.labelCharacters + 4)))</text>"
            }
            out += "</g>\n"
        }
        if let note {
            out += "<text class=\"note\" x=\"\(n(Self.margin))\" y=\"\(n(height - Self.margin))\">\(SVGText.escape(note))</text>\n"
        }
        return out + SVGDocument.close
    }
}
