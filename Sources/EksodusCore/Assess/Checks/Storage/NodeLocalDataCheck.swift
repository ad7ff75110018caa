/// Data that lives on one node's disk: local PersistentVolumes, node-local provisioners, hostPath volumes.
struct NodeLocalDataCheck: Check {
    let info = CheckInfo(
        id: "STO004", title: "Data bound to a node", severity: .warning, category: .storage,
        rationale: "Node-local data (local PVs, local-path or OpenEBS local classes, hostPath) cannot be reached from EKS nodes and is lost when a node is replaced.",
        remediation: "Move the data to EBS (gp3, one volume per replica): local PVs with Velero file-system backup or the application's own replication; hostPath data (which Velero's file-system backup does not support) by a copy from the node (rsync or tar to the new volume) or the application's replication.",
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
            """, """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: node-agent, namespace: monitoring}
            spec:
              selector: {matchLabels: {app: node-agent}}
              template:
                metadata: {labels: {app: node-agent}}
                spec:
                  containers:
                  - name: agent
                    image: quay.io/prometheus/node-exporter:v1.8.2
                    volumeMounts: [{name: certs, mountPath: /etc/ssl/certs, readOnly: true}, {name: root, mountPath: /host, readOnly: true}, {name: tmp, mountPath: /tmp}]
                  volumes: [{name: certs, hostPath: {path: /etc/ssl/certs}}, {name: root, hostPath: {path: /srv}}, {name: tmp, hostPath: {path: /tmp}}]
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
        // Judged by what is mounted, not by kind: CA bundles, sockets, logs, scratch and read-only mounts hold no data.
        for workload in estate.workloads {
            for volume in WorkloadProfile.nodeLocalData(workload, reference: context.reference) where volume.type == "hostPath" {
                findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind)).volumes[\(volume.name)].hostPath",
                                        "hostPath \(volume.reference ?? "?") holds data on one node's disk, which Velero's file-system backup cannot copy: copy it from the node to EBS, or make it an emptyDir if it is only a cache"))
            }
        }
        return findings
    }
}
