import Foundation
import GRDB

/// Phase three: moves checklist items between states, one short write transaction per change, and writes the audit trail.
/// Each change reads the item's state inside its own transaction, so two people (or scripts) working the same
/// database never apply a change to a stale copy; SQLite's WAL mode and busy timeout serialise the writes.
public struct CutoverTracker {
    public var database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public struct Item: Sendable {
        public var id: Int64
        public var key: String
        public var phase: String
        public var step: String
        public var title: String
        public var cluster: String?
        public var wave: Int?
        public var workloadID: Int64?
        public var prerequisites: [String]
        public var state: ItemState
        public var note: String?
        public var rollback: String
        public var position: Int
        public var evidence: String
        public var commands: [String]
        public var rollbackCommands: [String]
    }

    public struct Change: Sendable {
        public var item: String
        public var from: ItemState
        public var to: ItemState
        public var forced: Bool
    }

    public enum CutoverError: Error, CustomStringConvertible, Equatable {
        case noPlan
        case noSuchPlan(String)
        case noSuchItem(String)
        case obsoleteItem(String)
        case ambiguous(String, [String])
        case invalidTransition(item: String, from: ItemState, action: CutoverAction)
        case prerequisitesNotDone(item: String, pending: [String])
        case reasonRequired(CutoverAction)

        public var description: String {
            switch self {
            case .noPlan: return "no plan yet: run eksodus plan first"
            case .noSuchPlan(let name): return "no plan named \(name)"
            case .noSuchItem(let handle): return "no item \(handle) in the plan (see eksodus cutover status)"
            case .obsoleteItem(let key): return "\(key) is obsolete: its workload is no longer in the inventory (its history: eksodus cutover log --item \(key))"
            case .ambiguous(let handle, let keys): return "\(handle) matches several items: \(keys.joined(separator: ", "))"
            case .invalidTransition(let item, let from, let action):
                let verb = ["start": "started", "done": "marked done", "block": "blocked", "skip": "skipped", "reopen": "reopened"][action.rawValue] ?? action.rawValue
                return "\(item) is \(from.rawValue): it cannot be \(verb) from there" + (from == .done || from == .skipped ? " (reopen it first)" : "")
            case .prerequisitesNotDone(let item, let pending):
                return "\(item) waits for \(pending.joined(separator: ", ")); finish those first, or use --force"
            case .reasonRequired(let action): return "\(action.rawValue) needs a reason: --note TEXT"
            }
        }
    }

    /// The plan to work on: the named one, or the most recently planned.
    public static func planID(_ db: Database, name: String?) throws -> Int64 {
        if let name {
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM plan WHERE name = ?", arguments: [name]) else { throw CutoverError.noSuchPlan(name) }
            return id
        }
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM plan ORDER BY updated_at DESC, id DESC LIMIT 1") else { throw CutoverError.noPlan }
        return id
    }

    static func items(_ db: Database, planID: Int64, where condition: String = "1 = 1", arguments: StatementArguments = []) throws -> [Item] {
        try Row.fetchAll(db, sql: """
            SELECT i.id, i.key, i.phase, i.step, i.title, c.name, i.wave, i.workload_id, i.prerequisites, i.state, i.state_note, i.rollback, i.position,
                   i.evidence, i.commands, i.rollback_commands
            FROM plan_item i LEFT JOIN cluster c ON c.id = i.cluster_id WHERE i.plan_id = ? AND i.obsolete = 0 AND (\(condition)) ORDER BY i.position
            """, arguments: [planID] + arguments).map { row in
            Item(id: row[0], key: row[1], phase: row[2], step: row[3], title: row[4], cluster: row[5], wave: row[6], workloadID: row[7],
                 prerequisites: Estate.strings(row[8]), state: ItemState(rawValue: row[9]) ?? .pending, note: row[10], rollback: row[11], position: row[12],
                 evidence: row[13], commands: Estate.strings(row[14]), rollbackCommands: Estate.strings(row[15]))
        }
    }

    /// The stored plan `name` (or the latest) and its items as the cutover tracks them, from one read of the items' rows:
    /// `tracked[i]` is `plan.items[i]`. A report needs both.
    static func loadPlan(_ database: AppDatabase, name: String? = nil) throws -> (plan: TransitionPlan, tracked: [Item]) {
        let (plan, rows) = try database.writer.read { db in try PlanStore.loadWithRows(db, name: name) }
        // By index, fields read in place: `zip` copied each whole item and row (keys, prerequisites, every string retained) first.
        var tracked: [Item] = []
        tracked.reserveCapacity(rows.count)
        for index in 0..<min(plan.items.count, rows.count) {
            tracked.append(Item(id: rows[index].id, key: rows[index].key, phase: rows[index].phase, step: rows[index].step, title: plan.items[index].title,
                                cluster: rows[index].cluster, wave: plan.items[index].wave, workloadID: plan.items[index].workloadID,
                                prerequisites: rows[index].prerequisites, state: ItemState(rawValue: rows[index].state) ?? .pending, note: rows[index].note,
                                rollback: plan.items[index].rollback, position: rows[index].position, evidence: plan.items[index].evidence,
                                commands: plan.items[index].commands, rollbackCommands: plan.items[index].rollbackCommands))
        }
        return (plan, tracked)
    }

