import GRDB

extension Estate {
    /// One source node, as its Node object described it.
    public struct Node: Sendable {
        public var resource: Resource
        public var instanceType: String?
        public var zone: String?
        public var architecture: String?
        public var operatingSystem: String?
        public var kubeletVersion: String?
        public var containerRuntime: String?
        public var role: String
        public var cpuCapacity: Int?
        public var memoryCapacity: Int?
        public var cpuAllocatable: Int?
        public var memoryAllocatable: Int?
        public var podsAllocatable: Int?

        /// Control-plane nodes carry the API server and etcd, which EKS runs itself: they are not sized for.
        public var isControlPlane: Bool { role.split(separator: ",").contains("control-plane") }
        public var isWindows: Bool { operatingSystem?.lowercased() == "windows" }
    }

    /// What one pod used when measured (`kubectl top pods`, PodMetrics).
    public struct PodUsage: Sendable {
        public var namespace: String
        public var pod: String
        public var cpu: Int
        public var memory: Int
        public var source: String
    }

    /// The worker nodes: every node but the control plane's.
    public var workerNodes: [Node] { nodes.filter { !$0.isControlPlane } }

    /// Loads the facts of migration 0008 into an estate loaded without them.
    mutating func loadClusterFacts(_ db: Database) throws {
        let clusterID = cluster.id
        appliedAPIVersions = Dictionary(try Row.fetchAll(db, sql: """
            SELECT a.resource_id, a.api_version FROM applied_api_version a JOIN resource r ON r.id = a.resource_id WHERE r.cluster_id = ?
            """, arguments: [clusterID]).map { ($0[0] as Int64, $0[1] as String) }, uniquingKeysWith: { first, _ in first })
        nodes = try Row.fetchAll(db, sql: """
            SELECT n.resource_id, n.instance_type, n.zone, n.architecture, n.operating_system, n.kubelet_version, n.container_runtime, n.role,
              n.cpu_capacity_m, n.memory_capacity, n.cpu_allocatable_m, n.memory_allocatable, n.pods_allocatable
            FROM node n JOIN resource r ON r.id = n.resource_id WHERE r.cluster_id = ? ORDER BY r.name
            """, arguments: [clusterID]).compactMap { row -> Node? in
            guard let resource = resource(id: row[0]) else { return nil }
            return Node(resource: resource, instanceType: row[1], zone: row[2], architecture: row[3], operatingSystem: row[4],
                        kubeletVersion: row[5], containerRuntime: row[6], role: row[7], cpuCapacity: row[8], memoryCapacity: row[9],
                        cpuAllocatable: row[10], memoryAllocatable: row[11], podsAllocatable: row[12])
        }
        podUsage = try Row.fetchAll(db, sql: """
            SELECT namespace, pod, cpu_m, memory_bytes, source FROM pod_usage WHERE cluster_id = ? ORDER BY namespace, pod
            """, arguments: [clusterID]).map { PodUsage(namespace: $0[0], pod: $0[1], cpu: $0[2], memory: $0[3], source: $0[4]) }
        podWorkloads = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT r.namespace, r.name, m.workload_id FROM resource r JOIN workload_member m ON m.resource_id = r.id
            WHERE r.cluster_id = ? AND r.kind = 'Pod'
            """, arguments: [clusterID]) {
            podWorkloads["\(row[0] as String)/\(row[1] as String)"] = row[2]
        }
    }

    /// The most one pod of a workload was measured using.
    public struct MeasuredUsage: Sendable, Equatable {
        public var cpu: Int
        public var memory: Int
        public var pods: Int
    }

    /// Per workload id, the largest CPU and memory any of its measured pods used. A measured pod belongs to the workload
    /// its exported Pod folded into, else to the workload of its namespace whose name, followed by '-', starts the
    /// pod's name, the longest such (`web-7d4b9c-x2x9p` → Deployment `web`, `db-0` → StatefulSet `db`).
    public func measuredUsage() -> [Int64: MeasuredUsage] {
        guard !podUsage.isEmpty else { return [:] }
        // namespace/name → workload: each prefix of a pod's name that ends before a '-' is looked up, the longest first,
        // so matching costs a few lookups per pod, not a pass over the namespace's workloads.
        let byName = Dictionary(workloads.filter { $0.kind != "Pod" }.map { ("\($0.namespace)/\($0.name)", $0.id) }) { first, _ in first }
        func owner(_ usage: PodUsage) -> Int64? {
            let pod = usage.pod.utf8
            var end = pod.endIndex
            while let dash = pod[..<end].lastIndex(of: UInt8(ascii: "-")) {
                if let id = byName["\(usage.namespace)/\(usage.pod[..<dash])"] { return id }
                end = dash
            }
            return nil
        }
        var result: [Int64: MeasuredUsage] = [:]
        for usage in podUsage {
            guard let id = podWorkloads["\(usage.namespace)/\(usage.pod)"] ?? owner(usage) else { continue }
            var entry = result[id] ?? MeasuredUsage(cpu: 0, memory: 0, pods: 0)
            entry.cpu = max(entry.cpu, usage.cpu)
            entry.memory = max(entry.memory, usage.memory)
            entry.pods += 1
            result[id] = entry
        }
        return result
    }
}
