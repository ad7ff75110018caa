import Foundation
import GRDB

/// `eksodus plan -o json|yaml`: the stored plan as it was decided (never planned again), in a stable shape.
///
/// Top-level keys (sorted): `format` (1; raised only when a key changes meaning or goes away), `id`, `name`,
/// `assessmentID`, `request` (what was asked: target, region, account, scope, options), `waves` (per cluster, each with its
/// workloads and why they are there), `dependencies` (consumer → provider, with the evidence), `cycles`, the sections
/// `images`, `storage`, `network`, `identity`, `compute` (as `plan` stored them), and `items`: the checklist in plan order,
/// each with `key`, `phase`, `step`, `title`, `cluster`, `wave`, `workload`, `prerequisites`, `evidence`, `rollback`,
/// `commands`, `rollbackCommands`, `state` and `note`. A missing value is `null`, never left out.
public struct PlanDocument: Codable, Sendable {
    public struct Item: Codable, Sendable, Equatable {
        public var key: String
        public var phase: String
        public var step: String
        public var title: String
        public var cluster: String?
        public var wave: Int?
        /// `Kind/namespace/name` of the workload the item moves, if any.
        public var workload: String?
        public var prerequisites: [String]
        public var evidence: String
        public var rollback: String
        public var commands: [String]
        public var rollbackCommands: [String]
        public var state: String
        public var note: String?

        public func encode(to encoder: Encoder) throws {
            // Written out so that nil values appear as null (a stable set of keys per item).
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(phase, forKey: .phase)
            try container.encode(step, forKey: .step)
            try container.encode(title, forKey: .title)
            try container.encode(cluster, forKey: .cluster)
            try container.encode(wave, forKey: .wave)
            try container.encode(workload, forKey: .workload)
            try container.encode(prerequisites, forKey: .prerequisites)
            try container.encode(evidence, forKey: .evidence)
            try container.encode(rollback, forKey: .rollback)
            try container.encode(commands, forKey: .commands)
            try container.encode(rollbackCommands, forKey: .rollbackCommands)
            try container.encode(state, forKey: .state)
            try container.encode(note, forKey: .note)
        }
    }

    public static let currentFormat = 1

    public var format: Int
    public var id: Int64
    public var name: String
    public var assessmentID: Int64?
    public var request: PlanRequest
    public var waves: [TransitionPlan.Wave]
    public var dependencies: [TransitionPlan.Dependency]
    public var cycles: [[String]]
    public var images: ImageMigration
    public var storage: StoragePlan
    public var network: NetworkPlan
    public var identity: IdentityPlan
    public var compute: [ComputePlan]
    public var items: [Item]

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(assessmentID, forKey: .assessmentID)
        try container.encode(request, forKey: .request)
        try container.encode(waves, forKey: .waves)
        try container.encode(dependencies, forKey: .dependencies)
        try container.encode(cycles, forKey: .cycles)
        try container.encode(images, forKey: .images)
        try container.encode(storage, forKey: .storage)
        try container.encode(network, forKey: .network)
        try container.encode(identity, forKey: .identity)
        try container.encode(compute, forKey: .compute)
        try container.encode(items, forKey: .items)
    }

    /// The stored plan `name` (or the latest), its sections from `plan_section` and its items with their current states.
    public static func load(_ database: AppDatabase, name: String? = nil) throws -> PlanDocument {
        try database.writer.read { db in
            let plan = try PlanStore.load(db, name: name)
            let tracked = try CutoverTracker.items(db, planID: plan.planID)
            let byKey = Dictionary(tracked.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            let clusters = Dictionary(try Row.fetchAll(db, sql: "SELECT id, name FROM cluster").map { row -> (Int64, String) in (row[0], row[1]) },
                                      uniquingKeysWith: { first, _ in first })
            let workloads = Dictionary(try Row.fetchAll(db, sql: "SELECT id, kind || '/' || namespace || '/' || name FROM workload")
                .map { row -> (Int64, String) in (row[0], row[1]) }, uniquingKeysWith: { first, _ in first })
            let items = plan.items.map { item in
                Item(key: item.keyText, phase: item.phase.rawValue, step: item.step.rawValue, title: item.title, cluster: item.clusterID.flatMap { clusters[$0] },
                     wave: item.wave, workload: item.workloadID.flatMap { workloads[$0] }, prerequisites: item.prerequisites.map(\.description), evidence: item.evidence,
                     rollback: item.rollback, commands: item.commands, rollbackCommands: item.rollbackCommands,
                     state: byKey[item.keyText]?.state.rawValue ?? ItemState.pending.rawValue, note: byKey[item.keyText]?.note)
            }
            return PlanDocument(format: currentFormat, id: plan.planID, name: plan.request.name,
                                assessmentID: plan.assessment.assessmentID == 0 ? nil : plan.assessment.assessmentID, request: plan.request,
                                waves: plan.waves, dependencies: plan.dependencies, cycles: plan.cycles, images: plan.images, storage: plan.storage,
                                network: plan.network, identity: plan.identity, compute: plan.compute, items: items)
        }
    }
}
