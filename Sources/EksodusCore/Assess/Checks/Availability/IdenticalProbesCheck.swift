/// Liveness and readiness probes that are the same check.
struct IdenticalProbesCheck: Check {
    let info = CheckInfo(
        id: "AVL003", title: "Identical liveness and readiness probes", severity: .info, category: .availability,
        rationale: "When both probes are the same, a slow dependency takes the pod out of rotation and then restarts it, turning a blip into an outage.",
        remediation: "Make the liveness probe check only the process itself (or give it a higher failure threshold) and keep dependencies in the readiness probe.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', readinessProbe: {httpGet: {path: /health, port: 80}}, livenessProbe: {httpGet: {path: /health, port: 80}}}]")],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.appContainers.compactMap { container -> Finding? in
                guard let liveness = container.livenessProbe, liveness == container.readinessProbe else { return nil }
                return finding(workload, field: CheckSupport.containerPath(workload, container) + ".livenessProbe",
                               "container \(container.name) uses the same probe for liveness and readiness")
            }
        }
    }
}
