import GRDB

/// Writes extracted objects of one import into the inventory, inside the import's transaction.
/// An object already in the inventory under the same key (cluster, group, kind, namespace, name) keeps its id;
/// its facts are replaced by the new reading, unless this import already holds a later reading of it.
struct InventoryWriter {
    let db: Database
    let clusterID: Int64
    let importID: Int64
    private var imageIDs: [String: Int64] = [:]
    /// Objects this import read more than once, described (the first `maxListedDuplicates` of them), and how many there were.
    private(set) var duplicates: [String] = []
    private(set) var duplicateCount = 0
    static let maxListedDuplicates = 100

    private let insertResource: FastStatement
    private let findResource: FastStatement
    private let updateResource: FastStatement
    private let clearFacts: [FastStatement]
    private let insertPodSpec: FastStatement
    private let insertContainer: FastStatement
    private let insertPodVolume: FastStatement
    private let insertVolume: FastStatement
    private let insertStorageClass: FastStatement
    private let insertService: FastStatement
    private let insertIngress: FastStatement
    private let insertIngressRule: FastStatement
    private let insertConfigKey: FastStatement
    private let insertImage: FastStatement
    private let helmReleases: HelmReleaseWriter

    /// Facts tables keyed by resource, cleared before an object is written again.
    private static let factTables = ["pod_spec", "container", "pod_volume", "volume", "storage_class", "service", "ingress", "config_key",
                                     "applied_api_version", "node"]

