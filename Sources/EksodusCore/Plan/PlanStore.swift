import Foundation
import GRDB

/// Where a plan lives between commands: `plan` saves what it decided (the plan row, its items, and each section as JSON in
/// `plan_section`), and `images`, `report` and the cutover read it back as it was decided, without the inventory.
public enum PlanStore {
    public enum PlanStoreError: Error, CustomStringConvertible, Equatable {
        case noPlan
        case noSuchPlan(String)
        /// The plan was stored by an eksodus that did not keep (or kept differently) one of its sections.
        case outdated(plan: String, section: String)
        /// An item key (or one it waits for) that no eksodus writes.
        case unreadableKey(plan: String, key: String)

        public var description: String {
            switch self {
            case .noPlan: return "no plan yet: run eksodus plan"
            case .noSuchPlan(let name): return "no plan named \(name.visibleLine) (see eksodus cutover status, or run eksodus plan --name \(name.visibleLine))"
            case .outdated(let plan, let section):
                return "plan \(plan.visibleLine) was stored without a readable \(section) section (an older eksodus made it): run eksodus plan again"
            case .unreadableKey(let plan, let key):
                return "plan \(plan.visibleLine) holds an item key eksodus cannot read (\(key.visibleLine)): run eksodus plan again"
            }
        }
    }

    /// The sections stored beside the items, by their row name.
    enum Section: String, CaseIterable {
        case request, images, storage, network, identity, compute, waves, dependencies, cycles
        /// The runbook library's text, as a JSON string: a plan stored before it existed has none (its items call nothing).
        case runbookLibrary = "runbook_library"
    }

    struct SectionRecord: Codable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "plan_section"
        var planID: Int64
        var name: String
        var body: String

