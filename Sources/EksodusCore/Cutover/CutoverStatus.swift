import Foundation
import GRDB

/// Where the migration stands: progress per phase, wave and workload, what is blocked and why, what can start now.
public struct CutoverStatus: Sendable {
    public struct Progress: Sendable {
        public var group: String
        public var counts: [ItemState: Int]
        public var total: Int { counts.values.reduce(0, +) }
        /// Done and skipped items over all items.
        public var percent: Int {
            total == 0 ? 0 : Int((Double((counts[.done] ?? 0) + (counts[.skipped] ?? 0)) / Double(total) * 100).rounded(.down))
        }
    }

    public var plan: String
    public var phases: [Progress]
    public var waves: [Progress]
    public var workloads: [Progress]
    public var blocked: [CutoverTracker.Item]
    public var next: [CutoverTracker.Item]
    public var overall: Progress

    public struct Filter: Sendable {
        public var wave: Int?
        public var cluster: String?
        public var phase: String?

        public init(wave: Int? = nil, cluster: String? = nil, phase: String? = nil) {
            self.wave = wave
            self.cluster = cluster
            self.phase = phase
        }
    }

    /// `items`: the plan's items when the caller has read them already (a report reads them once for everything).
    public static func load(_ database: AppDatabase, plan: String? = nil, filter: Filter = Filter(), items loaded: [CutoverTracker.Item]? = nil) throws -> CutoverStatus {
        try database.writer.read { db in
            let planID = try CutoverTracker.planID(db, name: plan)
            let name = try String.fetchOne(db, sql: "SELECT name FROM plan WHERE id = ?", arguments: [planID]) ?? "?"
            let all = try loaded ?? CutoverTracker.items(db, planID: planID)
            let states = Dictionary(all.map { ($0.key, $0.state) }, uniquingKeysWith: { first, _ in first })
            let workloadLabels = Dictionary(try Row.fetchAll(db, sql: "SELECT id, kind || '/' || namespace || '/' || name AS label FROM workload").map { row -> (Int64, String) in
                (row["id"], row["label"])
            }, uniquingKeysWith: { first, _ in first })
            let items = all.filter { item in
                (filter.wave == nil || item.wave == filter.wave) && (filter.cluster == nil || item.cluster == filter.cluster)
                    && (filter.phase == nil || item.phase == filter.phase)
            }
            func progress(_ group: String, _ members: [CutoverTracker.Item]) -> Progress {
                Progress(group: group, counts: Dictionary(grouping: members, by: \.state).mapValues(\.count))
            }
            let phases = PlanItem.Phase.allCases.compactMap { phase -> Progress? in
                let members = items.filter { $0.phase == phase.rawValue }
                return members.isEmpty ? nil : progress(phase.rawValue, members)
            }
            // Waves are numbered per cluster; each cluster's waves in plan order (of their first item).
            var waveGroups: [String: [CutoverTracker.Item]] = [:], waveOrder: [String] = []
            for item in items {
                guard let wave = item.wave else { continue }
                let group = (item.cluster.map { $0 + " " } ?? "") + "wave \(wave)"
                if waveGroups[group] == nil { waveOrder.append(group) }
                waveGroups[group, default: []].append(item)
            }
            let waves = waveOrder.map { progress($0, waveGroups[$0] ?? []) }
            var workloads: [Progress] = []
            for (workload, members) in Dictionary(grouping: items.filter { $0.workloadID != nil }, by: { $0.workloadID ?? 0 }) {
                let cluster = members.first?.cluster.map { $0 + ": " } ?? ""
                workloads.append(progress(cluster + (workloadLabels[workload] ?? "workload \(workload)"), members.sorted { $0.position < $1.position }))
            }
            workloads.sort { $0.group < $1.group }
            let next = items.filter { item in
                item.state == .pending && item.prerequisites.allSatisfy { states[$0]?.satisfiesDependents ?? true }
            }
            return CutoverStatus(plan: name, phases: phases, waves: waves, workloads: workloads, blocked: items.filter { $0.state == .blocked },
                                 next: next, overall: progress("all", items))
        }
    }

    static func table(_ title: String, _ rows: [Progress]) -> Table {
        Table(columns: [title, "done", "in_progress", "blocked", "pending", "skipped", "percent"], rows: rows.map { row in
            [.text(row.group), .integer(row.counts[.done] ?? 0), .integer(row.counts[.inProgress] ?? 0), .integer(row.counts[.blocked] ?? 0),
             .integer(row.counts[.pending] ?? 0), .integer(row.counts[.skipped] ?? 0), .text("\(row.percent)%")]
        })
    }

    public var text: String {
        var text = "Plan \(plan): \(overall.percent)% done (\(overall.counts[.done] ?? 0) done, \(overall.counts[.skipped] ?? 0) skipped, "
        text += "\(overall.counts[.inProgress] ?? 0) in progress, \(overall.counts[.blocked] ?? 0) blocked, \(overall.counts[.pending] ?? 0) pending of \(overall.total))\n"
        text += "\n" + TableRenderer.text(Self.table("phase", phases))
        if !waves.isEmpty { text += "\n" + TableRenderer.text(Self.table("wave", waves)) }
        let started = workloads.filter { row in (row.counts[.pending] ?? 0) < row.total }
        if !started.isEmpty { text += "\nWorkloads under way:\n" + TableRenderer.text(Self.table("workload", started)) }
        if !blocked.isEmpty {
            text += "\nBlocked:\n"
            for item in blocked { text += "  \(item.key)  \(item.note ?? "")\n" }
        }
        text += "\nCan start now (\(next.count)):\n"
        for item in next.prefix(15) { text += "  \(item.key)  \(item.title)\n" }
        if next.count > 15 { text += "  … \(next.count - 15) more (eksodus cutover next)\n" }
        return text
    }

    public var json: String {
        func progressJSON(_ rows: [Progress]) -> String {
            "[" + rows.map { row in
                var out = "{\"group\": "
                JSONWriter.writeString(row.group, to: &out)
                out += ItemState.allCases.map { ", \"\($0.rawValue)\": \(row.counts[$0] ?? 0)" }.joined() + ", \"percent\": \(row.percent)}"
                return out
            }.joined(separator: ", ") + "]"
        }
        func itemsJSON(_ items: [CutoverTracker.Item]) -> String {
            "[" + items.map { item in
                var out = "{\"id\": \(item.id), \"key\": "
                JSONWriter.writeString(item.key, to: &out)
                out += ", \"title\": "
                JSONWriter.writeString(item.title, to: &out)
                out += ", \"state\": \"\(item.state.rawValue)\", \"note\": "
                if let note = item.note { JSONWriter.writeString(note, to: &out) } else { out += "null" }
                return out + "}"
            }.joined(separator: ", ") + "]"
        }
        var out = "{\"plan\": "
        JSONWriter.writeString(plan, to: &out)
        out += ", \"percent\": \(overall.percent), \"phases\": \(progressJSON(phases)), \"waves\": \(progressJSON(waves)),"
        out += " \"workloads\": \(progressJSON(workloads)), \"blocked\": \(itemsJSON(blocked)), \"next\": \(itemsJSON(next))}\n"
        return out
    }
}
