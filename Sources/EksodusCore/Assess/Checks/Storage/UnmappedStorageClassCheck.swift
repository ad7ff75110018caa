/// StorageClasses whose provisioner eksodus has no EKS mapping for.
struct UnmappedStorageClassCheck: Check {
    let info = CheckInfo(
        id: "STO002", title: "Storage class with no known EKS mapping", severity: .warning, category: .storage,
        rationale: "The provisioner is not one eksodus knows a target for, so the data's destination and copy method must be chosen by hand.",
        remediation: "Decide the EKS storage (EBS gp3 for block, EFS for shared, FSx for high throughput) and the copy method, then record it in the plan.",
        triggering: ["""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: vendor}
            provisioner: csi.example-vendor.io
            """],
        nonTriggering: ["""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: local-path}
            provisioner: rancher.io/local-path
            volumeBindingMode: WaitForFirstConsumer
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.storageClasses.compactMap { storageClass in
            guard context.reference.provisioner(storageClass.provisioner) == nil else { return nil }
            return finding(storageClass.resource, field: "provisioner",
                           "StorageClass \(storageClass.resource.name) uses \(storageClass.provisioner), which has no known EKS mapping: choose the target storage and copy method by hand")
        }
    }
}
