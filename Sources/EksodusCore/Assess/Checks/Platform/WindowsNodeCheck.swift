/// Windows nodes in the source cluster: the EKS cluster needs a Windows node group beside its Linux ones.
struct WindowsNodeCheck: Check {
    let info = CheckInfo(
        id: "PLT005", title: "Windows nodes: the EKS cluster needs a Windows node group", severity: .warning, category: .platform,
        // EKS User Guide, "Deploy Windows nodes on EKS clusters" (windows-support): Windows managed node groups on the
        // EKS-optimized Windows Server 2019/2022 AMIs; the cluster keeps at least one Linux node (CoreDNS runs on Linux only);
        // Windows support must be enabled for the VPC CNI.
        rationale: "The compute plan sizes Linux node groups. Windows pods need Windows nodes: EKS runs them in managed node groups on the EKS-optimized Windows Server AMIs, once Windows support is enabled in the cluster (VPC CNI), and the cluster keeps Linux nodes for CoreDNS and the other system pods.",
        remediation: "Add a Windows managed node group (eksctl amiFamily WindowsServer2022FullContainer or WindowsServer2022CoreContainer, sized for the Windows workloads), enable Windows support, and keep nodeSelector kubernetes.io/os: windows on the Windows workloads so Linux pods stay off it.",
        triggering: [NodeFactsSupport.node("win-1", labels: "kubernetes.io/os: windows", info: "architecture: amd64, operatingSystem: windows, kubeletVersion: v1.28.5, containerRuntimeVersion: containerd://1.7.11")],
        nonTriggering: [NodeFactsSupport.node("worker-1", info: "architecture: amd64, operatingSystem: linux, kubeletVersion: v1.28.5, containerRuntimeVersion: containerd://1.7.11")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let windows = estate.workerNodes.filter(\.isWindows)
        guard let first = windows.first else { return [] }
        let workloads = estate.workloads.filter { ($0.nodeSelector["kubernetes.io/os"] ?? $0.nodeSelector["beta.kubernetes.io/os"]) == "windows" }
        let users = workloads.isEmpty ? "no workload selects kubernetes.io/os: windows (check which pods run there)"
            : "\(workloads.count) workload(s) select them: " + workloads.prefix(5).map(\.label.visibleLine).joined(separator: ", ") + (workloads.count > 5 ? " and \(workloads.count - 5) more" : "")
        return [finding(first.resource, field: "status.nodeInfo.operatingSystem",
                        "\(windows.count) source node(s) run Windows (\(NodeFactsSupport.names(windows))); \(users): add a Windows managed node group")]
    }
}
