import GRDB

/// The append-only record of every state change: who, when, from → to, the note, and whether it was forced.
public enum AuditLog {
    /// One event as the log lists it, by column name.
    struct Entry: Decodable, FetchableRecord {
        var id: Int64
        var at: String
        var actor: String
        var key: String
        var action: String
        var fromState: String
        var toState: String
        var forced: Bool
        var note: String?

        enum CodingKeys: String, CodingKey {
            case id, at, actor, key, action, fromState = "from_state", toState = "to_state", forced, note
        }
    }

    public static func table(_ database: AppDatabase, plan: String? = nil, since: String? = nil, item: String? = nil) throws -> Table {
        try database.writer.read { db in
            let planID = try CutoverTracker.planID(db, name: plan)
            var itemID: Int64?
            if let item {
                itemID = try CutoverTracker.find(item, db, planID: planID).id
            }
            var table = Table(columns: ["id", "at", "actor", "item", "action", "from", "to", "forced", "note"])
            for entry in try Entry.fetchAll(db, sql: """
                SELECT e.id, e.at, e.actor, i.key, e.action, e.from_state, e.to_state, e.forced, e.note
                FROM event e JOIN plan_item i ON i.id = e.item_id
                WHERE e.plan_id = ? AND (?2 IS NULL OR e.at >= ?2) AND (?3 IS NULL OR e.item_id = ?3) ORDER BY e.id
                """, arguments: [planID, since, itemID]) {
                table.rows.append([.integer(Int(entry.id)), .text(entry.at), .text(entry.actor), .text(entry.key), .text(entry.action), .text(entry.fromState),
                                   .text(entry.toState), .bool(entry.forced), entry.note.map { .text($0) } ?? .null])
            }
            return table
        }
    }

    /// One state change, oldest first: what the cutover burn-down is drawn from.
    struct Change {
        var at: String
        var item: String
        var from: ItemState
        var to: ItemState
    }

    static func changes(_ db: Database, planID: Int64) throws -> [Change] {
        try Row.fetchAll(db, sql: """
            SELECT e.at, i.key, e.from_state, e.to_state FROM event e JOIN plan_item i ON i.id = e.item_id WHERE e.plan_id = ? ORDER BY e.id
            """, arguments: [planID]).compactMap { row in
            guard let from = ItemState(rawValue: row[2]), let to = ItemState(rawValue: row[3]) else { return nil }
            return Change(at: row[0], item: row[1], from: from, to: to)
        }
    }
}