    /// The item a handle names, reading only the rows that can match it (a plan may hold tens of thousands of items).
    static func find(_ handle: String, _ db: Database, planID: Int64) throws -> Item {
        var candidates = try items(db, planID: planID, where: "i.key = ? OR i.id = ?", arguments: [handle, Int64(handle)])
        if candidates.isEmpty, let colon = handle.firstIndex(of: ":") {
            candidates = try items(db, planID: planID, where: "i.key LIKE ? ESCAPE '\\'",
                                   arguments: [handle[...colon].replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"])
        }
        do {
            return try resolve(handle, in: candidates)
        } catch CutoverError.noSuchItem(let handle) {
            // Obsolete items are out of the cutover's reach; say so rather than deny they exist.
            if let key = try String.fetchOne(db, sql: "SELECT key FROM plan_item WHERE plan_id = ? AND obsolete = 1 AND (key = ? OR id = ?)",
                                             arguments: [planID, handle, Int64(handle)]) {
                throw CutoverError.obsoleteItem(key)
            }
            throw CutoverError.noSuchItem(handle)
        }
    }

    /// Finds an item by id, by key, or by a key without its cluster (`deploy:shop/checkout`, `traffic:shop.acme.example`) when
    /// that is unambiguous.
    static func resolve(_ handle: String, in items: [Item]) throws -> Item {
        if let id = Int64(handle), let item = items.first(where: { $0.id == id }) { return item }
        if let item = items.first(where: { $0.key == handle }) { return item }
        // `step:namespace/name`: a workload's step named without its cluster, read as the typed key would read it.
        if let colon = handle.firstIndex(of: ":"), let step = PlanItemKey.Step(rawValue: String(handle[..<colon])), step.isWorkloadStep {
            let within = String(handle[handle.index(after: colon)...])
            let matches = items.filter { item in
                guard let key = PlanItemKey(parsing: item.key), key.step == step else { return false }
                if case .host(_, let name) = key.scope { return name == within }
                if case .frontend(_, let kind, let namespace, let name) = key.scope { return "\(kind)/\(namespace)/\(name)" == within }
                return key.workload?.withinCluster == within
            }
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 { throw CutoverError.ambiguous(handle, matches.map(\.key)) }
        }
        throw CutoverError.noSuchItem(handle)
    }

    /// Applies `action` to each item, each in its own transaction; stops at the first refusal (earlier changes stay made).
    @discardableResult
    public func apply(_ action: CutoverAction, to handles: [String], plan: String? = nil, note: String? = nil, by actor: String,
                      force: Bool = false, now: Date = Date()) throws -> [Change] {
        if action.needsReason && (note ?? "").trimmingWhitespace().isEmpty { throw CutoverError.reasonRequired(action) }
        var changes: [Change] = []
        for handle in handles {
            let change = try database.writer.write { db -> Change in
                let planID = try Self.planID(db, name: plan)
                let item = try Self.find(handle, db, planID: planID)
                guard action.allowedFrom.contains(item.state) else {
                    throw CutoverError.invalidTransition(item: item.key, from: item.state, action: action)
                }
                var forced = false
                if action.needsPrerequisites {
                    let placeholders = item.prerequisites.map { _ in "?" }.joined(separator: ", ")
                    let prerequisites = item.prerequisites.isEmpty ? [] : try Self.items(db, planID: planID, where: "i.key IN (\(placeholders))",
                                                                                       arguments: StatementArguments(item.prerequisites))
                    let states = Dictionary(prerequisites.map { ($0.key, $0.state) }, uniquingKeysWith: { first, _ in first })
                    let waiting = item.prerequisites.filter { !(states[$0]?.satisfiesDependents ?? true) }
                    if !waiting.isEmpty {
                        guard force else { throw CutoverError.prerequisitesNotDone(item: item.key, pending: waiting) }
                        forced = true
                    }
                }
                let time = Timestamp.string(now)
                try db.execute(sql: "UPDATE plan_item SET state = ?, state_note = ?, updated_at = ? WHERE id = ?",
                               arguments: [action.target.rawValue, note, time, item.id])
                try db.execute(sql: """
                    INSERT INTO event (plan_id, item_id, at, actor, action, from_state, to_state, note, forced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [planID, item.id, time, actor, action.rawValue, item.state.rawValue, action.target.rawValue, note, forced])
                return Change(item: item.key, from: item.state, to: action.target, forced: forced)
            }
            changes.append(change)
        }
        return changes
    }

    /// Who is recorded when `--by` is not given: `$EKSODUS_ACTOR`, else the login name (`$USER`, `$LOGNAME`, then the
    /// operating system's name for the user), else `unknown`. Empty values count as unset.
    public static var defaultActor: String {
        actor(environment: ProcessInfo.processInfo.environment)
    }

    static func actor(environment: [String: String]) -> String {
        for name in ["EKSODUS_ACTOR", "USER", "LOGNAME"] {
            if let value = environment[name]?.trimmingWhitespace(), !value.isEmpty { return value }
        }
        return OSUser.name ?? "unknown"
    }
}
