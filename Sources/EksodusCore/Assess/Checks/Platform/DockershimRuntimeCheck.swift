/// Source nodes that run their containers through Docker Engine (dockershim).
struct DockershimRuntimeCheck: Check {
    let info = CheckInfo(
        id: "PLT004", title: "Source nodes run Docker Engine (dockershim); EKS nodes run containerd", severity: .warning, category: .platform,
        // Kubernetes 1.24 removed dockershim from the kubelet (Kubernetes blog, "Updated: Dockershim Removal FAQ", 2022-02-17);
        // the EKS AMIs published for 1.24 and later include containerd as the only runtime (EKS User Guide, kubernetes-versions-standard,
        // and "Amazon EKS ended support for Dockershim"); awslabs/amazon-eks-ami releases do not install Docker on 1.25+ AMIs.
        rationale: "Kubernetes 1.24 removed dockershim from the kubelet, and EKS nodes for 1.24 and later run containerd only. What works on these nodes because Docker is there stops working on EKS: the Docker socket, `docker` commands run on the node, log agents reading /var/lib/docker/containers, images built with Docker-in-Docker.",
        remediation: "Find the node agents and workloads that use Docker itself (eksodus SEC004 finds Docker socket mounts): point log collection at the CRI logs in /var/log/pods, build images with Kaniko, BuildKit or CodeBuild, and test the agents on a containerd node before the cutover.",
        triggering: [NodeFactsSupport.node("worker-1", info: "architecture: amd64, operatingSystem: linux, kubeletVersion: v1.23.17, containerRuntimeVersion: docker://20.10.21")],
        nonTriggering: [NodeFactsSupport.node("worker-1", info: "architecture: amd64, operatingSystem: linux, kubeletVersion: v1.28.5, containerRuntimeVersion: containerd://1.7.11")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let docker = estate.workerNodes.filter { $0.containerRuntime?.lowercased().hasPrefix("docker://") == true }
        guard let first = docker.first else { return [] }
        let versions = Set(docker.compactMap(\.containerRuntime)).sorted().joined(separator: ", ")
        return [finding(first.resource, field: "status.nodeInfo.containerRuntimeVersion",
                        "\(docker.count) of \(estate.workerNodes.count) source nodes run Docker Engine (\(versions.visibleLine)): \(NodeFactsSupport.names(docker)); EKS \(context.target) nodes run containerd, so anything that relies on Docker on the node must change")]
    }
}
