/// Serving containers with no readiness probe.
struct MissingReadinessProbeCheck: Check {
    let info = CheckInfo(
        id: "AVL001", title: "No readiness probe", severity: .warning, category: .availability,
        rationale: "Without a readiness probe, traffic (and the ALB's target registration) reaches a pod before it can serve; at cutover that shows as errors.",
        remediation: "Add a readinessProbe that checks the application can serve (an HTTP health endpoint or a TCP port).",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0'}]")],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.filter(\.isService).flatMap { workload in
            workload.appContainers.filter { $0.readinessProbe == nil }.map { container in
                finding(workload, field: CheckSupport.containerPath(workload, container) + ".readinessProbe",
                        "container \(container.name) has no readiness probe: traffic can reach it before it is ready")
            }
        }
    }
}
