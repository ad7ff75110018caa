/// Pods (other than DaemonSets) that tolerate the system node group's taint: `operator: Exists` with no key tolerates
/// every taint.
struct SystemNodeTolerationCheck: Check {
    let info = CheckInfo(
        id: "SEC012", title: "Toleration of every taint", severity: .blocker, category: .security,
        rationale: "A toleration with operator Exists and no key tolerates every taint, the EKS system node group's (CriticalAddonsOnly) too: the pod may be scheduled beside the AWS Load Balancer Controller and the cluster autoscaler, on the nodes whose pods hold their IAM roles. With any host access (hostPath, hostPID, a privileged container) that is those roles. A DaemonSet is a node agent by design and is not reported.",
        remediation: "Tolerate only the taints the workload needs, by key (the Spot group's spot=true:NoSchedule, say). convert holds the workload out until then.",
        triggering: [CheckSupport.deployment(pod: "      tolerations: [{operator: Exists}]\n" + CheckSupport.goodContainer),
                     CheckSupport.deployment(pod: "      tolerations: [{key: CriticalAddonsOnly, operator: Exists}]\n" + CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(pod: "      tolerations: [{key: spot, operator: Equal, value: \"true\", effect: NoSchedule}]\n" + CheckSupport.goodContainer),
                        CheckSupport.deployment(pod: "      tolerations: [{operator: Exists, effect: NoExecute}]\n" + CheckSupport.goodContainer)]
    )

    let bodies = Estate.Bodies(workloadsContaining: ["\"tolerations\""])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload -> [Finding] in
            guard workload.kind != "DaemonSet", let pod = PodSpecs.stored(workload, in: estate, containing: "\"tolerations\"") else { return [] }
            return NodeTakeover.systemNodeTolerations(pod).map { toleration in
                finding(workload, field: "\(CheckSupport.podPath(workload.kind)).tolerations",
                        "\(workload.label) tolerates \(toleration.visibleLine): it may run on the EKS system node group, beside the load balancer controller and cluster autoscaler and their IAM roles; convert does not write it")
            }
        }
    }
}
