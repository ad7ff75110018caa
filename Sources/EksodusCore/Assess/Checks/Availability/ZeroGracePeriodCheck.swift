/// Pods that are killed without a chance to finish their work.
struct ZeroGracePeriodCheck: Check {
    let info = CheckInfo(
        id: "AVL011", title: "terminationGracePeriodSeconds 0", severity: .warning, category: .availability,
        rationale: "A zero grace period kills the process at once on every eviction: in-flight requests fail and the load balancer deregistration delay is skipped.",
        remediation: "Give pods time to drain (30 seconds or more, above the target group's deregistration delay) and handle SIGTERM.",
        triggering: [CheckSupport.deployment(pod: "      terminationGracePeriodSeconds: 0\n" + CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(pod: "      terminationGracePeriodSeconds: 45\n" + CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload in
            guard workload.terminationGrace == 0 else { return nil }
            return finding(workload, field: "\(CheckSupport.podPath(workload.kind)).terminationGracePeriodSeconds",
                           "\(workload.label) is killed without a grace period: in-flight requests fail on every eviction")
        }
    }
}
