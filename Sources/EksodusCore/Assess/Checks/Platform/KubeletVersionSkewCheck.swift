/// Source nodes whose kubelet is not at the control plane's minor version.
struct KubeletVersionSkewCheck: Check {
    let info = CheckInfo(
        id: "PLT006", title: "Source kubelets skewed from the control plane", severity: .info, category: .platform,
        // Kubernetes version skew policy: the kubelet must not be newer than kube-apiserver and may be up to three minor
        // versions older (two for kubelets older than 1.25).
        rationale: "Workloads have been running on their nodes' kubelet, not the control plane's version: a cluster that says 1.28 with 1.25 kubelets has tested its pods on 1.25 node behaviour (cgroup driver, runtime, probes). Kubelets newer than the API server, or older than the skew policy allows (three minors, two below 1.25), are unsupported.",
        remediation: "Test the workloads on EKS nodes of the target version before the cutover rather than trust the source cluster's version; upgrade or drain the unsupported nodes on the source first if the migration waits.",
        triggering: ["""
            {"clientVersion": {"major": "1", "minor": "28", "gitVersion": "v1.28.2"}, "serverVersion": {"major": "1", "minor": "28", "gitVersion": "v1.28.9"}}
            ---

            """ + NodeFactsSupport.node("old-1", info: "architecture: amd64, operatingSystem: linux, kubeletVersion: v1.25.16, containerRuntimeVersion: containerd://1.6.28")],
        nonTriggering: ["""
            {"serverVersion": {"major": "1", "minor": "28", "gitVersion": "v1.28.9"}}
            ---

            """ + NodeFactsSupport.node("new-1", info: "architecture: amd64, operatingSystem: linux, kubeletVersion: v1.28.9, containerRuntimeVersion: containerd://1.7.11"),
            NodeFactsSupport.node("unknown-control-plane", info: "architecture: amd64, operatingSystem: linux, kubeletVersion: v1.25.16, containerRuntimeVersion: containerd://1.6.28")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        guard let controlPlane = estate.cluster.kubernetesVersion.flatMap(KubernetesVersion.init) else { return [] }
        let byVersion = Dictionary(grouping: estate.nodes.filter { node in
            node.kubeletVersion.flatMap(KubernetesVersion.init).map { $0 != controlPlane } ?? false
        }, by: { KubernetesVersion($0.kubeletVersion ?? "")! })
        return byVersion.sorted { $0.key < $1.key }.compactMap { version, nodes in
            guard let first = nodes.first else { return nil }
            let behind = (controlPlane.minor - version.minor) + 100 * (controlPlane.major - version.major)
            let allowed = version < KubernetesVersion(major: 1, minor: 25) ? 2 : 3
            let message: String
            let severity: Severity
            if behind < 0 {
                (message, severity) = ("kubelet \(version) is newer than the control plane \(controlPlane), which the skew policy does not support", .warning)
            } else if behind > allowed {
                (message, severity) = ("kubelet \(version) is \(behind) minor versions behind the control plane \(controlPlane), beyond the \(allowed) the skew policy allows", .warning)
            } else {
                (message, severity) = ("kubelet \(version) is \(behind) minor version(s) behind the control plane \(controlPlane): the workloads have run on \(version) nodes", .info)
            }
            return finding(first.resource, field: "status.nodeInfo.kubeletVersion",
                           "\(nodes.count) source node(s) (\(NodeFactsSupport.names(nodes))): \(message); test on EKS \(context.target) nodes", severity: severity)
        }
    }
}
