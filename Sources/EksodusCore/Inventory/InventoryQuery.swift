import GRDB

/// The `eksodus inventory` listings, each a sorted table filtered by cluster and namespace.
public struct InventoryQuery {
    public enum Listing: String, CaseIterable, Sendable {
        case clusters, workloads, images, volumes, services, ingresses, nodes, templates
        case helm
    }

    public var cluster: String?
    public var namespace: String?

    public init(cluster: String? = nil, namespace: String? = nil) {
        self.cluster = cluster
        self.namespace = namespace
    }

    public func table(_ listing: Listing, in database: AppDatabase) throws -> Table {
        try database.writer.read { db in
            switch listing {
            case .clusters: return try clusters(db)
            case .workloads: return try workloads(db)
            case .images: return try images(db)
            case .volumes: return try volumes(db)
            case .services: return try services(db)
            case .ingresses: return try ingresses(db)
            case .nodes: return try nodes(db)
            case .templates: return try templates(db)
            case .helm: return try helmReleases(db)
            }
        }
    }

    /// `AND` clauses for the cluster and namespace filters, on tables aliased `c` (cluster) and `nsTable`.
    func filter(namespaceColumn: String?) -> (sql: String, arguments: StatementArguments) {
        var sql = ""
        var arguments: StatementArguments = []
        if let cluster {
            sql += " AND c.name = ?"
            arguments += [cluster]
        }
        if let namespace, let namespaceColumn {
            sql += " AND \(namespaceColumn) = ?"
            arguments += [namespace]
        }
        return (sql, arguments)
    }

    /// How a column's stored value becomes a cell, where it is not plain text or a number.
    enum Shape {
        /// A byte count (shown as Gi/Mi).
        case bytes
        /// A JSON array of access modes (shown as RWO, RWX, ROX, RWOP).
        case accessModes
        /// A space-separated list.
        case list
        /// 'yes' or 'no' (or 0/1).
        case bool
    }

    /// Kubernetes' short forms of the PersistentVolume access modes, as `kubectl get pvc` prints them
    /// (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes).
    static let accessModeAbbreviations = ["ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"]

