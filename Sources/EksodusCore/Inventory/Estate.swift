import Foundation
import GRDB

/// One cluster's inventory, loaded once and shaped for the checks, which read it and nothing else.
public struct Estate: Sendable {
    public struct Cluster: Sendable {
        public var id: Int64
        public var name: String
        public var environment: String
        public var kubernetesVersion: String?
    }

    public struct PodVolume: Sendable {
        public var name: String
        public var type: String
        public var reference: String?
        public var detail: ManifestNode
    }

    public struct Volume: Sendable {
        public var resourceID: Int64
        public var clusterID: Int64
        /// pvc, template or pv.
        public var source: String
        public var namespace: String
        public var name: String
        public var ownerKind: String
        public var ownerName: String
        public var storageClass: String?
        public var accessModes: [String]
        public var sizeBytes: Int?
        public var volumeType: String?
        public var volumeName: String?
        public var sourceFile: String
        public var sourceLine: Int
    }

    public struct StorageClass: Sendable {
        public var resource: Resource
        public var provisioner: String
        public var bindingMode: String?
        public var isDefault: Bool
    }

    public struct Service: Sendable {
        public var resource: Resource
        public var type: String
        public var clusterIP: String?
        public var loadBalancerClass: String?
        public var ports: ManifestNode
        public var selector: [String: String]
    }

    public struct IngressRule: Sendable {
        public var host: String?
        public var path: String?
        public var serviceName: String?
        public var servicePort: String?
    }

    public struct Ingress: Sendable {
        public var resource: Resource
        public var className: String?
        public var rules: [IngressRule]
    }

    public var cluster: Cluster
    public var resources: [Resource] { didSet { indexResources() } }
    public var workloads: [Workload]
    public var volumes: [Volume]
    public var storageClasses: [StorageClass]
    public var services: [Service]
    public var ingresses: [Ingress]
    /// Secret and ConfigMap key names, by resource id.
    public var configKeys: [Int64: [String]]
    /// The last-applied-configuration `apiVersion` of the objects that have one, by resource id (Estate+ClusterFacts).
    public var appliedAPIVersions: [Int64: String] = [:]
    public var nodes: [Node] = []
    public var podUsage: [PodUsage] = []
    /// `namespace/pod` → workload id, for the exported Pods that folded into a workload.
    var podWorkloads: [String: Int64] = [:]
    /// The latest revision of each Helm release the cluster's exports stored.
    public var helmReleases: [HelmReleaseRecord] = []

    public func resources(kind: String) -> [Resource] { (kindPositions[kind] ?? []).map { resources[$0] } }

    /// The resources of any of `kinds`, in `resources` order.
    func resources(ofKinds kinds: Set<String>) -> [Resource] {
        kinds.flatMap { kindPositions[$0] ?? [] }.sorted().map { resources[$0] }
    }

    /// StorageClass name → provisioner.
    public private(set) var provisioners: [String: String] = [:]

    public func resource(id: Int64?) -> Resource? {
        resourceIndex(id: id).map { resources[$0] }
    }

    /// Where resource `id` is in `resources`: lookups read the element in place instead of copying a second table of them.
    func resourceIndex(id: Int64?) -> Int? {
        id.flatMap { resourcePositions[$0] }
    }

    /// Id → position and kind → positions in `resources`, kept as it changes: checks ask by id per finding and by kind
    /// a dozen times, which scanned all of them.
    private var resourcePositions: [Int64: Int] = [:]
    private var kindPositions: [String: [Int]] = [:]

    /// `positions`: the id → position table when the caller already has it (`load` places the rows by it).
    private mutating func indexResources(positions: [Int64: Int]? = nil) {
        resourcePositions = positions ?? Self.positions(of: resources)
        kindPositions = [:]
        // By kind, a built-in kind only in its own API groups (`BuiltInKinds`): another group's object of that name is a
        // custom resource, found through `resources` alone.
        for index in resources.indices where BuiltInKinds.groups[resources[index].kind]?.contains(resources[index].group) ?? true {
            kindPositions[resources[index].kind, default: []].append(index)
        }
    }

