/// The assessment report's pictures: application findings by severity and by category.
enum FindingsDiagrams {
    static let severityColors: [Severity: String] = [.blocker: "#cf222e", .warning: "#bf8700", .info: "#0969da"]

    static func bySeverity(_ findings: [Finding]) -> ReportDiagram {
        let counts = Dictionary(grouping: findings, by: \.severity).mapValues(\.count)
        let bars = Severity.allCases.map { SVGCharts.Bar(label: $0.rawValue, value: counts[$0] ?? 0, color: severityColors[$0] ?? "#57606a") }
        return ReportDiagram(mermaid: pie("Findings by severity", bars), svg: SVGCharts.bars(title: "Findings by severity", bars))
    }

    /// Categories that have findings, most first.
    static func byCategory(_ findings: [Finding]) -> ReportDiagram? {
        let counts = Dictionary(grouping: findings, by: \.category).mapValues(\.count)
        let bars = CheckCategory.allCases.compactMap { category in counts[category].map { SVGCharts.Bar(label: category.rawValue, value: $0, color: "#8250df") } }
            .sorted { ($1.value, $0.label) < ($0.value, $1.label) }
        guard !bars.isEmpty else { return nil }
        return ReportDiagram(mermaid: pie("Findings by category", bars), svg: SVGCharts.bars(title: "Findings by category", bars))
    }

    /// A Mermaid pie of the bars that are not empty; nil when all are.
    private static func pie(_ title: String, _ bars: [SVGCharts.Bar]) -> String? {
        let slices = bars.filter { $0.value > 0 }
        guard !slices.isEmpty else { return nil }
        return (["pie showData title \(title)"] + slices.map { "  \(MermaidDiagram.label($0.label)) : \($0.value)" }).joined(separator: "\n")
    }
}
