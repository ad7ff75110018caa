import GRDB

/// `eksodus cutover list`: every checklist item of a plan, filtered, with its state, what it waits for, and who changed it last.
///
/// JSON and YAML rows carry (in this order): `id`, `key`, `state`, `phase`, `step`, `cluster`, `wave`, `title`,
/// `prerequisites` (an array of keys), `owner` (who made the last change, null before any), `changed` (when, ISO 8601, null
/// before any) and `note` (the reason given with the last block or skip).
public struct CutoverListing: Sendable {
    public struct Filter: Sendable {
        public var state: ItemState?
        public var wave: Int?
        public var cluster: String?
        public var phase: PlanItem.Phase?

        public init(state: ItemState? = nil, wave: Int? = nil, cluster: String? = nil, phase: PlanItem.Phase? = nil) {
            self.state = state
            self.wave = wave
            self.cluster = cluster
            self.phase = phase
        }
    }

    public struct Row: Sendable {
        public var item: CutoverTracker.Item
        public var owner: String?
        public var changed: String?
    }

    public var plan: String
    public var rows: [Row]

    public static func load(_ database: AppDatabase, plan: String? = nil, filter: Filter = Filter()) throws -> CutoverListing {
        try database.writer.read { db in
            let planID = try CutoverTracker.planID(db, name: plan)
            if let cluster = filter.cluster { try ClusterScope.require(cluster, in: db) }
            let name = try String.fetchOne(db, sql: "SELECT name FROM plan WHERE id = ?", arguments: [planID]) ?? "?"
            var last: [Int64: (actor: String, at: String)] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: """
                SELECT item_id, actor, at FROM event WHERE id IN (SELECT max(id) FROM event WHERE plan_id = ? GROUP BY item_id)
                """, arguments: [planID]) {
                last[row[0]] = (row[1], row[2])
            }
            let items = try CutoverTracker.items(db, planID: planID).filter { item in
                (filter.state == nil || item.state == filter.state) && (filter.wave == nil || item.wave == filter.wave)
                    && (filter.cluster == nil || item.cluster == filter.cluster) && (filter.phase == nil || item.phase == filter.phase?.rawValue)
            }
            return CutoverListing(plan: name, rows: items.map { Row(item: $0, owner: last[$0.id]?.actor, changed: last[$0.id]?.at) })
        }
    }

    /// One row per item; the title and note are `-o wide` columns, the prerequisites are counted in a table and listed in full elsewhere.
    public var table: Table {
        Table(columns: ["id", "key", "state", "phase", "step", "cluster", "wave", "title", "prerequisites", "owner", "changed", "note"],
              rows: rows.map { row in
                  let item = row.item
                  return [.integer(Int(item.id)), .text(item.key), .text(item.state.rawValue), .text(item.phase), .text(item.step),
                          item.cluster.map { .text($0) } ?? .null, item.wave.map { .integer($0) } ?? .null, .text(item.title),
                          .list(item.prerequisites, shown: item.prerequisites.isEmpty ? "-" : "\(item.prerequisites.count)"),
                          row.owner.map { .text($0) } ?? .null, row.changed.map { .text($0) } ?? .null, item.note.map { .text($0) } ?? .null]
              },
              wideColumns: ["step", "title", "note"], headers: ["prerequisites": "waits_for"])
    }
}
