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

extension ItemDetail {
    /// `cutover show -o json|yaml`: `id`, `key`, `state`, `note`, `title`, `phase`, `step`, `cluster`, `wave`, `evidence`,
    /// `prerequisites` (each `key` and `state`, null when it left the plan), `commands`, `rollback`, `rollbackCommands` and
    /// `history` (each change: `at`, `actor`, `action`, `from`, `to`, `forced`, `note`), oldest first.
    public struct Document: Encodable, Sendable {
        public struct Prerequisite: Encodable, Sendable {
            public var key: String
            public var state: String?
            public func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(key, forKey: .key)
                try container.encode(state, forKey: .state)
            }
            enum CodingKeys: String, CodingKey { case key, state }
        }

        public struct Change: Encodable, Sendable {
            public var at: String
            public var actor: String
            public var action: String
            public var from: String
            public var to: String
            public var forced: Bool
            public var note: String?
            public func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(at, forKey: .at)
                try container.encode(actor, forKey: .actor)
                try container.encode(action, forKey: .action)
                try container.encode(from, forKey: .from)
                try container.encode(to, forKey: .to)
                try container.encode(forced, forKey: .forced)
                try container.encode(note, forKey: .note)
            }
            enum CodingKeys: String, CodingKey { case at, actor, action, from, to, forced, note }
        }

        public var id: Int64
        public var key: String
        public var state: String
        public var note: String?
        public var title: String
        public var phase: String
        public var step: String
        public var cluster: String?
        public var wave: Int?
        public var evidence: String
        public var prerequisites: [Prerequisite]
        public var commands: [String]
        public var rollback: String
        public var rollbackCommands: [String]
        public var history: [Change]

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(key, forKey: .key)
            try container.encode(state, forKey: .state)
            try container.encode(note, forKey: .note)
            try container.encode(title, forKey: .title)
            try container.encode(phase, forKey: .phase)
            try container.encode(step, forKey: .step)
            try container.encode(cluster, forKey: .cluster)
            try container.encode(wave, forKey: .wave)
            try container.encode(evidence, forKey: .evidence)
            try container.encode(prerequisites, forKey: .prerequisites)
            try container.encode(commands, forKey: .commands)
            try container.encode(rollback, forKey: .rollback)
            try container.encode(rollbackCommands, forKey: .rollbackCommands)
            try container.encode(history, forKey: .history)
        }
        enum CodingKeys: String, CodingKey {
            case id, key, state, note, title, phase, step, cluster, wave, evidence, prerequisites, commands, rollback, rollbackCommands, history
        }
    }

    public var document: Document {
        let columns = history.columns
        func text(_ row: [Table.Cell], _ name: String) -> String? {
            guard let index = columns.firstIndex(of: name), case .text(let value) = row[index] else { return nil }
            return value
        }
        let changes = history.rows.map { row in
            Document.Change(at: text(row, "at") ?? "", actor: text(row, "actor") ?? "", action: text(row, "action") ?? "", from: text(row, "from") ?? "",
                            to: text(row, "to") ?? "", forced: columns.firstIndex(of: "forced").map { row[$0] == .bool(true) } ?? false, note: text(row, "note"))
        }
        return Document(id: item.id, key: item.key, state: item.state.rawValue, note: item.note, title: item.title, phase: item.phase, step: item.step,
                        cluster: item.cluster, wave: item.wave, evidence: item.evidence,
                        prerequisites: prerequisites.map { Document.Prerequisite(key: $0.key, state: $0.state?.rawValue) },
                        commands: item.commands, rollback: item.rollback, rollbackCommands: item.rollbackCommands, history: changes)
    }
}
