import GRDB

/// Writes extracted objects of one import into the inventory, inside the import's transaction.
/// An object already in the inventory under the same key (cluster, group, kind, namespace, name) keeps its id;
/// its facts are replaced by the new reading.
struct InventoryWriter {
    let db: Database
    let clusterID: Int64
    let importID: Int64
    private var imageIDs: [String: Int64] = [:]

    /// Facts tables keyed by resource, cleared before an object is written again.
    private static let factTables = ["pod_spec", "container", "pod_volume", "volume", "storage_class", "service", "ingress", "config_key"]

    init(db: Database, clusterID: Int64, importID: Int64) throws {
        self.db = db
        self.clusterID = clusterID
        self.importID = importID
        for row in try Row.fetchAll(db, sql: "SELECT id, reference FROM image") {
            imageIDs[row["reference"]] = row["id"]
        }
    }

    /// Writes one object, unless this import already holds a later reading of the same key.
    mutating func write(_ object: ExtractedObject, file: String, order: Int64) throws {
        guard let resourceID = try upsertResource(object, file: file, order: order) else { return }
        if let spec = object.podSpec {
            try db.cachedStatement(sql: """
                INSERT INTO pod_spec (resource_id, replicas, update_strategy, service_account, automount_token, host_network,
                  host_pid, host_ipc, node_selector, affinity, tolerations, topology_spread, image_pull_secrets,
                  termination_grace, security_context, template_labels, template_annotations)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    resourceID, spec.replicas, spec.updateStrategy, spec.serviceAccount, spec.automountToken, spec.hostNetwork,
                    spec.hostPID, spec.hostIPC, spec.nodeSelector, spec.affinity, spec.tolerations, spec.topologySpread,
                    spec.imagePullSecrets, spec.terminationGrace, spec.securityContext, spec.templateLabels, spec.templateAnnotations,
                ])
        }
        for container in object.containers {
            var imageID: Int64?
            if let image = container.image { imageID = try self.imageID(image) }
            let statement = try db.cachedStatement(sql: """
                INSERT INTO container (resource_id, role, position, name, image_id, cpu_request_m, cpu_limit_m, memory_request,
                  memory_limit, ephemeral_request, gpu_limit, liveness_probe, readiness_probe, startup_probe, ports, privileged,
                  capabilities_add, run_as_user, run_as_non_root, env, env_from, volume_mounts, command, args)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try statement.execute(arguments: [
                resourceID, container.role, container.position, container.name, imageID, container.cpuRequest, container.cpuLimit,
                container.memoryRequest, container.memoryLimit, container.ephemeralRequest, container.gpuLimit,
                container.livenessProbe, container.readinessProbe, container.startupProbe, container.ports, container.privileged,
                container.capabilitiesAdd, container.runAsUser, container.runAsNonRoot, container.env, container.envFrom,
                container.volumeMounts, container.command, container.args,
            ])
        }
        for volume in object.podVolumes {
            try db.cachedStatement(sql: "INSERT INTO pod_volume (resource_id, name, type, reference, detail) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [resourceID, volume.name, volume.type, volume.reference, volume.detail])
        }
        for volume in object.volumes {
            try db.cachedStatement(sql: """
                INSERT INTO volume (resource_id, source, namespace, name, storage_class, access_modes, size_bytes, volume_mode,
                  volume_type, volume_name, reclaim_policy)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    resourceID, volume.source, volume.namespace, volume.name, volume.storageClass, volume.accessModes,
                    volume.sizeBytes, volume.volumeMode, volume.volumeType, volume.volumeName, volume.reclaimPolicy,
                ])
        }
        if let storageClass = object.storageClass {
            try db.cachedStatement(sql: """
                INSERT INTO storage_class (resource_id, name, provisioner, reclaim_policy, binding_mode, allow_expansion, is_default, parameters)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    resourceID, storageClass.name, storageClass.provisioner, storageClass.reclaimPolicy, storageClass.bindingMode,
                    storageClass.allowExpansion, storageClass.isDefault, storageClass.parameters,
                ])
        }
        if let service = object.service {
            try db.cachedStatement(sql: """
                INSERT INTO service (resource_id, type, cluster_ip, external_name, load_balancer_class, ports, selector)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    resourceID, service.type, service.clusterIP, service.externalName, service.loadBalancerClass, service.ports, service.selector,
                ])
        }
        if let ingress = object.ingress {
            try db.cachedStatement(sql: "INSERT INTO ingress (resource_id, class, tls_hosts, default_backend) VALUES (?, ?, ?, ?)")
                .execute(arguments: [resourceID, ingress.className, ingress.tlsHosts, ingress.defaultBackend])
            for rule in ingress.rules {
                try db.cachedStatement(sql: """
                    INSERT INTO ingress_rule (resource_id, host, path, path_type, service_name, service_port) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [resourceID, rule.host, rule.path, rule.pathType, rule.serviceName, rule.servicePort])
            }
        }
        for key in object.configKeys {
            try db.cachedStatement(sql: "INSERT INTO config_key (resource_id, key) VALUES (?, ?)").execute(arguments: [resourceID, key])
        }
    }

    private func upsertResource(_ object: ExtractedObject, file: String, order: Int64) throws -> Int64? {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, import_id, read_order FROM resource WHERE cluster_id = ? AND api_group = ? AND kind = ? AND namespace = ? AND name = ?
            """), arguments: [clusterID, object.group, object.kind, object.namespace, object.name])
        let existing: Int64? = row?["id"]
        if let row, row["import_id"] == importID, (row["read_order"] as Int64) > order { return nil }
        let values: StatementArguments = [
            object.apiVersion, object.uid, object.labels, object.annotations, object.owner?.kind, object.owner?.name,
            object.owner?.uid, object.body, file, object.line, importID, order,
        ]
        if let existing {
            for table in Self.factTables {
                try db.cachedStatement(sql: "DELETE FROM \(table) WHERE resource_id = ?").execute(arguments: [existing])
            }
            try db.cachedStatement(sql: """
                UPDATE resource SET api_version = ?, uid = ?, labels = ?, annotations = ?, owner_kind = ?, owner_name = ?,
                  owner_uid = ?, body = ?, source_file = ?, source_line = ?, import_id = ?, read_order = ? WHERE id = ?
                """).execute(arguments: values + [existing])
            return existing
        }
        try db.cachedStatement(sql: """
            INSERT INTO resource (api_version, uid, labels, annotations, owner_kind, owner_name, owner_uid, body, source_file,
              source_line, import_id, read_order, cluster_id, api_group, kind, namespace, name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: values + [clusterID, object.group, object.kind, object.namespace, object.name])
        return db.lastInsertedRowID
    }

    private mutating func imageID(_ reference: String) throws -> Int64 {
        if let id = imageIDs[reference] { return id }
        let parsed = ImageReference(reference)
        try db.cachedStatement(sql: """
            INSERT INTO image (reference, registry, repository, tag, digest, normalized) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [reference, parsed.registry, parsed.repository, parsed.tag, parsed.digest, parsed.normalized])
        let id = db.lastInsertedRowID
        imageIDs[reference] = id
        return id
    }
}
