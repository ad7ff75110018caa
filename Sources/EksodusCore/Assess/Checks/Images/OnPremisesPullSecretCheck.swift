/// imagePullSecrets for registries that ECR replaces.
struct OnPremisesPullSecretCheck: Check {
    let info = CheckInfo(
        id: "IMG005", title: "imagePullSecrets for an on-premises registry", severity: .info, category: .images,
        rationale: "EKS nodes authenticate to ECR with their IAM role; pull secrets for the old registry become dead weight, or worse, credentials left behind.",
        remediation: "Drop the imagePullSecrets once the images point at ECR, and do not recreate the registry Secret on EKS.",
        triggering: [CheckSupport.deployment(pod: "      imagePullSecrets: [{name: harbor}]\n      containers: [{name: app, image: 'harbor.corp.local/shop/web:2.0'}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'harbor.corp.local/shop/web:2.0'}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload in
            guard !workload.imagePullSecrets.isEmpty else { return nil }
            let registries = Set(workload.containers.compactMap { $0.imageReference?.registry }).filter(ImageRegistry.isPrivate)
            guard !registries.isEmpty else { return nil }
            return finding(workload, field: "\(CheckSupport.podPath(workload.kind)).imagePullSecrets",
                           "pull secrets \(workload.imagePullSecrets.joined(separator: ", ")) serve \(registries.sorted().joined(separator: ", ")): drop them once images come from ECR")
        }
    }
}
