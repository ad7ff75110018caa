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
        // Names come from manifests: every line is shown visibly (escape sequences never reach the terminal raw).
        var out = "\(item.key.visibleLine)  [\(item.state.rawValue)]\(item.note.map { ": " + $0.visibleLine } ?? "")\n\(item.title.visibleLine)\n"
        out += "phase \(item.phase) · step \(item.step)" + (item.cluster.map { " · cluster \($0.visibleLine)" } ?? "") + (item.wave.map { " · wave \($0)" } ?? "") + "\n"
        if !item.evidence.isEmpty { out += "\nEvidence: \(item.evidence.visibleLine)\n" }
        out += "\nWaits for:\n"
        out += prerequisites.isEmpty ? "  (nothing)\n" : prerequisites.map { "  [\($0.state?.rawValue ?? "gone")] \($0.key.visibleLine)\n" }.joined()
        out += "\nCommands:\n" + Self.block(item.commands)
        out += "\nRollback: \(item.rollback.visibleLine)\n" + (item.rollbackCommands.isEmpty ? "" : Self.block(item.rollbackCommands))
        out += "\nHistory:\n" + (history.rows.isEmpty ? "  (no changes yet)\n" : TableRenderer.text(history))
        return out
    }

    static func block(_ lines: [String]) -> String {
        // Commands are one line each (ShellQuote writes control characters as $'\\x..'); visibleLine guards the rest.
        lines.isEmpty ? "  (none)\n" : lines.map { "  \($0.visibleLine)\n" }.joined()
    }
}
