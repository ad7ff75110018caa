import Foundation

/// `eksodus assess` output: a terminal summary, every finding as JSON, or SARIF 2.1.0 for code-scanning tools.
public enum AssessmentOutput {
    public enum Format: String, CaseIterable, Sendable { case table, json, sarif }

    public static func render(_ result: AssessmentResult, as format: Format) -> String {
        switch format {
        case .table: return summary(result)
        case .json: return json(result)
        case .sarif: return sarif(result)
        }
    }

    /// Per cluster: readiness, counts by severity and category, per namespace, the worst workloads; system namespaces apart.
    public static func summary(_ result: AssessmentResult, worst: Int = 10) -> String {
        var text = "Assessment #\(result.assessmentID): target Kubernetes \(result.targetVersion) on EKS, \(result.date)\n"
        for cluster in result.clusters {
            // One pass counts everything the tables show (counts by severity, in `Severity.rank` order).
            var appCounts = [0, 0, 0], systemCounts = [0, 0, 0]
            var byCategoryCounts: [CheckCategory: [Int]] = [:], byNamespaceCounts: [String: [Int]] = [:]
            var systemNamespaces: Set<String> = [], blockersByWorkload: [Int64: Int] = [:]
            // Read in place, by index: `for finding in` copied each finding (its strings retained and released).
            for index in cluster.findings.indices {
                let rank = cluster.findings[index].severity.rank
                if cluster.findings[index].severity == .blocker, let workload = cluster.findings[index].workloadID { blockersByWorkload[workload, default: 0] += 1 }
                if cluster.findings[index].system {
                    systemCounts[rank] += 1
                    systemNamespaces.insert(cluster.findings[index].namespace)
                } else {
                    appCounts[rank] += 1
                    byCategoryCounts[cluster.findings[index].category, default: [0, 0, 0]][rank] += 1
                    byNamespaceCounts[cluster.findings[index].namespace, default: [0, 0, 0]][rank] += 1
                }
            }
            func row(_ label: String, _ counts: [Int]) -> [Table.Cell] { [.text(label)] + Severity.allCases.map { .integer(counts[$0.rank]) } }
            text += "\nCluster \(cluster.cluster.name.visibleLine) (\(cluster.cluster.environment.visibleLine)): readiness \(cluster.readiness)/100, "
            text += "\(appCounts[Severity.blocker.rank]) blockers, \(appCounts[Severity.warning.rank]) warnings, \(appCounts[Severity.info.rank]) info"
            text += cluster.ignored > 0 ? " (\(cluster.ignored) ignored)\n" : "\n"

            var byCategory = Table(columns: ["category", "blocker", "warning", "info"])
            for category in CheckCategory.allCases {
                guard let counts = byCategoryCounts[category] else { continue }
                byCategory.rows.append(row(category.rawValue, counts))
            }
            if !byCategory.rows.isEmpty { text += "\n" + TableRenderer.text(byCategory) }

            var byNamespace = Table(columns: ["namespace", "blocker", "warning", "info"])
            for namespace in byNamespaceCounts.keys.sorted() {
                byNamespace.rows.append(row(namespace.isEmpty ? "(cluster)" : namespace, byNamespaceCounts[namespace] ?? [0, 0, 0]))
            }
            if !byNamespace.rows.isEmpty { text += "\n" + TableRenderer.text(byNamespace) }

            // Ranked by keys built once, workloads by position (sorting copies of whole workloads, labels rebuilt in every comparison, cost).
            let candidates = cluster.workloads.indices.filter { index in
                let id = cluster.workloads[index].id
                return !cluster.systemWorkloads.contains(id) && cluster.profiles[id] != nil
            }
            let keys = candidates.map { (score: cluster.profiles[cluster.workloads[$0].id]?.complexityScore ?? 0, label: cluster.workloads[$0].label) }
            var order = Array(candidates.indices)
            order.sort { (keys[$1].score, keys[$0].label) < (keys[$0].score, keys[$1].label) }
            let ranked = order.prefix(worst)
            if !ranked.isEmpty {
                var table = Table(columns: ["workload", "complexity", "score", "stateful", "fargate", "blockers"])
                for position in ranked {
                    let workload = cluster.workloads[candidates[position]]
                    guard let profile = cluster.profiles[workload.id] else { continue }
                    table.rows.append([.text(keys[position].label), .text(profile.complexity), .integer(profile.complexityScore),
                                       .text(profile.stateful ? "yes" : "no"), .text(profile.fargateEligible ? (profile.fargateSize ?? "yes") : "no"),
                                       .integer(blockersByWorkload[workload.id] ?? 0)])
                }
                text += "\nHardest workloads to move:\n" + TableRenderer.text(table)
            }
            if appCounts[Severity.blocker.rank] > 0 {
                text += "\nBlockers:\n"
                for finding in cluster.findings where !finding.system && finding.severity == .blocker {
                    // Names and messages carry manifest text: escaped, so no terminal control sequence of theirs is printed.
                    text += "  \(finding.checkID)  \(objectLabel(finding).visibleLine)  \(finding.message.visibleLine)\n"
                }
            }
            if !systemNamespaces.isEmpty {
                text += "\nReplaced by EKS or in system namespaces (reported apart): \(systemCounts[Severity.blocker.rank]) blockers, "
                text += "\(systemCounts[Severity.warning.rank]) warnings, \(systemCounts[Severity.info.rank]) info in "
                text += systemNamespaces.sorted().joined(separator: ", ").visibleLine + "\n"
            }
        }
        text += "\nReadiness: 50–100 without blockers, 0–49 with them (2 less for each further blocker), placed by the workloads' mean complexity; "
        text += "the assessment report states the formula.\n"
        text += "Details: eksodus assess -o json; a check's reasoning: eksodus explain ID\n"
        return text
    }

