import GRDB

/// Folds objects owned by a controller into their top owner, so that a Deployment with its ReplicaSets and
/// Pods is one workload (Pod → ReplicaSet → Deployment, Job → CronJob, Pod → StatefulSet/DaemonSet,
/// ReplicationController → DeploymentConfig). Owners that were not exported still name the workload:
/// three Pods of an absent ReplicaSet make one ReplicaSet workload, described by the Pods' spec.
/// Workload ids survive a rebuild, so later phases can refer to them.
enum WorkloadFolder {
    private struct Key: Hashable {
        var kind: String
        var namespace: String
        var name: String
    }

    private struct Object {
        var id: Int64
        var key: Key
        var owner: Key?
        var hasSpec: Bool
    }

    private struct Group {
        var top: Key
        var topID: Int64?
        var specID: Int64
        var specDistance: Int
        var members: [Int64]
        var pods: Int
    }

    /// Rebuilds the workloads of one cluster from its resources; returns how many there are.
    @discardableResult
    static func rebuild(_ db: Database, clusterID: Int64) throws -> Int {
        let workloadKinds = KubernetesKinds.workloads.sorted().map { "'\($0)'" }.joined(separator: ",")
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.id, r.kind, r.namespace, r.name, r.owner_kind, r.owner_name, p.resource_id IS NOT NULL AS has_spec
            FROM resource r LEFT JOIN pod_spec p ON p.resource_id = r.id
            WHERE r.cluster_id = ? AND r.kind IN (\(workloadKinds))
            """, arguments: [clusterID])
        var objects: [Key: Object] = [:]
        for row in rows {
            let key = Key(kind: row["kind"], namespace: row["namespace"], name: row["name"])
            let ownerKind: String? = row["owner_kind"]
            let ownerName: String? = row["owner_name"]
            var owner: Key?
            // A mirror Pod is owned by its Node; it is still its own workload.
            if let ownerKind, let ownerName, ownerKind != "Node" {
                owner = Key(kind: ownerKind, namespace: key.namespace, name: ownerName)
            }
            objects[key] = Object(id: row["id"], key: key, owner: owner, hasSpec: row["has_spec"])
        }
        var presentOwners: [Key: Int64?] = [:]
        func lookup(_ key: Key) throws -> Int64? {
            if let object = objects[key] { return object.id }
            if let cached = presentOwners[key] { return cached }
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM resource WHERE cluster_id = ? AND kind = ? AND namespace = ? AND name = ?",
                                        arguments: [clusterID, key.kind, key.namespace, key.name])
            presentOwners[key] = id
            return id
        }

        var groups: [Key: Group] = [:]
        // Every pod-bearing object folds into its top owner; replicas without facts of their own count as members.
        for object in objects.values.sorted(by: { $0.id < $1.id }) where object.hasSpec || object.key.kind == "Pod" {
            var chain = [object]
            var top = object.key
            var topID: Int64? = object.id
            var seen: Set<Key> = [object.key]
            while let owner = chain.last?.owner, !seen.contains(owner) {
                seen.insert(owner)
                top = owner
                topID = try lookup(owner)
                guard topID != nil else { break }
                if let ownerObject = objects[owner] { chain.append(ownerObject) } else { break }
            }
            // The spec closest to the top describes the workload: the Deployment's template, not a Pod's.
            let specIndex = chain.lastIndex(where: \.hasSpec)
            let distance = specIndex.map { chain.count - 1 - $0 } ?? Int.max
            var group = groups[top] ?? Group(top: top, topID: topID, specID: 0, specDistance: Int.max, members: [], pods: 0)
            if let specIndex, distance < group.specDistance {
                group.specID = chain[specIndex].id
                group.specDistance = distance
            }
            for member in chain where !group.members.contains(member.id) {
                group.members.append(member.id)
                if member.key.kind == "Pod" { group.pods += 1 }
            }
            groups[top] = group
        }

        var kept: [Int64] = []
        try db.execute(sql: "DELETE FROM workload_member WHERE workload_id IN (SELECT id FROM workload WHERE cluster_id = ?)", arguments: [clusterID])
        for group in groups.values.sorted(by: { ($0.top.namespace, $0.top.kind, $0.top.name) < ($1.top.namespace, $1.top.kind, $1.top.name) })
            where group.specDistance < Int.max {
            let id = try Int64.fetchOne(db, sql: """
                INSERT INTO workload (cluster_id, resource_id, kind, namespace, name, spec_resource_id, pods_observed)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (cluster_id, kind, namespace, name) DO UPDATE SET
                  resource_id = excluded.resource_id, spec_resource_id = excluded.spec_resource_id, pods_observed = excluded.pods_observed
                RETURNING id
                """, arguments: [clusterID, group.topID, group.top.kind, group.top.namespace, group.top.name, group.specID, group.pods])
            guard let id else { continue }
            kept.append(id)
            for member in group.members {
                try db.execute(sql: "INSERT OR REPLACE INTO workload_member (resource_id, workload_id) VALUES (?, ?)", arguments: [member, id])
            }
        }
        let keptList = kept.map(String.init).joined(separator: ",")
        try db.execute(sql: "DELETE FROM workload WHERE cluster_id = ? AND id NOT IN (\(keptList.isEmpty ? "NULL" : keptList))", arguments: [clusterID])
        return kept.count
    }
}
