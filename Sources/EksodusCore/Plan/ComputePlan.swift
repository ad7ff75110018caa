/// Node groups, Fargate profiles, pod IP needs and autoscaling for one target EKS cluster, from the workloads' requests,
/// their measured usage (`kubectl top pods`, PodMetrics) and the source nodes (`SourceNodes`) when the export has them.
public struct ComputePlan: Sendable, Codable {
    public struct Taint: Sendable, Equatable, Codable {
        public var key: String
        public var value: String
        public var effect: String

        public var text: String { "\(key)=\(value):\(effect)" }
        /// The toleration a pod spec needs to run on nodes with this taint.
        public var toleration: String { "{key: \(key), operator: Equal, value: \"\(value)\", effect: \(effect)}" }
        /// The same toleration as a node, for the JSON and YAML eksodus writes (`JSONWriter.string(taint.tolerationNode)`).
        var tolerationNode: ManifestNode {
            .mapping([("key", .string(key)), ("operator", .string("Equal")), ("value", .string(value)), ("effect", .string(effect))])
        }
    }

    public struct NodeGroup: Sendable, Codable {
        public var name: String
        public var instanceTypes: [String]
        public var spot: Bool
        public var zones: [String]
        public var minSize: Int
        public var desired: Int
        public var maxSize: Int
        public var labels: [String: String]
        public var taints: [Taint]
        public var purpose: String
        /// With prefix delegation (the plan turns it on): 110, or 250 above 30 vCPU.
        public var maxPods: Int
        public var architecture: String
        /// eksctl `amiFamily` when not AmazonLinux2023 (the Windows group's).
        public var amiFamily: String? = nil
        public var isWindows: Bool { amiFamily?.hasPrefix("Windows") == true }
    }

    public struct FargateProfile: Sendable, Codable {
        public var name: String
        public var namespaces: [String]
    }

    /// Where one workload runs, and the toleration its pod template must get to run there.
    public struct Placement: Sendable, Codable {
        public var workload: String
        public var target: String
        public var toleration: String?
    }

    public var cluster: String
    public var eksClusterName: String
    public var nodeGroups: [NodeGroup]
    public var fargateProfiles: [FargateProfile]
    /// A namespace Fargate could run that stays on EC2 nodes, and why.
    public struct KeptOffFargate: Sendable, Codable {
        public var namespace: String
        public var reason: String
    }

    public var keptOffFargate: [KeptOffFargate]
    public var placements: [Placement]
    public var addons: [String]
    public var networkPolicy: Bool
    /// Addresses the pods, nodes and warm pools can take at the node groups' maximum sizes.
    public var podIPs: Int
    public var subnetPrefix: Int
    /// Zones the plan pins groups to (given with --zones); empty: eksctl picks them.
    public var zones: [String]
    public var landingZone: LandingZoneOptions
    public var autoscaler: String
    /// "IRSA" or "EKS Pod Identity", one for the whole cluster (`IdentityPlan.choose`).
    public var identityMechanism: String = "EKS Pod Identity"
    public var notes: [String]
    /// Why no eksctl config can be written for this cluster; empty when one can.
    public var problems: [String]
    /// The VPC and Service CIDRs, clear of the on-premises networks (nil in plans stored before they were chosen).
    public var addressing: VPCAddressing? = nil
    /// Stateful workloads on EBS but no zones to pin their groups to: what the team must decide before the cluster.
    public var zoneDecision: String? = nil
    /// The team's log shippers that move with the platform (Fluent Bit, Fluentd, ...): the observability add-on then ships
    /// no container logs of its own (nil in plans stored before it was decided).
    public var logShippers: [String]? = nil

    public static let spotTaint = Taint(key: "spot", value: "true", effect: "NoSchedule")
    /// The usual taint of a system node group: CoreDNS and the EKS add-ons' controllers tolerate it.
    public static let systemTaint = Taint(key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule")
    /// Keeps Linux pods that select no OS off the Windows nodes, where they cannot start.
    public static let windowsTaint = Taint(key: "os", value: "windows", effect: "NoSchedule")
    /// Keeps stateless pods off the stateful groups: untainted, the scheduler filled them with whatever fitted, and the
    /// stateful workloads landed on `general`, a group over every zone, where the Cluster Autoscaler cannot add a node in
    /// a volume's zone. The stateful workloads get its toleration and the groups' label (`statefulLabel`) from convert.
    public static let statefulTaint = Taint(key: "stateful", value: "true", effect: "NoSchedule")
    /// The label every stateful group carries (per zone or not): a stateful workload's nodeSelector.
    public static let statefulLabel = (key: "role", value: "stateful")
    /// The system group's label: what the cluster's own controllers select, beside its taint's toleration.
    static let systemLabel = (key: "role", value: "system")
    /// EKS service quota "Nodes per managed node group" (EKS User Guide, service-quotas).
    static let nodesPerGroup = 450
    /// EKS service quotas "Fargate profiles per cluster" and "Selectors per Fargate profile" (EKS User Guide, service-quotas).
    static let fargateProfileQuota = 10, fargateSelectorQuota = 5
    /// Spot gives two minutes' notice: a pod that needs longer to stop is not interruption-tolerant.
    static let spotGraceSeconds = 120
    /// eksctl's own VPC: 192.168.0.0/16 in /19 subnets (eksctl User Guide, "VPC Configuration").
    static let eksctlSubnetPrefix = 19
    /// Zones assumed for sizing when none are given: eksctl uses two in some regions, and fewer zones mean bigger subnets.
    static let assumedZones = 2
    /// Requests assumed for a container that declares none.
    static let defaultCPU = 100, defaultMemory = 128 * 1_048_576
    /// What the EKS DaemonSets take on every node: aws-node, kube-proxy, eks-pod-identity-agent, ebs-csi-node.
    static let eksDaemonSets = Demand(cpu: 150, memory: 200 * 1_048_576, pods: 4)
    static let sizes = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]
    static let gib = 1_073_741_824.0

