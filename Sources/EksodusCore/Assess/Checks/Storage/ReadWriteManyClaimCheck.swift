/// Claims that several nodes mount at once, which EBS cannot serve.
struct ReadWriteManyClaimCheck: Check {
    let info = CheckInfo(
        id: "STO003", title: "ReadWriteMany claim", severity: .warning, category: .storage,
        rationale: "EBS volumes attach to one node (Multi-Attach only for io1/io2 in one zone); shared volumes need EFS or FSx.",
        remediation: "Map the claim to an EFS StorageClass (efs.csi.aws.com, provisioningMode efs-ap) and copy the data with DataSync or Velero.",
        triggering: ["""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: shared, namespace: shop}
            spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 10Gi}}}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data, namespace: shop}
            spec: {accessModes: [ReadWriteOnce], storageClassName: gp3, resources: {requests: {storage: 10Gi}}}
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: gp3}
            provisioner: ebs.csi.aws.com
            volumeBindingMode: WaitForFirstConsumer
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.volumes.compactMap { volume in
            guard volume.source != "pv", volume.accessModes.contains("ReadWriteMany") else { return nil }
            guard let owner = estate.resource(id: volume.resourceID) else { return nil }
            let field = volume.source == "template" ? "spec.volumeClaimTemplates[\(volume.name)].spec.accessModes" : "spec.accessModes"
            return finding(owner, field: field, "claim \(volume.name) is ReadWriteMany: EBS cannot share a volume between nodes; map it to EFS")
        }
    }
}
