/// Containers adding Linux capabilities that amount to root on the node.
struct DangerousCapabilitiesCheck: Check {
    static let dangerous: Set<String> = ["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH", "SYS_RAWIO", "SYS_BOOT", "BPF"]

    let info = CheckInfo(
        id: "SEC003", title: "Dangerous capabilities", severity: .warning, category: .security,
        rationale: "SYS_ADMIN, NET_ADMIN, SYS_PTRACE and the like break out of the container's isolation; Pod Security baseline rejects them.",
        remediation: "Remove the capability, or isolate the workload in a namespace allowed the privileged level.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', securityContext: {capabilities: {add: [SYS_ADMIN]}}}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.containers.compactMap { container -> Finding? in
                let added = container.capabilitiesAdd.map { $0.uppercased().replacingPrefix("CAP_") }.filter(Self.dangerous.contains)
                guard !added.isEmpty else { return nil }
                return finding(workload, field: CheckSupport.containerPath(workload, container) + ".securityContext.capabilities.add",
                               "container \(container.name) adds \(added.joined(separator: ", "))")
            }
        }
    }
}

private extension String {
    func replacingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
