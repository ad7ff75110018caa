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
    /// Items whose workload left the inventory (`import --replace`, or a re-plan without it): counted apart, never in progress.
    public var obsolete: Int

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
            let obsolete = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM plan_item i LEFT JOIN cluster c ON c.id = i.cluster_id
                WHERE i.plan_id = ?1 AND i.obsolete = 1 AND (?2 IS NULL OR i.wave = ?2) AND (?3 IS NULL OR c.name = ?3) AND (?4 IS NULL OR i.phase = ?4)
                """, arguments: [planID, filter.wave, filter.cluster, filter.phase]) ?? 0
            let next = items.filter { item in
                item.state == .pending && item.prerequisites.allSatisfy { states[$0]?.satisfiesDependents ?? true }
            }
            return CutoverStatus(plan: name, phases: phases, waves: waves, workloads: workloads, blocked: items.filter { $0.state == .blocked },
                                 next: next, overall: progress("all", items), obsolete: obsolete)
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
        if obsolete > 0 {
            text += "\(obsolete) obsolete item(s) not counted: their workloads are no longer in the inventory (history: eksodus cutover log)\n"
        }
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

    /// `cutover status -o json|yaml`: `plan`, `percent`, `phases`, `waves` and `workloads` (each `group`, a count per state —
    /// `pending`, `in_progress`, `done`, `blocked`, `skipped` — and `percent`), `blocked` and `next` (each `id`, `key`,
    /// `title`, `state`, `note`).
    public struct Document: Encodable, Sendable {
        struct Group: Encodable {
            var progress: Progress
            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: DynamicKey.self)
                try container.encode(progress.group, forKey: DynamicKey("group"))
                for state in ItemState.allCases { try container.encode(progress.counts[state] ?? 0, forKey: DynamicKey(state.rawValue)) }
                try container.encode(progress.percent, forKey: DynamicKey("percent"))
            }
        }

        struct Entry: Encodable {
            var item: CutoverTracker.Item
            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: DynamicKey.self)
                try container.encode(item.id, forKey: DynamicKey("id"))
                try container.encode(item.key, forKey: DynamicKey("key"))
                try container.encode(item.title, forKey: DynamicKey("title"))
                try container.encode(item.state.rawValue, forKey: DynamicKey("state"))
                try container.encode(item.note, forKey: DynamicKey("note"))
            }
        }

        struct DynamicKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ string: String) { stringValue = string }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var plan: String
        var percent: Int
        var obsolete: Int
        var phases: [Group]
        var waves: [Group]
        var workloads: [Group]
        var blocked: [Entry]
        var next: [Entry]
    }

    public var document: Document {
        Document(plan: plan, percent: overall.percent, obsolete: obsolete, phases: phases.map(Document.Group.init), waves: waves.map(Document.Group.init),
                 workloads: workloads.map(Document.Group.init), blocked: blocked.map(Document.Entry.init), next: next.map(Document.Entry.init))
    }

    public var json: String {
        (try? StructuredOutput.json(document)) ?? "{}\n"
    }
}
