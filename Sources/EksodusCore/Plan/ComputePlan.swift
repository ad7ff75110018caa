/// Node groups, Fargate profiles, pod IP needs and autoscaling for one target EKS cluster, from the workloads' requests.
public struct ComputePlan: Sendable, Codable {
    public struct NodeGroup: Sendable, Codable {
        public var name: String
        public var instanceTypes: [String]
        public var spot: Bool
        public var zones: [String]
        public var minSize: Int
        public var desired: Int
        public var maxSize: Int
        public var labels: [String: String]
        public var purpose: String
        public var maxPods: Int
    }

    public struct FargateProfile: Sendable, Codable {
        public var name: String
        public var namespaces: [String]
    }

    public var cluster: String
    public var eksClusterName: String
    public var nodeGroups: [NodeGroup]
    public var fargateProfiles: [FargateProfile]
    public var addons: [String]
    public var networkPolicy: Bool
    public var podIPs: Int
    public var subnetPrefix: Int
    public var autoscaler: String
    public var notes: [String]

    public static let zones = ["a", "b", "c"]
    /// Requests assumed for a container that declares none.
    static let defaultCPU = 100, defaultMemory = 128 * 1_048_576

    static func build(estate: Estate, profiles: [Int64: WorkloadProfile], blocked: Set<Int64>, setApart: Set<Int64>,
                      reference: ReferenceData, region: String) -> ComputePlan {
        struct Demand { var cpu = 0, memory = 0, pods = 0 }
        func demand(_ workloads: [Estate.Workload]) -> Demand {
            var total = Demand()
            for workload in workloads {
                let replicas = max(1, workload.replicas ?? 1)
                let cpu = workload.appContainers.reduce(0) { $0 + ($1.cpuRequest ?? defaultCPU) }
                let memory = workload.appContainers.reduce(0) { $0 + ($1.memoryRequest ?? defaultMemory) }
                total.cpu += cpu * replicas
                total.memory += memory * replicas
                total.pods += replicas
            }
            return total
        }
        let daemonSets = estate.workloads.filter { $0.kind == "DaemonSet" }
        let perNode = demand(daemonSets)
        let apps = estate.workloads.filter { !["DaemonSet", "Job", "CronJob"].contains($0.kind) && !setApart.contains($0.id) }
        let batch = estate.workloads.filter { ["Job", "CronJob"].contains($0.kind) && !setApart.contains($0.id) }

        // Namespaces whose every workload Fargate can run, stateless, become Fargate profiles.
        var fargateNamespaces: [String] = []
        for (namespace, members) in Dictionary(grouping: apps + batch, by: \.namespace).sorted(by: { $0.key < $1.key }) {
            let eligible = members.allSatisfy { profiles[$0.id]?.fargateEligible == true && profiles[$0.id]?.stateful == false }
            let hasDaemonSet = daemonSets.contains { $0.namespace == namespace }
            if eligible && !hasDaemonSet && !members.isEmpty { fargateNamespaces.append(namespace) }
        }
        let onFargate = Set(fargateNamespaces)
        let ec2 = (apps + batch).filter { !onFargate.contains($0.namespace) }
        let stateful = ec2.filter { profiles[$0.id]?.stateful == true }
        let spot = ec2.filter { workload in
            profiles[workload.id]?.stateful == false && (workload.replicas ?? 1) >= 2 && !blocked.contains(workload.id) && workload.isService
        }
        let spotIDs = Set(spot.map(\.id)), statefulIDs = Set(stateful.map(\.id))
        let general = ec2.filter { !spotIDs.contains($0.id) && !statefulIDs.contains($0.id) }

        func size(_ workloads: [Estate.Workload], instance name: String, minimum: Int, zones: Int = 1) -> (Int, Int, Int) {
            guard let instance = reference.instanceType(name) else { return (minimum, minimum, minimum * 2) }
            let need = demand(workloads)
            let usableCPU = Double(instance.vcpu * 1000) * 0.8 - Double(perNode.cpu)
            let usableMemory = Double(instance.memoryGiB) * 1_073_741_824 * 0.8 - Double(perNode.memory)
            let usablePods = Double(instance.maxPods - perNode.pods - 2)
            let nodes = [Double(need.cpu) / max(usableCPU, 1), Double(need.memory) / max(usableMemory, 1), Double(need.pods) / max(usablePods, 1)]
                .map { Int($0.rounded(.up)) }.max() ?? 1
            let desired = max(minimum, Int((Double(nodes) / Double(zones)).rounded(.up)))
            return (minimum, desired, max(desired * 2, minimum + 2))
        }
        func maxPods(_ name: String) -> Int { reference.instanceType(name)?.maxPods ?? 110 }

        var groups: [NodeGroup] = []
        let system = size([], instance: "m6i.large", minimum: 2)
        groups.append(NodeGroup(name: "system", instanceTypes: ["m6i.large"], spot: false, zones: [], minSize: system.0, desired: system.1, maxSize: system.2,
                                labels: ["role": "system"], purpose: "add-ons and system namespaces (CoreDNS, controllers, agents)", maxPods: maxPods("m6i.large")))
        if !general.isEmpty {
            let s = size(general, instance: "m6i.xlarge", minimum: 2)
            groups.append(NodeGroup(name: "general", instanceTypes: ["m6i.xlarge"], spot: false, zones: [], minSize: s.0, desired: s.1, maxSize: s.2,
                                    labels: ["role": "general"], purpose: "\(general.count) on-demand workloads (single replica, batch, or blocked)", maxPods: maxPods("m6i.xlarge")))
        }
        if !spot.isEmpty {
            let s = size(spot, instance: "m6i.xlarge", minimum: 2)
            groups.append(NodeGroup(name: "spot", instanceTypes: ["m6i.xlarge", "m6a.xlarge", "m5.xlarge", "m7i.xlarge"], spot: true, zones: [],
                                    minSize: s.0, desired: s.1, maxSize: s.2, labels: ["role": "spot-tolerant"],
                                    purpose: "\(spot.count) replicated stateless workloads (2-minute interruption notice is fine)", maxPods: maxPods("m6i.xlarge")))
        }
        if !stateful.isEmpty {
            let heavy = demand(stateful)
            // More than 6 GiB requested per vCPU: memory-optimised instances.
            let gibPerCPU = Double(heavy.memory) / 1_073_741_824 / (Double(max(heavy.cpu, 1)) / 1000)
            let instance = gibPerCPU > 6 ? "r6i.xlarge" : "m6i.xlarge"
            let s = size(stateful, instance: instance, minimum: 1, zones: zones.count)
            for zone in zones {
                groups.append(NodeGroup(name: "stateful-\(zone)", instanceTypes: [instance], spot: false, zones: [region + zone],
                                        minSize: s.0, desired: s.1, maxSize: s.2, labels: ["role": "stateful"],
                                        purpose: "\(stateful.count) stateful workloads on EBS, one group per zone (balance-similar-node-groups)",
                                        maxPods: maxPods(instance)))
            }
        }
        let nodes = groups.reduce(0) { $0 + $1.desired }
        let pods = demand(apps + batch).pods + perNode.pods * nodes + setApart.count * 2
        // Room for a rolling update of everything at once, plus node and ENI primary addresses.
        let addresses = pods * 2 + nodes * 4
        var prefix = 24
        while prefix > 16 && (1 << (32 - prefix)) - 5 < (addresses + zones.count - 1) / zones.count * 3 / 2 { prefix -= 1 }
        let networkPolicy = !estate.resources(kind: "NetworkPolicy").isEmpty
        var addons = ["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"]
        if estate.volumes.contains(where: { $0.accessModes.contains("ReadWriteMany") }) { addons.insert("aws-efs-csi-driver", at: 4) }
        let notes = [
            "Pod IPs: about \(addresses) addresses (2× the \(pods) pods for rolling updates, plus nodes): one private /\(prefix) subnet per zone in \(zones.count) zones.",
            "Max pods per node from the VPC CNI formula: \(groups.map { "\($0.instanceTypes[0]) \($0.maxPods)" }.joined(separator: ", ")); prefix delegation (ENABLE_PREFIX_DELEGATION) raises it to 110 on Nitro instances.",
            "Autoscaling: Karpenter (NodePools per role above) for right-sizing and Spot; Cluster Autoscaler works with these managed node groups (one per zone for EBS, --balance-similar-node-groups).",
            "Private cluster: add VPC endpoints for ECR (api, dkr), S3 (gateway), STS, EC2, ELB and CloudWatch Logs; the Cluster Autoscaler then needs a static instance list (no EC2 DescribeInstanceTypes across regions).",
            "Install the AWS Load Balancer Controller (Helm) with an IAM role before wave 1.",
        ] + (networkPolicy ? ["NetworkPolicies found: enable the VPC CNI network policy agent (vpc-cni configuration enableNetworkPolicy: \"true\")."] : [])
        let name = EKSClusterName.make(estate.cluster.name)
        return ComputePlan(cluster: estate.cluster.name, eksClusterName: name, nodeGroups: groups,
                           fargateProfiles: fargateNamespaces.isEmpty ? [] : [FargateProfile(name: "apps", namespaces: Array(fargateNamespaces.prefix(5)))]
                               + stride(from: 5, to: fargateNamespaces.count, by: 5).map { start in
                                   FargateProfile(name: "apps-\(start / 5 + 1)", namespaces: Array(fargateNamespaces[start..<min(start + 5, fargateNamespaces.count)]))
                               },
                           addons: addons, networkPolicy: networkPolicy, podIPs: addresses, subnetPrefix: prefix, autoscaler: "Karpenter", notes: notes)
    }

    public var table: Table {
        Table(columns: ["cluster", "node_group", "instances", "capacity", "min", "desired", "max", "max_pods", "purpose"], rows: nodeGroups.map { group in
            [.text(cluster), .text(group.name), .text(group.instanceTypes.joined(separator: ",")), .text(group.spot ? "spot" : "on-demand"),
             .integer(group.minSize), .integer(group.desired), .integer(group.maxSize), .integer(group.maxPods), .text(group.purpose)]
        })
    }
}
