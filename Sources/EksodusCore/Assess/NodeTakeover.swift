/// The pod settings that hand a pod its node (Pod Security Standards, "baseline": https://kubernetes.io/docs/concepts/security/pod-security-standards/
/// forbids every hostPath volume; these are the ones that are root on the node outright) or the EKS system node group: the
/// node's root, configuration and credentials, the kubelet's folder (every pod's Secrets and ServiceAccount tokens), the
/// container runtime's socket (start any container, privileged), the kernel's interfaces; a toleration of the system
/// group's taint, which puts the pod beside the AWS Load Balancer Controller and the cluster autoscaler and their IAM roles.
/// Read from a pod spec (a stored body or the object convert writes), so the checks and convert's hold agree.
enum NodeTakeover {
    /// Paths that are the node's own at and below them. Read-only does not help: /etc/shadow, /var/lib/kubelet/pki (the
    /// node's client certificate) and the Secrets under /var/lib/kubelet/pods are read, not written, to take the node.
    static let sensitiveTrees = ["/etc", "/var/lib/kubelet", "/proc", "/sys", "/root", "/home", "/dev", "/boot",
                                 "/run/containerd", "/var/run/containerd", "/var/lib/containerd", "/run/crio", "/var/run/crio", "/var/lib/crio"]
    /// Folders that hold the trees above (a mount of /var/run holds every runtime socket): sensitive themselves, not below.
    static let sensitiveFolders = ["/", "/var", "/var/lib", "/run", "/var/run", "/usr"]
    /// The node's clock and zone, mounted read-only by many applications: they give nothing away.
    static let harmless = ["/etc/localtime", "/etc/timezone"]

    /// `path` with `//`, `.` and `..` resolved and no trailing `/`, as the kubelet mounts it; nil when it is not absolute.
    static func normalized(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isSensitive(_ path: String) -> Bool {
        guard let path = normalized(path), !harmless.contains(path) else { return false }
        if sensitiveFolders.contains(path) { return true }
        // The runtimes' sockets wherever they sit (`/run/containerd/containerd.sock`, `/var/run/crio/crio.sock`).
        if path.hasSuffix("/containerd.sock") || path.hasSuffix("/crio.sock") { return true }
        return sensitiveTrees.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// The pod's hostPath volumes on sensitive paths, as (volume, path as written).
    static func sensitiveHostPaths(_ pod: ManifestNode?) -> [(volume: String, path: String)] {
        (pod?["volumes"]?.items ?? []).compactMap { volume in
            guard let path = volume["hostPath", "path"]?.string, isSensitive(path) else { return nil }
            return (volume["name"]?.string ?? "?", path)
        }
    }

    /// The pod's tolerations that admit it to the system node group (`CriticalAddonsOnly=true:NoSchedule`): `operator:
    /// Exists` with no key tolerates every taint; a toleration of CriticalAddonsOnly itself, that one. Each as written.
    static func systemNodeTolerations(_ pod: ManifestNode?) -> [String] {
        let taint = SystemNodeTaint.system
        return (pod?["tolerations"]?.items ?? []).compactMap { toleration in
            let key = toleration["key"]?.string ?? ""
            let op = toleration["operator"]?.string ?? "Equal"
            let effect = toleration["effect"]?.string ?? ""
            guard effect.isEmpty || effect == taint.effect else { return nil }
            let matches = key.isEmpty ? op == "Exists" : key == taint.key && (op == "Exists" || (toleration["value"]?.string ?? "") == taint.value)
            guard matches else { return nil }
            return "{" + [key.isEmpty ? nil : "key: \(key)", "operator: \(op)", effect.isEmpty ? nil : "effect: \(effect)"].compactMap { $0 }.joined(separator: ", ") + "}"
        }
    }

    /// Why convert must not write a workload (kind `kind`, pod spec `pod`): empty when nothing takes its node. A DaemonSet's
    /// tolerations are not among them: it runs on every node by design, and the compute plan gives node agents that
    /// toleration itself (its hostPath volumes still are).
    static func reasons(_ pod: ManifestNode?, kind: String) -> [String] {
        var reasons = sensitiveHostPaths(pod).map { "hostPath volume \($0.volume) mounts the node's \($0.path.visibleLine)" }
        if kind != "DaemonSet" {
            reasons += systemNodeTolerations(pod).map { "toleration \($0.visibleLine) admits it to the system node group, beside the AWS Load Balancer Controller and cluster autoscaler and their IAM roles" }
        }
        return reasons
    }
}

/// The taint of the plan's system node group, as the assessment knows it (the compute plan, a higher layer, taints the
/// group with the same: `NodeTakeoverTests` checks they agree).
enum SystemNodeTaint {
    static let system = (key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule")
}
