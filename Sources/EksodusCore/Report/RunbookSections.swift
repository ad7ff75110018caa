/// The runbook as the plan and cutover reports lay it out: before the waves, then per cluster and wave the gate and the
/// ordered steps with their commands and rollback, then what follows the waves. A plan of more than
/// `ReportDetail.fullRunbookItems` items is cut in the reports (each section's first steps, each step's first commands);
/// `runbook.csv` beside them holds every step, in the same order, with all its commands.
enum RunbookSections {
    /// A plan item with its key and the keys it waits for as text (as stored): a large plan's runbook shows them tens of
    /// thousands of times.
    struct Step {
        var item: PlanItem
        var key: String
        var waitsFor: [String]

        init(_ item: PlanItem, key: String? = nil, waitsFor: [String]? = nil) {
            self.item = item
            self.key = key ?? item.keyText
            self.waitsFor = waitsFor ?? item.prerequisites.map(\.description)
        }
    }

    struct Section {
        var title: String
        var steps: [Step]
        /// Steps listed in a later section than their own (they wait for steps there), by key: the section they came from.
        var movedFrom: [String: String]

        var items: [PlanItem] { steps.map(\.item) }
    }

    static func build(_ sections: [Section], states: [String: ItemState], file: String) -> [[String: Any]] {
        let limits = sections.reduce(0) { $0 + $1.steps.count } > ReportDetail.fullRunbookItems ? Limits.cut : Limits.full
        return sections.map { section in context(section, states: states, file: file, limits: limits) }
    }

    static func sections(_ items: [PlanItem], clusterNames: [Int64: String]) -> [Section] {
        sections(items.map { Step($0) }, clusterNames: clusterNames)
    }

    /// The section a step belongs to by itself, before its prerequisites move it; distinct ones have distinct titles
    /// (cluster names hold no spaces).
    private enum NaturalSection: Hashable {
        case dnsTTL, before(assessment: Bool), wave(cluster: String, Int), afterWaves(cluster: String), afterEveryCluster

        var title: String {
            switch self {
            case .dnsTTL: return "Days ahead of the waves: DNS TTLs"
            case .before(let assessment): return "Before the waves: \(assessment ? "assessment" : "landing zone, clusters and platform")"
            case .wave(let cluster, let wave): return "\(cluster) · wave \(wave)"
            case .afterWaves(let cluster): return "\(cluster) · after its waves"
            case .afterEveryCluster: return "After every cluster's waves"
            }
        }
    }

