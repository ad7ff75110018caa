/// A container with no image: a template value never filled in.
struct MissingImageCheck: Check {
    let info = CheckInfo(
        id: "IMG006", title: "Container without an image", severity: .blocker, category: .images,
        rationale: "A container with an empty or missing image cannot start: the pods fail on EKS as they would anywhere. It usually is a Helm or Kustomize value that was never set, so nothing can be copied to ECR for it either.",
        remediation: "Set the image (registry, repository, tag or digest) in the manifest or the chart values, then import again.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: ''}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'nginx:1.27.1'}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.containers.compactMap { container -> Finding? in
                guard (container.image ?? "").trimmingWhitespace().isEmpty else { return nil }
                return finding(workload, field: "\(CheckSupport.containerPath(workload, container)).image",
                               "container \(container.name) has no image: set one before the move")
            }
        }
    }
}
