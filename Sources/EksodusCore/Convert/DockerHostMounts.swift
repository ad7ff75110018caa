/// What a pod mounts from Docker Engine on the node: its socket and its log folder. EKS nodes run containerd only
/// (dockershim left the kubelet in Kubernetes 1.24; EKS User Guide, "Amazon EKS ended support for Dockershim":
/// https://docs.aws.amazon.com/eks/latest/userguide/dockershim-deprecation.html). A hostPath of `type: Socket` that is not
/// there keeps the pod in ContainerCreating (Kubernetes docs, "Volumes", hostPath types:
/// https://kubernetes.io/docs/concepts/storage/volumes/#hostpath), and /var/lib/docker/containers holds no logs there:
/// containerd writes CRI-format lines under /var/log/pods, linked from /var/log/containers. The converter drops these mounts.
enum DockerHostMounts {
    /// The Docker daemon's socket paths (`DockerSocketCheck`, SEC004) and Docker's container folder, where Docker JSON logs were.
    static func isDockerPath(_ path: String) -> Bool {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return DockerSocketCheck.socketPaths.contains(trimmed) || trimmed.hasSuffix("/docker.sock")
            || trimmed == "/var/lib/docker" || trimmed.hasPrefix("/var/lib/docker/")
    }

    struct Dropped {
        var volume: String
        var path: String
    }

    /// The pod spec without Docker's host volumes and every container's mounts of them, with what was dropped.
    static func dropped(from pod: ManifestNode) -> (pod: ManifestNode, dropped: [Dropped]) {
        guard let volumes = pod["volumes"]?.items else { return (pod, []) }
        var dropped: [Dropped] = []
        let kept = volumes.filter { volume in
            guard let path = volume["hostPath", "path"]?.string, isDockerPath(path) else { return true }
            dropped.append(Dropped(volume: volume["name"]?.string ?? "", path: path))
            return false
        }
        guard !dropped.isEmpty else { return (pod, []) }
        let names = Set(dropped.map(\.volume))
        var pod = pod.replacing("volumes", with: kept.isEmpty ? nil : .sequence(kept))
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            guard let containers = pod[list]?.items else { continue }
            pod = pod.replacing(list, with: .sequence(containers.map { container in
                guard let mounts = container["volumeMounts"]?.items else { return container }
                let remaining = mounts.filter { !names.contains($0["name"]?.string ?? "") }
                return container.replacing("volumeMounts", with: remaining.isEmpty ? nil : .sequence(remaining))
            }))
        }
        return (pod, dropped)
    }

    /// Whether some container still reads the node's /var/log (where /var/log/containers and /var/log/pods are).
    static func mountsNodeLogs(_ pod: ManifestNode) -> Bool {
        let names = Set((pod["volumes"]?.items ?? []).compactMap { volume -> String? in
            guard let path = volume["hostPath", "path"]?.string, path == "/var/log" || path == "/var/log/" || path.hasPrefix("/var/log/containers")
                    || path.hasPrefix("/var/log/pods") else { return nil }
            return volume["name"]?.string
        })
        return (pod["containers"]?.items ?? []).contains { container in
            (container["volumeMounts"]?.items ?? []).contains { names.contains($0["name"]?.string ?? "") }
        }
    }

    /// The to-do for the agent, which reads what Docker wrote: logs in CRI format, container metadata from containerd.
    /// Fluent Bit's `cri` multiline parser and fluentd's `cri` parser plugin read CRI lines
    /// (https://docs.fluentbit.io/manual/pipeline/inputs/tail, https://github.com/fluent/fluent-plugin-parser-cri).
    static func todo(_ label: String, dropped: [Dropped], readsNodeLogs: Bool) -> String {
        let paths = dropped.map(\.path).joined(separator: ", ")
        var text = "\(label): Docker's \(paths) dropped (EKS nodes run containerd only; a missing Socket hostPath keeps the pod in ContainerCreating). Before its deploy step: "
        text += "parse container logs as CRI, not Docker JSON (Fluent Bit tail input: `multiline.parser cri`; fluentd: `@type cri` from fluent-plugin-parser-cri) from /var/log/containers/*.log"
        if !readsNodeLogs { text += ", and mount the node's /var/log read-only, where /var/log/containers and /var/log/pods are" }
        text += "; an agent that asked Docker for container metadata reads it from the kubelet or /run/containerd/containerd.sock instead"
        return text
    }
}