    struct Demand: Sendable { var cpu = 0, memory = 0, pods = 0 }

    /// A pod's requests, or what one of its pods was measured using when that is more: requests that undersell a
    /// workload would pack it onto too few nodes.
    static func perPod(_ workload: Estate.Workload, measured: Estate.MeasuredUsage? = nil) -> Demand {
        let cpu = workload.appContainers.reduce(0) { $0.saturatingAdding($1.cpuRequest ?? defaultCPU) }
        let memory = workload.appContainers.reduce(0) { $0.saturatingAdding($1.memoryRequest ?? defaultMemory) }
        return Demand(cpu: max(cpu, measured?.cpu ?? 0), memory: max(memory, measured?.memory ?? 0), pods: 1)
    }

    static func demand(_ workloads: [Estate.Workload], measured: [Int64: Estate.MeasuredUsage] = [:]) -> Demand {
        var total = Demand()
        for workload in workloads {
            let replicas = max(1, workload.replicas ?? 1), pod = perPod(workload, measured: measured[workload.id])
            total.cpu = total.cpu.saturatingAdding(pod.cpu.saturatingMultiplied(by: replicas))
            total.memory = total.memory.saturatingAdding(pod.memory.saturatingMultiplied(by: replicas))
            total.pods = total.pods.saturatingAdding(replicas)
        }
        return total
    }

    /// `demand(workloads).pods` without working out each pod's requests.
    static func pods(_ workloads: [Estate.Workload]) -> Int {
        workloads.reduce(0) { $0.saturatingAdding(max(1, $1.replicas ?? 1)) }
    }

    /// Why a workload may not run on Spot, or nil when it is stateless, replicated and interruption-tolerant.
    /// `noEviction`: a PodDisruptionBudget of it allows no eviction: its owners said no pod may go, and Spot takes the
    /// node back after two minutes whatever the budget says.
    static func spotRefusal(_ workload: Estate.Workload, stateful: Bool, blocked: Bool, noEviction: Bool = false) -> String? {
        if stateful { return "stateful" }
        if !workload.isService { return "not a long-running replicated service" }
        if (workload.replicas ?? 1) < 2 { return "single replica" }
        if blocked { return "has blockers" }
        if let grace = workload.terminationGrace, grace > spotGraceSeconds { return "needs \(grace)s to stop, Spot gives 120s" }
        if noEviction { return "its PodDisruptionBudget allows no eviction" }
        if let word = moneyWord(workload) { return "handles money (\(word)): on-demand until its owners accept interruptions (optimize:spot)" }
        return nil
    }

    /// Words in a workload's name or its app labels that say it moves money: a payment cut off mid-request by a Spot
    /// interruption is a charge taken twice or lost, which no one signs for by default.
    static let moneyWords = ["payment", "billing", "invoice", "ledger", "wallet", "checkout", "settlement", "payout", "refund"]

    static func moneyWord(_ workload: Estate.Workload) -> String? {
        let names = [workload.name] + ["app", "app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of"]
            .compactMap { workload.templateLabels[$0] }
        for name in names {
            let lowered = name.lowercased()
            if let word = moneyWords.first(where: { lowered.contains($0) }) { return word }
        }
        return nil
    }

    struct Sizing {
        var instanceTypes: [String]
        var minSize: Int, desired: Int, maxSize: Int
        var maxPods: Int
        var problem: String?
    }

