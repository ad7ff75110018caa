/// Replicated serving workloads that no PodDisruptionBudget protects.
struct MissingPodDisruptionBudgetCheck: Check {
    let info = CheckInfo(
        id: "AVL005", title: "No PodDisruptionBudget", severity: .info, category: .availability,
        rationale: "Node upgrades and consolidation may evict every replica at once when no budget says how many must stay.",
        remediation: "Add a PodDisruptionBudget (policy/v1) with maxUnavailable: 1.",
        triggering: [CheckSupport.deployment(replicas: 3, pod: CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(replicas: 3, pod: CheckSupport.goodContainer) + """

            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web, namespace: shop}
            spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
            """]
    )

    /// PodDisruptionBudgets.all reads the budgets' bodies.
    let bodies = Estate.Bodies(kinds: ["PodDisruptionBudget"])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let budgets = Dictionary(grouping: PodDisruptionBudgets.all(in: estate), by: \.resource.namespace)
        return estate.workloads.compactMap { workload in
            guard workload.isService, (workload.replicas ?? 1) >= 2,
                  PodDisruptionBudgets.covering(workload, in: budgets[workload.namespace] ?? []).isEmpty else { return nil }
            // A StatefulSet's replicas are a quorum or a replica set: a drain that evicts them all at once loses it (warning);
            // eksodus convert adds the budget.
            guard workload.kind == "StatefulSet" else {
                return finding(workload, field: "metadata", "\(workload.label) has \(workload.replicas ?? 0) replicas and no PodDisruptionBudget")
            }
            return finding(workload, field: "metadata", "\(workload.label) has \(workload.replicas ?? 0) stateful replicas and no PodDisruptionBudget: one EKS node drain can evict the whole quorum (eksodus convert adds one with maxUnavailable: 1)",
                           severity: .warning)
        }
    }
}
