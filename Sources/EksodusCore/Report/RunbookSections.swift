/// The runbook as the plan and cutover reports lay it out: before the waves, then per cluster and wave the gate and the
/// ordered steps with their commands and rollback, then what follows the waves.
enum RunbookSections {
    static func build(_ items: [PlanItem], states: [String: ItemState], clusterNames: [Int64: String]) -> [[String: Any]] {
        var sections: [(title: String, items: [PlanItem])] = []
        var index: [String: Int] = [:]
        for item in items {
            let title: String
            if item.phase != .cutover {
                title = "Before the waves: \(item.phase == .assessment ? "assessment" : "landing zone, clusters and platform")"
            } else if let wave = item.wave, let cluster = item.clusterID.flatMap({ clusterNames[$0] }) {
                title = "\(cluster) · wave \(wave)"
            } else if let cluster = item.clusterID.flatMap({ clusterNames[$0] }) {
                title = "\(cluster) · after its waves"
            } else {
                title = "After every cluster's waves"
            }
            if let position = index[title] { sections[position].items.append(item) } else {
                index[title] = sections.count
                sections.append((title, [item]))
            }
        }
        return sections.map { section -> [String: Any] in
            var context: [String: Any] = ["title": section.title]
            if let gate = section.items.first(where: { $0.step == "gate" }) {
                context["gate"] = ["key": gate.key, "title": gate.title, "state": (states[gate.key] ?? .pending).rawValue.replacingOccurrences(of: "_", with: " ")]
            }
            context["steps"] = section.items.enumerated().map { number, item -> [String: Any] in
                let state = states[item.key] ?? .pending
                var step: [String: Any] = ["number": number + 1, "key": item.key, "title": item.title,
                                           "state": state.rawValue.replacingOccurrences(of: "_", with: " "), "mark": state == .done || state == .skipped ? "x" : " ",
                                           "rollback": item.rollback]
                if !item.prerequisites.isEmpty { step["waitsFor"] = item.prerequisites.map { "`\($0)`" }.joined(separator: ", ") }
                if !item.evidence.isEmpty { step["evidence"] = item.evidence }
                if !item.commands.isEmpty { step["commands"] = CodeFence.block(item.commands) }
                if !item.rollbackCommands.isEmpty { step["rollbackCommands"] = CodeFence.block(item.rollbackCommands) }
                return step
            }
            return context
        }
    }
}
