import GRDB

/// Folds objects owned by a controller into their top owner, so that a Deployment with its ReplicaSets and
/// Pods is one workload (Pod → ReplicaSet → Deployment, Job → CronJob, Pod → StatefulSet/DaemonSet,
/// ReplicationController → DeploymentConfig). Owners that were not exported still name the workload:
/// three Pods of an absent ReplicaSet make one ReplicaSet workload, described by the Pods' spec.
/// Objects that name no owner fold by their controller's labels and annotations (`OwnerHints`), but only into an
/// owner exported in the same namespace; OpenShift's deployer and build pods are no workload at all.
/// Workload ids survive a rebuild, so later phases can refer to them.
///
/// The folding runs in SQL over a temporary table, level by level from the top owners down, so memory stays
/// flat however many objects the cluster holds (SQLite spills temporary tables to disk).
enum WorkloadFolder {
    private static let workloadKinds = KubernetesKinds.workloads.sorted().map { "'\($0)'" }.joined(separator: ",")
    /// The workload kinds in their own API groups only (`BuiltInKinds`): a custom resource called Deployment is no workload.
    private static let builtInWorkloads = BuiltInKinds.sqlCondition(kinds: Array(KubernetesKinds.workloads), alias: "r")

    /// Rebuilds the workloads of one cluster from its resources; returns how many there are.
    @discardableResult
    static func rebuild(_ db: Database, clusterID: Int64) throws -> Int {
        defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.fold_object; DROP TABLE IF EXISTS temp.fold_owner; DROP TABLE IF EXISTS temp.fold_group; DROP TABLE IF EXISTS temp.fold_hint") }
        try collectObjects(db, clusterID: clusterID)
        try applyOwnerHints(db)
        try linkOwners(db, clusterID: clusterID)
        try walkDown(db)
        try markMembers(db)
        return try writeWorkloads(db, clusterID: clusterID)
    }

