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

    struct ItemRow: Decodable, FetchableRecord {
        var key: String
        var phase: String
        var step: String
        var title: String
        var clusterID: Int64?
        var wave: Int?
        var workloadID: Int64?
        var prerequisites: String
        var evidence: String
        var rollback: String
        var commands: String
        var rollbackCommands: String

        enum CodingKeys: String, CodingKey {
            case key, phase, step, title, clusterID = "cluster_id", wave, workloadID = "workload_id", prerequisites, evidence, rollback, commands,
                 rollbackCommands = "rollback_commands"
        }

        func item(plan: String) throws -> PlanItem {
            func parsed(_ text: String) throws -> PlanItemKey {
                guard let key = PlanItemKey(parsing: text) else { throw PlanStoreError.unreadableKey(plan: plan, key: text) }
                return key
            }
            return PlanItem(key: try parsed(key), title: title, clusterID: clusterID, wave: wave, workloadID: workloadID,
                            prerequisites: try Estate.strings(prerequisites).map(parsed), evidence: evidence, rollback: rollback,
                            commands: Estate.strings(commands), rollbackCommands: Estate.strings(rollbackCommands))
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

    /// Replaces the stored sections of plan `planID` with `plan`'s.
    static func saveSections(_ plan: TransitionPlan, planID: Int64, db: Database) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // The same bytes as JSONEncoder's, written directly (`SectionJSONEncoder`); JSONEncoder for what that does not follow.
        func encoded<Value: Encodable>(_ value: Value) throws -> String {
            if let bytes = try? SectionJSONEncoder.encode(value) { return String(decoding: bytes, as: UTF8.self) }
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        try db.execute(sql: "DELETE FROM plan_section WHERE plan_id = ?", arguments: [planID])
        for section in Section.allCases {
            let body: String
            switch section {
            case .request: body = try encoded(plan.request)
            case .images: body = try encoded(plan.images)
            case .storage: body = try encoded(plan.storage)
            case .network: body = try encoded(plan.network)
            case .identity: body = try encoded(plan.identity)
            case .compute: body = try encoded(plan.compute)
            case .waves: body = try encoded(plan.waves)
            case .dependencies: body = try encoded(plan.dependencies)
            case .cycles: body = try encoded(plan.cycles)
            }
            try SectionRecord(planID: planID, name: section.rawValue, body: body).insert(db)
        }
    }

    /// The stored plan `name` (or the latest) as it was decided: its sections and current items. Nothing is computed again;
    /// the assessment it was made from is named (id and date) but not loaded (see `AssessmentStore`).
    public static func load(_ db: Database, name: String? = nil) throws -> TransitionPlan {
        let id = try planID(db, name: name)
        guard let row = try PlanRow.fetchOne(db, sql: "SELECT id, name, assessment_id FROM plan WHERE id = ?", arguments: [id]) else {
            throw PlanStoreError.noPlan
        }
        let records = try SectionRecord.fetchAll(db, sql: "SELECT plan_id, name, body FROM plan_section WHERE plan_id = ?", arguments: [id])
        let bodies = Dictionary(records.map { ($0.name, $0.body) }, uniquingKeysWith: { first, _ in first })
        let decoder = JSONDecoder()
        func decoded<Value: Decodable>(_ section: Section, as type: Value.Type) throws -> Value {
            guard let body = bodies[section.rawValue], let value = try? decoder.decode(type, from: Data(body.utf8)) else {
                throw PlanStoreError.outdated(plan: row.name, section: section.rawValue)
            }
            return value
        }
        let request = try decoded(.request, as: PlanRequest.self)
        let items = try ItemRow.fetchAll(db, sql: """
            SELECT key, phase, step, title, cluster_id, wave, workload_id, prerequisites, evidence, rollback, commands, rollback_commands
            FROM plan_item WHERE plan_id = ? AND obsolete = 0 ORDER BY position
            """, arguments: [id]).map { try $0.item(plan: row.name) }
        let assessment = AssessmentResult(assessmentID: row.assessmentID ?? 0, targetVersion: request.target,
                                          date: String(Timestamp.string(request.now).prefix(10)), clusters: [])
        return TransitionPlan(planID: id, request: request, assessment: assessment, waves: try decoded(.waves, as: [TransitionPlan.Wave].self),
                              dependencies: try decoded(.dependencies, as: [TransitionPlan.Dependency].self),
                              cycles: try decoded(.cycles, as: [[String]].self), images: try decoded(.images, as: ImageMigration.self),
                              storage: try decoded(.storage, as: StoragePlan.self), network: try decoded(.network, as: NetworkPlan.self),
                              identity: try decoded(.identity, as: IdentityPlan.self), compute: try decoded(.compute, as: [ComputePlan].self),
                              items: items, added: 0, kept: 0, obsoleted: 0, placements: [], graphs: [])
    }

    /// `load` in a read transaction of its own.
    public static func load(_ database: AppDatabase, name: String? = nil) throws -> TransitionPlan {
        try database.writer.read { db in try load(db, name: name) }
    }
}
