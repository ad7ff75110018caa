/// The runbook as the plan and cutover reports lay it out: before the waves, then per cluster and wave the gate and the
/// ordered steps with their commands and rollback, then what follows the waves. A plan of more than
/// `ReportDetail.fullRunbookItems` items is cut in the reports (each section's first steps, each step's first commands);
/// `runbook.csv` beside them holds every step, in the same order, with all its commands.
enum RunbookSections {
    struct Section {
        var title: String
        var items: [PlanItem]
        /// Steps listed in a later section than their own (they wait for steps there), by key: the section they came from.
        var movedFrom: [PlanItemKey: String]
    }

    static func build(_ sections: [Section], states: [String: ItemState], file: String) -> [[String: Any]] {
        let limits = sections.reduce(0) { $0 + $1.items.count } > ReportDetail.fullRunbookItems ? Limits.cut : Limits.full
        return sections.map { section in context(section, states: states, file: file, limits: limits) }
    }

    static func sections(_ items: [PlanItem], clusterNames: [Int64: String]) -> [Section] {
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
        return sections.filter { !$0.items.isEmpty }.map { section in
            Section(title: section.title, items: section.items, movedFrom: movedFrom)
        }
    }

    /// How much of a section and of a step a report shows.
    struct Limits {
        var steps: Int, list: Int, text: Int

        static let full = Limits(steps: .max, list: .max, text: .max)
        static let cut = Limits(steps: ReportDetail.stepLimit, list: ReportDetail.listLimit, text: ReportDetail.textLimit)
    }

    private static func context(_ section: Section, states: [String: ItemState], file: String, limits: Limits) -> [String: Any] {
        let md = MarkdownText.escape
        let movedFrom = section.movedFrom
        var context: [String: Any] = ["title": md(section.title)]
        if let gate = section.items.first(where: { $0.step == .gate }) {
            context["gate"] = ["key": CodeFence.inline(gate.keyText), "title": md(gate.title), "state": (states[gate.keyText] ?? .pending).rawValue.replacingOccurrences(of: "_", with: " ")]
        }
        if section.items.count > limits.steps {
            context["more"] = ReportDetail.more(shown: limits.steps, of: section.items.count, what: "steps of this section", file: file)
        }
        context["steps"] = section.items.prefix(limits.steps).enumerated().map { number, item -> [String: Any] in
            let state = states[item.keyText] ?? .pending
            var step: [String: Any] = ["number": number + 1, "key": CodeFence.inline(item.keyText), "title": md(item.title),
                                       "state": state.rawValue.replacingOccurrences(of: "_", with: " "), "mark": state == .done || state == .skipped ? "x" : " ",
                                       "rollback": md(item.rollback)]
            if !item.prerequisites.isEmpty {
                step["waitsFor"] = item.prerequisites.prefix(limits.list).map { CodeFence.inline($0.description) }.joined(separator: ", ")
                    + (item.prerequisites.count > limits.list ? " … \(item.prerequisites.count - limits.list) more (\(ReportDetail.link(file)))" : "")
            }
            if !item.evidence.isEmpty {
                step["evidence"] = item.evidence.count > limits.text
                    ? md(String(item.evidence.prefix(limits.text))) + " … (all of it: \(ReportDetail.link(file)))" : md(item.evidence)
            }
            if let from = movedFrom[item.key] { step["from"] = md(from) }
            if !item.commands.isEmpty { step["commands"] = commands(item.commands, file: file, limit: limits.list) }
            if !item.rollbackCommands.isEmpty { step["rollbackCommands"] = commands(item.rollbackCommands, file: file, limit: limits.list) }
            return step
        }
        return context
    }

    /// A step's first commands as a fenced block, and where the rest are.
    private static func commands(_ lines: [String], file: String, limit: Int) -> String {
        guard lines.count > limit else { return CodeFence.block(lines) }
        return CodeFence.block(Array(lines.prefix(limit))) + "\n\n" + ReportDetail.more(shown: limit, of: lines.count, what: "commands", file: file)
    }

    /// Every step of every section, in runbook order, with its commands (one per line in a cell).
    static func table(_ sections: [Section], states: [String: ItemState]) -> Table {
        var table = Table(columns: ["section", "number", "key", "state", "title", "waits_for", "moved_from", "evidence", "commands", "rollback",
                                    "rollback_commands"])
        for section in sections {
            for (number, item) in section.items.enumerated() {
                let state = states[item.keyText] ?? .pending
                let waitsFor = item.prerequisites.map(\.description).joined(separator: " ")
                table.rows.append([.text(section.title), .integer(number + 1), .text(item.keyText), .text(state.rawValue),
                                   .text(item.title), .text(waitsFor), .text(section.movedFrom[item.key] ?? ""),
                                   .text(item.evidence), .text(item.commands.joined(separator: "\n")), .text(item.rollback), .text(item.rollbackCommands.joined(separator: "\n"))])
            }
        }
        return table
    }
}
