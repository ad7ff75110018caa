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

    /// `items`: the plan's items when the caller has read them already (a report reads them once for everything), and
    /// `states` their states by key, when it has those too.
    public static func load(_ database: AppDatabase, plan: String? = nil, filter: Filter = Filter(), items loaded: [CutoverTracker.Item]? = nil,
                            states known: [String: ItemState]? = nil) throws -> CutoverStatus {
        // The database is read first and let go: a report reads the assessment on another thread meanwhile.
        let (name, all, workloadLabels, obsolete) = try database.writer.read { db in
            let planID = try CutoverTracker.planID(db, name: plan)
            let name = try String.fetchOne(db, sql: "SELECT name FROM plan WHERE id = ?", arguments: [planID]) ?? "?"
            let all = try loaded ?? CutoverTracker.items(db, planID: planID)
            let workloadLabels = Dictionary(try Row.fetchAll(db, sql: "SELECT id, kind || '/' || namespace || '/' || name AS label FROM workload").map { row -> (Int64, String) in
                (row["id"], row["label"])
            }, uniquingKeysWith: { first, _ in first })
            let obsolete: Int
            if let loaded, filter.wave == nil, filter.cluster == nil, filter.phase == nil {
                // The plan's rows less its current items: counted from the (plan_id, position) index, where the query below reads
                // every row of the table (a large plan's are a hundred megabytes) to test `obsolete`.
                obsolete = (try Int.fetchOne(db, sql: "SELECT count(*) FROM plan_item WHERE plan_id = ?", arguments: [planID]) ?? 0) - loaded.count
            } else {
                obsolete = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM plan_item i LEFT JOIN cluster c ON c.id = i.cluster_id
                    WHERE i.plan_id = ?1 AND i.obsolete = 1 AND (?2 IS NULL OR i.wave = ?2) AND (?3 IS NULL OR c.name = ?3) AND (?4 IS NULL OR i.phase = ?4)
                    """, arguments: [planID, filter.wave, filter.cluster, filter.phase]) ?? 0
            }
            return (name, all, workloadLabels, obsolete)
        }
        let states = known ?? Dictionary(all.map { ($0.key, $0.state) }, uniquingKeysWith: { first, _ in first })
        // One pass that counts each item into its groups: a plan holds tens of thousands of items, too many to copy per group.
        var overall: [ItemState: Int] = [:], byPhase: [String: [ItemState: Int]] = [:]
        // Waves are numbered per cluster; each cluster's waves in plan order (of their first item).
        var byWave: [WaveGroup: (group: String, counts: [ItemState: Int])] = [:], waveOrder: [WaveGroup] = []
        var byWorkload: [Int64: (cluster: String?, counts: [ItemState: Int])] = [:]
        var blocked: [CutoverTracker.Item] = [], next: [CutoverTracker.Item] = []
        for index in all.indices where (filter.wave == nil || all[index].wave == filter.wave) && (filter.cluster == nil || all[index].cluster == filter.cluster)
            && (filter.phase == nil || all[index].phase == filter.phase) {
            let state = all[index].state, cluster = all[index].cluster
            overall[state, default: 0] += 1
            byPhase[all[index].phase, default: [:]][state, default: 0] += 1
            if let wave = all[index].wave {
                let key = WaveGroup(cluster: cluster, wave: wave)
                if byWave[key] == nil {
                    waveOrder.append(key)
                    byWave[key] = ((cluster.map { $0 + " " } ?? "") + "wave \(wave)", [:])
                }
                byWave[key]?.counts[state, default: 0] += 1
            }
            if let workload = all[index].workloadID { byWorkload[workload, default: (cluster, [:])].counts[state, default: 0] += 1 }
            if state == .blocked { blocked.append(all[index]) }
            if state == .pending && all[index].prerequisites.allSatisfy({ states[$0]?.satisfiesDependents ?? true }) { next.append(all[index]) }
        }
        let phases = PlanItem.Phase.allCases.compactMap { phase in byPhase[phase.rawValue].map { Progress(group: phase.rawValue, counts: $0) } }
        let waves = waveOrder.compactMap { byWave[$0].map { Progress(group: $0.group, counts: $0.counts) } }
        var workloads = byWorkload.map { workload, entry in
            Progress(group: (entry.cluster.map { $0 + ": " } ?? "") + (workloadLabels[workload] ?? "workload \(workload)"), counts: entry.counts)
        }
        workloads.sort { $0.group < $1.group }
        return CutoverStatus(plan: name, phases: phases, waves: waves, workloads: workloads, blocked: blocked,
                             next: next, overall: Progress(group: "all", counts: overall), obsolete: obsolete)
    }

    /// A cluster's wave (the group `prod wave 2`); cluster names hold no spaces, so no two of these name the same group.
    private struct WaveGroup: Hashable {
        var cluster: String?
        var wave: Int
    }

    static func table(_ title: String, _ rows: [Progress]) -> Table {
        Table(columns: [title, "done", "in_progress", "blocked", "pending", "skipped", "percent"], rows: rows.map { row in
            [.text(row.group), .integer(row.counts[.done] ?? 0), .integer(row.counts[.inProgress] ?? 0), .integer(row.counts[.blocked] ?? 0),
             .integer(row.counts[.pending] ?? 0), .integer(row.counts[.skipped] ?? 0), .text("\(row.percent)%")]
        })
    }

    public var text: String {
        var text = "Plan \(plan.visibleLine): \(overall.percent)% done (\(overall.counts[.done] ?? 0) done, \(overall.counts[.skipped] ?? 0) skipped, "
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
            for item in blocked { text += "  \(item.key.visibleLine)  \((item.note ?? "").visibleLine)\n" }
        }
        text += "\nCan start now (\(next.count)):\n"
        for item in next.prefix(15) { text += "  \(item.key.visibleLine)  \(item.title.visibleLine)\n" }
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
