/// hostPath volumes on the node's root, configuration, credentials, kubelet folder, kernel interfaces or container
/// runtime socket (`NodeTakeover.isSensitive`); the Docker socket is SEC004's.
struct NodeTakeoverHostPathCheck: Check {
    let info = CheckInfo(
        id: "SEC011", title: "hostPath on the node's root, credentials or runtime socket", severity: .blocker, category: .security,
        rationale: "Pod Security Standards baseline forbids hostPath volumes; these are root on the node outright: / and /etc hold its keys and kubelet credentials, /var/lib/kubelet every pod's Secrets and ServiceAccount tokens, the containerd or CRI-O socket starts any container privileged, /proc and /sys are the kernel's. On EKS that node runs other tenants' pods and holds an IAM instance role.",
        remediation: "Remove the volume (read files through a ConfigMap, logs through /var/log or the logging add-on); a real node agent belongs to the platform team, in a namespace labelled for the privileged level. convert holds the workload out until then.",
        triggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer + "\n      volumes: [{name: root, hostPath: {path: /}}]"),
                     CheckSupport.deployment(pod: CheckSupport.goodContainer + "\n      volumes: [{name: cri, hostPath: {path: /run/containerd/containerd.sock}}]"),
                     CheckSupport.deployment(pod: CheckSupport.goodContainer + "\n      volumes: [{name: kubelet, hostPath: {path: /var/lib/kubelet/../kubelet/pods}}]")],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer + "\n      volumes: [{name: logs, hostPath: {path: /var/log}}]"),
                        CheckSupport.deployment(pod: CheckSupport.goodContainer + "\n      volumes: [{name: tz, hostPath: {path: /etc/localtime}}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.volumes.compactMap { volume -> Finding? in
                guard volume.type == "hostPath", let path = volume.reference, NodeTakeover.isSensitive(path),
                      !DockerSocketCheck.socketPaths.contains(path) else { return nil }
                return finding(workload, field: "\(CheckSupport.podPath(workload.kind)).volumes[\(volume.name)].hostPath",
                               "\(workload.label) mounts the node's \(path.visibleLine) (hostPath volume \(volume.name)): root on the node, its credentials or its container runtime; convert does not write it")
            }
        }
    }
}
