/// The runbook as the plan and cutover reports lay it out: before the waves, then per cluster and wave the gate and the
/// ordered steps with their commands and rollback, then what follows the waves.
enum RunbookSections {
    static func build(_ items: [PlanItem], states: [String: ItemState], clusterNames: [Int64: String]) -> [[String: Any]] {
        var sections: [(title: String, items: [PlanItem])] = []
        var index: [String: Int] = [:]
        func naturalTitle(_ item: PlanItem) -> String {
            if item.step == .dnsTTL {
                return "Days ahead of the waves: DNS TTLs"
            } else if item.phase != .cutover {
                return "Before the waves: \(item.phase == .assessment ? "assessment" : "landing zone, clusters and platform")"
            } else if let wave = item.wave, let cluster = item.clusterID.flatMap({ clusterNames[$0] }) {
                return "\(cluster) · wave \(wave)"
            } else if let cluster = item.clusterID.flatMap({ clusterNames[$0] }) {
                return "\(cluster) · after its waves"
            }
            return "After every cluster's waves"
        }
        for item in items where index[naturalTitle(item)] == nil {
            index[naturalTitle(item)] = sections.count
            sections.append((naturalTitle(item), []))
        }
        // Read top to bottom, the runbook must be executable: a step is listed in the latest section its prerequisites reach
        // (a provider's scale-down waits in the section of its last consumer's switch). Items come in topological order.
        var placedIn: [PlanItemKey: Int] = [:]
        var movedFrom: [PlanItemKey: String] = [:]
        for item in items {
            let natural = index[naturalTitle(item)] ?? 0
            let section = item.prerequisites.compactMap { placedIn[$0] }.reduce(natural, max)
            placedIn[item.key] = section
            if section != natural { movedFrom[item.key] = sections[natural].title }
            sections[section].items.append(item)
        }
        sections = sections.filter { !$0.items.isEmpty }
        return sections.map { section -> [String: Any] in
            let md = MarkdownText.escape
            var context: [String: Any] = ["title": md(section.title)]
            if let gate = section.items.first(where: { $0.step == .gate }) {
                context["gate"] = ["key": CodeFence.inline(gate.keyText), "title": md(gate.title), "state": (states[gate.keyText] ?? .pending).rawValue.replacingOccurrences(of: "_", with: " ")]
            }
            context["steps"] = section.items.enumerated().map { number, item -> [String: Any] in
                let state = states[item.keyText] ?? .pending
                var step: [String: Any] = ["number": number + 1, "key": CodeFence.inline(item.keyText), "title": md(item.title),
                                           "state": state.rawValue.replacingOccurrences(of: "_", with: " "), "mark": state == .done || state == .skipped ? "x" : " ",
                                           "rollback": md(item.rollback)]
                if !item.prerequisites.isEmpty { step["waitsFor"] = item.prerequisites.map { CodeFence.inline($0.description) }.joined(separator: ", ") }
                if !item.evidence.isEmpty { step["evidence"] = md(item.evidence) }
                if let from = movedFrom[item.key] { step["from"] = md(from) }
                if !item.commands.isEmpty { step["commands"] = CodeFence.block(item.commands) }
                if !item.rollbackCommands.isEmpty { step["rollbackCommands"] = CodeFence.block(item.rollbackCommands) }
                return step
            }
            return context
        }
    }
}
