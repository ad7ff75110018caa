/// PodDisruptionBudgets that allow no eviction at all.
struct BlockingPodDisruptionBudgetCheck: Check {
    let info = CheckInfo(
        id: "AVL006", title: "PodDisruptionBudget blocks eviction", severity: .warning, category: .availability,
        rationale: "A budget of maxUnavailable 0, or minAvailable equal to the replicas, blocks every drain: managed node group updates stall and force-terminate after 15 minutes.",
        remediation: "Allow at least one disruption (maxUnavailable: 1) and run enough replicas to absorb it.",
        triggering: [CheckSupport.deployment(replicas: 2, pod: CheckSupport.goodContainer) + """

            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web, namespace: shop}
            spec: {maxUnavailable: 0, selector: {matchLabels: {app: web}}}
            """],
        nonTriggering: [CheckSupport.deployment(replicas: 3, pod: CheckSupport.goodContainer) + """

            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web, namespace: shop}
            spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}
            """]
    )

    /// PodDisruptionBudgets.all reads the budgets' bodies.
    let bodies = Estate.Bodies(kinds: ["PodDisruptionBudget"])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        Self.blocking(in: estate).map { budget, covered in
            let names = covered.map(\.label).joined(separator: ", ")
            return finding(budget.resource, field: budget.maxUnavailable != nil ? "spec.maxUnavailable" : "spec.minAvailable",
                           "PodDisruptionBudget \(budget.resource.name) allows no eviction\(names.isEmpty ? "" : " of \(names)"): node drains will stall")
        }
    }

    /// The budgets that allow no eviction, each with the workloads it covers (the compute plan keeps those off Spot).
    static func blocking(in estate: Estate) -> [(budget: PodDisruptionBudgets.Budget, covered: [Estate.Workload])] {
        let byNamespace = Dictionary(grouping: estate.workloads.indices, by: { estate.workloads[$0].namespace })
        return PodDisruptionBudgets.all(in: estate).compactMap { budget in
            let covered = (byNamespace[budget.resource.namespace] ?? []).map { estate.workloads[$0] }.filter { PodDisruptionBudgets.covers(budget, $0) }
            let replicas = covered.compactMap(\.replicas).min()
            var blocks = false
            if let max = budget.maxUnavailable, max == "0" || max == "0%" { blocks = true }
            if let min = budget.minAvailable {
                if min == "100%" { blocks = true }
                if let count = Int(min), let replicas, count >= replicas { blocks = true }
            }
            return blocks ? (budget, covered) : nil
        }
    }
}
