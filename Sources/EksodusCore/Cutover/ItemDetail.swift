import GRDB

/// One item as `eksodus cutover show` prints it: what and why, what it waits for, the commands, the rollback, its history.
public struct ItemDetail: Sendable {
    public var item: CutoverTracker.Item
    /// Each prerequisite with its state (nil when it is no longer in the plan).
    public var prerequisites: [(key: String, state: ItemState?)]
    public var history: Table

    public static func load(_ database: AppDatabase, handle: String, plan: String? = nil) throws -> ItemDetail {
        let (item, prerequisites) = try database.writer.read { db -> (CutoverTracker.Item, [(key: String, state: ItemState?)]) in
            let planID = try CutoverTracker.planID(db, name: plan)
            let item = try CutoverTracker.find(handle, db, planID: planID)
            let placeholders = item.prerequisites.map { _ in "?" }.joined(separator: ", ")
            let found = item.prerequisites.isEmpty ? [] : try CutoverTracker.items(db, planID: planID, where: "i.key IN (\(placeholders))",
                                                                                  arguments: StatementArguments(item.prerequisites))
            let states = Dictionary(found.map { ($0.key, $0.state) }, uniquingKeysWith: { first, _ in first })
            return (item, item.prerequisites.map { ($0, states[$0]) })
        }
        return ItemDetail(item: item, prerequisites: prerequisites, history: try AuditLog.table(database, plan: plan, item: item.key))
    }

    public var text: String {
        var out = "\(item.key)  [\(item.state.rawValue)]\(item.note.map { ": " + $0 } ?? "")\n\(item.title)\n"
        out += "phase \(item.phase) · step \(item.step)" + (item.cluster.map { " · cluster \($0)" } ?? "") + (item.wave.map { " · wave \($0)" } ?? "") + "\n"
        if !item.evidence.isEmpty { out += "\nEvidence: \(item.evidence)\n" }
        out += "\nWaits for:\n"
        out += prerequisites.isEmpty ? "  (nothing)\n" : prerequisites.map { "  [\($0.state?.rawValue ?? "gone")] \($0.key)\n" }.joined()
        out += "\nCommands:\n" + Self.block(item.commands)
        out += "\nRollback: \(item.rollback)\n" + (item.rollbackCommands.isEmpty ? "" : Self.block(item.rollbackCommands))
        out += "\nHistory:\n" + (history.rows.isEmpty ? "  (no changes yet)\n" : TableRenderer.text(history))
        return out
    }

    static func block(_ lines: [String]) -> String {
        lines.isEmpty ? "  (none)\n" : lines.map { "  \($0)\n" }.joined()
    }
}
