/// The frame every report picture shares: an `<svg>` element that sizes itself to its page (width 100%, at most its drawn
/// width) with its own styles, so a picture needs nothing outside itself, not even the page's stylesheet.
enum SVGDocument {
    /// The title is written above the picture, which is drawn `titleHeight` lower.
    static func open(width: Double, height: Double, title: String) -> String {
        let w = SVGText.number(width), h = SVGText.number(height + titleHeight)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" role=\"img\" "
            + "style=\"max-width: 100%; height: auto\" font-family=\"-apple-system, Segoe UI, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
            + "<title>\(SVGText.escape(title))</title>\n<style>\(style)</style>\n"
            + "<text class=\"heading\" x=\"12\" y=\"17\">\(SVGText.escape(title))</text>\n<g transform=\"translate(0,\(SVGText.number(titleHeight)))\">\n"
    }

    static let titleHeight = 24.0
    static let close = "</g>\n</svg>"

    static let style = """
        .node rect { fill: #ffffff; stroke: #57606a; } .node.wave rect { fill: #ddf4ff; stroke: #0969da; } \
        .node.workload rect { fill: #fff8c5; stroke: #9a6700; } .node.summary rect { fill: #f6f8fa; stroke: #57606a; stroke-dasharray: 4 3; } \
        .node.external rect { fill: #ffffff; stroke: #8c959f; stroke-dasharray: 4 3; } \
        .node text { fill: #1f2328; } .node text.detail, text.axis, text.note { fill: #59636e; font-size: 11px; } \
        .edge path { fill: none; stroke: #8c959f; stroke-width: 1.3; } .edge polygon { fill: #8c959f; } \
        .gridline { stroke: #d0d7de; } .burndown { fill: none; stroke: #cf222e; stroke-width: 2; } text.value { fill: #1f2328; } \
        text.heading { fill: #1f2328; font-size: 13px; font-weight: 600; }
        """
}
