/// One checklist item of the migration: a step of a phase, with what must be done before it, the commands that do it
/// and how to undo it.
public struct PlanItem: Sendable {
    public enum Phase: String, CaseIterable, Sendable { case assessment, plan, cutover }

    /// Stable handle, e.g. `deploy:prod/shop/checkout` or `images:prod:wave-2`.
    public var key: String
    public var phase: Phase
    public var step: String
    public var title: String
    public var clusterID: Int64?
    public var wave: Int?
    public var workloadID: Int64?
    public var prerequisites: [String]
    public var evidence: String
    public var rollback: String
    /// Shell commands with every name quoted; `$SOURCE_CONTEXT`, `$EKS_CONTEXT` and the like are left for the engineer to set.
    public var commands: [String] = []
    public var rollbackCommands: [String] = []
    /// Proven by the inventory itself (an import, an assessment): the item starts done, with its evidence as the note.
    public var provenDone = false
}
