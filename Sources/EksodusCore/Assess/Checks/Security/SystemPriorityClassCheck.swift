/// Workloads outside kube-system that take the node's or the cluster's own priority class.
struct SystemPriorityClassCheck: Check {
    static let reserved: Set<String> = ["system-node-critical", "system-cluster-critical"]

    let info = CheckInfo(
        id: "SEC015", title: "System priority class outside kube-system", severity: .warning, category: .security,
        rationale: "system-node-critical and system-cluster-critical are for the node's and cluster's own components: a pod with one preempts any other pod and is evicted last under pressure, so an application with it can push CoreDNS, the VPC CNI or the load balancer controller off a node. The API server admits these classes outside kube-system only where a ResourceQuota does not limit them.",
        remediation: "Give the workload a PriorityClass of its own (value below 1000000000), and on EKS limit the system classes to kube-system with a ResourceQuota scopeSelector on PriorityClass.",
        triggering: [CheckSupport.deployment(pod: "      priorityClassName: system-node-critical\n" + CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(pod: "      priorityClassName: shop-high\n" + CheckSupport.goodContainer)]
    )

    let bodies = Estate.Bodies(workloadsContaining: ["\"priorityClassName\""])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload in
            guard workload.namespace != "kube-system", let pod = PodSpecs.stored(workload, in: estate, containing: "\"priorityClassName\""),
                  let priority = pod["priorityClassName"]?.string, Self.reserved.contains(priority) else { return nil }
            return finding(workload, field: "\(CheckSupport.podPath(workload.kind)).priorityClassName",
                           "\(workload.label) runs at \(priority) outside kube-system: it preempts every other pod, the EKS add-ons included")
        }
    }
}
