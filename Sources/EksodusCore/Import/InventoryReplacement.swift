import GRDB

/// `eksodus import --replace`: the cluster's inventory becomes exactly this export. Objects the export no longer holds are
/// removed (their facts, volumes, node facts and folded workloads with them, earlier pod usage readings, and images no
/// cluster runs any more), in the import's
/// transaction; checklist items of workloads that vanished are marked obsolete, with an event in the audit trail, so the
/// cutover commands leave them alone while their history stays. A workload that comes back is revived by the next plan.
///
/// Obsolete is a mark beside the item's state, not a state of its own: the state the item had (done, say) is what the
/// history ends with, and re-planning clears the mark when the workload returns (see `TransitionPlanner`).
public struct InventoryReplacement {
    public struct Outcome: Sendable {
        public var removedObjects = 0
        public var removedImages = 0
        /// kind/namespace/name of the workloads the export no longer holds.
        public var vanishedWorkloads: [String] = []
        public var obsoleteItems = 0
    }

    private struct LinkedItem {
        var item: Int64
        var plan: Int64
        var state: String
        var kind: String, namespace: String, name: String
    }

    private let linked: [LinkedItem]
    private let clusterID: Int64
    private let workloadsBefore: Set<String>

    /// Notes which checklist items name a workload of the cluster, before anything is removed: removing an object can
    /// delete its workload row, and the items' links with it.
    init(_ db: Database, clusterID: Int64) throws {
        self.clusterID = clusterID
        linked = try Row.fetchAll(db, sql: """
            SELECT i.id, i.plan_id, i.state, w.kind, w.namespace, w.name FROM plan_item i JOIN workload w ON w.id = i.workload_id
            WHERE w.cluster_id = ? AND i.obsolete = 0
            """, arguments: [clusterID]).map { row in
            LinkedItem(item: row[0], plan: row[1], state: row[2], kind: row[3], namespace: row[4], name: row[5])
        }
        workloadsBefore = Set(try String.fetchAll(db, sql: "SELECT kind || '/' || namespace || '/' || name FROM workload WHERE cluster_id = ?",
                                                  arguments: [clusterID]))
    }

    /// Removes what this import did not read. Runs before the workloads are folded again.
    func removeStale(_ db: Database, importID: Int64, outcome: inout Outcome) throws {
        try db.execute(sql: "DELETE FROM resource WHERE cluster_id = ? AND import_id <> ?", arguments: [clusterID, importID])
        outcome.removedObjects = db.changesCount
        // Measured pod usage (kubectl top, PodMetrics) is part of the export too: an earlier reading does not outlive it.
        try db.execute(sql: "DELETE FROM pod_usage WHERE cluster_id = ? AND import_id <> ?", arguments: [clusterID, importID])
        // So are Helm releases: one whose Secret is gone was uninstalled.
        try db.execute(sql: "DELETE FROM helm_release WHERE cluster_id = ? AND import_id <> ?", arguments: [clusterID, importID])
        try db.execute(sql: "DELETE FROM image WHERE NOT EXISTS (SELECT 1 FROM container c WHERE c.image_id = image.id)")
        outcome.removedImages = db.changesCount
    }

    /// After the fold: items whose workload is still there point at it again (its row may be new); the others are obsolete.
    func settleItems(_ db: Database, importID: Int64, at time: String, outcome: inout Outcome) throws {
        let now = Set(try String.fetchAll(db, sql: "SELECT kind || '/' || namespace || '/' || name FROM workload WHERE cluster_id = ?",
                                          arguments: [clusterID]))
        outcome.vanishedWorkloads = workloadsBefore.subtracting(now).sorted()
        let find = try db.makeStatement(sql: "SELECT id FROM workload WHERE cluster_id = ? AND kind = ? AND namespace = ? AND name = ?")
        let relink = try db.makeStatement(sql: "UPDATE plan_item SET workload_id = ? WHERE id = ?")
        let retire = try db.makeStatement(sql: "UPDATE plan_item SET obsolete = 1, updated_at = ? WHERE id = ?")
        let record = try db.makeStatement(sql: """
            INSERT INTO event (plan_id, item_id, at, actor, action, from_state, to_state, note, forced) VALUES (?, ?, ?, 'eksodus', 'obsolete', ?, 'obsolete', ?, 0)
            """)
        for item in linked {
            if let id = try Int64.fetchOne(find, arguments: [clusterID, item.kind, item.namespace, item.name]) {
                try relink.execute(arguments: [id, item.item])
                continue
            }
            try retire.execute(arguments: [time, item.item])
            let note = "\(item.kind) \(item.namespace)/\(item.name) is not in the export read by import \(importID) (--replace)"
            try record.execute(arguments: [item.plan, item.item, time, item.state, note])
            outcome.obsoleteItems += 1
        }
    }
}
