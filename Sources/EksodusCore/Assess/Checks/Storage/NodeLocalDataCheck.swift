/// Data that lives on one node's disk: local PersistentVolumes, node-local provisioners, hostPath volumes.
struct NodeLocalDataCheck: Check {
    let info = CheckInfo(
        id: "STO004", title: "Data bound to a node", severity: .warning, category: .storage,
        rationale: "Node-local data (local PVs, local-path or OpenEBS local classes, hostPath) cannot be reached from EKS nodes and is lost when a node is replaced.",
        remediation: "Move the data to EBS (gp3, one volume per replica) with Velero file-system backup or the application's own replication; keep hostPath only for node agents.",
        triggering: ["""
            apiVersion: v1
            kind: Pod
            metadata: {name: cache, namespace: shop}
            spec:
              containers: [{name: cache, image: redis:7.2, volumeMounts: [{name: data, mountPath: /data}]}]
              volumes: [{name: data, hostPath: {path: /srv/cache}}]
            """, """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data, namespace: shop}
            spec: {accessModes: [ReadWriteOnce], storageClassName: local-path, resources: {requests: {storage: 5Gi}}}
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: local-path}
            provisioner: rancher.io/local-path
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Pod
            metadata: {name: cache, namespace: shop}
            spec:
              containers: [{name: cache, image: redis:7.2, volumeMounts: [{name: data, mountPath: /data}]}]
              volumes: [{name: data, emptyDir: {}}]
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        let classes = estate.provisioners
        for volume in estate.volumes {
            guard let owner = estate.resource(id: volume.resourceID) else { continue }
            if volume.source == "pv" {
                if volume.volumeType == "local" || volume.volumeType == "hostPath" {
                    findings.append(finding(owner, field: "spec.\(volume.volumeType ?? "local")",
                                            "PersistentVolume \(volume.name) is a \(volume.volumeType ?? "local") volume on one node: move its data to EBS gp3"))
                }
                continue
            }
            guard let className = volume.storageClass, let provisioner = classes[className],
                  context.reference.provisioner(provisioner)?.kind == "node-local" else { continue }
            findings.append(finding(owner, field: volume.source == "template" ? "spec.volumeClaimTemplates[\(volume.name)]" : "spec.storageClassName",
                                    "claim \(volume.name) uses \(className) (\(provisioner)), node-local storage: its data must be copied to EBS gp3"))
        }
        for workload in estate.workloads {
            for volume in workload.volumes where volume.type == "hostPath" {
                let path = volume.reference ?? "?"
                guard !DockerSocketCheck.socketPaths.contains(path) else { continue }
                findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind)).volumes[\(volume.name)].hostPath",
                                        "hostPath \(path) ties the pod to a node's disk: use EBS, an emptyDir, or keep it only for a node agent (DaemonSet)",
                                        severity: workload.kind == "DaemonSet" ? .info : .warning))
            }
        }
        return findings
    }
}