    init(db: Database, clusterID: Int64, importID: Int64) throws {
        self.db = db
        self.clusterID = clusterID
        self.importID = importID
        for row in try Row.fetchAll(db, sql: "SELECT id, reference FROM image") {
            imageIDs[row[1]] = row[0]
        }
        let resourceColumns = "api_version, uid, labels, annotations, owner_kind, owner_name, owner_uid, body, source_file, source_line, import_id, read_order"
        insertResource = try FastStatement(db, """
            INSERT INTO resource (\(resourceColumns), cluster_id, api_group, kind, namespace, name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cluster_id, api_group, kind, namespace, name) DO NOTHING
            """)
        findResource = try FastStatement(db, """
            SELECT id, import_id, read_order FROM resource WHERE cluster_id = ? AND api_group = ? AND kind = ? AND namespace = ? AND name = ?
            """)
        updateResource = try FastStatement(db, """
            UPDATE resource SET (\(resourceColumns)) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?
            """)
        clearFacts = try Self.factTables.map { try FastStatement(db, "DELETE FROM \($0) WHERE resource_id = ?") }
        insertPodSpec = try FastStatement(db, """
            INSERT INTO pod_spec (resource_id, replicas, update_strategy, service_account, automount_token, host_network,
              host_pid, host_ipc, node_selector, affinity, tolerations, topology_spread, image_pull_secrets,
              termination_grace, security_context, template_labels, template_annotations)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertContainer = try FastStatement(db, """
            INSERT INTO container (resource_id, role, position, name, image_id, cpu_request_m, cpu_limit_m, memory_request,
              memory_limit, ephemeral_request, gpu_limit, liveness_probe, readiness_probe, startup_probe, ports, privileged,
              capabilities_add, run_as_user, run_as_non_root, env, env_from, volume_mounts, command, args)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertPodVolume = try FastStatement(db, "INSERT INTO pod_volume (resource_id, name, type, reference, detail) VALUES (?, ?, ?, ?, ?)")
        insertVolume = try FastStatement(db, """
            INSERT INTO volume (resource_id, source, namespace, name, storage_class, access_modes, size_bytes, volume_mode,
              volume_type, volume_name, reclaim_policy)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertStorageClass = try FastStatement(db, """
            INSERT INTO storage_class (resource_id, name, provisioner, reclaim_policy, binding_mode, allow_expansion, is_default, parameters)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertService = try FastStatement(db, """
            INSERT INTO service (resource_id, type, cluster_ip, external_name, load_balancer_class, ports, selector)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insertIngress = try FastStatement(db, "INSERT INTO ingress (resource_id, class, tls_hosts, default_backend) VALUES (?, ?, ?, ?)")
        insertIngressRule = try FastStatement(db, """
            INSERT INTO ingress_rule (resource_id, host, path, path_type, service_name, service_port) VALUES (?, ?, ?, ?, ?, ?)
            """)
        insertConfigKey = try FastStatement(db, "INSERT INTO config_key (resource_id, key) VALUES (?, ?)")
        helmReleases = try HelmReleaseWriter(db: db, clusterID: clusterID, importID: importID)
        insertImage = try FastStatement(db, "INSERT INTO image (reference, registry, repository, tag, digest, normalized) VALUES (?, ?, ?, ?, ?, ?)")
    }

    /// Writes one object, unless this import already holds a later reading of the same key; returns its id when written.
    @discardableResult
    mutating func write(_ object: ExtractedObject, file: String, order: Int64) throws -> Int64? {
        if let release = object.helmRelease { try helmReleases.write(release, file: file, line: object.line) }
        guard let id = try upsertResource(object, file: file, order: order) else { return nil }
        if let spec = object.podSpec {
            let s = insertPodSpec
            s.bind(1, id); s.bind(2, spec.replicas); s.bind(3, spec.updateStrategy); s.bind(4, spec.serviceAccount)
            s.bind(5, spec.automountToken); s.bind(6, spec.hostNetwork); s.bind(7, spec.hostPID); s.bind(8, spec.hostIPC)
            s.bind(9, spec.nodeSelector); s.bind(10, spec.affinity); s.bind(11, spec.tolerations); s.bind(12, spec.topologySpread)
            s.bind(13, spec.imagePullSecrets); s.bind(14, spec.terminationGrace); s.bind(15, spec.securityContext)
            s.bind(16, spec.templateLabels); s.bind(17, spec.templateAnnotations)
            try s.run()
        }
        for c in object.containers {
            var imageID: Int64?
            if let image = c.image, !image.isEmpty { imageID = try self.imageID(image) }
            let s = insertContainer
            s.bind(1, id); s.bind(2, c.role); s.bind(3, c.position); s.bind(4, c.name); s.bind(5, imageID)
            s.bind(6, c.cpuRequest); s.bind(7, c.cpuLimit); s.bind(8, c.memoryRequest); s.bind(9, c.memoryLimit)
            s.bind(10, c.ephemeralRequest); s.bind(11, c.gpuLimit); s.bind(12, c.livenessProbe); s.bind(13, c.readinessProbe)
            s.bind(14, c.startupProbe); s.bind(15, c.ports); s.bind(16, c.privileged); s.bind(17, c.capabilitiesAdd)
            s.bind(18, c.runAsUser); s.bind(19, c.runAsNonRoot); s.bind(20, c.env); s.bind(21, c.envFrom)
            s.bind(22, c.volumeMounts); s.bind(23, c.command); s.bind(24, c.args)
            try s.run()
        }
        for v in object.podVolumes {
            let s = insertPodVolume
            s.bind(1, id); s.bind(2, v.name); s.bind(3, v.type); s.bind(4, v.reference); s.bind(5, v.detail)
            try s.run()
        }
        for v in object.volumes {
            let s = insertVolume
            s.bind(1, id); s.bind(2, v.source); s.bind(3, v.namespace); s.bind(4, v.name); s.bind(5, v.storageClass)
            s.bind(6, v.accessModes); s.bind(7, v.sizeBytes); s.bind(8, v.volumeMode); s.bind(9, v.volumeType)
            s.bind(10, v.volumeName); s.bind(11, v.reclaimPolicy)
            try s.run()
        }
        if let c = object.storageClass {
            let s = insertStorageClass
            s.bind(1, id); s.bind(2, c.name); s.bind(3, c.provisioner); s.bind(4, c.reclaimPolicy); s.bind(5, c.bindingMode)
            s.bind(6, c.allowExpansion); s.bind(7, c.isDefault); s.bind(8, c.parameters)
            try s.run()
        }
        if let v = object.service {
            let s = insertService
            s.bind(1, id); s.bind(2, v.type); s.bind(3, v.clusterIP); s.bind(4, v.externalName); s.bind(5, v.loadBalancerClass)
            s.bind(6, v.ports); s.bind(7, v.selector)
            try s.run()
        }
        if let ingress = object.ingress {
            insertIngress.bind(1, id); insertIngress.bind(2, ingress.className); insertIngress.bind(3, ingress.tlsHosts)
            insertIngress.bind(4, ingress.defaultBackend)
            try insertIngress.run()
            for rule in ingress.rules {
                let s = insertIngressRule
                s.bind(1, id); s.bind(2, rule.host); s.bind(3, rule.path); s.bind(4, rule.pathType); s.bind(5, rule.serviceName)
                s.bind(6, rule.servicePort)
                try s.run()
            }
        }
        for key in object.configKeys {
            insertConfigKey.bind(1, id); insertConfigKey.bind(2, key)
            try insertConfigKey.run()
        }
        return id
    }

    /// Binds the columns shared by insert and update, in `resourceColumns` order.
    private func bindResource(_ s: FastStatement, _ object: ExtractedObject, file: String, order: Int64) {
        s.bind(1, object.apiVersion); s.bind(2, object.uid); s.bind(3, object.labels); s.bind(4, object.annotations)
        s.bind(5, object.owner?.kind); s.bind(6, object.owner?.name); s.bind(7, object.owner?.uid); s.bind(8, object.body)
        s.bind(9, file); s.bind(10, object.line); s.bind(11, importID); s.bind(12, order)
    }

    private mutating func upsertResource(_ object: ExtractedObject, file: String, order: Int64) throws -> Int64? {
        // Most objects are new: try the insert first, and look the key up only when it is taken.
        bindResource(insertResource, object, file: file, order: order)
        insertResource.bind(13, clusterID); insertResource.bind(14, object.group); insertResource.bind(15, object.kind)
        insertResource.bind(16, object.namespace); insertResource.bind(17, object.name)
        try insertResource.run()
        if insertResource.changes == 1 { return db.lastInsertedRowID }

        findResource.bind(1, clusterID); findResource.bind(2, object.group); findResource.bind(3, object.kind)
        findResource.bind(4, object.namespace); findResource.bind(5, object.name)
        guard let row = try findResource.firstRow(columns: 3), let existing = row[0] else { return nil }
        if row[1] == importID {
            let keepsStored = row[2].map { $0 > order } ?? false
            // Objects expanded from a Template carry negative orders (see `ParallelFileParser.templateOrderOffset`).
            let templateCopy = (order < 0) != ((row[2] ?? 0) < 0)
            try noteDuplicate(object, file: file, existing: existing, keepsExisting: keepsStored, templateCopy: templateCopy)
            if keepsStored { return nil }
        }
        for statement in clearFacts {
            statement.bind(1, existing)
            try statement.run()
        }
        bindResource(updateResource, object, file: file, order: order)
        updateResource.bind(13, existing)
        try updateResource.run()
        return existing
    }

    /// Records an object read twice in this import, naming both places and the reading that wins (the later one).
    private mutating func noteDuplicate(_ object: ExtractedObject, file: String, existing: Int64, keepsExisting: Bool, templateCopy: Bool = false) throws {
        duplicateCount += 1
        guard duplicates.count < Self.maxListedDuplicates else { return }
        let previous = try Row.fetchOne(db, sql: "SELECT source_file, source_line FROM resource WHERE id = ?", arguments: [existing])
        let stored = previous.map { "\($0[0] as String):\($0[1] as Int)" } ?? "?"
        let here = "\(file):\(object.line)"
        let name = object.namespace.isEmpty ? object.name : "\(object.namespace)/\(object.name)"
        let (first, second) = keepsExisting ? (here, stored) : (stored, here)
        duplicates.append("\(object.kind.visibleLine) \(name.visibleLine) is defined twice, at \(first.visibleLine) and at \(second.visibleLine); keeping \(second.visibleLine), \(templateCopy ? "not the Template's copy" : "read later")")
    }

    private mutating func imageID(_ reference: String) throws -> Int64 {
        if let id = imageIDs[reference] { return id }
        let parsed = ImageReference(reference)
        let s = insertImage
        s.bind(1, reference); s.bind(2, parsed.registry); s.bind(3, parsed.repository); s.bind(4, parsed.tag)
        s.bind(5, parsed.digest); s.bind(6, parsed.normalized)
        try s.run()
        let id = db.lastInsertedRowID
        imageIDs[reference] = id
        return id
    }
}
