/// Containers without CPU and memory requests, or without a memory limit.
struct MissingResourcesCheck: Check {
    let info = CheckInfo(
        id: "AVL008", title: "Missing requests or limits", severity: .warning, category: .availability,
        rationale: "Requests size the node groups, Karpenter's choices and Fargate's pod size; without them pods land anywhere and get evicted first under pressure.",
        remediation: "Set cpu and memory requests from observed use, and a memory limit.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0'}]")],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.appContainers.compactMap { container -> Finding? in
                var missing: [String] = []
                if container.cpuRequest == nil { missing.append("cpu request") }
                if container.memoryRequest == nil { missing.append("memory request") }
                if container.memoryLimit == nil { missing.append("memory limit") }
                guard !missing.isEmpty else { return nil }
                return finding(workload, field: CheckSupport.containerPath(workload, container) + ".resources",
                               "container \(container.name) has no \(missing.joined(separator: ", "))")
            }
        }
    }
}