    init(cluster: Cluster, resources: [Resource], workloads: [Workload], volumes: [Volume], storageClasses: [StorageClass],
         services: [Service], ingresses: [Ingress], configKeys: [Int64: [String]], positions: [Int64: Int]? = nil) {
        self.cluster = cluster
        self.resources = resources
        self.workloads = workloads
        self.volumes = volumes
        self.storageClasses = storageClasses
        self.services = services
        self.ingresses = ingresses
        self.configKeys = configKeys
        indexResources(positions: positions)
        provisioners = Dictionary(storageClasses.map { ($0.resource.name, $0.provisioner) }, uniquingKeysWith: { first, _ in first })
    }
}

extension Estate {
    static func json(_ text: String?) -> ManifestNode {
        // Most stored columns are empty: no parser needed for them.
        switch text {
        case nil: return .null
        case "{}": return .mapping([])
        case "[]": return .sequence([])
        default: return text.flatMap(ManifestText.value) ?? .null
        }
    }

    /// Labels and annotations: a flat JSON object of strings (~100,000 of them on a large estate), read by `StoredJSONReader`,
    /// else by Foundation's JSON parser; anything else takes the general path.
    static func stringMap(_ text: String?) -> [String: String] {
        guard let text, text != "{}" else { return [:] }
        if let map = StoredJSONReader.stringMap(text) { return map }
        if let node = StoredJSONReader.value(text) { return node.stringMap }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return json(text).stringMap }
        var result: [String: String] = [:]
        for (key, value) in object {
            if let string = value as? String { result[key] = string } else if value is NSNull { result[key] = "" } else { return json(text).stringMap }
        }
        return result
    }

    static func strings(_ text: String?) -> [String] { json(text).items.compactMap(\.string) }

    /// Resource id → its first position in `resources`.
    static func positions(of resources: [Resource]) -> [Int64: Int] {
        var positions: [Int64: Int] = [:]
        positions.reserveCapacity(resources.count)
        for index in resources.indices where positions[resources[index].id] == nil { positions[resources[index].id] = index }
        return positions
    }

    /// Loads every cluster (or the named one) from the inventory.
    public static func load(_ db: Database, cluster name: String? = nil, bodies: Bodies = .all) throws -> [Estate] {
        try clusters(db, named: name).map { try load(db, cluster: $0, bodies: bodies) }
    }

    static func load(_ db: Database, cluster: Cluster, bodies: Bodies = .all) throws -> Estate {
        // SQLite sorts the ids alone, then the rows are read in table order and put in place: sorting whole rows (bodies
        // included, tens of megabytes) spilled SQLite's sorter to disk and cost more than everything else here. Ties (one
        // name in two API groups) come in id order, as the whole-row sort gave them (SQLite's sorter is stable, and its
        // input came by kind, then id). The rows are read over the cluster's id range, in table order (NOT INDEXED: no
        // detour through an index).
        let order = try Int64.fetchAll(db, sql: "SELECT id FROM resource WHERE cluster_id = ? ORDER BY namespace, kind, name, id", arguments: [cluster.id])
        var slots: [Int64: Int] = [:]
        slots.reserveCapacity(order.count)
        for (index, id) in order.enumerated() { slots[id] = index }
        var placed = [Resource?](repeating: nil, count: order.count)
        let body = bodies.column
        try Row.fetchCursor(db, sql: """
            SELECT id, api_version, api_group, kind, namespace, name, labels, annotations, \(body.sql), source_file, source_line, owner_kind, uid
            FROM resource NOT INDEXED WHERE id BETWEEN ? AND ? AND cluster_id = ?
            """, arguments: StatementArguments(body.arguments) + [order.min() ?? 0, order.max() ?? -1, cluster.id]).forEach { row in
            guard let slot = slots[row[0]] else { return }
            placed[slot] = Resource(id: row[0], clusterID: cluster.id, apiVersion: row[1], group: row[2], kind: row[3], namespace: row[4], name: row[5],
                                    labels: stringMap(row[6]), annotations: stringMap(row[7]), bodyText: row[8] ?? "{}", sourceFile: row[9],
                                    sourceLine: row[10], ownerKind: row[11], uid: row[12])
        }
        let resources = placed.compactMap { $0 }
        placed = []
        let byID = resources.count == order.count ? slots : positions(of: resources)
        func loaded(_ id: Int64?) -> Resource? { id.flatMap { byID[$0] }.map { resources[$0] } }

        var containers: [Int64: [Container]] = [:]
        // Thousands of containers share a few images: each is parsed once.
        var images: [String: ImageReference] = [:]
        try Row.fetchCursor(db, sql: """
            SELECT c.resource_id, c.role, c.name, i.reference, c.cpu_request_m, c.cpu_limit_m, c.memory_request, c.memory_limit, c.gpu_limit,
              c.liveness_probe, c.readiness_probe, c.startup_probe, c.ports, c.privileged, c.capabilities_add, c.env, c.volume_mounts,
              c.env_from, c.command, c.args
            FROM container c JOIN workload w ON w.spec_resource_id = c.resource_id LEFT JOIN image i ON i.id = c.image_id
            WHERE w.cluster_id = ? ORDER BY c.resource_id, c.role, c.position
            """, arguments: [cluster.id]).forEach { row in
            let image: String? = row[3]
            let reference = image.map { image in
                if let parsed = images[image] { return parsed }
                let parsed = ImageReference(image)
                images[image] = parsed
                return parsed
            }
            containers[row[0], default: []].append(Container(
                role: row[1], name: row[2], image: image, imageReference: reference, cpuRequest: row[4], cpuLimit: row[5], memoryRequest: row[6], memoryLimit: row[7],
                gpuLimit: row[8], livenessProbe: row[9], readinessProbe: row[10], startupProbe: row[11], ports: json(row[12]),
                privileged: row[13], capabilitiesAdd: strings(row[14]), env: json(row[15]), volumeMounts: json(row[16]),
                envFrom: json(row[17]), command: json(row[18]), args: json(row[19])))
        }
        var podVolumes: [Int64: [PodVolume]] = [:]
        try Row.fetchCursor(db, sql: """
            SELECT v.resource_id, v.name, v.type, v.reference, v.detail FROM pod_volume v JOIN workload w ON w.spec_resource_id = v.resource_id
            WHERE w.cluster_id = ? ORDER BY v.id
            """, arguments: [cluster.id]).forEach { row in
            podVolumes[row[0], default: []].append(PodVolume(name: row[1], type: row[2], reference: row[3], detail: json(row[4])))
        }
        let volumes = try Array(Row.fetchCursor(db, sql: """
            SELECT v.resource_id, v.source, v.namespace, v.name, r.kind, r.name, v.storage_class, v.access_modes, v.size_bytes,
              v.volume_type, v.volume_name, r.source_file, r.source_line
            FROM volume v JOIN resource r ON r.id = v.resource_id WHERE r.cluster_id = ? ORDER BY v.namespace, v.name, v.id
            """, arguments: [cluster.id]).map { row in
            Volume(resourceID: row[0], clusterID: cluster.id, source: row[1], namespace: row[2], name: row[3], ownerKind: row[4], ownerName: row[5],
                   storageClass: row[6], accessModes: strings(row[7]), sizeBytes: row[8], volumeType: row[9], volumeName: row[10],
                   sourceFile: row[11], sourceLine: row[12])
        })
        let templates = Dictionary(grouping: volumes.filter { $0.source == "template" }, by: \.resourceID)

        let workloads = try Array(Row.fetchCursor(db, sql: """
            SELECT w.id, w.resource_id, w.kind, w.namespace, w.name, w.spec_resource_id, p.replicas, p.service_account, p.automount_token,
              p.host_network, p.host_pid, p.host_ipc, p.node_selector, p.affinity, p.topology_spread, p.image_pull_secrets,
              p.termination_grace, p.template_labels, p.template_annotations
            FROM workload w LEFT JOIN pod_spec p ON p.resource_id = w.spec_resource_id
            WHERE w.cluster_id = ? ORDER BY w.namespace, w.kind, w.name
            """, arguments: [cluster.id]).map { row -> Workload in
            let resourceID: Int64? = row[1]
            let specID: Int64 = row[5]
            let top = loaded(resourceID) ?? loaded(specID)
            let templateAnnotations = stringMap(row[18])
            return Workload(
                id: row[0], clusterID: cluster.id, resourceID: resourceID, kind: row[2], namespace: row[3], name: row[4], replicas: row[6],
                serviceAccount: row[7], automountToken: row[8], hostNetwork: row[9] ?? false, hostPID: row[10] ?? false, hostIPC: row[11] ?? false,
                nodeSelector: stringMap(row[12]), affinity: row[13], topologySpread: row[14] ?? "[]", imagePullSecrets: strings(row[15]),
                terminationGrace: row[16], templateLabels: stringMap(row[17]), templateAnnotations: templateAnnotations,
                containers: containers[specID] ?? [], volumes: podVolumes[specID] ?? [], claimTemplates: templates[specID] ?? [],
                sourceFile: top?.sourceFile, sourceLine: top?.sourceLine,
                annotations: (top?.annotations ?? [:]).merging(templateAnnotations) { first, _ in first })
        })
        let storageClasses = try Array(Row.fetchCursor(db, sql: """
            SELECT s.resource_id, s.provisioner, s.binding_mode, s.is_default FROM storage_class s JOIN resource r ON r.id = s.resource_id
            WHERE r.cluster_id = ? ORDER BY s.name
            """, arguments: [cluster.id]).compactMap { row -> StorageClass? in
            guard let resource = loaded(row[0]) else { return nil }
            return StorageClass(resource: resource, provisioner: row[1], bindingMode: row[2], isDefault: row[3])
        })
        let services = try Array(Row.fetchCursor(db, sql: """
            SELECT s.resource_id, s.type, s.cluster_ip, s.load_balancer_class, s.ports, s.selector FROM service s JOIN resource r ON r.id = s.resource_id
            WHERE r.cluster_id = ? ORDER BY r.namespace, r.name
            """, arguments: [cluster.id]).compactMap { row -> Service? in
            guard let resource = loaded(row[0]) else { return nil }
            return Service(resource: resource, type: row[1], clusterIP: row[2], loadBalancerClass: row[3], ports: json(row[4]), selector: stringMap(row[5]))
        })
        var rules: [Int64: [IngressRule]] = [:]
        try Row.fetchCursor(db, sql: """
            SELECT ir.resource_id, ir.host, ir.path, ir.service_name, ir.service_port FROM ingress_rule ir JOIN resource r ON r.id = ir.resource_id
            WHERE r.cluster_id = ? ORDER BY ir.id
            """, arguments: [cluster.id]).forEach { row in
            rules[row[0], default: []].append(IngressRule(host: row[1], path: row[2], serviceName: row[3], servicePort: row[4]))
        }
        let ingresses = try Array(Row.fetchCursor(db, sql: """
            SELECT i.resource_id, i.class FROM ingress i JOIN resource r ON r.id = i.resource_id WHERE r.cluster_id = ? ORDER BY r.namespace, r.name
            """, arguments: [cluster.id]).compactMap { row -> Ingress? in
            guard let resource = loaded(row[0]) else { return nil }
            return Ingress(resource: resource, className: row[1], rules: rules[resource.id] ?? [])
        })
        var configKeys: [Int64: [String]] = [:]
        try Row.fetchCursor(db, sql: """
            SELECT k.resource_id, k.key FROM config_key k JOIN resource r ON r.id = k.resource_id WHERE r.cluster_id = ? ORDER BY k.key
            """, arguments: [cluster.id]).forEach { row in
            configKeys[row[0], default: []].append(row[1])
        }
        var estate = Estate(cluster: cluster, resources: resources, workloads: workloads, volumes: volumes, storageClasses: storageClasses,
                            services: services, ingresses: ingresses, configKeys: configKeys, positions: byID)
        try estate.loadClusterFacts(db)
        estate.helmReleases = try HelmReleaseRecord.load(db, clusterID: cluster.id)
        return estate
    }
}