    func run(_ db: Database, columns: [String], shapes: [String: Shape] = [:], wide: Set<String> = [], headers: [String: String] = [:],
                     sql: String, arguments: StatementArguments) throws -> Table {
        var table = Table(columns: columns, wideColumns: wide, headers: headers)
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            table.rows.append((0..<columns.count).map { index in
                switch row[index] as DatabaseValue {
                case let value where value.isNull: return .null
                case let value where shapes[columns[index]] != nil:
                    return Self.cell(value, shape: shapes[columns[index]] ?? .list)
                case let value:
                    if let integer = Int.fromDatabaseValue(value), case .int64 = value.storage { return .integer(integer) }
                    return .text(String.fromDatabaseValue(value) ?? "")
                }
            })
        }
        return table
    }

    static func cell(_ value: DatabaseValue, shape: Shape) -> Table.Cell {
        let text = String.fromDatabaseValue(value) ?? ""
        switch shape {
        case .bytes: return Int.fromDatabaseValue(value).map { .bytes($0) } ?? .text(text)
        case .bool: return .bool(text == "yes" || text == "1" || text == "true")
        case .list: return .list(text.split(separator: " ").map(String.init))
        case .accessModes:
            let modes = ManifestText.value(text)?.items.compactMap(\.string) ?? []
            return .list(modes, shown: modes.map { accessModeAbbreviations[$0] ?? $0 }.joined(separator: ","))
        }
    }

    func clusters(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: nil)
        return try run(db, columns: ["name", "environment", "version", "namespaces", "objects", "workloads", "images", "volumes", "last_import"], sql: """
            SELECT c.name, c.environment, c.kubernetes_version,
              (SELECT count(DISTINCT namespace) FROM resource WHERE cluster_id = c.id AND namespace <> ''),
              (SELECT count(*) FROM resource WHERE cluster_id = c.id),
              (SELECT count(*) FROM workload WHERE cluster_id = c.id),
              (SELECT count(DISTINCT ct.image_id) FROM workload w JOIN container ct ON ct.resource_id = w.spec_resource_id WHERE w.cluster_id = c.id),
              (SELECT count(*) FROM volume v JOIN resource r ON r.id = v.resource_id WHERE r.cluster_id = c.id),
              (SELECT max(finished_at) FROM import WHERE cluster_id = c.id)
            FROM cluster c WHERE 1 = 1\(where_.sql) ORDER BY c.name
            """, arguments: where_.arguments)
    }

    func workloads(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: "w.namespace")
        return try run(db, columns: ["cluster", "namespace", "kind", "name", "replicas", "containers", "images", "cpu_request_m", "memory_request_bytes", "claims", "service_account", "pods_observed"],
                       shapes: ["images": .list, "memory_request_bytes": .bytes], wide: ["images", "service_account", "pods_observed"],
                       headers: ["cpu_request_m": "cpu_m", "memory_request_bytes": "memory"], sql: """
            SELECT c.name, w.namespace, w.kind, w.name, p.replicas,
              (SELECT count(*) FROM container WHERE resource_id = w.spec_resource_id AND role = 'app'),
              (SELECT group_concat(reference, ' ') FROM (SELECT DISTINCT i.reference FROM container ct JOIN image i ON i.id = ct.image_id
                 WHERE ct.resource_id = w.spec_resource_id ORDER BY i.reference)),
              (SELECT sum(cpu_request_m) FROM container WHERE resource_id = w.spec_resource_id AND role = 'app'),
              (SELECT sum(memory_request) FROM container WHERE resource_id = w.spec_resource_id AND role = 'app'),
              (SELECT count(*) FROM pod_volume WHERE resource_id = w.spec_resource_id AND type = 'persistentVolumeClaim')
                + (SELECT count(*) FROM volume WHERE resource_id = w.spec_resource_id AND source = 'template'),
              p.service_account, w.pods_observed
            FROM workload w JOIN cluster c ON c.id = w.cluster_id LEFT JOIN pod_spec p ON p.resource_id = w.spec_resource_id
            WHERE 1 = 1\(where_.sql) ORDER BY c.name, w.namespace, w.kind, w.name
            """, arguments: where_.arguments)
    }

    func images(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: "w.namespace")
        return try run(db, columns: ["reference", "registry", "repository", "tag", "digest", "normalized", "workloads", "clusters"],
                       wide: ["registry", "repository", "tag", "digest", "normalized"], sql: """
            SELECT i.reference, i.registry, i.repository, i.tag, i.digest, i.normalized,
              count(DISTINCT w.id), group_concat(DISTINCT c.name)
            FROM image i JOIN container ct ON ct.image_id = i.id JOIN workload w ON w.spec_resource_id = ct.resource_id
              JOIN cluster c ON c.id = w.cluster_id
            WHERE 1 = 1\(where_.sql) GROUP BY i.id ORDER BY i.normalized, i.reference
            """, arguments: where_.arguments)
    }

    func volumes(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: "v.namespace")
        return try run(db, columns: ["cluster", "namespace", "source", "name", "owner", "storage_class", "provisioner", "access_modes", "size_bytes", "volume_type", "used_by"],
                       shapes: ["access_modes": .accessModes, "size_bytes": .bytes], wide: ["owner", "provisioner", "volume_type"],
                       headers: ["size_bytes": "size"], sql: """
            SELECT c.name, v.namespace, v.source, v.name, r.kind || '/' || r.name, v.storage_class, sc.provisioner,
              v.access_modes, v.size_bytes, v.volume_type,
              CASE v.source
                WHEN 'template' THEN (SELECT w.kind || '/' || w.name FROM workload w WHERE w.spec_resource_id = r.id)
                WHEN 'pvc' THEN (SELECT group_concat(DISTINCT w.kind || '/' || w.name) FROM pod_volume pv
                    JOIN workload w ON w.spec_resource_id = pv.resource_id
                    WHERE pv.type = 'persistentVolumeClaim' AND pv.reference = v.name AND w.namespace = v.namespace AND w.cluster_id = c.id)
              END
            FROM volume v JOIN resource r ON r.id = v.resource_id JOIN cluster c ON c.id = r.cluster_id
              LEFT JOIN storage_class sc ON sc.name = v.storage_class
                AND sc.resource_id IN (SELECT id FROM resource WHERE cluster_id = c.id AND kind = 'StorageClass')
            WHERE 1 = 1\(where_.sql) ORDER BY c.name, v.namespace, v.source, v.name
            """, arguments: where_.arguments)
    }

    func services(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: "r.namespace")
        return try run(db, columns: ["cluster", "namespace", "name", "type", "cluster_ip", "ports", "selector", "workloads"],
                       wide: ["selector"], sql: """
            SELECT c.name, r.namespace, r.name, s.type, s.cluster_ip,
              (SELECT group_concat(coalesce(json_extract(p.value, '$.port'), '') || '/' || coalesce(json_extract(p.value, '$.protocol'), 'TCP'), ' ')
                 FROM json_each(s.ports) p),
              (SELECT group_concat(key || '=' || value, ',') FROM json_each(s.selector)),
              (SELECT count(*) FROM workload w JOIN pod_spec p ON p.resource_id = w.spec_resource_id
                 WHERE w.cluster_id = c.id AND w.namespace = r.namespace AND s.selector <> '{}'
                   AND NOT EXISTS (SELECT 1 FROM json_each(s.selector) sel
                     WHERE json_extract(p.template_labels, '$."' || sel.key || '"') IS NOT sel.value))
            FROM service s JOIN resource r ON r.id = s.resource_id JOIN cluster c ON c.id = r.cluster_id
            WHERE 1 = 1\(where_.sql) ORDER BY c.name, r.namespace, r.name
            """, arguments: where_.arguments)
    }

    func ingresses(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: "r.namespace")
        return try run(db, columns: ["cluster", "namespace", "name", "class", "host", "path", "backend", "tls"], shapes: ["tls": .bool], sql: """
            SELECT c.name, r.namespace, r.name, i.class, ir.host, ir.path,
              CASE WHEN ir.service_name IS NULL THEN i.default_backend ELSE ir.service_name || coalesce(':' || ir.service_port, '') END,
              CASE WHEN i.tls_hosts = '[]' THEN 'no' ELSE 'yes' END
            FROM ingress i JOIN resource r ON r.id = i.resource_id JOIN cluster c ON c.id = r.cluster_id
              LEFT JOIN ingress_rule ir ON ir.resource_id = i.resource_id
            WHERE 1 = 1\(where_.sql) ORDER BY c.name, r.namespace, r.name, ir.host, ir.path
            """, arguments: where_.arguments)
    }

    /// OpenShift Templates, and the objects the import expanded from each (marked `TemplateExpansion.annotation`).
    /// The marked objects are grouped once by the template they name: a count per template over every object was
    /// quadratic (3,000 templates beside 30,000 objects took 53 s).
    func templates(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: "r.namespace")
        return try run(db, columns: ["cluster", "namespace", "name", "parameters", "generated", "objects", "kinds"], sql: """
            WITH expanded AS MATERIALIZED (
              SELECT o.cluster_id, json_extract(o.annotations, '$."\(TemplateExpansion.annotation)"') AS origin, o.kind
              FROM resource o WHERE instr(o.annotations, '\(TemplateExpansion.annotation)') > 0),
            counted AS (
              SELECT cluster_id, origin, sum(objects) AS objects, group_concat(kind, ' ') AS kinds FROM (
                SELECT cluster_id, origin, kind, count(*) AS objects FROM expanded WHERE origin IS NOT NULL
                GROUP BY cluster_id, origin, kind ORDER BY cluster_id, origin, kind)
              GROUP BY cluster_id, origin)
            SELECT c.name, r.namespace, r.name,
              (SELECT count(*) FROM json_each(r.body, '$.parameters')),
              (SELECT count(*) FROM json_each(r.body, '$.parameters') p
                 WHERE json_extract(p.value, '$.generate') IS NOT NULL AND json_extract(p.value, '$.value') IS NULL),
              coalesce(e.objects, 0), e.kinds
            FROM resource r JOIN cluster c ON c.id = r.cluster_id
              LEFT JOIN counted e ON e.cluster_id = r.cluster_id AND e.origin = r.namespace || '/' || r.name
            WHERE r.kind = 'Template' AND r.api_group IN ('template.openshift.io', '')\(where_.sql) ORDER BY c.name, r.namespace, r.name
            """, arguments: where_.arguments)
    }

    /// Helm releases at their latest revision; `objects` counts what the rendered manifest holds (its text is never kept).
    func helmReleases(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: "h.namespace")
        return try run(db, columns: ["cluster", "namespace", "release", "helm", "chart", "chart_version", "app_version", "status", "revision",
                                     "objects", "note"], sql: """
            SELECT c.name, h.namespace, h.name, h.helm_major, h.chart, h.chart_version, h.app_version, h.status, h.revision,
              json_array_length(h.manifest_objects), h.note
            FROM helm_release h JOIN cluster c ON c.id = h.cluster_id
            WHERE 1 = 1\(where_.sql) ORDER BY c.name, h.namespace, h.name
            """, arguments: where_.arguments)
    }
}
