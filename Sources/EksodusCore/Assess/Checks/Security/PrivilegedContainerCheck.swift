/// Containers running privileged.
struct PrivilegedContainerCheck: Check {
    let info = CheckInfo(
        id: "SEC001", title: "Privileged container", severity: .warning, category: .security,
        rationale: "A privileged container is root on the node; Fargate refuses it and Pod Security Admission (baseline) rejects it.",
        remediation: "Drop privileged: grant only the capabilities needed, or move node-level work to a DaemonSet in a namespace labelled for the privileged level.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', securityContext: {privileged: true}}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', securityContext: {privileged: false}}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.containers.filter(\.privileged).map { container in
                finding(workload, field: CheckSupport.containerPath(workload, container) + ".securityContext.privileged",
                        "container \(container.name) runs privileged: not allowed on Fargate or under Pod Security baseline")
            }
        }
    }
}
