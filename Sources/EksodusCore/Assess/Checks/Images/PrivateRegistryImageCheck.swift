/// Images from a private, on-premises registry that EKS nodes cannot reach.
struct PrivateRegistryImageCheck: Check {
    let info = CheckInfo(
        id: "IMG003", title: "Image from a private registry", severity: .warning, category: .images,
        rationale: "EKS nodes pull from ECR with their IAM role; an on-premises registry (Harbor, Nexus, Artifactory) is out of reach or needs VPN and credentials.",
        remediation: "Copy the image to ECR (eksodus images --script) and point the manifest at the ECR repository.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'harbor.corp.local/shop/web:2.0'}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'quay.io/prometheus/prometheus:v2.53.0'}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.containers.compactMap { container -> Finding? in
                guard let text = container.image, let image = container.imageReference else { return nil }
                guard ImageRegistry.isPrivate(image.registry) else { return nil }
                return finding(workload, field: "\(CheckSupport.containerPath(workload, container)).image",
                               "image \(text) comes from the private registry \(image.registry): copy it to ECR")
            }
        }
    }
}
