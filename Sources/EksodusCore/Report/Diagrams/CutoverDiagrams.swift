import Foundation

/// The cutover report's pictures: items by state (overall and per phase, then per wave) and the burn-down of open items
/// over time, replayed from the audit log.
enum CutoverDiagrams {
    static let stateSeries: [(state: ItemState, series: SVGCharts.Series)] = [
        (.done, .init(name: "done", color: "#1a7f37")), (.skipped, .init(name: "skipped", color: "#8c959f")),
        (.inProgress, .init(name: "in progress", color: "#0969da")), (.blocked, .init(name: "blocked", color: "#cf222e")),
        (.pending, .init(name: "pending", color: "#d0d7de"))]

    static let waveLimit = 40

    private static func stacked(title: String, _ rows: [CutoverStatus.Progress], note: String? = nil) -> String {
        SVGCharts.stacked(title: title, series: stateSeries.map(\.series), rows.map { row in
            SVGCharts.Stack(label: row.group, counts: stateSeries.map { row.counts[$0.state] ?? 0 })
        }, doneSeries: [0, 1], note: note)
    }

    /// All items, then each phase.
    static func progress(_ status: CutoverStatus) -> ReportDiagram {
        var all = status.overall
        all.group = "all items"
        return ReportDiagram(mermaid: MermaidDiagram.progress(status), svg: stacked(title: "Checklist items by state", [all] + status.phases))
    }

    /// Each wave (the first `waveLimit`; the table below lists them all).
    static func waves(_ status: CutoverStatus) -> ReportDiagram? {
        guard !status.waves.isEmpty else { return nil }
        let note = status.waves.count > waveLimit ? "The first \(waveLimit) of \(status.waves.count) waves are drawn; the table lists every wave." : nil
        return ReportDiagram(mermaid: nil, svg: stacked(title: "Items by state in each wave", Array(status.waves.prefix(waveLimit)), note: note))
    }

    /// Open items (neither done nor skipped) from the plan's creation through every change in the audit log. `items` are the
    /// keys the report covers (the plan's, or one cluster's).
    static func burndown(items: Set<String>, changes: [AuditLog.Change], createdAt: String, now: Date) -> ReportDiagram {
        var open = items.count, closings = 0, reopenings = 0
        let start = Timestamp.parse(createdAt) ?? now
        var points = [SVGBurndown.Point(at: start, remaining: open)]
        let closed: Set<ItemState> = [.done, .skipped]
        for change in changes where items.contains(change.item) {
            let was = closed.contains(change.from), isClosed = closed.contains(change.to)
            guard was != isClosed, let at = Timestamp.parse(change.at) else { continue }
            if isClosed { closings += 1 } else { reopenings += 1 }
            open += isClosed ? -1 : 1
            points.append(SVGBurndown.Point(at: max(at, points[points.count - 1].at), remaining: open))
        }
        let replayed = "\(closings) done or skipped, \(reopenings) reopened"
        let note = closings + reopenings == 0 ? "No item has been done or skipped yet." : "From the audit log: \(replayed)."
        let chart = SVGBurndown(title: "Open checklist items over time", total: items.count, points: points, note: note)
        let summary = "\(items.count) items were open when the plan was made; \(open) \(open == 1 ? "is" : "are") open now (\(replayed))."
        return ReportDiagram(mermaid: nil, svg: chart.render(), markdownText: summary)
    }
}