    static func sections(_ steps: [Step], clusterNames: [Int64: String]) -> [Section] {
        func natural(_ item: PlanItem) -> NaturalSection {
            if item.step == .dnsTTL {
                return .dnsTTL
            } else if item.phase != .cutover {
                return .before(assessment: item.phase == .assessment)
            } else if let wave = item.wave, let cluster = item.clusterID.flatMap({ clusterNames[$0] }) {
                return .wave(cluster: cluster, wave)
            } else if let cluster = item.clusterID.flatMap({ clusterNames[$0] }) {
                return .afterWaves(cluster: cluster)
            }
            return .afterEveryCluster
        }
        let naturals = steps.map { natural($0.item) }
        var sections: [(title: String, steps: [Step])] = []
        var index: [NaturalSection: Int] = [:]
        for section in naturals where index[section] == nil {
            index[section] = sections.count
            sections.append((section.title, []))
        }
        // Read top to bottom, the runbook must be executable: a step is listed in the latest section its prerequisites reach
        // (a provider's scale-down waits in the section of its last consumer's switch). Items come in topological order.
        var placedIn: [String: Int] = [:]
        placedIn.reserveCapacity(steps.count)
        var movedFrom: [String: String] = [:]
        for (step, section) in zip(steps, naturals) {
            let natural = index[section] ?? 0
            let placed = step.waitsFor.compactMap { placedIn[$0] }.reduce(natural, max)
            placedIn[step.key] = placed
            if placed != natural { movedFrom[step.key] = sections[natural].title }
            sections[placed].steps.append(step)
        }
        return sections.filter { !$0.steps.isEmpty }.map { section in
            Section(title: section.title, steps: section.steps, movedFrom: movedFrom)
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
        if let gate = section.steps.first(where: { $0.item.step == .gate }) {
            context["gate"] = ["key": CodeFence.inline(gate.key), "title": md(gate.item.title), "state": (states[gate.key] ?? .pending).rawValue.replacingOccurrences(of: "_", with: " ")]
        }
        if section.steps.count > limits.steps {
            context["more"] = ReportDetail.more(shown: limits.steps, of: section.steps.count, what: "steps of this section", file: file)
        }
        context["steps"] = section.steps.prefix(limits.steps).enumerated().map { number, step -> [String: Any] in
            let item = step.item
            let state = states[step.key] ?? .pending
            var values: [String: Any] = ["number": number + 1, "key": CodeFence.inline(step.key), "title": md(item.title),
                                         "state": state.rawValue.replacingOccurrences(of: "_", with: " "), "mark": state == .done || state == .skipped ? "x" : " ",
                                         "rollback": md(item.rollback)]
            if !step.waitsFor.isEmpty {
                values["waitsFor"] = step.waitsFor.prefix(limits.list).map { CodeFence.inline($0) }.joined(separator: ", ")
                    + (step.waitsFor.count > limits.list ? " … \(step.waitsFor.count - limits.list) more (\(ReportDetail.link(file)))" : "")
            }
            if !item.evidence.isEmpty {
                values["evidence"] = item.evidence.count > limits.text
                    ? md(String(item.evidence.prefix(limits.text))) + " … (all of it: \(ReportDetail.link(file)))" : md(item.evidence)
            }
            if let from = movedFrom[step.key] { values["from"] = md(from) }
            if !item.commands.isEmpty { values["commands"] = commands(item.commands, file: file, limit: limits.list) }
            if !item.rollbackCommands.isEmpty { values["rollbackCommands"] = commands(item.rollbackCommands, file: file, limit: limits.list) }
            return values
        }
        return context
    }

    /// A step's first commands as a fenced block, and where the rest are.
    private static func commands(_ lines: [String], file: String, limit: Int) -> String {
        guard lines.count > limit else { return CodeFence.block(lines) }
        return CodeFence.block(Array(lines.prefix(limit))) + "\n\n" + ReportDetail.more(shown: limit, of: lines.count, what: "commands", file: file)
    }

    /// `runbook.csv`: every step of every section, in runbook order, with its commands (one per line in a cell). Written
    /// row by row: its cells are most of the plan's text, and a table of them, with each step's commands joined, cost
    /// more memory than the file.
    static func csv(_ sections: [Section], states: [String: ItemState]) -> [UInt8] {
        var size = 0
        for section in sections {
            for step in section.steps {
                size += section.title.utf8.count + step.key.utf8.count + step.item.title.utf8.count + step.item.evidence.utf8.count + step.item.rollback.utf8.count + 64
                for line in step.waitsFor { size += line.utf8.count + 1 }
                for line in step.item.commands { size += line.utf8.count + 1 }
                for line in step.item.rollbackCommands { size += line.utf8.count + 1 }
            }
        }
        var csv = CSVWriter(columns: ["section", "number", "key", "state", "title", "waits_for", "moved_from", "evidence", "commands", "rollback",
                                      "rollback_commands"], capacity: size + size / 32)
        for section in sections {
            for (number, step) in section.steps.enumerated() {
                let item = step.item
                csv.field(section.title)
                csv.field(number + 1)
                csv.field(step.key)
                csv.field((states[step.key] ?? .pending).rawValue)
                csv.field(item.title)
                csv.field(words: step.waitsFor)
                csv.field(section.movedFrom[step.key] ?? "")
                csv.field(item.evidence)
                csv.field(lines: item.commands)
                csv.field(item.rollback)
                csv.field(lines: item.rollbackCommands)
                csv.endRow()
            }
        }
        return csv.bytes
    }
}
