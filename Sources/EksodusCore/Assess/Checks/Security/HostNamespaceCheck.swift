/// Pods sharing the node's process or IPC namespace.
struct HostNamespaceCheck: Check {
    let info = CheckInfo(
        id: "SEC002", title: "hostPID or hostIPC", severity: .warning, category: .security,
        rationale: "Sharing the node's PID or IPC namespace lets a pod see and signal every process on the node; Fargate refuses it.",
        remediation: "Remove hostPID/hostIPC; keep them only for node agents in a privileged namespace.",
        triggering: [CheckSupport.deployment(pod: "      hostPID: true\n" + CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload -> [Finding] in
            var findings: [Finding] = []
            if workload.hostPID {
                findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind)).hostPID", "\(workload.label) shares the node's process namespace (hostPID)"))
            }
            if workload.hostIPC {
                findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind)).hostIPC", "\(workload.label) shares the node's IPC namespace (hostIPC)"))
            }
            return findings
        }
    }
}
