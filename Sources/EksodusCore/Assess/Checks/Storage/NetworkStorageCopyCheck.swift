/// Claims and volumes on NFS, Ceph, Gluster and other network or vendor block storage, whose data needs a copy plan.
struct NetworkStorageCopyCheck: Check {
    let info = CheckInfo(
        id: "STO005", title: "Data on network storage needs a copy plan", severity: .warning, category: .storage,
        rationale: "NFS exports, Ceph pools and Gluster volumes stay on-premises; EKS workloads need the data copied to EFS, FSx or EBS before cutover.",
        remediation: "Plan the copy: AWS DataSync or Velero file-system backup for file data, the application's own replication for databases, and a final sync at cutover.",
        triggering: ["""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: media}
            spec:
              capacity: {storage: 100Gi}
              accessModes: [ReadWriteMany]
              nfs: {server: nas.corp.local, path: /exports/media}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: media}
            spec:
              capacity: {storage: 100Gi}
              accessModes: [ReadWriteMany]
              csi: {driver: efs.csi.aws.com, volumeHandle: fs-12345678}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        let classes = estate.provisioners
        for volume in estate.volumes {
            guard let owner = estate.resource(id: volume.resourceID) else { continue }
            var mapping: ReferenceData.StorageTarget?
            var via = ""
            if volume.source == "pv", let type = volume.volumeType {
                mapping = context.reference.volumeType(type)
                via = type
            } else if let className = volume.storageClass, let provisioner = classes[className] {
                mapping = context.reference.provisioner(provisioner)
                via = "\(className) (\(provisioner))"
            }
            guard let mapping, mapping.kind == "network" || mapping.kind == "block" || (mapping.kind == "in-tree" && volume.source != "pv") else { continue }
            let size = volume.sizeBytes.map { " of \(Quantity.formatBytes($0))" } ?? ""
            let method = mapping.copy.map { " with \($0)" } ?? ""
            findings.append(finding(owner, field: volume.source == "template" ? "spec.volumeClaimTemplates[\(volume.name)]" : "spec",
                                    "\(volume.source == "pv" ? "PersistentVolume" : "claim") \(volume.name)\(size) is on \(via): copy it to \(mapping.target)\(method)"))
        }
        return findings
    }
}
