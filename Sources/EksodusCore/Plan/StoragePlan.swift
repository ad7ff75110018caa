/// Where every claim, claim template, PersistentVolume and node-local or ephemeral data store goes on EKS, and how its data moves.
public struct StoragePlan: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var cluster: String
        public var namespace: String
        public var name: String
        /// pvc, template, pv; hostPath (node-local data of a pod), emptyDir or container (a data store without a claim).
        public var source: String
        public var owner: String
        /// Size of one volume.
        public var sizeBytes: Int?
        public var sourceClass: String?
        public var targetClass: String
        public var reason: String
        public var copyMethod: String
        public var workloadID: Int64?
        /// Volumes this entry stands for: a claim template's replicas, else 1.
        public var copies: Int = 1

        public var totalBytes: Int? { sizeBytes.map { $0.saturatingMultiplied(by: copies) } }
    }

    public var entries: [Entry]

    /// Totals per cluster and target class: volumes (claim templates count once per replica), known bytes, and how many
    /// volumes have no size in the manifests.
    public var totals: [(cluster: String, targetClass: String, volumes: Int, bytes: Int, unsized: Int)] {
        Dictionary(grouping: entries, by: { $0.cluster + "\u{0}" + $0.targetClass }).map { _, members in
            (members[0].cluster, members[0].targetClass, members.reduce(0) { $0 + $1.copies }, members.reduce(0) { $0.saturatingAdding($1.totalBytes ?? 0) },
             members.filter { $0.sizeBytes == nil }.reduce(0) { $0 + $1.copies })
        }.sorted { ($0.cluster, $0.targetClass) < ($1.cluster, $1.targetClass) }
    }

    /// Velero's file-system backup reads volumes through the pod, but not hostPath volumes (Velero docs, File System Backup,
    /// Limitations): node-local data is copied from the node.
    public static let nodeCopy = "copy from the node (rsync or tar of the host path into the new EBS volume, final sync at cutover): Velero's file-system backup does not support hostPath"
    public static let unboundVolume = "not bound to any claim, so no pod mounts it and no backup reads it: decide whether its data is still needed, then copy it from its node or storage system"
    /// What the runbook does with a monitoring store (Prometheus, Loki…): it starts empty on EKS, and the source keeps
    /// its history read-only (StepTemplates monitoring()). The storage plan says the same.
    public static let freshMonitoring = "not copied: it starts empty on EKS; the source copy keeps its history read-only until its retention ends"
    public static let veleroFileSystemBackup = "Velero file-system backup (kopia) and restore, with a final backup at cutover"

    public static let gp3 = "gp3 (EBS CSI, encrypted, WaitForFirstConsumer)"
    public static let efs = "efs (EFS CSI, provisioningMode efs-ap)"
    /// The copy of a shared claim onto EFS; its data step writes through the claim's access point (`EFSAccessPointCopy`).
    static let dataSyncToEFS = "AWS DataSync to EFS, with a final incremental sync at cutover"
    public static let fsxLustre = "fsx-lustre (FSx for Lustre CSI, fsx.csi.aws.com)"
    public static let fsxONTAP = "fsx-ontap (FSx for NetApp ONTAP via Trident)"

    /// Batch kinds run against data a long-running workload owns: they never decide a volume's copy method.
    static func ownershipRank(_ workload: Estate.Workload) -> Int {
        ["Job", "CronJob", "Pod"].contains(workload.kind) ? 1 : 0
    }

    static func build(estates: [Estate], reference: ReferenceData) -> StoragePlan {
        var entries: [Entry] = []
        for estate in estates {
            let classes = estate.provisioners
            let defaultClass = estate.storageClasses.first(where: \.isDefault)?.resource.name
            // The workload that uses a volume decides its copy method: a long-running one before a Job that shares the claim.
            var byClaim: [String: Estate.Workload] = [:], byTemplateOwner: [Int64: Estate.Workload] = [:]
            // Indices sorted by a rank found once each: sorting the workloads themselves moved every (large) struct.
            let ranks = estate.workloads.map(ownershipRank)
            for workload in estate.workloads.indices.sorted(by: { ranks[$0] < ranks[$1] }).lazy.map({ estate.workloads[$0] }) {
                for volume in workload.volumes where volume.type == "persistentVolumeClaim" {
                    if let claim = volume.reference, byClaim["\(workload.namespace)/\(claim)"] == nil { byClaim["\(workload.namespace)/\(claim)"] = workload }
                }
                for template in workload.claimTemplates where byTemplateOwner[template.resourceID] == nil { byTemplateOwner[template.resourceID] = workload }
                if let id = workload.resourceID, byTemplateOwner[id] == nil, !workload.claimTemplates.isEmpty { byTemplateOwner[id] = workload }
            }
            // The claims a StatefulSet's templates make (`data-orders-db-0`) are counted by the template, once per replica.
            // They are known by name (the template's claim prefix and an ordinal below the replicas), not listed: replicas
            // can be in the billions.
            var templateReplicas: [String: Int] = [:]
            for workload in estate.workloads {
                for template in workload.claimTemplates {
                    let prefix = "\(workload.namespace)/\(template.name)-\(workload.name)"
                    templateReplicas[prefix] = max(templateReplicas[prefix] ?? 0, max(1, workload.replicas ?? 1))
                }
            }
            func isTemplateInstance(_ claim: String) -> Bool {
                guard let dash = claim.lastIndex(of: "-"), let replicas = templateReplicas[String(claim[..<dash])] else { return false }
                let ordinal = claim[claim.index(after: dash)...]
                guard !ordinal.isEmpty, ordinal.utf8.count < 11, ordinal.allSatisfy({ $0.isASCII && $0.isNumber }),
                      ordinal == "0" || ordinal.first != "0", let number = Int(ordinal) else { return false }
                return number < replicas
            }
            let claimVolumes = estate.volumes.filter { $0.source == "pvc" }
            let claims = Set(claimVolumes.map { "\($0.namespace)/\($0.name)" })
            // A PV bound to a listed claim moves with it: bound by its claimRef, or named by the claim's volumeName.
            let boundVolumes = Set(claimVolumes.compactMap(\.volumeName))
            let hostPathVolumes = Set(estate.volumes.filter { $0.source == "pv" && $0.volumeType == "hostPath" }.map(\.name))
            for volume in estate.volumes {
                if volume.source == "pv", volume.volumeName.map({ claims.contains($0) || isTemplateInstance($0) }) == true || boundVolumes.contains(volume.name) { continue }
                if volume.source == "pvc", isTemplateInstance("\(volume.namespace)/\(volume.name)") { continue }
                let user = volume.source == "template" ? byTemplateOwner[volume.resourceID]
                    : volume.source == "pvc" ? byClaim["\(volume.namespace)/\(volume.name)"] : nil
                let className = volume.storageClass ?? (volume.source == "pv" ? nil : defaultClass)
                // The class's provisioner; when the class is not in the export, the one the claim or volume records.
                let recorded = className.flatMap { classes[$0] } == nil ? RecordedProvisioner.of(volume, in: estate) : nil
                let provisioner = className.flatMap { classes[$0] } ?? recorded?.provisioner
                // A claim bound to a hostPath volume of the export holds node-local data, whatever its class says.
                let boundToHostPath = volume.source == "pvc" && volume.volumeName.map { hostPathVolumes.contains($0) } == true
                let shared = volume.accessModes.contains("ReadWriteMany") || volume.accessModes.contains("ReadOnlyMany")
                let mapping = provisioner.flatMap(reference.provisioner)
                var target = shared ? efs : gp3
                var reason = shared ? "\(volume.accessModes.joined(separator: ", ")): EBS attaches to one node, so EFS" : "ReadWriteOnce block storage: EBS gp3"
                // FSx where it fits: HPC file systems to FSx for Lustre, SMB shares to FSx for NetApp ONTAP.
                if let mapping, mapping.target.hasPrefix("FSx for Lustre") {
                    target = fsxLustre
                    reason = "high-throughput shared file system: FSx for Lustre"
                } else if let mapping, mapping.target.hasPrefix("FSx for NetApp ONTAP") {
                    target = fsxONTAP
                    reason = "SMB share: FSx for NetApp ONTAP"
                }
                // gp3 is the only EBS class written: a table row naming another EBS type (io2) must not read as the target.
                if let provisioner, let mapping {
                    let otherEBS = target == gp3 && mapping.target.hasPrefix("EBS CSI") && !mapping.target.contains("gp3")
                    reason += "; source \(provisioner)" + (recorded.map { " (its \($0.annotation) annotation: class \(className ?? "none") is not in the export)" } ?? "") + " → " + (otherEBS ? "EBS CSI gp3 (the table says \(mapping.target); only gp3 is written: raise its iops and throughput parameters, or add that class by hand)" : mapping.target)
                }
                if volume.source == "pv", let type = volume.volumeType { reason += "; source volume type \(type)" }
                var method = veleroFileSystemBackup
                if let user, PlatformAgents.isMonitoringStore(user) {
                    method = freshMonitoring
                } else if provisioner == "ebs.csi.aws.com" || provisioner == "kubernetes.io/aws-ebs" || volume.volumeType == "awsElasticBlockStore"
                    || (volume.volumeType ?? "").hasPrefix("csi:ebs") {
                    method = "EBS snapshot (the data is already on AWS), restored in the target zone"
                } else if let database = user.flatMap({ WorkloadProfile.dataStore($0, reference: reference)?.0 }) {
                    method = database.replication
                } else if volume.source == "pv" ? volume.volumeType == "hostPath" : mapping?.hostPathVolumes == true || boundToHostPath {
                    method = nodeCopy
                } else if volume.source == "pv", volume.volumeName == nil {
                    method = unboundVolume
                } else if target == fsxLustre || target == fsxONTAP {
                    method = (mapping?.copy ?? "AWS DataSync") + ", with a final incremental sync at cutover"
                } else if shared {
                    method = dataSyncToEFS
                }
                let copies = volume.source == "template" ? max(1, user?.replicas ?? 1) : 1
                entries.append(Entry(cluster: estate.cluster.name, namespace: volume.namespace, name: volume.name, source: volume.source,
                                     owner: "\(volume.ownerKind)/\(volume.ownerName)", sizeBytes: volume.sizeBytes, sourceClass: className,
                                     targetClass: target, reason: reason, copyMethod: method, workloadID: user?.id, copies: copies))
            }
            entries += podData(estate, reference: reference)
        }
        return StoragePlan(entries: entries)
    }

    /// Data that no claim holds: a pod's node-local hostPath data, and a data store's emptyDir or container layer. Each gets
    /// a gp3 volume on EKS (one per replica) and its own copy method.
    static func podData(_ estate: Estate, reference: ReferenceData) -> [Entry] {
        var entries: [Entry] = []
        for workload in estate.workloads {
            let owner = "\(workload.kind)/\(workload.name)"
            let replicas = workload.kind == "DaemonSet" ? 1 : max(1, workload.replicas ?? 1)
            let database = WorkloadProfile.dataStore(workload, reference: reference)
            for volume in WorkloadProfile.nodeLocalData(workload, reference: reference) {
                entries.append(Entry(cluster: estate.cluster.name, namespace: workload.namespace, name: volume.name, source: volume.type,
                                     owner: owner, sizeBytes: nil, sourceClass: nil, targetClass: gp3,
                                     reason: "node-local data at \(volume.reference ?? "?"): a gp3 volume per replica on EKS",
                                     copyMethod: PlatformAgents.isMonitoringStore(workload) ? freshMonitoring : database?.0.replication ?? nodeCopy,
                                     workloadID: workload.id, copies: replicas))
            }
            let claimed = !workload.claimTemplates.isEmpty || workload.volumes.contains { $0.type == "persistentVolumeClaim" }
            guard !claimed, entries.last?.workloadID != workload.id, let (store, container) = database else { continue }
            let scratch = WorkloadProfile.ephemeralData(container, in: workload)
            for volume in scratch.isEmpty ? [nil] : scratch.map(Optional.some) {
                let size = volume.flatMap { $0.detail["sizeLimit"]?.string }.flatMap(Quantity.bytes)
                entries.append(Entry(cluster: estate.cluster.name, namespace: workload.namespace, name: volume?.name ?? container.name,
                                     source: volume == nil ? "container" : "emptyDir", owner: owner, sizeBytes: size, sourceClass: nil, targetClass: gp3,
                                     reason: "\(store.name) data without a claim: give it a gp3 claim on EKS", copyMethod: store.replication,
                                     workloadID: workload.id, copies: replicas))
            }
        }
        return entries
    }

    /// `330 GiB`, `1.5 GiB`: capacity in the unit EBS and EFS are sized and billed in.
    public static func gibibytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_073_741_824
        let rounded = (value * 10).rounded() / 10
        return (rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)) + " GiB"
    }

    public var table: Table {
        Table(columns: ["cluster", "namespace", "volume", "source", "size", "volumes", "from", "to", "copy"], rows: entries.map { entry in
            [.text(entry.cluster), .text(entry.namespace), .text(entry.name), .text(entry.source), .text(entry.sizeBytes.map(Quantity.formatBytes) ?? ""),
             .integer(entry.copies),
             .text(entry.sourceClass ?? "-"), .text(entry.targetClass), .text(entry.copyMethod)]
        })
    }

    /// The file of one cluster's StorageClasses, `converted/<cluster>/storageclasses.yaml` (eksodus convert writes it):
    /// their one source. plan:storage fills the EFS id in and applies it; no wave applies it again, because a
    /// StorageClass's parameters cannot be updated once it exists (Kubernetes docs, "Storage Classes").
    public static let classFileName = "storageclasses.yaml"

    /// What the efs class names until plan:storage has made the file system and written its id in.
    public static let fileSystemPlaceholder = "fs-REPLACE-ME"

    /// Whether a cluster's volumes need the efs class (and so the EFS file system).
    public static func needsEFS(_ entries: [Entry], cluster: String) -> Bool {
        entries.contains { $0.cluster == cluster && $0.targetClass == efs }
    }

    /// A cluster's StorageClasses: gp3 always, efs only where a claim goes there (a class whose driver is not installed
    /// would leave its claims Pending).
    public static func storageClassManifests(efs: Bool) -> String {
        efs ? gp3Manifest + "---\n" + efsManifest : gp3Manifest
    }

    /// StorageClass manifests for the target cluster (both classes, as the report shows them).
    public static let storageClassManifests = storageClassManifests(efs: true)

    static let gp3Manifest = """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: gp3
          annotations:
            storageclass.kubernetes.io/is-default-class: "true"
        provisioner: ebs.csi.aws.com
        volumeBindingMode: WaitForFirstConsumer
        allowVolumeExpansion: true
        reclaimPolicy: Retain
        parameters:
          type: gp3
          encrypted: "true"
          csi.storage.k8s.io/fstype: ext4

        """

    static let efsManifest = """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: efs
        provisioner: efs.csi.aws.com
        reclaimPolicy: Retain
        parameters:
          provisioningMode: efs-ap
          fileSystemId: \(fileSystemPlaceholder)
          directoryPerms: "700"

        """
}
