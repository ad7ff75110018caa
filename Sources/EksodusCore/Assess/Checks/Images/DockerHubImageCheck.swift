/// Images pulled from Docker Hub, whose anonymous pulls are rate-limited.
struct DockerHubImageCheck: Check {
    let info = CheckInfo(
        id: "IMG004", title: "Image from Docker Hub", severity: .warning, category: .images,
        rationale: "Docker Hub allows 10 anonymous pulls an hour per IP (100 with a free account); a new node group pulling through one NAT gateway hits it at once.",
        remediation: "Serve Docker Hub images through an ECR pull-through cache rule (docker-hub prefix, credentials in Secrets Manager) or copy them to ECR.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'redis:7.2'}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'public.ecr.aws/docker/library/redis:7.2'}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.containers.compactMap { container -> Finding? in
                guard let text = container.image, container.imageReference?.isDockerHub == true else { return nil }
                return finding(workload, field: "\(CheckSupport.containerPath(workload, container)).image",
                               "image \(text) comes from Docker Hub (pull rate limits): use an ECR pull-through cache or copy it to ECR")
            }
        }
    }
}
