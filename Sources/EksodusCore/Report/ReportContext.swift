import Foundation
import GRDB

/// Prepares what each report template lays out: sorted rows, counts and finished tables. Templates hold no logic.
struct ReportContext {
    let database: AppDatabase
    let reference: ReferenceData
    /// The stored plan, as `plan` decided it (narrowed to one cluster when asked).
    let plan: TransitionPlan
    let status: CutoverStatus
    /// The plan's items with their tracked state, read once for the checklist and its CSV.
    let tracked: [CutoverTracker.Item]
    /// Each item's tracked state, by key.
    let states: [String: ItemState]
    /// The report's clusters (all, or the one asked for), by id.
    let clusterNames: [Int64: String]
    let generatedAt: String
    /// The runbook of the report's clusters, laid out once for the plan and cutover reports and `runbook.csv`.
    let runbookSections: [RunbookSections.Section]
    let now: Date
    /// The cluster the report is narrowed to, if any.
    let cluster: String?

    /// `tracked`: the stored plan's items as the cutover tracks them, read with the plan (`CutoverTracker.loadPlan`).
    init(database: AppDatabase, reference: ReferenceData, plan stored: TransitionPlan, tracked: [CutoverTracker.Item], cluster: String?, now: Date) throws {
        self.database = database
        self.reference = reference
        var plan = stored
        if let cluster {
            plan.waves = plan.waves.filter { $0.cluster == cluster }
            plan.dependencies = plan.dependencies.filter { $0.cluster == cluster }
            plan.compute = plan.compute.filter { $0.cluster == cluster }
        }
        self.plan = plan
        self.tracked = tracked
        var states: [String: ItemState] = [:]
        states.reserveCapacity(tracked.count)
        for index in tracked.indices where states[tracked[index].key] == nil { states[tracked[index].key] = tracked[index].state }
        self.states = states
        status = try CutoverStatus.load(database, plan: plan.request.name, filter: .init(cluster: cluster), items: tracked, states: states)
        clusterNames = try database.writer.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT id, name FROM cluster WHERE ?1 IS NULL OR name = ?1", arguments: [cluster])
                .map { ($0["id"] as Int64, $0["name"] as String) }, uniquingKeysWith: { first, _ in first })
        }
        generatedAt = Timestamp.string(now)
        let names = clusterNames
        // `tracked[i]` is `plan.items[i]`: their keys as stored, so that none is rendered again. By index: `zip` copied each
        // tracked item (and freed the copy) only to read its key and prerequisites.
        var steps: [RunbookSections.Step] = []
        steps.reserveCapacity(plan.items.count)
        for index in 0..<min(plan.items.count, tracked.count) where plan.items[index].clusterID.map({ names[$0] != nil }) ?? true {
            steps.append(RunbookSections.Step(plan.items[index], key: tracked[index].key, waitsFor: tracked[index].prerequisites))
        }
        runbookSections = RunbookSections.sections(steps, clusterNames: names)
        self.now = now
        self.cluster = cluster
    }

    /// Values from the inventory and flags reach the templates escaped (`MarkdownText`); `…Code` and `…Block` keys are
    /// finished code spans and fenced blocks.
    private var header: [String: Any] {
        ["generatedAt": generatedAt, "planName": md(plan.request.name), "planNameCode": MarkdownText.code(plan.request.name),
         "target": plan.request.target.description, "region": md(plan.request.region), "accountID": md(plan.request.accountID)]
    }

    private func md(_ text: String) -> String { MarkdownText.escape(text) }

    static func where_(_ finding: Finding) -> String {
        guard let file = finding.sourceFile, !file.isEmpty else { return "" }
        return "\((file as NSString).lastPathComponent):\(finding.sourceLine ?? 0)"
    }

    /// The target's place in the EKS calendar on `date`, and the version eksodus recommends then.
    func versionCalendar(on date: String) -> [String: Any]? {
        Self.versionCalendar(reference: reference, target: plan.request.target, on: date)
    }

    static func versionCalendar(reference: ReferenceData, target: KubernetesVersion, on date: String) -> [String: Any]? {
        guard let day = CalendarDay(date) else { return nil }
        var calendar: [String: Any] = ["minimumDays": ReferenceData.minimumStandardSupportDays]
        if let version = reference.eksVersion(target) {
            let status: String
            switch version.support(on: day) {
            case .notYetReleased: status = "not yet released"
            case .standard(let left): status = "in standard support (\(left) days left)"
            case .extended(let left): status = "in extended support ($0.60 per cluster-hour instead of $0.10; \(left) days left)"
            case .ended: status = "past extended support"
            }
            calendar["target"] = ["version": version.version.description, "released": version.released, "endOfStandard": version.endOfStandard,
                                  "endOfExtended": version.endOfExtended, "status": status]
        }
        if let recommended = reference.recommendedEKSVersion(on: day) {
            calendar["recommended"] = ["version": recommended.version.description, "endOfStandard": recommended.endOfStandard,
                                       "isTarget": recommended.version == target]
        }
        return calendar
    }

    // MARK: Plan

    func planReport() throws -> [String: Any] {
        var context = header
        if let calendar = versionCalendar(on: plan.assessment.date) { context["calendar"] = calendar }
        context["wavesMermaid"] = MermaidDiagram.waves(plan)
        let diagrams = PlanDiagrams(plan)
        context["wavesDiagram"] = diagrams.waves()
        context["waves"] = plan.waves.map { wave -> [String: Any] in
            var table = Table(columns: ["workload", "why this wave"])
            for workload in wave.workloads { table.rows.append([.text(workload.label), .text(workload.reason)]) }
            var values: [String: Any] = ["number": wave.number, "cluster": md(wave.cluster), "table": ReportDetail.table(table, detail: Self.wavesFile)]
            if let diagram = diagrams.wave(wave) { values["graphDiagram"] = diagram }
            return values
        }
        context["wavesMermaidBlock"] = MarkdownText.fence(MermaidDiagram.waves(plan), language: "mermaid")
        context["cycles"] = plan.cycles.map { ["members": md($0.joined(separator: ", then "))] }
        var dependencies = Table(columns: ["cluster", "consumer", "provider", "evidence"])
        for dependency in plan.dependencies {
            dependencies.rows.append([.text(dependency.cluster), .text(dependency.consumer), .text(dependency.provider), .text(dependency.evidence)])
        }
        context["dependenciesTable"] = ReportDetail.table(dependencies, detail: Self.dependenciesFile)
        context["imagesTable"] = ReportDetail.table(Table(columns: ["image", "source", "method", "ecr repository", "warnings"], rows: plan.images.entries.map { entry in
            [.text(entry.image.original), .text(entry.sourceClass), .text(entry.method.rawValue), .text(entry.repository), .text(entry.warnings.joined(separator: "; "))]
        }), detail: Self.imagesFile)
        if plan.images.entries.contains(where: { $0.method == .pullThroughCache }) {
            context["pullThroughPermissions"] = md(ImageMigration.firstPullPermissions)
        }
        context["storageTable"] = ReportDetail.table(plan.storage.table, detail: Self.storageFile)
        context["storageTotalsTable"] = MarkdownTable.render(Table(columns: ["cluster", "target", "volumes", "GiB", "without a size"], rows: plan.storage.totals.map { total in
            [.text(total.cluster), .text(total.targetClass), .integer(total.volumes), .text(StoragePlan.gibibytes(total.bytes)), .integer(total.unsized)]
        }))
        context["storageClasses"] = StoragePlan.storageClassManifests
        context["networkTable"] = ReportDetail.table(plan.network.table, detail: Self.networkFile)
        context["addressingTable"] = MarkdownTable.render(Table(columns: ["cluster", "vpc.cidr", "serviceIPv4CIDR", "on-premises /16s", "why"],
                                                                rows: (plan.network.addressing ?? []).map { entry in
            [.text(entry.cluster), .text(entry.vpcCIDR), .text(entry.serviceCIDR), .text(entry.onPremises.joined(separator: ", ")), .text(entry.reason)]
        }))
        context["identityTable"] = ReportDetail.table(plan.identity.table, detail: Self.identityFile)
        let configs = try plan.eksctlConfigs()
        context["compute"] = plan.compute.map { compute -> [String: Any] in
            let yaml = configs.first { $0.cluster == compute.cluster }?.yaml ?? ""
            return ["cluster": md(compute.cluster), "eksName": md(compute.eksClusterName), "table": MarkdownTable.render(compute.table),
                    "fargate": compute.fargateProfiles.map { ["name": md($0.name), "nameCode": MarkdownText.code($0.name), "namespaces": md($0.namespaces.joined(separator: ", "))] },
                    "notes": compute.notes.map { ["text": md($0)] }, "eksctl": yaml, "eksctlBlock": MarkdownText.fence(yaml, language: "yaml")]
        }
        // Each phase's first items (by index: `tracked[i]` is `plan.items[i]`, with the key as stored) and how many it has.
        var phaseItems: [PlanItem.Phase: (shown: [Int], count: Int)] = [:]
        for index in plan.items.indices {
            let phase = plan.items[index].phase
            if phaseItems[phase, default: ([], 0)].shown.count < ReportDetail.itemLimit { phaseItems[phase, default: ([], 0)].shown.append(index) }
            phaseItems[phase, default: ([], 0)].count += 1
        }
        context["phases"] = PlanItem.Phase.allCases.map { phase -> [String: Any] in
            let inPhase = phaseItems[phase] ?? ([], 0)
            var values: [String: Any] = ["name": phase.rawValue, "items": inPhase.shown.map { index -> [String: Any] in
                let item = plan.items[index], key = tracked[index].key
                let state = states[key] ?? .pending
                let mark = state == .done || state == .skipped ? "x" : " "
                let suffix = state == .pending || state == .done ? "" : " _(\(state.rawValue.replacingOccurrences(of: "_", with: " ")))_"
                return ["mark": mark, "key": md(key), "keyCode": MarkdownText.code(key), "title": md(item.title), "suffix": suffix,
                        "wave": item.wave.map { wave in (item.clusterID.flatMap { clusterNames[$0] }.map { md($0) + " " } ?? "") + "wave \(wave) · " } ?? ""]
            }]
            if inPhase.count > ReportDetail.itemLimit {
                values["more"] = ReportDetail.more(shown: ReportDetail.itemLimit, of: inPhase.count, what: "items", file: Self.checklistFile)
            }
            return values
        }
        context["runbook"] = runbook(states)
        context["detailLinks"] = [Self.wavesFile, Self.dependenciesFile, Self.imagesFile, Self.storageFile, Self.networkFile, Self.identityFile,
                                  Self.checklistFile, Self.runbookFile].map(ReportDetail.link).joined(separator: " · ")
        return context
    }

    static let wavesFile = "waves.csv", dependenciesFile = "dependencies.csv", imagesFile = "images.csv", storageFile = "storage.csv",
               networkFile = "network.csv", identityFile = "identity.csv", checklistFile = "checklist.csv", runbookFile = "runbook.csv"

    /// The plan's items (of the report's clusters) as runbook sections, with their tracked states.
    private func runbook(_ states: [String: ItemState]) -> [[String: Any]] {
        RunbookSections.build(runbookSections, states: states, file: Self.runbookFile)
    }

    /// Every runbook step, with its commands, as the file the reports' runbook sections link to, and the library of shell
    /// functions those commands call (as the plan stored it).
    var runbookDetails: [(file: String, bytes: [UInt8])] {
        [(Self.runbookFile, RunbookSections.csv(runbookSections, states: states))]
            + (plan.runbookLibrary.isEmpty ? [] : [(RunbookLibrary.fileName, Array(plan.runbookLibrary.utf8))])
    }

    // MARK: Cutover

    var cutover: [String: Any] {
        var context = header
        context["percent"] = status.overall.percent
        context["progressMermaid"] = MermaidDiagram.progress(status)
        context["progressMermaidBlock"] = MarkdownText.fence(MermaidDiagram.progress(status), language: "mermaid")
        context["progressDiagram"] = CutoverDiagrams.progress(status)
        if let diagram = CutoverDiagrams.waves(status) { context["waveProgressDiagram"] = diagram }
        if let diagram = try? burndown() { context["burndownDiagram"] = diagram }
        context["phaseTable"] = MarkdownTable.render(CutoverStatus.table("phase", status.phases))
        context["waveTable"] = MarkdownTable.render(CutoverStatus.table("wave", status.waves))
        context["blockedTable"] = MarkdownTable.render(Table(columns: ["item", "title", "reason"], rows: status.blocked.map { item in
            [.text(item.key), .text(item.title), .text(item.note ?? "")]
        }))
        context["nextTable"] = MarkdownTable.render(Table(columns: ["item", "title"], rows: status.next.map { [.text($0.key), .text($0.title)] }))
        var log = (try? AuditLog.table(database, plan: plan.request.name)) ?? Table(columns: [])
        log.rows = Array(log.rows.suffix(25))
        context["logTable"] = MarkdownTable.render(log)
        context["runbook"] = runbook(states)
        return context
    }

    /// The report's items (all, or one cluster's) replayed through the audit log.
    private func burndown() throws -> ReportDiagram {
        // Keys read in place: `filter` copied every tracked item (its commands, evidence, rollback) to keep only its key.
        var items = Set<String>()
        items.reserveCapacity(tracked.count)
        for index in tracked.indices where cluster == nil || tracked[index].cluster == cluster { items.insert(tracked[index].key) }
        let (changes, createdAt) = try database.writer.read { db in
            (try AuditLog.changes(db, planID: plan.planID),
             try String.fetchOne(db, sql: "SELECT created_at FROM plan WHERE id = ?", arguments: [plan.planID]) ?? generatedAt)
        }
        return CutoverDiagrams.burndown(items: items, changes: changes, createdAt: createdAt, now: now)
    }

    // MARK: Images

    var images: [String: Any] {
        var context = header
        context["registry"] = md(plan.images.registryHost)
        context["registryCode"] = MarkdownText.code(plan.images.registryHost)
        context["count"] = plan.images.entries.count
        if plan.images.entries.contains(where: { $0.method == .pullThroughCache }) {
            context["pullThrough"] = ["permissions": md(ImageMigration.firstPullPermissions)]
        }
        let groups = Dictionary(grouping: plan.images.entries, by: { $0.method == .rejected ? "invalid image references" : $0.image.registry })
        context["groups"] = groups.keys.sorted().map { registry -> [String: Any] in
            let entries = groups[registry] ?? []
            let shown = Array(entries.prefix(ReportDetail.rowLimit))
            let table = Table(columns: ["image", "method", "ecr repository", "target", "tag", "digest", "workloads", "warnings"], rows: shown.map { entry in
                [.text(entry.image.original), .text(entry.method.rawValue), .text(entry.repository), .text(entry.targetReference),
                 .text(entry.image.tag ?? (entry.image.digest == nil ? "latest" : "")), .text(entry.digestNote),
                 .text(Self.firstFew(entry.workloads)), .text(entry.warnings.joined(separator: "; "))]
            })
            let only = ImageMigration(region: plan.images.region, accountID: plan.images.accountID, prefix: plan.images.prefix, entries: shown)
            let commands = only.script(generatedAt: generatedAt).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { ($0.hasPrefix("ensure_") || $0.hasPrefix("copy_image")) && !$0.hasSuffix("{") }.joined(separator: "\n")
            var rendered = MarkdownTable.render(table)
            if entries.count > shown.count {
                rendered += "\n" + ReportDetail.more(shown: shown.count, of: entries.count, what: "images", file: Self.imagesFile) + "\n"
            }
            return ["registry": md(registry), "class": md(entries.first?.sourceClass ?? ""), "count": entries.count, "table": rendered,
                    "commands": commands, "commandsBlock": MarkdownText.fence(commands, language: "sh")]
        }
        context["detailLink"] = ReportDetail.link(Self.imagesFile)
        return context
    }

    /// A cell listing at most ten names, and how many more there are.
    static func firstFew(_ names: [String], limit: Int = 10) -> String {
        names.count <= limit ? names.joined(separator: ", ") : names.prefix(limit).joined(separator: ", ") + " … \(names.count - limit) more"
    }
}
