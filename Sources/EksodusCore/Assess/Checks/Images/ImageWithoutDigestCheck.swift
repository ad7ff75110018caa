/// Images pinned by tag only.
struct ImageWithoutDigestCheck: Check {
    let info = CheckInfo(
        id: "IMG002", title: "Image without digest", severity: .info, category: .images,
        rationale: "A tag can be moved; copying by digest guarantees ECR holds the very image the source cluster runs.",
        remediation: "Resolve the digest on the source registry and copy by digest (skopeo copy --all docker://…@sha256:…).",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'nginx:1.27.1'}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'nginx:1.27.1@sha256:0000000000000000000000000000000000000000000000000000000000000000'}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.containers.compactMap { container -> Finding? in
                guard let text = container.image, let image = container.imageReference else { return nil }
                guard image.digest == nil, let tag = image.tag, tag != "latest" else { return nil }
                return finding(workload, field: "\(CheckSupport.containerPath(workload, container)).image", "image \(text) is pinned by tag only: copy it by digest")
            }
        }
    }
}
