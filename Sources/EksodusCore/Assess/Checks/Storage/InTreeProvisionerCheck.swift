/// StorageClasses that use an in-tree (kubernetes.io/) provisioner Kubernetes removed or redirects to CSI.
struct InTreeProvisionerCheck: Check {
    let info = CheckInfo(
        id: "STO001", title: "In-tree storage provisioner", severity: .warning, category: .storage,
        rationale: "In-tree volume plugins were removed from Kubernetes or redirected to CSI drivers; on EKS new volumes come from the EBS, EFS or FSx CSI drivers.",
        remediation: "Create an EKS StorageClass for the mapped CSI driver (gp3 for block, EFS for shared files) and point the claims at it.",
        triggering: ["""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: standard}
            provisioner: kubernetes.io/gce-pd
            parameters: {type: pd-standard}
            """],
        nonTriggering: ["""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: gp3}
            provisioner: ebs.csi.aws.com
            volumeBindingMode: WaitForFirstConsumer
            parameters: {type: gp3}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.storageClasses.compactMap { storageClass in
            guard let mapping = context.reference.provisioner(storageClass.provisioner), mapping.kind == "in-tree" else { return nil }
            let removal = mapping.removedIn.map { " (removed in Kubernetes \($0))" } ?? ""
            return finding(storageClass.resource, field: "provisioner",
                           "StorageClass \(storageClass.resource.name) uses the in-tree provisioner \(storageClass.provisioner)\(removal): on EKS use \(mapping.target)")
        }
    }
}