    /// One row per object that runs pods. Of two objects with the same kind, namespace and name (two API groups),
    /// the later one stands for both. A mirror Pod, owned by its Node, and an object naming itself as owner, own themselves.
    private static func collectObjects(_ db: Database, clusterID: Int64) throws {
        let ownerlessOrSelfOwned = """
            r.owner_kind IS NULL OR r.owner_name IS NULL OR r.owner_kind = 'Node' OR (r.owner_kind = r.kind AND r.owner_name = r.name)
            """
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.fold_object;
            DROP TABLE IF EXISTS temp.fold_owner;
            CREATE TEMP TABLE fold_object (
                id          INTEGER PRIMARY KEY,
                kind        TEXT NOT NULL,
                namespace   TEXT NOT NULL,
                name        TEXT NOT NULL,
                owner_kind  TEXT,
                owner_name  TEXT,
                has_spec    INTEGER NOT NULL,
                starts      INTEGER NOT NULL,   -- describes or counts as a pod: folds into its top owner
                parent_id   INTEGER,            -- the owner, when it is an object of this table
                depth       INTEGER,            -- below the topmost object present; NULL until reached
                top_kind    TEXT, top_namespace TEXT, top_name TEXT, top_id INTEGER,
                spec_id     INTEGER,            -- the object with a pod spec nearest the top on the way here
                spec_depth  INTEGER,
                member      INTEGER NOT NULL DEFAULT 0,
                UNIQUE (namespace, kind, name)
            );
            INSERT OR REPLACE INTO fold_object (id, kind, namespace, name, owner_kind, owner_name, has_spec, starts)
            SELECT r.id, r.kind, r.namespace, r.name,
              CASE WHEN \(ownerlessOrSelfOwned) THEN NULL ELSE r.owner_kind END,
              CASE WHEN \(ownerlessOrSelfOwned) THEN NULL ELSE r.owner_name END,
              p.resource_id IS NOT NULL, p.resource_id IS NOT NULL OR r.kind = 'Pod'
            FROM resource r LEFT JOIN pod_spec p ON p.resource_id = r.id
            WHERE r.cluster_id = :cluster AND \(builtInWorkloads)
            ORDER BY r.id;
            """, arguments: ["cluster": clusterID])
    }

    /// Gives the objects that name no owner the first hinted owner that is an object of this table in the same namespace,
    /// and leaves OpenShift's deployer and build pods out. Only kinds that controllers make, or that carry a created-by
    /// reference, are read: top controllers of a current export cost one query, not a JSON parse each.
    private static func applyOwnerHints(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.fold_hint;
            CREATE TEMP TABLE fold_hint (id INTEGER NOT NULL, rank INTEGER NOT NULL, namespace TEXT NOT NULL, kind TEXT NOT NULL,
                                         name TEXT NOT NULL, PRIMARY KEY (id, rank));
            """)
        let insert = try db.makeStatement(sql: "INSERT INTO fold_hint (id, rank, namespace, kind, name) VALUES (?, ?, ?, ?, ?)")
        var machinery: [Int64] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT f.id, f.kind, f.name, f.namespace, r.labels, r.annotations FROM fold_object f JOIN resource r ON r.id = f.id
            WHERE f.owner_kind IS NULL AND (f.kind IN ('Pod', 'ReplicaSet', 'ReplicationController', 'Job') OR instr(r.annotations, 'kubernetes.io/created-by') > 0)
            """)
        while let row = try rows.next() {
            let id: Int64 = row[0], namespace: String = row[3]
            switch OwnerHints.read(kind: row[1], name: row[2], labels: Estate.stringMap(row[4]), annotations: Estate.stringMap(row[5])) {
            case .machinery:
                machinery.append(id)
            case .owners(let candidates):
                for (rank, candidate) in candidates.enumerated() {
                    try insert.execute(arguments: [id, rank, namespace, candidate.kind, candidate.name])
                }
            }
        }
        let drop = try db.makeStatement(sql: "DELETE FROM fold_object WHERE id = ?")
        for id in machinery { try drop.execute(arguments: [id]) }
        try db.execute(sql: """
            UPDATE fold_object SET owner_kind = found.kind, owner_name = found.name FROM (
                SELECT h.id, h.kind, h.name, min(h.rank) FROM fold_hint h
                JOIN fold_object o ON o.namespace = h.namespace AND o.kind = h.kind AND o.name = h.name
                GROUP BY h.id) found
            WHERE fold_object.id = found.id
            """)
    }

    /// Points each object at its owner when the owner is one of them; the others are tops: of themselves when
    /// they have no owner, else of their owner's name (with the owner's id when it was exported as another kind).
    private static func linkOwners(_ db: Database, clusterID: Int64) throws {
        try db.execute(sql: """
            UPDATE fold_object SET parent_id = o.id FROM fold_object o
            WHERE o.namespace = fold_object.namespace AND o.kind = fold_object.owner_kind AND o.name = fold_object.owner_name;
            CREATE INDEX temp.fold_object_parent ON fold_object(parent_id);
            UPDATE fold_object SET depth = 0, top_kind = kind, top_namespace = namespace, top_name = name, top_id = id
            WHERE owner_kind IS NULL;
            UPDATE fold_object SET depth = 0, top_kind = owner_kind, top_namespace = namespace, top_name = owner_name
            WHERE owner_kind IS NOT NULL AND parent_id IS NULL;
            CREATE TEMP TABLE fold_owner (kind TEXT, namespace TEXT, name TEXT, id INTEGER, PRIMARY KEY (kind, namespace, name));
            INSERT OR IGNORE INTO fold_owner (kind, namespace, name)
            SELECT owner_kind, namespace, owner_name FROM fold_object
            WHERE owner_kind IS NOT NULL AND parent_id IS NULL AND owner_kind NOT IN (\(workloadKinds));
            UPDATE fold_owner SET id = found.id FROM (
                SELECT o.kind, o.namespace, o.name, min(r.id) AS id
                FROM resource r CROSS JOIN fold_owner o
                WHERE r.cluster_id = :cluster AND r.kind IN (SELECT DISTINCT kind FROM fold_owner)
                  AND o.kind = r.kind AND o.namespace = r.namespace AND o.name = r.name
                GROUP BY o.kind, o.namespace, o.name) found
            WHERE found.kind = fold_owner.kind AND found.namespace = fold_owner.namespace AND found.name = fold_owner.name;
            UPDATE fold_object SET top_id = o.id FROM fold_owner o
            WHERE fold_object.owner_kind = o.kind AND fold_object.namespace = o.namespace AND fold_object.owner_name = o.name
              AND fold_object.parent_id IS NULL;
            UPDATE fold_object SET spec_id = id, spec_depth = 0 WHERE depth = 0 AND has_spec;
            """, arguments: ["cluster": clusterID])
    }

    /// Hands each level's top and nearest spec down to the level below. Objects in an ownership cycle are never
    /// reached from a top: the cycle is cut where an object names an owner read after it, which then tops the rest.
    private static func walkDown(_ db: Database) throws {
        let step = try db.makeStatement(sql: """
            UPDATE fold_object SET depth = p.depth + 1, top_kind = p.top_kind, top_namespace = p.top_namespace,
              top_name = p.top_name, top_id = p.top_id,
              spec_id = CASE WHEN p.spec_id IS NOT NULL THEN p.spec_id WHEN fold_object.has_spec THEN fold_object.id END,
              spec_depth = CASE WHEN p.spec_id IS NOT NULL THEN p.spec_depth WHEN fold_object.has_spec THEN p.depth + 1 END
            FROM fold_object p
            WHERE fold_object.parent_id = p.id AND p.depth = ? AND fold_object.depth IS NULL
            """)
        let topOfItself = """
            UPDATE fold_object SET depth = 0, top_kind = kind, top_namespace = namespace, top_name = name, top_id = id,
              spec_id = CASE WHEN has_spec THEN id END, spec_depth = CASE WHEN has_spec THEN 0 END
            WHERE depth IS NULL
            """
        for cut in ["AND parent_id > id", ""] {
            var level = 0
            while true {
                try step.execute(arguments: [level])
                if db.changesCount == 0 { break }
                level += 1
            }
            try db.execute(sql: topOfItself + " " + cut)
            if db.changesCount == 0 { break }
        }
    }

    /// Members are the objects that fold (pod specs and Pods) and every owner above them.
    private static func markMembers(_ db: Database) throws {
        try db.execute(sql: "UPDATE fold_object SET member = 1 WHERE starts")
        let climb = try db.makeStatement(sql: """
            UPDATE fold_object SET member = 1
            WHERE member = 0 AND EXISTS (SELECT 1 FROM fold_object c WHERE c.parent_id = fold_object.id AND c.member = 1 AND c.depth > 0)
            """)
        repeat { try climb.execute() } while db.changesCount > 0
    }

    /// A workload per top with a pod spec among its members: the spec nearest the top describes it (the Deployment's
    /// template, not a Pod's; of two at the same height, the one reached first in reading order).
    private static func writeWorkloads(_ db: Database, clusterID: Int64) throws -> Int {
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.fold_group;
            CREATE TEMP TABLE fold_group (
                kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, top_id INTEGER, spec_id INTEGER NOT NULL,
                pods INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (namespace, kind, name)
            );
            INSERT INTO fold_group (kind, namespace, name, top_id, spec_id)
            SELECT top_kind, top_namespace, top_name, top_id, spec_id FROM (
                SELECT top_kind, top_namespace, top_name, top_id, spec_id, min((spec_depth << 40) + id)
                FROM fold_object WHERE starts AND spec_id IS NOT NULL
                GROUP BY top_namespace, top_kind, top_name);
            UPDATE fold_group SET pods = c.pods FROM (
                SELECT top_namespace, top_kind, top_name, count(*) AS pods FROM fold_object WHERE member AND kind = 'Pod'
                GROUP BY top_namespace, top_kind, top_name) c
            WHERE c.top_namespace = fold_group.namespace AND c.top_kind = fold_group.kind AND c.top_name = fold_group.name;
            DELETE FROM workload_member WHERE workload_id IN (SELECT id FROM workload WHERE cluster_id = :cluster);
            INSERT INTO workload (cluster_id, resource_id, kind, namespace, name, spec_resource_id, pods_observed)
            SELECT :cluster, top_id, kind, namespace, name, spec_id, pods FROM fold_group WHERE true ORDER BY namespace, kind, name
            ON CONFLICT (cluster_id, kind, namespace, name) DO UPDATE SET
              resource_id = excluded.resource_id, spec_resource_id = excluded.spec_resource_id, pods_observed = excluded.pods_observed;
            DELETE FROM workload WHERE cluster_id = :cluster AND NOT EXISTS (
                SELECT 1 FROM fold_group g WHERE g.namespace = workload.namespace AND g.kind = workload.kind AND g.name = workload.name);
            INSERT OR REPLACE INTO workload_member (resource_id, workload_id)
            SELECT f.id, w.id FROM fold_object f
            JOIN workload w ON w.cluster_id = :cluster AND w.kind = f.top_kind AND w.namespace = f.top_namespace AND w.name = f.top_name
            WHERE f.member;
            """, arguments: ["cluster": clusterID])
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM fold_group") ?? 0
    }
}
