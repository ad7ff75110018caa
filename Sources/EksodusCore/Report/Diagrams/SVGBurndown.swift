import Foundation

/// The items still open over time, as a step line (`<polyline class="burndown">`) from the first to the last moment,
/// with the count at each end and the dates under the axis.
struct SVGBurndown {
    struct Point {
        var at: Date
        var remaining: Int
    }

    var title: String
    var total: Int
    var points: [Point]
    var note: String?

    static let width = 720.0, height = 240.0, left = 48.0, right = 16.0, top = 14.0, bottom = 40.0

    func render() -> String {
        let n = SVGText.number
        var out = SVGDocument.open(width: Self.width, height: Self.height, title: title)
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let start = points.first?.at ?? Date(timeIntervalSince1970: 0), end = points.last?.at ?? start
        // Changes made within the same second (a scripted run, the demo) are spread out in the order they were made.
        let inOrder = points.count > 1 && end.timeIntervalSince(start) < 1
        let span = max(end.timeIntervalSince(start), 1)
        let most = Double(max(total, 1))
        func x(_ index: Int) -> Double {
            inOrder ? Self.left + Double(index) / Double(points.count - 1) * plotWidth : Self.left + points[index].at.timeIntervalSince(start) / span * plotWidth
        }
        func y(_ remaining: Int) -> Double { Self.top + (1 - Double(remaining) / most) * plotHeight }
        for tick in [0, total / 2, total] {
            out += "<line class=\"gridline\" x1=\"\(n(Self.left))\" y1=\"\(n(y(tick)))\" x2=\"\(n(Self.width - Self.right))\" y2=\"\(n(y(tick)))\"/>"
            out += "<text class=\"axis\" x=\"\(n(Self.left - 6))\" y=\"\(n(y(tick) + 4))\" text-anchor=\"end\">\(tick)</text>\n"
        }
        var coordinates: [String] = []
        var previous: Int?
        for (index, point) in points.enumerated() {
            if let previous { coordinates.append("\(n(x(index))),\(n(y(previous)))") }
            coordinates.append("\(n(x(index))),\(n(y(point.remaining)))")
            previous = point.remaining
        }
        if coordinates.count == 1 { coordinates.append("\(n(Self.width - Self.right)),\(n(y(points[0].remaining)))") }
        out += "<polyline class=\"burndown\" points=\"\(coordinates.joined(separator: " "))\"/>\n"
        if let last = points.last {
            let lastX = coordinates.count == 2 && points.count == 1 ? Self.width - Self.right : x(points.count - 1)
            let anchor = lastX > Self.left + plotWidth / 2 ? "end" : "start"
            out += "<text class=\"value\" x=\"\(n(lastX + (anchor == "end" ? 0 : 6)))\" y=\"\(n(y(last.remaining) - 6))\" text-anchor=\"\(anchor)\">\(last.remaining) open</text>\n"
        }
        let baseline = Self.height - Self.bottom
        out += "<text class=\"axis\" x=\"\(n(Self.left))\" y=\"\(n(baseline + 16))\">\(SVGText.escape(Timestamp.string(start)))</text>"
        out += "<text class=\"axis\" x=\"\(n(Self.width - Self.right))\" y=\"\(n(baseline + 16))\" text-anchor=\"end\">\(SVGText.escape(Timestamp.string(end)))</text>\n"
        let said = [inOrder ? "Every change was made within one second; they are drawn in order." : nil, note].compactMap { $0 }.joined(separator: " ")
        if !said.isEmpty { out += "<text class=\"note\" x=\"\(n(Self.left))\" y=\"\(n(Self.height - 6))\">\(SVGText.escape(said))</text>\n" }
        return out + SVGDocument.close
    }
}
