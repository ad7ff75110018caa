/// One checklist item of the migration: a step of a phase, with what must be done before it, the commands that do it
/// and how to undo it.
public struct PlanItem: Sendable {
    public enum Phase: String, CaseIterable, Sendable { case assessment, plan, cutover }

    /// Stable handle; its text (`deploy:prod/shop/checkout`, `images:prod:wave-2`) is what the database stores.
    public var key: PlanItemKey
    public var phase: Phase { key.phase }
    public var step: PlanItemKey.Step { key.step }
    public var title: String
    public var clusterID: Int64?
    public var wave: Int?
    public var workloadID: Int64?
    public var prerequisites: [PlanItemKey]
    public var evidence: String
    public var rollback: String
    /// Shell commands with every name quoted; `$SOURCE_CONTEXT`, `$EKS_CONTEXT` and the like are left for the engineer to set.
    public var commands: [String] = []
    public var rollbackCommands: [String] = []
    /// Proven by the inventory itself (an import, an assessment): the item starts done, with its evidence as the note.
    public var provenDone = false

    public init(key: PlanItemKey, title: String, clusterID: Int64? = nil, wave: Int? = nil, workloadID: Int64? = nil, prerequisites: [PlanItemKey] = [],
                evidence: String = "", rollback: String, commands: [String] = [], rollbackCommands: [String] = [], provenDone: Bool = false) {
        self.key = key
        self.title = title
        self.clusterID = clusterID
        self.wave = wave
        self.workloadID = workloadID
        self.prerequisites = prerequisites
        self.evidence = evidence
        self.rollback = rollback
        self.commands = commands
        self.rollbackCommands = rollbackCommands
        self.provenDone = provenDone
    }

    /// The key as stored and shown.
    public var keyText: String { key.description }
}