        enum CodingKeys: String, CodingKey {
            case planID = "plan_id", name, body
        }
    }

    struct PlanRow: Decodable, FetchableRecord {
        var id: Int64
        var name: String
        var assessmentID: Int64?

        enum CodingKeys: String, CodingKey {
            case id, name, assessmentID = "assessment_id"
        }
    }

    /// The id of plan `name`, or of the most recently planned one.
    public static func planID(_ db: Database, name: String?) throws -> Int64 {
        if let name {
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM plan WHERE name = ?", arguments: [name]) else { throw PlanStoreError.noSuchPlan(name) }
            return id
        }
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM plan ORDER BY updated_at DESC, id DESC LIMIT 1") else { throw PlanStoreError.noPlan }
        return id
    }

    /// `plan`'s sections as they are stored, in `Section` order: no database needed (plan encodes them on a second thread).
    static func encodeSections(_ plan: TransitionPlan) throws -> [(Section, String)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // The same bytes as JSONEncoder's, written directly (`SectionJSONEncoder`); JSONEncoder for what that does not follow.
        func encoded<Value: Encodable>(_ value: Value) throws -> String {
            if let bytes = try? SectionJSONEncoder.encode(value) { return String(decoding: bytes, as: UTF8.self) }
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        return try Section.allCases.map { section in
            switch section {
            case .request: return (section, try encoded(plan.request))
            case .images: return (section, try encoded(plan.images))
            case .storage: return (section, try encoded(plan.storage))
            case .network: return (section, try encoded(plan.network))
            case .identity: return (section, try encoded(plan.identity))
            case .compute: return (section, try encoded(plan.compute))
            case .waves: return (section, try encoded(plan.waves))
            case .dependencies: return (section, try encoded(plan.dependencies))
            case .cycles: return (section, try encoded(plan.cycles))
            case .runbookLibrary: return (section, try encoded(plan.runbookLibrary))
            }
        }
    }

    /// Replaces the stored sections of plan `planID` with `sections` (`encodeSections`).
    static func saveSections(_ sections: [(Section, String)], planID: Int64, db: Database) throws {
        try db.execute(sql: "DELETE FROM plan_section WHERE plan_id = ?", arguments: [planID])
        for (section, body) in sections {
            try SectionRecord(planID: planID, name: section.rawValue, body: body).insert(db)
        }
    }

    /// The stored plan `name` (or the latest) as it was decided: its sections and current items. Nothing is computed again;
    /// the assessment it was made from is named (id and date) but not loaded (see `AssessmentStore`).
    public static func load(_ db: Database, name: String? = nil) throws -> TransitionPlan {
        try loadWithRows(db, name: name).plan
    }

    /// The runbook library plan `name` (or the latest) was made with, without loading its items: empty for a plan stored
    /// before there was one.
    public static func runbookLibrary(_ db: Database, name: String? = nil) throws -> String {
        let id = try planID(db, name: name)
        guard let body = try String.fetchOne(db, sql: "SELECT body FROM plan_section WHERE plan_id = ? AND name = ?", arguments: [id, Section.runbookLibrary.rawValue]) else { return "" }
        guard let text = try? JSONDecoder().decode(String.self, from: Data(body.utf8)) else {
            throw PlanStoreError.outdated(plan: name ?? "latest", section: Section.runbookLibrary.rawValue)
        }
        return text
    }

    /// What an item's stored row holds beyond its `PlanItem`, as the cutover tracks it: read in the same pass as the item, so
    /// that the cutover's view of a large plan costs no second read. The key and prerequisites are the stored text.
    struct ItemRow {
        var id: Int64
        var key: String
        var phase: String
        var step: String
        var cluster: String?
        var prerequisites: [String]
        var state: String
        var note: String?
        var position: Int
    }

    /// `load`, and each item's row beside it: `rows[i]` is the row of `plan.items[i]`.
    static func loadWithRows(_ db: Database, name: String? = nil) throws -> (plan: TransitionPlan, rows: [ItemRow]) {
        let id = try planID(db, name: name)
        guard let row = try PlanRow.fetchOne(db, sql: "SELECT id, name, assessment_id FROM plan WHERE id = ?", arguments: [id]) else {
            throw PlanStoreError.noPlan
        }
        let records = try SectionRecord.fetchAll(db, sql: "SELECT plan_id, name, body FROM plan_section WHERE plan_id = ?", arguments: [id])
        let bodies = Dictionary(records.map { ($0.name, $0.body) }, uniquingKeysWith: { first, _ in first })
        func decoded<Value: Decodable>(_ section: Section, as type: Value.Type, by decoder: JSONDecoder) throws -> Value {
            guard let body = bodies[section.rawValue], let value = try? decoder.decode(type, from: Data(body.utf8)) else {
                throw PlanStoreError.outdated(plan: row.name, section: section.rawValue)
            }
            return value
        }
        let request = try decoded(.request, as: PlanRequest.self, by: JSONDecoder())
        // The other sections (megabytes of JSON on a large estate) are decoded on a second thread while the items are read;
        // an unreadable item is still reported before an unreadable section, as when they were read one after the other.
        let sections = BackgroundWork {
            let decoder = JSONDecoder()
            return (waves: try decoded(.waves, as: [TransitionPlan.Wave].self, by: decoder),
                    dependencies: try decoded(.dependencies, as: [TransitionPlan.Dependency].self, by: decoder),
                    cycles: try decoded(.cycles, as: [[String]].self, by: decoder), images: try decoded(.images, as: ImageMigration.self, by: decoder),
                    storage: try decoded(.storage, as: StoragePlan.self, by: decoder), network: try decoded(.network, as: NetworkPlan.self, by: decoder),
                    identity: try decoded(.identity, as: IdentityPlan.self, by: decoder), compute: try decoded(.compute, as: [ComputePlan].self, by: decoder))
        }
        let items: [PlanItem], rows: [ItemRow]
        do {
            (items, rows) = try self.items(db, planID: id, plan: row.name)
        } catch {
            _ = try? sections.value()
            throw error
        }
        let decodedSections = try sections.value()
        let library = bodies[Section.runbookLibrary.rawValue] == nil ? "" : try decoded(.runbookLibrary, as: String.self, by: JSONDecoder())
        let assessment = AssessmentResult(assessmentID: row.assessmentID ?? 0, targetVersion: request.target,
                                          date: String(Timestamp.string(request.now).prefix(10)), clusters: [])
        let plan = TransitionPlan(planID: id, request: request, assessment: assessment, waves: decodedSections.waves,
                                  dependencies: decodedSections.dependencies, cycles: decodedSections.cycles, images: decodedSections.images,
                                  storage: decodedSections.storage, network: decodedSections.network, identity: decodedSections.identity,
                                  compute: decodedSections.compute, items: items, added: 0, kept: 0, obsoleted: 0, placements: [], graphs: [],
                                  runbookLibrary: library)
        return (plan, rows)
    }

    /// The plan's current items in order, with their rows; their JSON lists are parsed once, and each key once
    /// (prerequisites name keys of earlier items).
    private static func items(_ db: Database, planID: Int64, plan name: String) throws -> (items: [PlanItem], rows: [ItemRow]) {
        var keys: [String: PlanItemKey] = [:]
        func parsed(_ text: String) throws -> PlanItemKey {
            if let key = keys[text] { return key }
            guard let key = PlanItemKey(parsing: text) else { throw PlanStoreError.unreadableKey(plan: name, key: text) }
            keys[text] = key
            return key
        }
        /// A stored list column: JSON text of strings, as `Estate.strings` reads it.
        func list(_ text: String?) -> [String] { text.flatMap(StoredJSONReader.strings) ?? Estate.strings(text) }
        var items: [PlanItem] = [], itemRows: [ItemRow] = []
        // At most this many: counted from the (plan_id, position) index alone, where `AND obsolete = 0` read every row of the table.
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM plan_item WHERE plan_id = ?", arguments: [planID]) ?? 0
        items.reserveCapacity(count)
        itemRows.reserveCapacity(count)
        keys.reserveCapacity(count)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT i.id, i.key, i.phase, i.step, i.title, i.cluster_id, c.name, i.wave, i.workload_id, i.prerequisites, i.state, i.state_note,
                   i.rollback, i.position, i.evidence, i.commands, i.rollback_commands
            FROM plan_item i LEFT JOIN cluster c ON c.id = i.cluster_id WHERE i.plan_id = ? AND i.obsolete = 0 ORDER BY i.position
            """, arguments: [planID])
        while let row = try rows.next() {
            let key: String = row[1], prerequisites = list(row[9])
            items.append(PlanItem(key: try parsed(key), title: row[4], clusterID: row[5], wave: row[7], workloadID: row[8],
                                  prerequisites: try prerequisites.map(parsed), evidence: row[14], rollback: row[12], commands: list(row[15]),
                                  rollbackCommands: list(row[16])))
            itemRows.append(ItemRow(id: row[0], key: key, phase: row[2], step: row[3], cluster: row[6], prerequisites: prerequisites, state: row[10],
                                    note: row[11], position: row[13]))
        }
        return (items, itemRows)
    }

    /// `load` in a read transaction of its own.
    public static func load(_ database: AppDatabase, name: String? = nil) throws -> TransitionPlan {
        try database.writer.read { db in try load(db, name: name) }
    }

    public static func runbookLibrary(_ database: AppDatabase, name: String? = nil) throws -> String {
        try database.writer.read { db in try runbookLibrary(db, name: name) }
    }
}
