/// Images that float: `:latest`, or no tag at all, and no digest.
struct MutableImageTagCheck: Check {
    let info = CheckInfo(
        id: "IMG001", title: "Image with :latest or no tag", severity: .warning, category: .images,
        rationale: "A floating tag resolves to whatever was pushed last: the copy in ECR and the image running today can differ, and rollbacks have nothing to go back to.",
        remediation: "Pin a version tag (and better, the digest) before copying the image to ECR.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: nginx}]"),
                     CheckSupport.deployment(pod: "      containers: [{name: app, image: 'quay.io/acme/app:latest'}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'nginx:1.27.1'}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.containers.compactMap { container -> Finding? in
                guard let text = container.image, let image = container.imageReference else { return nil }
                guard image.digest == nil, image.tag == nil || image.tag == "latest" else { return nil }
                return finding(workload, field: "\(CheckSupport.containerPath(workload, container)).image",
                               "image \(text) \(image.tag == nil ? "has no tag (means :latest)" : "uses :latest"): pin a version before copying it to ECR")
            }
        }
    }
}
