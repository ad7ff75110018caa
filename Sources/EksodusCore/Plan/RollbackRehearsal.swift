/// The rollback a cluster's first application wave rehearses, before any later wave depends on rollbacks working. It is
/// a workload whose rollback undoes something: a switch of a served workload (its DNS name, redirect or consumers moved
/// back), never a Job or CronJob (their "switch" is a decision or a schedule, with nothing to move back), nor a node
/// agent, nor a copied data store's switches without its promotion. In the lowest environment it is a database when the wave has one: its switches and promotion roll back as on
/// migration night (writes made on EKS copied back to the source), its EKS copy is deleted, and it moves forward again
/// step by step; the hard rollbacks are then rehearsed before production reaches its point of no return, and
/// production's first application wave waits for that rehearsal (`Checklist`, `ClusterRunbook`).
struct RollbackRehearsal {
    var workload: Estate.Workload
    var steps: WorkloadSteps
    /// Whether its promotion is rehearsed too (a copied database in the lowest environment).
    var withPromotion: Bool

    /// Steps that are not part of the move forward a rehearsal repeats: decisions closed by hand, days-ahead DNS steps,
    /// and the retirement of the source copy.
    static let outsideTheMove: Set<PlanItemKey.Step> = [.decide, .credentials, .release, .dnsTTL, .retire, .scaledown]

    /// The wave's workload to rehearse; nil when none has a rollback worth it. `candidates` are in the wave's order.
    static func choose(_ candidates: [Estate.Workload], steps: [Int64: WorkloadSteps], lowestEnvironment: Bool) -> RollbackRehearsal? {
        var best: (rank: Int, rehearsal: RollbackRehearsal)?
        for workload in candidates where !["Job", "CronJob", "DaemonSet", "Pod"].contains(workload.kind) {
            guard let own = steps[workload.id], !own.switches.isEmpty else { continue }
            let promotes = own.primary?.step == .promote && own.keys.contains { $0.step == .data }
            // A copied store's switches alone never roll back: its consumers would reach a source copy without the writes
            // EKS took since the promotion. It is rehearsed whole (in the lowest environment) or not at all.
            if own.primary != nil && !(lowestEnvironment && promotes) { continue }
            // A name reached from outside (its own traffic switch or a shared one), else a redirect or a consumers' check.
            let served = own.switches.contains { $0.step == .traffic || $0.step == .redirect || $0.workload == nil }
            let rank = (lowestEnvironment && promotes ? 4 : 0) + (served ? 2 : 0)
            if best.map({ rank > $0.rank }) ?? true {
                best = (rank, RollbackRehearsal(workload: workload, steps: own, withPromotion: lowestEnvironment && promotes))
            }
        }
        return best?.rehearsal
    }

    /// The workload's steps from its deploy to its last switch, in the runbook's order (its own keys, then shared switches).
    var move: [PlanItemKey] {
        let own = steps.keys.filter { !Self.outsideTheMove.contains($0.step) }
        return Checklist.unique(own + steps.switches)
    }

    /// The switches' rollbacks, last switch first, except that a consumers' reconnect rolls back right after the redirect
    /// it follows: its rollback restarts them so they reconnect to the source copy, which is only reached once the
    /// redirect is undone.
    var rollbackOrder: [PlanItemKey] {
        var order = Array(steps.switches.reversed())
        for reconnect in order where reconnect.step == .reconnect {
            guard let redirect = order.firstIndex(where: { $0.step == .redirect && $0.workload == reconnect.workload }),
                  let at = order.firstIndex(of: reconnect), at < redirect else { continue }
            order.remove(at: at)
            order.insert(reconnect, at: redirect)
        }
        return order
    }

    /// What the rehearsal runs: the rollbacks in reverse order (`eksodus cutover run --rollback`, which reopens each),
    /// the other steps of the move reopened, then every step of the move forward again in order.
    var commands: [String] {
        let q = ShellQuote.word
        let switches = rollbackOrder
        guard withPromotion, let promote = steps.primary, let data = steps.keys.first(where: { $0.step == .data }) else {
            return [ShellQuote.comment("rehearse on \(workload.label): move its switches back as on migration night, check the source serves, then switch forward again")]
                + switches.map { "eksodus cutover run \(q($0.description)) --rollback" }
                + steps.switches.map { "eksodus cutover run \(q($0.description))" }
        }
        let rolledBack = switches + [promote, data]
        let reopened = move.filter { !rolledBack.contains($0) && $0 != promote && $0 != data }
        return [ShellQuote.comment("rehearse the database rollback on \(workload.label) before production depends on it: its switches and its promotion roll back (what EKS took is copied back to the source), its EKS copy is deleted, then it moves forward again from its deploy")]
            + rolledBack.map { "eksodus cutover run \(q($0.description)) --rollback" }
            + reopened.map { "eksodus cutover reopen \(q($0.description)) --note 'rollback rehearsal'" }
            + move.map { "eksodus cutover run \(q($0.description))" }
    }

    var evidence: String {
        withPromotion ? "\(workload.label): a copied database, its promotion and switches rolled back and redone in the lowest environment before production's first wave"
            : "\(workload.label): a served workload whose switches roll back; before any later wave depends on the rollback working"
    }
}