    static func build(estate: Estate, profiles: [Int64: WorkloadProfile], blocked: Set<Int64>, setApart: Set<Int64>,
                      reference: ReferenceData, landingZone: LandingZoneOptions = LandingZoneOptions(), region: String = "",
                      addressing chosen: VPCAddressing? = nil) -> ComputePlan {
        let source = SourceNodes(estate)
        // Without --zones, source nodes that ran in zones of the target region (kops or self-managed Kubernetes on EC2) give them.
        let sourceZones = landingZone.zones.isEmpty && !region.isEmpty && !source.zones.isEmpty
            && (try? LandingZoneOptions(zones: source.zones).validate(region: region)) != nil ? source.zones : []
        let zones = landingZone.zones.isEmpty ? sourceZones : landingZone.zones
        let measured = estate.measuredUsage()
        /// Every source worker is arm64: Graviton for every group (the images already run on Arm).
        func family(_ x86: String) -> String { source.allArm64 ? SourceNodes.graviton(x86) : x86 }
        let groupArchitecture = source.allArm64 ? "arm64" : "x86_64"
        let daemonSets = estate.workloads.filter { $0.kind == "DaemonSet" && !setApart.contains($0.id) }
        var perNode = demand(daemonSets, measured: measured)
        perNode.cpu = perNode.cpu.saturatingAdding(eksDaemonSets.cpu)
        perNode.memory = perNode.memory.saturatingAdding(eksDaemonSets.memory)
        perNode.pods = perNode.pods.saturatingAdding(eksDaemonSets.pods)
        let apps = estate.workloads.filter { !["DaemonSet", "Job", "CronJob"].contains($0.kind) && !setApart.contains($0.id) }
        let batch = estate.workloads.filter { ["Job", "CronJob"].contains($0.kind) && !setApart.contains($0.id) }
        let policyNamespaces = Set(estate.resources(kind: "NetworkPolicy").map(\.namespace))
        let windowsIDs = Set((apps + batch).filter(\.selectsWindows).map(\.id))

        // Namespaces whose every workload Fargate can run, stateless, become Fargate profiles, unless NetworkPolicies
        // guard them: the VPC CNI enforces policies on EC2 Linux nodes only, not on Fargate (EKS User Guide, cni-network-policy).
        var fargateNamespaces: [String] = []
        var keptOffFargate: [KeptOffFargate] = []
        for (namespace, members) in Dictionary(grouping: apps + batch, by: \.namespace).sorted(by: { $0.key < $1.key }) {
            let eligible = members.allSatisfy { profiles[$0.id]?.fargateEligible == true && profiles[$0.id]?.stateful == false }
            let hasDaemonSet = daemonSets.contains { $0.namespace == namespace }
            // Windows pods need Windows EC2 nodes, not Fargate (EKS User Guide, windows-support).
            guard eligible && !hasDaemonSet && !members.isEmpty && !members.contains(where: { windowsIDs.contains($0.id) }) else { continue }
            if policyNamespaces.contains(namespace) {
                keptOffFargate.append(KeptOffFargate(namespace: namespace, reason: "NetworkPolicies select its pods, and VPC CNI network policies are not enforced on Fargate"))
            } else if fargateNamespaces.count == fargateProfileQuota * fargateSelectorQuota {
                keptOffFargate.append(KeptOffFargate(namespace: namespace, reason: "the cluster's Fargate profiles are full (\(fargateProfileQuota) profiles of \(fargateSelectorQuota) namespace selectors)"))
            } else {
                fargateNamespaces.append(namespace)
            }
        }
        let onFargate = Set(fargateNamespaces)
        let ec2 = (apps + batch).filter { !onFargate.contains($0.namespace) }
        let windows = ec2.filter { windowsIDs.contains($0.id) }
        let arm = ec2.filter { $0.requiredArchitecture == "arm64" && !windowsIDs.contains($0.id) }
        let armIDs = Set(arm.map(\.id))
        // Graviton only for images known to run on Arm: those that select arm64, or every workload when every source node
        // is arm64 (they run there today). One that selects amd64 keeps an x86 group even then; with no evidence, x86.
        let amd64Pinned = source.allArm64 ? ec2.filter { $0.requiredArchitecture == "amd64" && !windowsIDs.contains($0.id) } : []
        let amd64IDs = Set(amd64Pinned.map(\.id))
        let x86 = ec2.filter { !armIDs.contains($0.id) && !windowsIDs.contains($0.id) && !amd64IDs.contains($0.id) }
        let stateful = x86.filter { profiles[$0.id]?.stateful == true }
        let noEviction = Set(BlockingPodDisruptionBudgetCheck.blocking(in: estate).flatMap { $0.covered.map(\.id) })
        let spot = x86.filter {
            spotRefusal($0, stateful: profiles[$0.id]?.stateful ?? true, blocked: blocked.contains($0.id), noEviction: noEviction.contains($0.id)) == nil
        }
        let spotIDs = Set(spot.map(\.id)), statefulIDs = Set(stateful.map(\.id))
        let general = x86.filter { !spotIDs.contains($0.id) && !statefulIDs.contains($0.id) }
        let zoneCount = zones.isEmpty ? source.plannedZoneCount ?? assumedZones : zones.count

        /// The smallest instance size of `families` (the first is the group's own; the others, same size, diversify Spot)
        /// on which the DaemonSets take at most half a node, the largest pod fits, and the group stays within half the
        /// managed node group quota; else the largest that was tried, with the reason as a problem.
        func size(_ workloads: [Estate.Workload], families: [String], from smallest: String, minimum: Int, zones: Int = 1, role: String) -> Sizing {
            let need = demand(workloads, measured: measured)
            let largest = workloads.map { perPod($0, measured: measured[$0.id]) }.reduce(Demand()) { Demand(cpu: max($0.cpu, $1.cpu), memory: max($0.memory, $1.memory), pods: 1) }
            var fallback: Sizing?
            var largestTried = families[0] + "." + smallest
            var reason = "\(role) node group: no \(families[0]) instance type in data/instance-types.yaml"
            for name in sizes.drop(while: { $0 != smallest }) {
                guard let instance = reference.instanceType("\(families[0]).\(name)") else { continue }
                largestTried = instance.type
                let types = families.map { "\($0).\(name)" }.filter { reference.instanceType($0) != nil }
                // Allocatable: about 80% of the instance after kube-reserved, system-reserved and eviction thresholds.
                let allocatableCPU = Double(instance.vcpu * 1000) * 0.8, allocatableMemory = Double(instance.memoryGiB) * gib * 0.8
                let maxPods = instance.maxPodsWithPrefixDelegation
                let usableCPU = allocatableCPU - Double(perNode.cpu), usableMemory = allocatableMemory - Double(perNode.memory)
                let usablePods = maxPods - perNode.pods
                guard usableCPU >= allocatableCPU / 2, usableMemory >= allocatableMemory / 2, usablePods >= maxPods / 2 else {
                    // The same for every group: one problem for the cluster.
                    reason = "DaemonSets request \(perNode.cpu)m CPU, \(perNode.memory / 1_048_576) MiB and \(perNode.pods) pods on every node, more than half of the largest instance sizes planned; lower their requests, run fewer node agents"
                    continue
                }
                guard Double(largest.cpu) <= usableCPU, Double(largest.memory) <= usableMemory else {
                    reason = "\(role) node group: a pod requests \(largest.cpu)m CPU and \(largest.memory / 1_048_576) MiB, more than a \(instance.type) has left beside the DaemonSets; lower the requests"
                    continue
                }
                let nodes = [Double(need.cpu) / usableCPU, Double(need.memory) / usableMemory, Double(need.pods) / Double(usablePods)]
                    .map { Int($0.rounded(.up)) }.max() ?? 0
                let desired = max(minimum, Int((Double(nodes) / Double(zones)).rounded(.up)))
                let sizing = Sizing(instanceTypes: types, minSize: minimum, desired: min(desired, nodesPerGroup),
                                    maxSize: min(max(desired * 2, minimum + 2), nodesPerGroup), maxPods: maxPods)
                if desired <= nodesPerGroup / 2 { return sizing }
                fallback = sizing
                reason = "\(role) node group: needs \(desired) nodes of \(instance.type), more than half the \(nodesPerGroup)-node quota of a managed node group; lower the requests"
            }
            var refused = fallback ?? Sizing(instanceTypes: [largestTried], minSize: minimum, desired: minimum, maxSize: minimum + 2,
                                             maxPods: reference.instanceType(largestTried)?.maxPodsWithPrefixDelegation ?? 110)
            refused.problem = reason + " or split the cluster"
            return refused
        }

        var groups: [NodeGroup] = []
        var problems: [String] = []
        func add(_ name: String, _ sizing: Sizing, spot: Bool = false, zones: [String] = [], labels: [String: String], taints: [Taint] = [],
                 purpose: String, architecture: String? = nil, amiFamily: String? = nil) {
            if let problem = sizing.problem, !problems.contains(problem) { problems.append(problem) }
            groups.append(NodeGroup(name: name, instanceTypes: sizing.instanceTypes, spot: spot, zones: zones, minSize: sizing.minSize,
                                    desired: sizing.desired, maxSize: sizing.maxSize, labels: labels, taints: taints, purpose: purpose,
                                    maxPods: sizing.maxPods, architecture: architecture ?? groupArchitecture, amiFamily: amiFamily))
        }
        add("system", size([], families: [family("m6i")], from: "large", minimum: 2, role: "system"), labels: [systemLabel.key: systemLabel.value], taints: [systemTaint],
            purpose: "add-ons and controllers (CoreDNS, Load Balancer Controller, Cluster Autoscaler, CSI controllers)")
        if !general.isEmpty {
            add("general", size(general, families: [family("m6i")], from: "xlarge", minimum: 2, role: "general"), labels: ["role": "general"],
                purpose: "\(general.count) on-demand workloads (single replica, batch, slow to stop, blocked, no eviction allowed, or handling money)")
        }
        if !spot.isEmpty {
            add("spot", size(spot, families: source.allArm64 ? ["m7g"] : ["m6i", "m6a", "m5", "m7i"], from: "xlarge", minimum: 2, role: "spot"), spot: true,
                labels: ["role": "spot-tolerant"], taints: [spotTaint],
                purpose: "\(spot.count) replicated stateless workloads that tolerate \(spotTaint.text) (2-minute interruption notice)")
        }
        if !stateful.isEmpty {
            let heavy = demand(stateful, measured: measured)
            // More than 6 GiB requested per vCPU: memory-optimised instances.
            let statefulFamily = family(Double(heavy.memory) / gib / (Double(max(heavy.cpu, 1)) / 1000) > 6 ? "r6i" : "m6i")
            let purpose = "\(stateful.count) stateful workloads on EBS"
            if zones.isEmpty {
                add("stateful", size(stateful, families: [statefulFamily], from: "xlarge", minimum: 1, role: "stateful"), labels: [statefulLabel.key: statefulLabel.value],
                    taints: [statefulTaint], purpose: purpose + " (one group over all zones: give --zones for one group per zone)")
            } else {
                let sizing = size(stateful, families: [statefulFamily], from: "xlarge", minimum: 1, zones: zones.count, role: "stateful")
                for zone in zones {
                    add("stateful-\(zone.suffix(1))", sizing, zones: [zone], labels: [statefulLabel.key: statefulLabel.value], taints: [statefulTaint],
                        purpose: purpose + ", one group per zone (balance-similar-node-groups)")
                }
            }
        }
        if !arm.isEmpty {
            let heavy = demand(arm, measured: measured)
            let armFamily = Double(heavy.memory) / gib / (Double(max(heavy.cpu, 1)) / 1000) > 6 ? "r7g" : "m7g"
            add("arm64", size(arm, families: [armFamily], from: "xlarge", minimum: 1, role: "arm64"), labels: ["role": "arm64"],
                purpose: "\(arm.count) workloads that select kubernetes.io/arch: arm64 (Graviton)", architecture: "arm64")
        }
        if !amd64Pinned.isEmpty {
            add("amd64", size(amd64Pinned, families: ["m6i"], from: "xlarge", minimum: 1, role: "amd64"), labels: ["role": "amd64"],
                purpose: "\(amd64Pinned.count) workloads that select kubernetes.io/arch: amd64 (x86 images) beside the Graviton groups", architecture: "x86_64")
        }
        let windowsNodes = estate.workerNodes.filter(\.isWindows)
        if !windows.isEmpty || !windowsNodes.isEmpty {
            // EKS User Guide, windows-support: Windows managed node groups on the EKS-optimized Windows AMIs (x86_64 only);
            // Linux nodes stay for CoreDNS and the other Linux-only system pods (the system group). eksctl enables Windows IPAM
            // in the amazon-vpc-cni ConfigMap itself when it creates a Windows group (eksctl PR #4338; no --install-vpc-controllers). A Windows container's
            // base image must match the host's Windows build: a source node labelled 10.0.17763 (Server 2019) keeps 2019.
            let builds = Set(windowsNodes.compactMap { $0.resource.labels["node.kubernetes.io/windows-build"] })
            let family = builds == ["10.0.17763"] ? "WindowsServer2019FullContainer" : "WindowsServer2022FullContainer"
            var sizing = size(windows, families: ["m6i"], from: "xlarge", minimum: 1, role: "windows")
            // The VPC CNI gives Windows pods the secondary addresses of the primary ENI only (no prefix delegation planned).
            sizing.maxPods = reference.instanceType(sizing.instanceTypes[0]).map { $0.ipsPerENI - 1 } ?? sizing.maxPods
            add("windows", sizing, labels: ["role": "windows"], taints: [windowsTaint],
                purpose: "\(windows.count) workloads that select kubernetes.io/os: windows (\(family))", architecture: "x86_64", amiFamily: family)
        }

        // What runs today bounds the autoscaler's ceiling from below: the worker groups can grow to the source workers'
        // allocatable CPU, which the requests may undersell (unmeasured pods, requests never set).
        func allocatable(_ group: NodeGroup, nodes: Int) -> (cpu: Int, memory: Int) {
            guard let instance = reference.instanceType(group.instanceTypes[0]) else { return (0, 0) }
            return (nodes * instance.vcpu * 800, Int(Double(nodes) * Double(instance.memoryGiB) * gib * 0.8))
        }
        var capacityNote: String?
        let workerGroups = groups.indices.filter { groups[$0].name != "system" }
        let plannedCPU = workerGroups.reduce(0) { $0 + allocatable(groups[$1], nodes: groups[$1].maxSize).cpu }
        if source.allocatableCPU > plannedCPU, let largest = workerGroups.max(by: { groups[$0].desired < groups[$1].desired }),
           let instance = reference.instanceType(groups[largest].instanceTypes[0]) {
            let extra = Int((Double(source.allocatableCPU - plannedCPU) / Double(instance.vcpu * 800)).rounded(.up))
            let raised = min(groups[largest].maxSize + extra, nodesPerGroup)
            capacityNote = "Max size of the \(groups[largest].name) group raised from \(groups[largest].maxSize) to \(raised) so the groups can grow to the source workers' allocatable CPU."
            groups[largest].maxSize = raised
        }

        var placements: [Placement] = []
        // By label, made once per workload: `label` builds a String at every comparison of a sort.
        func byLabel(_ workloads: [Estate.Workload]) -> [Estate.Workload] {
            let labels = workloads.map(\.label)
            return workloads.indices.sorted { labels[$0] < labels[$1] }.map { workloads[$0] }
        }
        for workload in byLabel(apps + batch) {
            if onFargate.contains(workload.namespace) {
                placements.append(Placement(workload: workload.label, target: "Fargate", toleration: nil))
            } else if windowsIDs.contains(workload.id) {
                placements.append(Placement(workload: workload.label, target: "windows", toleration: windowsTaint.toleration))
            } else if spotIDs.contains(workload.id) {
                placements.append(Placement(workload: workload.label, target: "spot", toleration: spotTaint.toleration))
            } else {
                let group = armIDs.contains(workload.id) ? "arm64" : amd64IDs.contains(workload.id) ? "amd64" : statefulIDs.contains(workload.id) ? "stateful" : "general"
                placements.append(Placement(workload: workload.label, target: group, toleration: group == "stateful" ? statefulTaint.toleration : nil))
            }
        }
        // A node agent must run on the tainted groups too.
        for daemonSet in byLabel(daemonSets) {
            placements.append(Placement(workload: daemonSet.label, target: "every node", toleration: "{operator: Exists}"))
        }

        // Pod IPs with every group at its maximum size. With prefix delegation and WARM_PREFIX_TARGET=1 each node holds one
        // spare /28, a partly used /28 and its ENIs' primary addresses besides its pods'; the DaemonSets' pods are on every node;
        // every other pod counts twice (a rolling update runs old and new side by side), on EC2 and on Fargate alike.
        var reserved = 0, nodeCapacity = 0
        for group in groups {
            guard let instance = reference.instanceType(group.instanceTypes[0]) else { continue }
            let enis = min(instance.enis, ((group.maxPods + 15) / 16 + 2 + instance.ipsPerENI - 2) / max(instance.ipsPerENI - 1, 1))
            reserved += group.maxSize * (2 * 16 + enis + perNode.pods)
            nodeCapacity += group.maxSize * group.maxPods
        }
        let fargatePods = pods((apps + batch).filter { onFargate.contains($0.namespace) })
        let ec2Pods = min(pods(ec2) * 2, nodeCapacity)
        // Control-plane ENIs, load balancers and interface endpoints: a few dozen per zone.
        let addresses = reserved + ec2Pods + fargatePods * 2 + 32 * zoneCount
        let perZone = (addresses + zoneCount - 1) / zoneCount
        // A quarter spare: /28 prefixes need contiguous free blocks (EKS User Guide, cni-increase-ip-addresses-procedure).
        var prefix = 28
        while prefix > 16 && (1 << (32 - prefix)) - 5 < perZone + perZone / 4 { prefix -= 1 }
        if prefix < eksctlSubnetPrefix {
            problems.append("pod IPs need a /\(prefix) subnet per zone, more than the /\(eksctlSubnetPrefix) subnets of eksctl's VPC: create the VPC in the landing zone (a secondary CIDR from 100.64.0.0/10 with VPC CNI custom networking) and give the config vpc.id and vpc.subnets")
        }

        let networkPolicy = !policyNamespaces.isEmpty
        // metrics-server: EKS does not deploy it (EKS User Guide, metrics-server: "isn't deployed by default"), and without it
        // no HorizontalPodAutoscaler scales; it is an EKS community add-on eksctl installs like the others (eksctl User Guide, addons).
        var addons = ["vpc-cni", "coredns", "kube-proxy", "metrics-server", "aws-ebs-csi-driver"]
        if estate.volumes.contains(where: { $0.accessModes.contains("ReadWriteMany") }) { addons.append("aws-efs-csi-driver") }
        // Container Insights metrics for the dashboards; its container logs only when no node log shipper of the team's (a
        // DaemonSet: an aggregator Deployment tails no node) moves with the platform: the add-on brings its own Fluent Bit
        // DaemonSet, and two would send every line twice.
        addons.append(CloudWatchObservability.addon)
        let logShippers = daemonSets.filter { PlatformAgents.role(of: $0) == "log shipper" }.map(\.label).sorted()

        func names(_ list: [String]) -> String { list.count <= 8 ? list.joined(separator: ", ") : list.prefix(8).joined(separator: ", ") + " and \(list.count - 8) more" }
        var notes = [
            "Pod IPs: up to \(addresses) addresses with every node group at its maximum size (\(reserved) for the nodes' warm and partly used /28 prefixes, ENI addresses and DaemonSet pods, \(ec2Pods + fargatePods * 2) for the pods twice over during rolling updates): a private /\(prefix) subnet per zone over \(zoneCount) zones"
                + (!zones.isEmpty ? "." : source.plannedZoneCount == nil ? " (none given: sized for two)." : " (none given: as many as the source nodes' zones)."),
            "VPC CNI: prefix delegation on (ENABLE_PREFIX_DELEGATION, WARM_PREFIX_TARGET=1): \(Set(groups.map(\.maxPods)).sorted().map(String.init).joined(separator: "/")) pods per node instead of \(Array(Set(groups.compactMap { reference.instanceType($0.instanceTypes[0]).map { "\($0.type) \($0.maxPods)" } })).sorted().joined(separator: ", ")) with secondary IPs; without it the default WARM_ENI_TARGET=1 keeps a spare ENI of addresses on every node.",
            "Autoscaling: Cluster Autoscaler over these managed node groups (auto-discovery by the k8s.io/cluster-autoscaler tags"
                + (zones.isEmpty ? "" : ", --balance-similar-node-groups for the per-zone stateful groups")
                + "), chosen because EBS-backed workloads need zonal groups and the sizes above are per group; its IAM role is in the eksctl config. Karpenter is the alternative: it would replace every group but system.",
            "Taints: the system group has \(systemTaint.text) (CoreDNS and the EKS add-ons tolerate it; install the Load Balancer Controller and Cluster Autoscaler charts with that toleration and nodeSelector role=system)"
                + (spot.isEmpty ? "." : "; the spot group has \(spotTaint.text), and only these \(spot.count) workloads get the toleration \(spotTaint.toleration): \(names(spot.map(\.label))).")
                + (daemonSets.isEmpty ? "" : " DaemonSets (\(names(daemonSets.map(\.label)))) need tolerations: [{operator: Exists}] to run on the tainted groups."),
        ]
        // Replicated and stateless, yet kept on-demand: said, so the optimize:spot item starts from the reason.
        let keptOnDemand = general.compactMap { workload -> String? in
            guard let reason = spotRefusal(workload, stateful: false, blocked: false, noEviction: noEviction.contains(workload.id)),
                  reason.hasPrefix("its PodDisruptionBudget") || reason.hasPrefix("handles money") else { return nil }
            return "\(workload.label) (\(reason))"
        }
        if !keptOnDemand.isEmpty { notes.append("Spot: kept on on-demand nodes though replicated and stateless: \(names(keptOnDemand)).") }
        let planned = workerGroups.reduce((cpu: 0, memory: 0)) { total, index in
            let group = allocatable(groups[index], nodes: groups[index].maxSize)
            return (total.cpu + group.cpu, total.memory + group.memory)
        }
        if let today = source.note(plannedCPU: planned.cpu, plannedMemory: planned.memory) { notes.append(today) }
        if let capacityNote { notes.append(capacityNote) }
        if !measured.isEmpty {
            notes.append("Measured usage (kubectl top pods / PodMetrics) of \(measured.count) workload(s): each is sized by the larger of its requests and its busiest measured pod.")
        }
        if let group = groups.first(where: \.isWindows) {
            notes.append("Windows: \(windowsNodes.count) source node(s) run Windows and \(windows.count) workload(s) select kubernetes.io/os: windows: they get the windows group (\(group.amiFamily ?? ""), taint \(windowsTaint.text), toleration \(windowsTaint.toleration)); the Linux groups keep CoreDNS and the add-ons. eksctl turns on Windows IPAM in the VPC CNI (amazon-vpc-cni ConfigMap enable-windows-ipam) when it creates a Windows group; give DaemonSets nodeSelector kubernetes.io/os: linux, and match the images' Windows base (ltsc2019 or ltsc2022) to the AMI.")
        }
        if source.allArm64 {
            notes.append("Graviton: every source worker node is arm64, so every group takes Graviton instances (m7g, r7g) with the arm64 EKS AMI.")
        }
        if !sourceZones.isEmpty {
            notes.append("Zones: \(sourceZones.joined(separator: ", ")), where the source nodes run: they are zones of \(region), so the stateful groups are pinned one per zone; zone names map per account, so check the target account offers them (aws ec2 describe-availability-zones) or give --zones.")
        } else if landingZone.zones.isEmpty, let count = source.plannedZoneCount {
            notes.append("Zones: the source nodes span \(source.zones.count) zone(s), so the subnets are sized for \(count); give --zones with \(count) zones of the target region, or eksctl picks its own (two or three).")
        }
        notes.append("plan:addons installs the AWS Load Balancer Controller and the Cluster Autoscaler (Helm, on the system group) before wave 1; the eksctl config creates their IAM roles (well-known policies).")
        if !amd64Pinned.isEmpty { notes.append("amd64: \(names(amd64Pinned.map(\.label))) select kubernetes.io/arch: amd64 and keep an x86 group (amd64) beside the Graviton ones.") }
        if !arm.isEmpty { notes.append("Graviton: \(names(arm.map(\.label))) select kubernetes.io/arch: arm64 and get the arm64 group; their images must have arm64 variants.") }
        if !keptOffFargate.isEmpty {
            notes.append("Kept off Fargate: " + keptOffFargate.map { "\($0.namespace) (\($0.reason))" }.joined(separator: "; ") + ".")
        }
        if networkPolicy { notes.append("NetworkPolicies found: the VPC CNI network policy agent is enabled (vpc-cni configurationValues enableNetworkPolicy).") }
        if landingZone.privateEndpoint {
            notes.append("Private endpoint: eksctl builds a fully private cluster (no NAT, no public subnets) with endpoints for ec2, ecr.api, ecr.dkr, s3, sts, autoscaling, cloudformation and logs; add interface endpoints for eks-auth (EKS Pod Identity), eks and elasticloadbalancing (Load Balancer Controller) yourself, and run eksctl and kubectl from inside the VPC or over VPN / Direct Connect.")
        } else {
            notes.append("API endpoint: public and private" + (landingZone.publicAccessCIDRs.isEmpty
                ? ", the public one open to 0.0.0.0/0: restrict it with --public-access-cidrs or use --private-endpoint."
                : ", the public one reachable from \(landingZone.publicAccessCIDRs.joined(separator: ", ")) only."))
        }
        let addressing = chosen ?? VPCAddressing.choose(estate, reference: reference)
        notes.append("Addresses: VPC \(addressing.vpcCIDR), Services \(addressing.serviceCIDR) (vpc.cidr and kubernetesNetworkConfig.serviceIPv4CIDR): \(addressing.reason).")
        // EBS volumes are zonal: a group over several zones lets the Cluster Autoscaler add a node in a zone where the pending
        // pod's volume is not (eksctl User Guide, autoscaling, "Zone-aware Auto Scaling": a node group per zone for zone-specific
        // workloads; EKS Best Practices, cas, and the Cluster Autoscaler AWS README: one group per zone, --balance-similar-node-groups).
        var zoneDecision: String?
        if zones.isEmpty && !stateful.isEmpty {
            zoneDecision = "\(stateful.count) stateful workload(s) on EBS share one group over every zone (\(names(stateful.map(\.label)))): EBS volumes are zonal, and the Cluster Autoscaler cannot add a node in a volume's zone to such a group; "
                + (source.zones.isEmpty ? "the source nodes give no zones" : "the source nodes' zones (\(source.zones.prefix(6).map(\.visibleLine).joined(separator: ", "))) are not zones of \(region.isEmpty ? "the target region" : region)")
                + ", so give eksodus plan --zones (one stateful group per zone)"
            notes.append("Zones to decide: \(zoneDecision ?? "").")
        }
        notes += problems.map { "Not writable as an eksctl config: \($0)." }
        let name = EKSClusterName.make(estate.cluster.name)
        return ComputePlan(cluster: estate.cluster.name, eksClusterName: name, nodeGroups: groups,
                           fargateProfiles: stride(from: 0, to: fargateNamespaces.count, by: fargateSelectorQuota).map { start in
                               FargateProfile(name: start == 0 ? "apps" : "apps-\(start / fargateSelectorQuota + 1)",
                                              namespaces: Array(fargateNamespaces[start..<min(start + fargateSelectorQuota, fargateNamespaces.count)]))
                           },
                           keptOffFargate: keptOffFargate, placements: placements, addons: addons, networkPolicy: networkPolicy,
                           podIPs: addresses, subnetPrefix: prefix, zones: zones, landingZone: landingZone,
                           autoscaler: "Cluster Autoscaler", notes: notes, problems: problems, addressing: addressing, zoneDecision: zoneDecision,
                           logShippers: logShippers)
    }

    /// Takes the cluster's identity mechanism: Pod Identity needs its agent add-on.
    mutating func adopt(_ choice: IdentityPlan.Choice) {
        identityMechanism = choice.mechanism
        if choice.mechanism == IdentityPlan.podIdentity && !addons.contains("eks-pod-identity-agent") { addons.append("eks-pod-identity-agent") }
        notes.insert("Identity: \(choice.mechanism) for the whole cluster, as \(choice.reason).", at: min(4, notes.count))
    }

    public var table: Table {
        Table(columns: ["cluster", "node_group", "instances", "capacity", "min", "desired", "max", "max_pods", "taints", "purpose"], rows: nodeGroups.map { group in
            [.text(cluster), .text(group.name), .text(group.instanceTypes.joined(separator: ",")), .text(group.spot ? "spot" : "on-demand"),
             .integer(group.minSize), .integer(group.desired), .integer(group.maxSize), .integer(group.maxPods),
             .text(group.taints.map(\.text).joined(separator: ",")), .text(group.purpose)]
        })
    }
}
