/// A directed graph drawn as boxes in columns (`LayeredLayout`), each edge a curve from a provider's right side to its
/// consumer's left side with an arrowhead. Every box is a `<g class="node">`, every edge a `<g class="edge">`, each with a
/// `<title>` holding the full text (labels are shortened to fit their box).
struct SVGGraph {
    struct Node {
        var label: String
        var detail: String?
        /// A CSS class: `wave`, `workload` or `summary` (a group standing for several).
        var style: String
        /// The tooltip: the full name when the label is only part of it.
        var title: String? = nil
    }

    /// From provider to consumer; an edge from a box to itself is not drawn.
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

    /// Wide enough for a typical `Deployment/namespace/name`; wave boxes need less.
    var nodeWidth = 220.0
    var columnGap = 56.0

    static let nodeHeight = 42.0, rowGap = 12.0, margin = 12.0

    func render() -> String {
        // Boxes joined to nothing are packed in rows under the layered part, rather than piled into its first column.
        var joined = Set(edges.flatMap { [$0.from, $0.to] } + orderingEdges.flatMap { [$0.from, $0.to] })
        joined.formIntersection(0..<nodes.count)
        let connected = (0..<nodes.count).filter(joined.contains), loose = (0..<nodes.count).filter { !joined.contains($0) }
        var local: [Int: Int] = [:]
        for (position, node) in connected.enumerated() { local[node] = position }
        let layout = LayeredLayout(nodes: connected.count, edges: (edges.map { ($0.from, $0.to) } + orderingEdges).compactMap { edge in
            local[edge.from].flatMap { from in local[edge.to].map { (from, $0) } }
        })
        let tallest = layout.columns.map(\.count).max() ?? 0
        let perRow = max(layout.columns.count, min(4, loose.count))
        let looseRows = loose.isEmpty ? 0 : (loose.count + perRow - 1) / perRow
        let columns = Double(max(layout.columns.count, perRow)), rows = Double(tallest)
        let width = Self.margin * 2 + max(1, columns) * nodeWidth + max(0, columns - 1) * columnGap
        let graphHeight = rows * Self.nodeHeight + max(0, rows - 1) * Self.rowGap
        let graphBottom = Self.margin + graphHeight
        let looseTop = graphBottom + (tallest > 0 && looseRows > 0 ? Self.rowGap * 2 : 0)
        let looseHeight = Double(looseRows) * Self.nodeHeight + Double(max(0, looseRows - 1)) * Self.rowGap
        let noteHeight = note == nil ? 0.0 : 22.0
        let height = looseTop + looseHeight + Self.margin + noteHeight
        var origins: [(x: Double, y: Double)] = Array(repeating: (0, 0), count: nodes.count)
        for (position, node) in connected.enumerated() {
            let column = layout.layer[position]
            let offset = (rows - Double(layout.columns[column].count)) * (Self.nodeHeight + Self.rowGap) / 2
            origins[node] = (Self.margin + Double(column) * (nodeWidth + columnGap),
                             Self.margin + offset + Double(layout.position[position]) * (Self.nodeHeight + Self.rowGap))
        }
        for (position, node) in loose.enumerated() {
            origins[node] = (Self.margin + Double(position % perRow) * (nodeWidth + columnGap),
                             looseTop + Double(position / perRow) * (Self.nodeHeight + Self.rowGap))
        }
        func origin(_ node: Int) -> (x: Double, y: Double) { origins[node] }
        let n = SVGText.number
        // About 6.6 pixels a character at 12px.
        let labelCharacters = Int((nodeWidth - 14) / 6.6)
        var out = SVGDocument.open(width: width, height: height, title: title)
        for edge in edges where edge.from != edge.to {
            let from = origin(edge.from), to = origin(edge.to)
            out += "<g class=\"edge\"><title>\(SVGText.escape(edge.title))</title>"
            if to.x > from.x {
                let x1 = from.x + nodeWidth, y1 = from.y + Self.nodeHeight / 2, x2 = to.x, y2 = to.y + Self.nodeHeight / 2
                let bend = max(30, abs(x2 - x1) / 2)
                out += "<path d=\"M\(n(x1)),\(n(y1)) C\(n(x1 + bend)),\(n(y1)) \(n(x2 - bend)),\(n(y2)) \(n(x2 - 7)),\(n(y2))\"/>"
                out += "<polygon points=\"\(n(x2)),\(n(y2)) \(n(x2 - 8)),\(n(y2 - 4)) \(n(x2 - 8)),\(n(y2 + 4))\"/></g>\n"
            } else {
                // An edge that closes a cycle runs back from the consumer's left side to the provider's right side, a little
                // lower than the forward edges so the two directions stay apart.
                let x1 = from.x, y1 = from.y + Self.nodeHeight / 2 + 8, x2 = to.x + nodeWidth, y2 = to.y + Self.nodeHeight / 2 + 8
                let bend = max(30, abs(x2 - x1) / 2)
                out += "<path d=\"M\(n(x1)),\(n(y1)) C\(n(x1 - bend)),\(n(y1)) \(n(x2 + bend)),\(n(y2)) \(n(x2 + 7)),\(n(y2))\"/>"
                out += "<polygon points=\"\(n(x2)),\(n(y2)) \(n(x2 + 8)),\(n(y2 - 4)) \(n(x2 + 8)),\(n(y2 + 4))\"/></g>\n"
            }
        }
        for (index, node) in nodes.enumerated() {
            let at = origin(index)
            out += "<g class=\"node \(node.style)\"><title>\(SVGText.escape(node.title ?? node.label + (node.detail.map { " · " + $0 } ?? "")))</title>"
            out += "<rect x=\"\(n(at.x))\" y=\"\(n(at.y))\" width=\"\(n(nodeWidth))\" height=\"\(n(Self.nodeHeight))\" rx=\"5\"/>"
            let labelY = node.detail == nil ? at.y + Self.nodeHeight / 2 + 4 : at.y + 17
            out += "<text x=\"\(n(at.x + 8))\" y=\"\(n(labelY))\">\(SVGText.escape(SVGText.shortened(node.label, to: labelCharacters)))</text>"
            if let detail = node.detail {
                out += "<text class=\"detail\" x=\"\(n(at.x + 8))\" y=\"\(n(at.y + 33))\">\(SVGText.escape(SVGText.shortened(detail, to: labelCharacters + 4)))</text>"
            }
            out += "</g>\n"
        }
        if let note {
            out += "<text class=\"note\" x=\"\(n(Self.margin))\" y=\"\(n(height - Self.margin))\">\(SVGText.escape(note))</text>\n"
        }
        return out + SVGDocument.close
    }
}
