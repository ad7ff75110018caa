/// Where every claim, claim template and PersistentVolume goes on EKS, and how its data moves.
public struct StoragePlan: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var cluster: String
        public var namespace: String
        public var name: String
        public var source: String
        public var owner: String
        public var sizeBytes: Int?
        public var sourceClass: String?
        public var targetClass: String
        public var reason: String
        public var copyMethod: String
        public var workloadID: Int64?
    }

    public var entries: [Entry]

    /// Totals per target class: (class, volumes, bytes).
    public var totals: [(targetClass: String, volumes: Int, bytes: Int)] {
        Dictionary(grouping: entries, by: \.targetClass).map { ($0.key, $0.value.count, $0.value.reduce(0) { $0 + ($1.sizeBytes ?? 0) }) }
            .sorted { $0.targetClass < $1.targetClass }
    }

    /// Application-level replication, preferred over a file copy for the databases it recognises by image name.
    static let replication: [(String, String)] = [
        ("postgres", "PostgreSQL streaming replication (pg_basebackup a replica on EKS, promote at cutover)"),
        ("mysql", "MySQL replication (a replica on EKS, promote at cutover)"),
        ("mariadb", "MariaDB replication (a replica on EKS, promote at cutover)"),
        ("mongo", "MongoDB replica set: add EKS members, then step down the old primary"),
        ("redis", "Redis replica (REPLICAOF) on EKS, promote at cutover"),
        ("elasticsearch", "snapshot to S3 and restore, then a final incremental snapshot"),
        ("opensearch", "snapshot to S3 and restore, then a final incremental snapshot"),
        ("rabbitmq", "Shovel or federation from the old cluster's queues"),
        ("cassandra", "add an EKS datacenter, nodetool rebuild, then decommission the old one"),
        ("kafka", "MirrorMaker 2 to the EKS brokers"),
        ("zookeeper", "add EKS ensemble members, then remove the old ones"),
        ("etcd", "add EKS members (etcdctl member add), then remove the old ones"),
        ("minio", "mc mirror to S3 or to MinIO on EKS"),
    ]

    public static let gp3 = "gp3 (EBS CSI, encrypted, WaitForFirstConsumer)"
    public static let efs = "efs (EFS CSI, provisioningMode efs-ap)"
    public static let fsxLustre = "fsx-lustre (FSx for Lustre CSI, fsx.csi.aws.com)"
    public static let fsxONTAP = "fsx-ontap (FSx for NetApp ONTAP via Trident)"

    static func build(estates: [Estate], reference: ReferenceData) -> StoragePlan {
        var entries: [Entry] = []
        for estate in estates {
            let classes = estate.provisioners
            let defaultClass = estate.storageClasses.first(where: \.isDefault)?.resource.name
            // The workload that uses a volume decides its copy method.
            var byClaim: [String: Estate.Workload] = [:], byTemplateOwner: [Int64: Estate.Workload] = [:]
            for workload in estate.workloads {
                for volume in workload.volumes where volume.type == "persistentVolumeClaim" {
                    if let claim = volume.reference, byClaim["\(workload.namespace)/\(claim)"] == nil { byClaim["\(workload.namespace)/\(claim)"] = workload }
                }
                for template in workload.claimTemplates where byTemplateOwner[template.resourceID] == nil { byTemplateOwner[template.resourceID] = workload }
                if let id = workload.resourceID, byTemplateOwner[id] == nil, !workload.claimTemplates.isEmpty { byTemplateOwner[id] = workload }
            }
            let claims = Set(estate.volumes.filter { $0.source == "pvc" }.map { "\($0.namespace)/\($0.name)" })
            for volume in estate.volumes {
                let user = volume.source == "template" ? byTemplateOwner[volume.resourceID]
                    : volume.source == "pvc" ? byClaim["\(volume.namespace)/\(volume.name)"] : nil
                let className = volume.storageClass ?? (volume.source == "pv" ? nil : defaultClass)
                let provisioner = className.flatMap { classes[$0] }
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
                if let provisioner, let mapping { reason += "; source \(provisioner) → \(mapping.target)" }
                if volume.source == "pv", let type = volume.volumeType { reason += "; source volume type \(type)" }
                let image = user?.appContainers.compactMap(\.image).map { ImageReference($0).repository.lowercased() } ?? []
                var method = "Velero file-system backup (kopia) and restore, with a final backup at cutover"
                if provisioner == "ebs.csi.aws.com" || provisioner == "kubernetes.io/aws-ebs" || volume.volumeType == "awsElasticBlockStore"
                    || (volume.volumeType ?? "").hasPrefix("csi:ebs") {
                    method = "EBS snapshot (the data is already on AWS), restored in the target zone"
                } else if let match = replication.first(where: { name in image.contains { $0.split(separator: "/").last.map(String.init)?.hasPrefix(name.0) == true } }) {
                    method = match.1
                } else if target == fsxLustre || target == fsxONTAP {
                    method = (mapping?.copy ?? "AWS DataSync") + ", with a final incremental sync at cutover"
                } else if shared {
                    method = "AWS DataSync to EFS, with a final incremental sync at cutover"
                }
                if volume.source == "pv", let claim = volume.volumeName, claims.contains(claim) {
                    continue  // a bound PV moves with its claim
                }
                entries.append(Entry(cluster: estate.cluster.name, namespace: volume.namespace, name: volume.name, source: volume.source,
                                     owner: "\(volume.ownerKind)/\(volume.ownerName)", sizeBytes: volume.sizeBytes, sourceClass: className,
                                     targetClass: target, reason: reason, copyMethod: method, workloadID: user?.id))
            }
        }
        return StoragePlan(entries: entries)
    }

    public var table: Table {
        Table(columns: ["cluster", "namespace", "volume", "source", "size", "from", "to", "copy"], rows: entries.map { entry in
            [.text(entry.cluster), .text(entry.namespace), .text(entry.name), .text(entry.source), .text(entry.sizeBytes.map(Quantity.formatBytes) ?? ""),
             .text(entry.sourceClass ?? "-"), .text(entry.targetClass), .text(entry.copyMethod)]
        })
    }

    /// StorageClass manifests for the target cluster.
    public static let storageClassManifests = """
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
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: efs
        provisioner: efs.csi.aws.com
        reclaimPolicy: Retain
        parameters:
          provisioningMode: efs-ap
          fileSystemId: fs-REPLACE-ME
          directoryPerms: "700"

        """
}
