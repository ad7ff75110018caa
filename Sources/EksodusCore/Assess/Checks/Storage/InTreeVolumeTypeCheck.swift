/// PersistentVolumes and pod volumes written with an in-tree volume type (gcePersistentDisk, rbd, cinder...).
struct InTreeVolumeTypeCheck: Check {
    let info = CheckInfo(
        id: "STO007", title: "In-tree volume type", severity: .warning, category: .storage,
        rationale: "In-tree volume types were removed from Kubernetes or redirected to CSI drivers that EKS does not run.",
        remediation: "Recreate the volume with the mapped EKS CSI driver and copy its data.",
        triggering: ["""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: disk-1}
            spec:
              capacity: {storage: 20Gi}
              accessModes: [ReadWriteOnce]
              gcePersistentDisk: {pdName: disk-1, fsType: ext4}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: disk-1}
            spec:
              capacity: {storage: 20Gi}
              accessModes: [ReadWriteOnce]
              csi: {driver: ebs.csi.aws.com, volumeHandle: vol-0123456789abcdef0}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        for volume in estate.volumes where volume.source == "pv" {
            guard let type = volume.volumeType, let mapping = context.reference.volumeType(type), mapping.kind == "in-tree",
                  let owner = estate.resource(id: volume.resourceID) else { continue }
            findings.append(finding(owner, field: "spec.\(type)", "PersistentVolume \(volume.name) is an in-tree \(type) volume: recreate it on \(mapping.target)"))
        }
        for workload in estate.workloads {
            for volume in workload.volumes {
                guard let mapping = context.reference.volumeType(volume.type), mapping.kind == "in-tree" else { continue }
                findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind)).volumes[\(volume.name)].\(volume.type)",
                                        "volume \(volume.name) is an in-tree \(volume.type) volume: use a PersistentVolumeClaim on \(mapping.target)"))
            }
        }
        return findings
    }
}
