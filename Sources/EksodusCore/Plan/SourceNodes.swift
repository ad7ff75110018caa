/// What the source cluster runs on today, from its Node objects, as the compute plan uses it: the worker nodes' zones,
/// instance types, architectures and allocatable capacity (control-plane nodes left out: EKS runs the control plane).
struct SourceNodes {
    var workers: [Estate.Node]
    var zones: [String]
    /// Instance type → nodes, for the nodes that carry the label.
    var instanceTypes: [String: Int]
    var allocatableCPU: Int
    var allocatableMemory: Int

    init(_ estate: Estate) {
        workers = estate.workerNodes.filter { !$0.isWindows }
        zones = Array(Set(workers.compactMap(\.zone))).sorted()
        instanceTypes = Dictionary(workers.compactMap(\.instanceType).map { ($0, 1) }, uniquingKeysWith: +)
        allocatableCPU = workers.reduce(0) { $0.saturatingAdding($1.cpuAllocatable ?? 0) }
        allocatableMemory = workers.reduce(0) { $0.saturatingAdding($1.memoryAllocatable ?? 0) }
    }

    /// Every Linux worker is arm64: the workloads' images already run on Arm, so the plan takes Graviton families.
    var allArm64: Bool { !workers.isEmpty && workers.allSatisfy { $0.architecture == "arm64" } }
    var arm64Count: Int { workers.filter { $0.architecture == "arm64" }.count }

    /// Zones to plan for when --zones is not given: as many as the source nodes span, at least the two EKS needs
    /// (EKS User Guide, network-reqs: "at least two subnets that are in different Availability Zones") and at most the six
    /// --zones takes. eksctl, given no zones, picks its own (three in most regions), so the plan's note asks for --zones.
    var plannedZoneCount: Int? { zones.isEmpty ? nil : min(max(zones.count, 2), 6) }

    /// The Graviton family for an x86 family the plan would choose (data/instance-types.yaml has m7g and r7g).
    static func graviton(_ family: String) -> String { family.hasPrefix("r") ? "r7g" : "m7g" }

    /// One line about today's nodes for the plan's notes, or nil when the export held no Node.
    func note(plannedCPU: Int, plannedMemory: Int) -> String? {
        guard !workers.isEmpty else { return nil }
        let gib = 1_073_741_824.0
        let types = instanceTypes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(6).map { "\($0.key.visibleLine) ×\($0.value)" }
        var parts = ["Today: \(workers.count) Linux worker node(s)"]
        if !types.isEmpty { parts.append("(" + types.joined(separator: ", ") + (instanceTypes.count > 6 ? ", …" : "") + ")") }
        if !zones.isEmpty { parts.append("in \(zones.count) zone(s) (\(zones.prefix(6).map(\.visibleLine).joined(separator: ", ")))") }
        if arm64Count > 0 { parts.append("\(arm64Count) of them arm64") }
        var line = parts.joined(separator: " ")
        if allocatableCPU > 0 {
            line += String(format: ", %.1f vCPU and %.0f GiB allocatable", Double(allocatableCPU) / 1000, Double(allocatableMemory) / gib)
            if plannedCPU > 0 {
                line += String(format: "; the planned worker groups at their maximum size allocate about %.1f vCPU and %.0f GiB", Double(plannedCPU) / 1000, Double(plannedMemory) / gib)
            }
        }
        return line + "."
    }
}
