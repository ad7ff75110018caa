/// Claims and volumes on NFS, Ceph, Gluster and other network or vendor block storage, whose data needs a copy plan.
struct NetworkStorageCopyCheck: Check {
    let info = CheckInfo(
        id: "STO005", title: "Data on network storage needs a copy plan", severity: .warning, category: .storage,
        rationale: "NFS exports, Ceph pools and Gluster volumes stay on-premises; EKS workloads need the data copied to EFS, FSx or EBS before cutover.",
        remediation: "Plan the copy: AWS DataSync or Velero file-system backup for file data, the application's own replication for databases and brokers (the storage plan's method), and a final sync at cutover.",
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
        // A data store's claim moves by the store's own replication, as the storage plan moves it: a file copy of a
        // live database's volume is not the plan. Batch kinds never decide, as in the storage plan's ownershipRank.
        var stores: [String: ReferenceData.Database] = [:], templateStores: [Int64: ReferenceData.Database] = [:]
        for workload in estate.workloads where !["Job", "CronJob", "Pod"].contains(workload.kind) {
            guard let store = WorkloadProfile.dataStore(workload, reference: context.reference)?.0 else { continue }
            for volume in workload.volumes where volume.type == "persistentVolumeClaim" {
                if let claim = volume.reference { stores["\(workload.namespace)/\(claim)"] = store }
            }
            if let id = workload.resourceID, !workload.claimTemplates.isEmpty { templateStores[id] = store }
            for template in workload.claimTemplates { templateStores[template.resourceID] = store }
        }
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
            let store = volume.source == "template" ? templateStores[volume.resourceID] : volume.source == "pvc" ? stores["\(volume.namespace)/\(volume.name)"] : nil
            let what = "\(volume.source == "pv" ? "PersistentVolume" : "claim") \(volume.name)\(size) is on \(via)"
            let message: String
            if let store {
                // The storage plan's target for it: EBS unless the claim is shared.
                let shared = volume.accessModes.contains("ReadWriteMany") || volume.accessModes.contains("ReadOnlyMany")
                message = "\(what): on EKS a new \(shared ? "EFS" : "EBS gp3") volume, filled by \(store.name)'s own replication (\(store.replication)), not a file copy"
            } else {
                message = "\(what): copy it to \(mapping.target)" + (mapping.copy.map { " with \($0)" } ?? "")
            }
            findings.append(finding(owner, field: volume.source == "template" ? "spec.volumeClaimTemplates[\(volume.name)]" : "spec", message))
        }
        return findings
    }
}