    static func objectLabel(_ finding: Finding) -> String {
        finding.namespace.isEmpty ? "\(finding.kind)/\(finding.name)" : "\(finding.kind)/\(finding.namespace)/\(finding.name)"
    }

    public static func json(_ result: AssessmentResult) -> String {
        var out = "{\n  \"assessment\": \(result.assessmentID),\n  \"targetVersion\": \"\(result.targetVersion)\",\n  \"date\": \"\(result.date)\",\n  \"clusters\": ["
        for (index, cluster) in result.clusters.enumerated() {
            out += index == 0 ? "\n" : ",\n"
            out += "    {\"name\": "
            JSONWriter.writeString(cluster.cluster.name, to: &out)
            out += ", \"readiness\": \(cluster.readiness), \"blockers\": \(cluster.count(.blocker)), \"warnings\": \(cluster.count(.warning)), \"info\": \(cluster.count(.info)),\n"
            out += "     \"workloads\": ["
            let workloads = cluster.workloads.compactMap { workload in cluster.profiles[workload.id].map { (workload, $0) } }
            for (position, (workload, profile)) in workloads.enumerated() {
                out += position == 0 ? "\n" : ",\n"
                out += "       {\"kind\": \"\(workload.kind)\", \"namespace\": "
                JSONWriter.writeString(workload.namespace, to: &out)
                out += ", \"name\": "
                JSONWriter.writeString(workload.name, to: &out)
                out += ", \"stateful\": \(profile.stateful), \"statefulReason\": "
                if let reason = profile.statefulReason { JSONWriter.writeString(reason, to: &out) } else { out += "null" }
                out += ", \"fargateEligible\": \(profile.fargateEligible), \"fargateReasons\": \(JSONWriter.string(profile.fargateReasons)), \"fargateSize\": "
                if let size = profile.fargateSize { JSONWriter.writeString(size, to: &out) } else { out += "null" }
                out += ", \"complexity\": \"\(profile.complexity)\", \"complexityScore\": \(profile.complexityScore)}"
            }
            out += "],\n     \"findings\": ["
            for (position, finding) in cluster.findings.enumerated() {
                out += position == 0 ? "\n" : ",\n"
                out += "       " + findingJSON(finding)
            }
            out += "]}"
        }
        return out + "\n  ]\n}\n"
    }

    static func findingJSON(_ finding: Finding) -> String {
        var out = "{\"check\": \"\(finding.checkID)\", \"severity\": \"\(finding.severity.rawValue)\", \"category\": \"\(finding.category.rawValue)\", \"namespace\": "
        JSONWriter.writeString(finding.namespace, to: &out)
        out += ", \"kind\": "
        JSONWriter.writeString(finding.kind, to: &out)
        out += ", \"name\": "
        JSONWriter.writeString(finding.name, to: &out)
        out += ", \"field\": "
        JSONWriter.writeString(finding.field, to: &out)
        out += ", \"message\": "
        JSONWriter.writeString(finding.message, to: &out)
        out += ", \"system\": \(finding.system), \"file\": "
        if let file = finding.sourceFile { JSONWriter.writeString(file, to: &out) } else { out += "null" }
        out += ", \"line\": \(finding.sourceLine.map(String.init) ?? "null")}"
        return out
    }

    /// SARIF 2.1.0 (see `SARIFLog`), with URIs relative to the current folder.
    public static func sarif(_ result: AssessmentResult) -> String {
        SARIFLog(result, options: .init(root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))).json
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .blocker: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }
}
