/// EBS StorageClasses that bind volumes before the pod is scheduled, and so can pick the wrong zone.
struct EBSWithoutWaitForFirstConsumerCheck: Check {
    let info = CheckInfo(
        id: "STO006", title: "Zone-bound EBS class binds immediately", severity: .warning, category: .storage,
        rationale: "An EBS volume lives in one Availability Zone; with Immediate binding it is created before the pod is scheduled, possibly in a zone where the pod cannot run.",
        remediation: "Set volumeBindingMode: WaitForFirstConsumer (and use topology key topology.ebs.csi.aws.com/zone).",
        triggering: ["""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: gp2}
            provisioner: kubernetes.io/aws-ebs
            """],
        nonTriggering: ["""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: gp3}
            provisioner: ebs.csi.aws.com
            volumeBindingMode: WaitForFirstConsumer
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.storageClasses.compactMap { storageClass in
            guard ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"].contains(storageClass.provisioner),
                  storageClass.bindingMode != "WaitForFirstConsumer" else { return nil }
            return finding(storageClass.resource, field: "volumeBindingMode",
                           "StorageClass \(storageClass.resource.name) binds EBS volumes \(storageClass.bindingMode ?? "Immediate"): set volumeBindingMode: WaitForFirstConsumer")
        }
    }
}
