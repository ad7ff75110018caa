/// Serving workloads with fewer replicas than the configured minimum (2 by default).
struct SingleReplicaCheck: Check {
    let info = CheckInfo(
        id: "AVL004", title: "Too few replicas", severity: .warning, category: .availability,
        rationale: "One replica means downtime at every node drain: EKS managed node group upgrades, Spot interruptions and Karpenter consolidation all drain nodes.",
        remediation: "Run at least two replicas spread over zones (minimumReplicas in .eksodus.yaml sets the threshold).",
        triggering: [CheckSupport.deployment(replicas: 1, pod: CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(replicas: 3, pod: CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload in
            guard workload.isService, let replicas = workload.replicas, replicas < context.minimumReplicas else { return nil }
            return finding(workload, field: "spec.replicas",
                           "\(workload.label) runs \(replicas) replica\(replicas == 1 ? "" : "s") (minimum \(context.minimumReplicas)): every node drain is an outage")
        }
    }
}
