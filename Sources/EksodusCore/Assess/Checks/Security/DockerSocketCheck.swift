/// Pods that mount the Docker daemon's socket.
struct DockerSocketCheck: Check {
    static let socketPaths: Set<String> = ["/var/run/docker.sock", "/run/docker.sock", "/var/run/dockershim.sock", "/var/run/docker", "/run/docker"]

    let info = CheckInfo(
        id: "SEC004", title: "Docker socket mounted", severity: .blocker, category: .security,
        rationale: "EKS nodes run containerd, not Docker (dockershim left Kubernetes in 1.24): the socket is not there, and mounting it was root on the node anyway.",
        remediation: "Build images with Kaniko, BuildKit or CI runners off the cluster; read container logs and metadata from /var/log/pods or the containerd socket instead.",
        triggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer + "\n      volumes: [{name: docker, hostPath: {path: /var/run/docker.sock}}]")],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer + "\n      volumes: [{name: logs, hostPath: {path: /var/log}}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.volumes.compactMap { volume -> Finding? in
                guard volume.type == "hostPath", let path = volume.reference, Self.socketPaths.contains(path) else { return nil }
                return finding(workload, field: "\(CheckSupport.podPath(workload.kind)).volumes[\(volume.name)].hostPath",
                               "\(workload.label) mounts the Docker socket \(path): EKS nodes run containerd, there is no Docker daemon")
            }
        }
    }
}
