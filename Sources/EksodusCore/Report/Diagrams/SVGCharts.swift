/// Bar charts for the reports: one bar per row (`<rect class="bar">`), or one bar per row split into coloured segments
/// (`<rect class="segment">`) with a legend. Labels are shortened to fit; each rectangle's `<title>` holds the full text.
enum SVGCharts {
    static let width = 720.0, labelWidth = 190.0, rowHeight = 24.0, barHeight = 16.0, margin = 12.0, labelCharacters = 28

    struct Bar {
        var label: String
        var value: Int
        var color: String
    }

    /// Bars of length proportional to their value, the value written after each.
    static func bars(title: String, _ bars: [Bar], note: String? = nil) -> String {
        let most = max(1, bars.map(\.value).max() ?? 0)
        let area = width - labelWidth - margin * 2 - 50
        let height = margin * 2 + Double(bars.count) * rowHeight + (note == nil ? 0 : 20)
        let n = SVGText.number
        var out = SVGDocument.open(width: width, height: height, title: title)
        for (index, bar) in bars.enumerated() {
            let y = margin + Double(index) * rowHeight
            let length = Double(bar.value) / Double(most) * area
            out += "<text x=\"\(n(margin))\" y=\"\(n(y + 13))\">\(SVGText.escape(SVGText.shortened(bar.label, to: labelCharacters)))</text>"
            out += "<rect class=\"bar\" x=\"\(n(margin + labelWidth))\" y=\"\(n(y + 2))\" width=\"\(n(length))\" height=\"\(n(barHeight))\" fill=\"\(bar.color)\">"
            out += "<title>\(SVGText.escape(bar.label)): \(bar.value)</title></rect>"
            out += "<text class=\"value\" x=\"\(n(margin + labelWidth + length + 6))\" y=\"\(n(y + 13))\">\(bar.value)</text>\n"
        }
        if let note { out += "<text class=\"note\" x=\"\(n(margin))\" y=\"\(n(height - margin))\">\(SVGText.escape(note))</text>\n" }
        return out + SVGDocument.close
    }

    struct Series {
        var name: String
        var color: String
    }

    struct Stack {
        var label: String
        /// One count per series, in the series' order.
        var counts: [Int]
    }

    /// One full-width bar per row (its own total), split into the series' shares; "done of total" after each.
    static func stacked(title: String, series: [Series], _ stacks: [Stack], doneSeries: Set<Int>, note: String? = nil) -> String {
        let area = width - labelWidth - margin * 2 - 80
        let legendHeight = 22.0
        let height = margin * 2 + legendHeight + Double(stacks.count) * rowHeight + (note == nil ? 0 : 20)
        let n = SVGText.number
        var out = SVGDocument.open(width: width, height: height, title: title)
        var legendX = margin + labelWidth
        for item in series {
            out += "<rect x=\"\(n(legendX))\" y=\"\(n(margin))\" width=\"10\" height=\"10\" fill=\"\(item.color)\"/>"
            out += "<text class=\"axis\" x=\"\(n(legendX + 14))\" y=\"\(n(margin + 9))\">\(SVGText.escape(item.name))</text>"
            legendX += 24 + Double(item.name.count) * 6.5
        }
        out += "\n"
        for (index, stack) in stacks.enumerated() {
            let y = margin + legendHeight + Double(index) * rowHeight
            let total = stack.counts.reduce(0, +)
            out += "<text x=\"\(n(margin))\" y=\"\(n(y + 13))\">\(SVGText.escape(SVGText.shortened(stack.label, to: labelCharacters)))</text>"
            var x = margin + labelWidth
            for (part, count) in stack.counts.enumerated() where count > 0 && part < series.count {
                let length = Double(count) / Double(max(total, 1)) * area
                out += "<rect class=\"segment\" x=\"\(n(x))\" y=\"\(n(y + 2))\" width=\"\(n(length))\" height=\"\(n(barHeight))\" fill=\"\(series[part].color)\">"
                out += "<title>\(SVGText.escape(stack.label)): \(count) \(SVGText.escape(series[part].name))</title></rect>"
                x += length
            }
            let done = stack.counts.enumerated().filter { doneSeries.contains($0.offset) }.reduce(0) { $0 + $1.element }
            out += "<text class=\"value\" x=\"\(n(margin + labelWidth + area + 6))\" y=\"\(n(y + 13))\">\(done) of \(total)</text>\n"
        }
        if let note { out += "<text class=\"note\" x=\"\(n(margin))\" y=\"\(n(height - margin))\">\(SVGText.escape(note))</text>\n" }
        return out + SVGDocument.close
    }
}
