/// Pods on the node's network namespace or bound to node ports.
struct HostNetworkCheck: Check {
    let info = CheckInfo(
        id: "NET007", title: "hostNetwork or hostPort", severity: .warning, category: .network,
        rationale: "Host networking bypasses the VPC CNI's pod IPs and security groups, fixes one pod per port per node, and is refused on Fargate.",
        remediation: "Use a Service (and a load balancer) instead; keep host networking only for node agents that need it.",
        triggering: [CheckSupport.deployment(pod: "      hostNetwork: true\n" + CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        for workload in estate.workloads {
            if workload.hostNetwork {
                findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind)).hostNetwork",
                                        "\(workload.label) uses the node's network (hostNetwork): it gets no VPC CNI pod IP and cannot run on Fargate"))
            }
            for container in workload.containers {
                let hostPorts = container.ports.items.compactMap { $0["hostPort"]?.string }
                if !hostPorts.isEmpty {
                    findings.append(finding(workload, field: "\(CheckSupport.containerPath(workload, container)).ports",
                                            "container \(container.name) binds hostPort \(hostPorts.joined(separator: ", ")): expose it through a Service instead"))
                }
            }
        }
        return findings
    }
}
