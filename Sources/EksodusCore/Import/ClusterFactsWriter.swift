import GRDB

/// Writes the cluster facts of one import beside the inventory writer, in the same transaction: an object's applied
/// API version and a Node's facts (keyed by the resource, cleared with its other facts when it is read again), pod
/// usage (one row per pod, the latest reading kept) and the server version of `kubectl version` output.
struct ClusterFactsWriter {
    let db: Database
    let clusterID: Int64
    let importID: Int64
    private let insertApplied: FastStatement
    private let insertNode: FastStatement
    private let upsertUsage: FastStatement
    /// The server versions read, in reading order: the last one is the cluster's.
    private(set) var serverVersions: [(version: String, place: String)] = []
    private(set) var nodes = 0
    private(set) var podsMeasured = 0

    init(db: Database, clusterID: Int64, importID: Int64) throws {
        self.db = db
        self.clusterID = clusterID
        self.importID = importID
        insertApplied = try FastStatement(db, "INSERT INTO applied_api_version (resource_id, api_version) VALUES (?, ?)")
        insertNode = try FastStatement(db, """
            INSERT INTO node (resource_id, instance_type, zone, region, architecture, operating_system, os_image, kernel_version,
              kubelet_version, container_runtime, role, unschedulable, cpu_capacity_m, memory_capacity, pods_capacity,
              cpu_allocatable_m, memory_allocatable, pods_allocatable, taints)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        upsertUsage = try FastStatement(db, """
            INSERT INTO pod_usage (cluster_id, namespace, pod, cpu_m, memory_bytes, source, observed_at, import_id, source_file, source_line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cluster_id, namespace, pod) DO UPDATE SET cpu_m = excluded.cpu_m, memory_bytes = excluded.memory_bytes,
              source = excluded.source, observed_at = excluded.observed_at, import_id = excluded.import_id,
              source_file = excluded.source_file, source_line = excluded.source_line
            """)
    }

    /// The facts of an object the inventory writer has just written as `resourceID`.
    mutating func write(_ object: ExtractedObject, resourceID id: Int64) throws {
        if let applied = object.appliedAPIVersion {
            insertApplied.bind(1, id); insertApplied.bind(2, applied)
            try insertApplied.run()
        }
        if let n = object.node {
            let s = insertNode
            s.bind(1, id); s.bind(2, n.instanceType); s.bind(3, n.zone); s.bind(4, n.region); s.bind(5, n.architecture)
            s.bind(6, n.operatingSystem); s.bind(7, n.osImage); s.bind(8, n.kernelVersion); s.bind(9, n.kubeletVersion)
            s.bind(10, n.containerRuntime); s.bind(11, n.role); s.bind(12, n.unschedulable); s.bind(13, n.cpuCapacity)
            s.bind(14, n.memoryCapacity); s.bind(15, n.podsCapacity); s.bind(16, n.cpuAllocatable); s.bind(17, n.memoryAllocatable)
            s.bind(18, n.podsAllocatable); s.bind(19, n.taints)
            try s.run()
            nodes += 1
        }
    }

    mutating func write(_ reading: ClusterFactsReading) throws {
        if let version = reading.serverVersion {
            serverVersions.append((version.version, "\(reading.file):\(version.line)"))
        }
        for usage in reading.usage {
            let s = upsertUsage
            s.bind(1, clusterID); s.bind(2, usage.namespace); s.bind(3, usage.pod); s.bind(4, usage.cpuMillicores)
            s.bind(5, usage.memoryBytes); s.bind(6, usage.source); s.bind(7, usage.observedAt); s.bind(8, importID)
            s.bind(9, reading.file); s.bind(10, usage.line)
            try s.run()
            podsMeasured += 1
        }
    }

    /// Sets the cluster's version from `kubectl version` output unless `--kubernetes-version` gave one; returns a
    /// warning when the outputs read disagree, or disagree with the option.
    func applyServerVersion(given: String?) throws -> [String] {
        guard let last = serverVersions.last else { return [] }
        var warnings: [String] = []
        let distinct = Array(Set(serverVersions.map(\.version))).sorted()
        if distinct.count > 1 {
            warnings.append("kubectl version outputs disagree (\(distinct.joined(separator: ", "))); keeping \(last.version), read last at \(last.place.visibleLine)")
        }
        if let given {
            if KubernetesVersion(given) != KubernetesVersion(last.version) {
                warnings.append("--kubernetes-version \(given.visibleLine) is kept, but kubectl version output at \(last.place.visibleLine) says the server runs \(last.version)")
            }
            return warnings
        }
        try db.execute(sql: "UPDATE cluster SET kubernetes_version = ? WHERE id = ?", arguments: [last.version, clusterID])
        return warnings
    }
}
