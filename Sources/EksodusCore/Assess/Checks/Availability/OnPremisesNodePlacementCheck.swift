/// nodeSelector and node affinity on labels that EKS nodes will not have.
struct OnPremisesNodePlacementCheck: Check {
    let info = CheckInfo(
        id: "AVL010", title: "Placement on on-premises node labels or hostnames", severity: .warning, category: .availability,
        rationale: "Node names and site-specific labels (racks, hardware, hostnames) do not exist on EKS nodes: the pods stay Pending.",
        remediation: "Select nodes by labels you put on the EKS node groups (or Karpenter NodePools), or by well-known labels (zone, instance type, arch).",
        triggering: [CheckSupport.deployment(pod: "      nodeSelector: {kubernetes.io/hostname: worker-07}\n" + CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(pod: "      nodeSelector: {kubernetes.io/arch: arm64}\n" + CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        for workload in estate.workloads {
            for (key, value) in workload.nodeSelector.sorted(by: { $0.key < $1.key }) where key == "kubernetes.io/hostname" || !CheckSupport.isPortableNodeLabel(key) {
                findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind)).nodeSelector[\(key)]",
                                        "nodeSelector \(key)=\(value) names \(key == "kubernetes.io/hostname" ? "a node" : "a label") EKS nodes will not have"))
            }
            if let affinity = workload.affinity, let node = ManifestText.value(affinity)?["nodeAffinity"] {
                let keys = Self.keys(in: node).filter { $0 == "kubernetes.io/hostname" || !CheckSupport.isPortableNodeLabel($0) }
                for key in Set(keys).sorted() {
                    findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind)).affinity.nodeAffinity",
                                            "node affinity on \(key), a label EKS nodes will not have"))
                }
            }
        }
        return findings
    }

    /// Every `key:` of the match expressions under a node affinity.
    static func keys(in node: ManifestNode) -> [String] {
        switch node {
        case .mapping(let entries):
            return entries.flatMap { entry -> [String] in
                if entry.key == "key", let key = entry.value.string { return [key] }
                return keys(in: entry.value)
            }
        case .sequence(let items): return items.flatMap(keys)
        case .scalar: return []
        }
    }
}
