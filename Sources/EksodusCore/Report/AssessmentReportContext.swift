import Foundation
import GRDB

/// What the assessment report lays out, from the stored assessment (as `assess` decided it, with that run's settings), the
/// stored plan's storage section when there is a plan, and counts of the inventory rows it shows. Nothing is assessed again.
struct AssessmentReportContext {
    let reference: ReferenceData
    let assessment: StoredAssessment
    /// The plan the report is read beside, if one was made: its name, and the copy method of each workload's volumes.
    let plan: TransitionPlan?
    /// Objects per kind, and per (api version, kind), of each assessed cluster.
    let kinds: [Int64: [(kind: String, objects: Int)]]
    let apiVersions: [String: Int]
    let generatedAt: String

    static let findingsFile = "findings.csv"
    static let workloadsFile = "workloads.csv"

    init(database: AppDatabase, reference: ReferenceData, plan: TransitionPlan?, cluster: String?, now: Date) throws {
        self.reference = reference
        self.plan = plan
        let assessment = try AssessmentStore.load(database, cluster: cluster)
        self.assessment = assessment
        let ids = assessment.clusters.map(\.cluster.id)
        (kinds, apiVersions) = try database.writer.read { db in
            let placeholders = ids.map { _ in "?" }.joined(separator: ", ")
            var kinds: [Int64: [(kind: String, objects: Int)]] = [:]
            var apiVersions: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT cluster_id, api_version, kind, count(*) AS objects FROM resource WHERE cluster_id IN (\(placeholders))
                GROUP BY cluster_id, api_version, kind
                """, arguments: StatementArguments(ids)) {
                let cluster: Int64 = row["cluster_id"], apiVersion: String = row["api_version"], kind: String = row["kind"], objects: Int = row["objects"]
                kinds[cluster, default: []].append((kind, objects))
                apiVersions[apiVersion + "\u{0}" + kind, default: 0] += objects
            }
            // One row per kind, most objects first.
            kinds = kinds.mapValues { rows in
                Dictionary(rows.map { ($0.kind, $0.objects) }, uniquingKeysWith: +).map { (kind: $0.key, objects: $0.value) }
                    .sorted { ($1.objects, $0.kind) < ($0.objects, $1.kind) }
            }
            return (kinds, apiVersions)
        }
        generatedAt = Timestamp.string(now)
    }

    private func md(_ text: String) -> String { MarkdownText.escape(text) }

    var values: [String: Any] {
        let result = assessment
        let target = result.targetVersion
        var context: [String: Any] = ["generatedAt": generatedAt, "target": target.description, "assessmentID": result.id,
                                      "findingsLink": ReportDetail.link(Self.findingsFile), "workloadsLink": ReportDetail.link(Self.workloadsFile)]
        if let plan {
            context["planName"] = md(plan.request.name)
            context["planNameCode"] = MarkdownText.code(plan.request.name)
        }
        if let calendar = ReportContext.versionCalendar(reference: reference, target: target, on: result.date) { context["calendar"] = calendar }
        let appWorkloads = result.clusters.flatMap(\.applications)
        let stateful = appWorkloads.filter(\.profile.stateful)
        let findings = result.allFindings.filter { !$0.system }
        let namespaces = Set(result.clusters.flatMap { cluster in cluster.workloads.map { "\(cluster.cluster.id)/\($0.namespace)" } }).count
        let statefulPercent: Int = appWorkloads.isEmpty ? 0 : Int((Double(stateful.count) / Double(appWorkloads.count) * 100).rounded())
        var summary: [String: Any] = ["clusters": result.clusters.count, "namespaces": namespaces, "workloads": appWorkloads.count]
        summary["stateful"] = stateful.count
        summary["statefulPercent"] = statefulPercent
        summary["blockers"] = findings.filter { $0.severity == .blocker }.count
        summary["warnings"] = findings.filter { $0.severity == .warning }.count
        summary["infos"] = findings.filter { $0.severity == .info }.count
        context["summary"] = summary
        context["severityDiagram"] = FindingsDiagrams.bySeverity(findings)
        if let diagram = FindingsDiagrams.byCategory(findings) { context["categoryDiagram"] = diagram }
        context["readinessFormula"] = md(Assessor.readinessFormula)
        context["clusters"] = result.clusters.map { cluster -> [String: Any] in
            let kinds = self.kinds[cluster.cluster.id] ?? []
            let inventory = Table(columns: ["kind", "objects"], rows: kinds.map { [.text($0.kind), .integer($0.objects)] })
            var blockersByWorkload: [Int64: Int] = [:]
            for finding in cluster.findings where finding.severity == .blocker {
                if let id = finding.workloadID { blockersByWorkload[id, default: 0] += 1 }
            }
            var hardest = Table(columns: ["workload", "complexity", "score", "stateful", "blockers"])
            let applications = cluster.applications, labels = applications.map(\.label)
            let ranked = applications.indices.sorted { left, right in
                (applications[right].profile.complexityScore, labels[left]) < (applications[left].profile.complexityScore, labels[right])
            }.prefix(10).map { applications[$0] }
            for workload in ranked {
                let profile = workload.profile
                hardest.rows.append([.text(workload.label), .text(profile.complexity), .integer(profile.complexityScore), .text(profile.stateful ? "yes" : "no"),
                                     .integer(blockersByWorkload[workload.id] ?? 0)])
            }
            var values: [String: Any] = [
                "name": md(cluster.cluster.name), "environment": md(cluster.cluster.environment), "version": md(cluster.cluster.kubernetesVersion ?? "unknown"),
                "readiness": cluster.readiness, "blockers": cluster.count(.blocker), "warnings": cluster.count(.warning), "infos": cluster.count(.info),
                "objects": kinds.reduce(0) { $0 + $1.objects }, "workloads": cluster.applications.count,
                "systemWorkloads": cluster.workloads.count - cluster.applications.count, "inventoryTable": MarkdownTable.render(inventory),
                "hardestTable": MarkdownTable.render(hardest), "namespaceTable": namespaceTable(cluster)]
            if cluster.ignored > 0 { values["ignored"] = cluster.ignored }
            return values
        }
        let clusterNames = Dictionary(result.clusters.map { ($0.cluster.id, $0.cluster.name) }, uniquingKeysWith: { first, _ in first })
        let byCategory = Dictionary(grouping: findings, by: \.category)
        context["categories"] = CheckCategory.allCases.compactMap { category -> [String: Any]? in
            guard let inCategory = byCategory[category], !inCategory.isEmpty else { return nil }
            let checks = Dictionary(grouping: inCategory, by: \.checkID).sorted { ($0.value[0].severity.rank, $0.key) < ($1.value[0].severity.rank, $1.key) }
            return ["name": category.rawValue, "checks": checks.map { id, found -> [String: Any] in
                let info = CheckCatalog.check(id: id)?.info
                var objects = Table(columns: ["cluster", "object", "field", "finding", "where"])
                for finding in found.prefix(ReportDetail.rowLimit) {
                    objects.rows.append([.text(clusterNames[finding.clusterID] ?? ""), .text(AssessmentOutput.objectLabel(finding)), .text(finding.field),
                                         .text(finding.message), .text(ReportContext.where_(finding))])
                }
                var table = MarkdownTable.render(objects)
                if found.count > ReportDetail.rowLimit {
                    table += "\n" + ReportDetail.more(shown: ReportDetail.rowLimit, of: found.count, what: "objects", file: Self.findingsFile) + "\n"
                }
                return ["id": id, "title": info?.title ?? id, "severity": found.map(\.severity).min()?.rawValue ?? "info", "count": found.count,
                        "remediation": info?.remediation ?? "", "objectsTable": table]
            }]
        }
        let volumes = Dictionary(grouping: plan?.storage.entries.filter { $0.workloadID != nil } ?? [], by: { $0.workloadID ?? 0 })
        var fargate = Table(columns: ["cluster", "workload", "eligible", "size", "why not"])
        var statefulTable = Table(columns: ["cluster", "workload", "why stateful", "volumes", "copy method"])
        var replaced = Table(columns: ["cluster", "workload", "component", "replaced on EKS by"])
        for cluster in result.clusters {
            for workload in cluster.workloads {
                let profile = workload.profile
                if workload.setApart {
                    guard let name = workload.component, let component = reference.components.first(where: { $0.name == name }) else { continue }
                    replaced.rows.append([.text(cluster.cluster.name), .text(workload.label), .text(component.name), .text(component.replacedBy)])
                    continue
                }
                fargate.rows.append([.text(cluster.cluster.name), .text(workload.label), .text(profile.fargateEligible ? "yes" : "no"),
                                     .text(profile.fargateEligible ? profile.fargateSize ?? "" : ""), .text(profile.fargateReasons.joined(separator: "; "))])
                if profile.stateful {
                    let claims = volumes[workload.id] ?? []
                    statefulTable.rows.append([.text(cluster.cluster.name), .text(workload.label), .text(profile.statefulReason ?? ""),
                                               .text(claims.map { volume in
                                                   [volume.name, volume.sizeBytes.map(Quantity.formatBytes), volume.copies > 1 ? "× \(volume.copies)" : nil]
                                                       .compactMap { $0 }.joined(separator: " ")
                                               }.joined(separator: ", ")),
                                               .text(claims.map(\.copyMethod).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: "; "))])
                }
            }
        }
        context["fargateTable"] = ReportDetail.table(fargate, detail: Self.workloadsFile)
        context["statefulTable"] = ReportDetail.table(statefulTable, detail: Self.workloadsFile)
        if !replaced.rows.isEmpty { context["replacedTable"] = MarkdownTable.render(replaced) }
        var api = Table(columns: ["api version", "kind", "deprecated in", "removed in", "replacement", "objects"])
        for row in reference.apiVersions where row.removedIn.map({ $0 <= target }) ?? false || row.deprecatedIn.map({ $0 <= target }) ?? false {
            let count = apiVersions[row.apiVersion + "\u{0}" + row.kind] ?? 0
            guard count > 0 else { continue }
            api.rows.append([.text(row.apiVersion), .text(row.kind), .text(row.deprecatedIn?.description ?? ""), .text(row.removedIn?.description ?? "-"),
                             .text(reference.replacement(apiVersion: row.apiVersion, kind: row.kind, target: target).description), .integer(count)])
        }
        context["apiTable"] = MarkdownTable.render(api)
        return context
    }

    /// Application findings per namespace, worst first.
    private func namespaceTable(_ cluster: StoredAssessment.Cluster) -> String {
        var counts: [String: [Severity: Int]] = [:]
        for finding in cluster.findings where !finding.system { counts[finding.namespace, default: [:]][finding.severity, default: 0] += 1 }
        var workloads: [String: Int] = [:]
        for workload in cluster.applications { workloads[workload.namespace, default: 0] += 1 }
        let namespaces = Set(counts.keys).union(workloads.keys).sorted { left, right in
            let l = counts[left] ?? [:], r = counts[right] ?? [:]
            return (-(l[.blocker] ?? 0), -(l[.warning] ?? 0), -(l[.info] ?? 0), left) < (-(r[.blocker] ?? 0), -(r[.warning] ?? 0), -(r[.info] ?? 0), right)
        }
        let table = Table(columns: ["namespace", "workloads", "blockers", "warnings", "info"], rows: namespaces.map { namespace in
            [.text(namespace.isEmpty ? "(cluster)" : namespace), .integer(workloads[namespace] ?? 0), .integer(counts[namespace]?[.blocker] ?? 0),
             .integer(counts[namespace]?[.warning] ?? 0), .integer(counts[namespace]?[.info] ?? 0)]
        })
        return ReportDetail.table(table, detail: Self.findingsFile, limit: 20)
    }

    /// Every finding and every workload's profile, for the CSV files beside the report.
    var details: [(file: String, bytes: [UInt8])] {
        var findings = Table(columns: ["cluster", "severity", "check", "category", "namespace", "kind", "name", "field", "message", "system", "file", "line"])
        var workloads = Table(columns: ["cluster", "workload", "set_apart", "replaced_by", "stateful", "stateful_reason", "fargate", "fargate_size",
                                        "fargate_reasons", "complexity", "score", "blockers"])
        // Findings share their source files: each file's name is worked out once.
        var fileNames: [String: String] = [:]
        func fileName(_ path: String?) -> String {
            let path = path ?? ""
            if let name = fileNames[path] { return name }
            let name = (path as NSString).lastPathComponent
            fileNames[path] = name
            return name
        }
        for cluster in assessment.clusters {
            var blockers: [Int64: Int] = [:]
            for finding in cluster.findings {
                if finding.severity == .blocker, let id = finding.workloadID { blockers[id, default: 0] += 1 }
                findings.rows.append([.text(cluster.cluster.name), .text(finding.severity.rawValue), .text(finding.checkID), .text(finding.category.rawValue),
                                      .text(finding.namespace), .text(finding.kind), .text(finding.name), .text(finding.field), .text(finding.message),
                                      .text(finding.system ? "yes" : "no"), .text(fileName(finding.sourceFile)),
                                      finding.sourceLine.map { .integer($0) } ?? .null])
            }
            for workload in cluster.workloads {
                let profile = workload.profile
                workloads.rows.append([.text(cluster.cluster.name), .text(workload.label), .text(workload.setApart ? "yes" : "no"), .text(workload.component ?? ""),
                                       .text(profile.stateful ? "yes" : "no"), .text(profile.statefulReason ?? ""), .text(profile.fargateEligible ? "yes" : "no"),
                                       .text(profile.fargateSize ?? ""), .text(profile.fargateReasons.joined(separator: "; ")), .text(profile.complexity),
                                       .integer(profile.complexityScore), .integer(blockers[workload.id] ?? 0)])
            }
        }
        return [(Self.findingsFile, ReportDetail.csv(findings)), (Self.workloadsFile, ReportDetail.csv(workloads))]
    }
}
