/// Serving containers with no liveness probe.
struct MissingLivenessProbeCheck: Check {
    let info = CheckInfo(
        id: "AVL002", title: "No liveness probe", severity: .info, category: .availability,
        rationale: "Without a liveness probe a hung process stays in rotation until someone notices.",
        remediation: "Add a livenessProbe, distinct from the readiness probe, that fails only when a restart would help.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', readinessProbe: {tcpSocket: {port: 80}}}]")],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.filter(\.isService).flatMap { workload in
            workload.appContainers.filter { $0.livenessProbe == nil }.map { container in
                finding(workload, field: CheckSupport.containerPath(workload, container) + ".livenessProbe",
                        "container \(container.name) has no liveness probe")
            }
        }
    }
}
