import Foundation
import GRDB

/// Prepares what each report template lays out: sorted rows, counts and finished tables. Templates hold no logic.
struct ReportContext {
    let database: AppDatabase
    let reference: ReferenceData
    let plan: TransitionPlan
    let estates: [Estate]
    let status: CutoverStatus
    let generatedAt: String

    init(database: AppDatabase, reference: ReferenceData, planName: String?, cluster: String?, now: Date) throws {
        self.database = database
        self.reference = reference
        var plan = try TransitionPlanner(database: database, reference: reference).preview(name: planName, now: now)
        if let cluster {
            plan.waves = plan.waves.filter { $0.cluster == cluster }
            plan.dependencies = plan.dependencies.filter { $0.cluster == cluster }
            plan.compute = plan.compute.filter { $0.cluster == cluster }
            plan.assessment.clusters = plan.assessment.clusters.filter { $0.cluster.name == cluster }
        }
        self.plan = plan
        estates = try database.writer.read { try Estate.load($0, cluster: cluster) }
        status = try CutoverStatus.load(database, plan: plan.request.name, filter: .init(cluster: cluster))
        generatedAt = Timestamp.string(now)
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
        guard let day = CalendarDay(date) else { return nil }
        var calendar: [String: Any] = ["minimumDays": ReferenceData.minimumStandardSupportDays]
        if let version = reference.eksVersion(plan.request.target) {
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
                                       "isTarget": recommended.version == plan.request.target]
        }
        return calendar
    }

    // MARK: Assessment

    var assessment: [String: Any] {
        let result = plan.assessment
        let workloads = estates.flatMap(\.workloads)
        let appWorkloads = result.clusters.flatMap { cluster in cluster.workloads.filter { !cluster.systemWorkloads.contains($0.id) } }
        let profiles = result.clusters.reduce(into: [Int64: WorkloadProfile]()) { $0.merge($1.profiles) { first, _ in first } }
        let stateful = appWorkloads.filter { profiles[$0.id]?.stateful == true }
        let findings = result.allFindings.filter { !$0.system }
        var context = header
        if let calendar = versionCalendar(on: result.date) { context["calendar"] = calendar }
        let namespaces: Int = Set(workloads.map { "\($0.clusterID)/\($0.namespace)" }).count
        let statefulPercent: Int = appWorkloads.isEmpty ? 0 : Int((Double(stateful.count) / Double(appWorkloads.count) * 100).rounded())
        var summary: [String: Any] = ["clusters": result.clusters.count, "namespaces": namespaces, "workloads": appWorkloads.count]
        summary["stateful"] = stateful.count
        summary["statefulPercent"] = statefulPercent
        summary["blockers"] = findings.filter { $0.severity == .blocker }.count
        summary["warnings"] = findings.filter { $0.severity == .warning }.count
        summary["infos"] = findings.filter { $0.severity == .info }.count
        context["summary"] = summary
        context["readinessFormula"] = md(Assessor.readinessFormula)
        context["clusters"] = result.clusters.map { cluster -> [String: Any] in
            let estate = estates.first { $0.cluster.id == cluster.cluster.id }
            var inventory = Table(columns: ["kind", "objects"])
            for (kind, members) in Dictionary(grouping: estate?.resources ?? [], by: \.kind).sorted(by: { ($1.value.count, $0.key) < ($0.value.count, $1.key) }) {
                inventory.rows.append([.text(kind), .integer(members.count)])
            }
            var hardest = Table(columns: ["workload", "complexity", "score", "stateful", "blockers"])
            let ranked = cluster.workloads.filter { !cluster.systemWorkloads.contains($0.id) }
                .compactMap { workload in cluster.profiles[workload.id].map { (workload, $0) } }
                .sorted { ($1.1.complexityScore, $0.0.label) < ($0.1.complexityScore, $1.0.label) }.prefix(10)
            for (workload, profile) in ranked {
                hardest.rows.append([.text(workload.label), .text(profile.complexity), .integer(profile.complexityScore), .text(profile.stateful ? "yes" : "no"),
                                     .integer(cluster.findings.filter { $0.workloadID == workload.id && $0.severity == .blocker }.count)])
            }
            return ["name": md(cluster.cluster.name), "environment": md(cluster.cluster.environment), "version": md(cluster.cluster.kubernetesVersion ?? "unknown"),
                    "readiness": cluster.readiness, "blockers": cluster.count(.blocker), "warnings": cluster.count(.warning), "infos": cluster.count(.info),
                    "objects": estate?.resources.count ?? 0, "workloads": cluster.workloads.count - cluster.systemWorkloads.count,
                    "systemWorkloads": cluster.systemWorkloads.count, "inventoryTable": MarkdownTable.render(inventory),
                    "hardestTable": MarkdownTable.render(hardest)]
        }
        context["categories"] = CheckCategory.allCases.compactMap { category -> [String: Any]? in
            let inCategory = findings.filter { $0.category == category }
            guard !inCategory.isEmpty else { return nil }
            let checks = Dictionary(grouping: inCategory, by: \.checkID).sorted { ($0.value[0].severity.rank, $0.key) < ($1.value[0].severity.rank, $1.key) }
            return ["name": category.rawValue, "checks": checks.map { id, found -> [String: Any] in
                let info = CheckCatalog.check(id: id)?.info
                var objects = Table(columns: ["cluster", "object", "field", "finding", "where"])
                let clusterNames = Dictionary(result.clusters.map { ($0.cluster.id, $0.cluster.name) }, uniquingKeysWith: { first, _ in first })
                for finding in found {
                    objects.rows.append([.text(clusterNames[finding.clusterID] ?? ""), .text(AssessmentOutput.objectLabel(finding)), .text(finding.field),
                                         .text(finding.message), .text(Self.where_(finding))])
                }
                return ["id": id, "title": info?.title ?? id, "severity": found.map(\.severity).min()?.rawValue ?? "info", "count": found.count,
                        "remediation": info?.remediation ?? "", "objectsTable": MarkdownTable.render(objects)]
            }]
        }
        var fargate = Table(columns: ["cluster", "workload", "eligible", "size", "why not"])
        var statefulTable = Table(columns: ["cluster", "workload", "why stateful", "volumes", "copy method"])
        for cluster in result.clusters {
            for workload in cluster.workloads where !cluster.systemWorkloads.contains(workload.id) {
                guard let profile = cluster.profiles[workload.id] else { continue }
                fargate.rows.append([.text(cluster.cluster.name), .text(workload.label), .text(profile.fargateEligible ? "yes" : "no"),
                                     .text(profile.fargateEligible ? profile.fargateSize ?? "" : ""), .text(profile.fargateReasons.joined(separator: "; "))])
                if profile.stateful {
                    let volumes = plan.storage.entries.filter { $0.workloadID == workload.id }
                    statefulTable.rows.append([.text(cluster.cluster.name), .text(workload.label), .text(profile.statefulReason ?? ""),
                                               .text(volumes.map { volume in
                                                   [volume.name, volume.sizeBytes.map(Quantity.formatBytes), volume.copies > 1 ? "× \(volume.copies)" : nil]
                                                       .compactMap { $0 }.joined(separator: " ")
                                               }.joined(separator: ", ")),
                                               .text(volumes.map(\.copyMethod).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: "; "))])
                }
            }
        }
        context["fargateTable"] = MarkdownTable.render(fargate)
        context["statefulTable"] = MarkdownTable.render(statefulTable)
        var replaced = Table(columns: ["cluster", "workload", "component", "replaced on EKS by"])
        for cluster in result.clusters {
            for workload in cluster.workloads where cluster.systemWorkloads.contains(workload.id) {
                guard let component = reference.component(of: workload), component.role == .replaced else { continue }
                replaced.rows.append([.text(cluster.cluster.name), .text(workload.label), .text(component.name), .text(component.replacedBy)])
            }
        }
        if !replaced.rows.isEmpty { context["replacedTable"] = MarkdownTable.render(replaced) }
        var api = Table(columns: ["api version", "kind", "deprecated in", "removed in", "replacement", "objects"])
        for row in reference.apiVersions where row.removedIn.map({ $0 <= plan.request.target }) ?? false || row.deprecatedIn.map({ $0 <= plan.request.target }) ?? false {
            let count = estates.flatMap(\.resources).filter { $0.apiVersion == row.apiVersion && $0.kind == row.kind }.count
            guard count > 0 else { continue }
            api.rows.append([.text(row.apiVersion), .text(row.kind), .text(row.deprecatedIn?.description ?? ""), .text(row.removedIn?.description ?? "-"),
                             .text(reference.replacement(apiVersion: row.apiVersion, kind: row.kind, target: plan.request.target).description), .integer(count)])
        }
        context["apiTable"] = MarkdownTable.render(api)
        return context
    }

    // MARK: Plan

    func planReport() throws -> [String: Any] {
        var context = header
        if let calendar = versionCalendar(on: plan.assessment.date) { context["calendar"] = calendar }
        context["wavesMermaid"] = MermaidDiagram.waves(plan)
        context["waves"] = plan.waves.map { wave -> [String: Any] in
            var table = Table(columns: ["workload", "why this wave"])
            for workload in wave.workloads { table.rows.append([.text(workload.label), .text(workload.reason)]) }
            return ["number": wave.number, "cluster": md(wave.cluster), "table": MarkdownTable.render(table)]
        }
        context["wavesMermaidBlock"] = MarkdownText.fence(MermaidDiagram.waves(plan), language: "mermaid")
        context["cycles"] = plan.cycles.map { ["members": md($0.joined(separator: ", then "))] }
        var dependencies = Table(columns: ["cluster", "consumer", "provider", "evidence"])
        for dependency in plan.dependencies {
            dependencies.rows.append([.text(dependency.cluster), .text(dependency.consumer), .text(dependency.provider), .text(dependency.evidence)])
        }
        context["dependenciesTable"] = MarkdownTable.render(dependencies)
        context["imagesTable"] = MarkdownTable.render(Table(columns: ["image", "source", "method", "ecr repository", "warnings"], rows: plan.images.entries.map { entry in
            [.text(entry.image.original), .text(entry.sourceClass), .text(entry.method.rawValue), .text(entry.repository), .text(entry.warnings.joined(separator: "; "))]
        }))
        if plan.images.entries.contains(where: { $0.method == .pullThroughCache }) {
            context["pullThroughPermissions"] = md(ImageMigration.firstPullPermissions)
        }
        context["storageTable"] = MarkdownTable.render(plan.storage.table)
        context["storageTotalsTable"] = MarkdownTable.render(Table(columns: ["cluster", "target", "volumes", "GiB", "without a size"], rows: plan.storage.totals.map { total in
            [.text(total.cluster), .text(total.targetClass), .integer(total.volumes), .text(StoragePlan.gibibytes(total.bytes)), .integer(total.unsized)]
        }))
        context["storageClasses"] = StoragePlan.storageClassManifests
        context["networkTable"] = MarkdownTable.render(plan.network.table)
        context["identityTable"] = MarkdownTable.render(plan.identity.table)
        let configs = try plan.eksctlConfigs()
        context["compute"] = plan.compute.map { compute -> [String: Any] in
            let yaml = configs.first { $0.cluster == compute.cluster }?.yaml ?? ""
            return ["cluster": md(compute.cluster), "eksName": md(compute.eksClusterName), "table": MarkdownTable.render(compute.table),
                    "fargate": compute.fargateProfiles.map { ["name": md($0.name), "nameCode": MarkdownText.code($0.name), "namespaces": md($0.namespaces.joined(separator: ", "))] },
                    "notes": compute.notes.map { ["text": md($0)] }, "eksctl": yaml, "eksctlBlock": MarkdownText.fence(yaml, language: "yaml")]
        }
        let states = itemsByKey
        let clusterNames = Dictionary(estates.map { ($0.cluster.id, $0.cluster.name) }, uniquingKeysWith: { first, _ in first })
        context["phases"] = PlanItem.Phase.allCases.map { phase -> [String: Any] in
            ["name": phase.rawValue, "items": plan.items.filter { $0.phase == phase }.map { item -> [String: Any] in
                let state = states[item.key] ?? .pending
                let mark = state == .done || state == .skipped ? "x" : " "
                let suffix = state == .pending || state == .done ? "" : " _(\(state.rawValue.replacingOccurrences(of: "_", with: " ")))_"
                return ["mark": mark, "key": md(item.key), "keyCode": MarkdownText.code(item.key), "title": md(item.title), "suffix": suffix,
                        "wave": item.wave.map { wave in (item.clusterID.flatMap { clusterNames[$0] }.map { md($0) + " " } ?? "") + "wave \(wave) · " } ?? ""]
            }]
        }
        context["runbook"] = runbook(states)
        return context
    }

    /// The plan's items (of the report's clusters) as runbook sections, with their tracked states.
    private func runbook(_ states: [String: ItemState]) -> [[String: Any]] {
        let clusterNames = Dictionary(estates.map { ($0.cluster.id, $0.cluster.name) }, uniquingKeysWith: { first, _ in first })
        let items = plan.items.filter { item in item.clusterID.map { clusterNames[$0] != nil } ?? true }
        return RunbookSections.build(items, states: states, clusterNames: clusterNames)
    }

    private var itemsByKey: [String: ItemState] {
        let items = (try? database.writer.read { db in try CutoverTracker.items(db, planID: plan.planID) }) ?? []
        return Dictionary(items.map { ($0.key, $0.state) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Cutover

    var cutover: [String: Any] {
        var context = header
        context["percent"] = status.overall.percent
        context["progressMermaid"] = MermaidDiagram.progress(status)
        context["progressMermaidBlock"] = MarkdownText.fence(MermaidDiagram.progress(status), language: "mermaid")
        context["phaseTable"] = MarkdownTable.render(CutoverStatus.table("phase", status.phases))
        context["waveTable"] = MarkdownTable.render(CutoverStatus.table("wave", status.waves))
        context["blockedTable"] = MarkdownTable.render(Table(columns: ["item", "title", "reason"], rows: status.blocked.map { item in
            [.text(item.key), .text(item.title), .text(item.note ?? "")]
        }))
        context["nextTable"] = MarkdownTable.render(Table(columns: ["item", "title"], rows: status.next.map { [.text($0.key), .text($0.title)] }))
        var log = (try? AuditLog.table(database, plan: plan.request.name)) ?? Table(columns: [])
        log.rows = Array(log.rows.suffix(25))
        context["logTable"] = MarkdownTable.render(log)
        context["runbook"] = runbook(itemsByKey)
        return context
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
            let table = Table(columns: ["image", "method", "ecr repository", "target", "tag", "digest", "workloads", "warnings"], rows: entries.map { entry in
                [.text(entry.image.original), .text(entry.method.rawValue), .text(entry.repository), .text(entry.targetReference),
                 .text(entry.image.tag ?? (entry.image.digest == nil ? "latest" : "")), .text(entry.digestNote),
                 .text(entry.workloads.joined(separator: ", ")), .text(entry.warnings.joined(separator: "; "))]
            })
            let only = ImageMigration(region: plan.images.region, accountID: plan.images.accountID, prefix: plan.images.prefix, entries: entries)
            let commands = only.script(generatedAt: generatedAt).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { ($0.hasPrefix("ensure_") || $0.hasPrefix("copy_image")) && !$0.hasSuffix("{") }.joined(separator: "\n")
            return ["registry": md(registry), "class": md(entries.first?.sourceClass ?? ""), "count": entries.count, "table": MarkdownTable.render(table),
                    "commands": commands, "commandsBlock": MarkdownText.fence(commands, language: "sh")]
        }
        return context
    }
}
