import Foundation
import GRDB

/// An assessment as `assess` stored it: findings with the ignores of that run already applied, readiness as computed then,
/// and each workload's profile. Reports read this; they never run the checks again.
public struct StoredAssessment: Sendable {
    public struct Workload: Sendable {
        public var id: Int64
        public var kind: String
        public var namespace: String
        public var name: String
        public var profile: WorkloadProfile
        /// Replaced by EKS or in a system namespace: not migrated, reported apart.
        public var setApart: Bool
        /// The EKS component that replaces it, when that is why it is set apart.
        public var component: String?

        public var label: String { "\(kind)/\(namespace.isEmpty ? "" : namespace + "/")\(name)" }
    }

    public struct Cluster: Sendable {
        public var cluster: Estate.Cluster
        public var readiness: Int
        public var ignored: Int
        public var findings: [Finding]
        public var workloads: [Workload]

        public var applications: [Workload] { workloads.filter { !$0.setApart } }

        public func count(_ severity: Severity, system: Bool = false) -> Int {
            findings.filter { $0.severity == severity && $0.system == system }.count
        }
    }

    public var id: Int64
    public var targetVersion: KubernetesVersion
    /// The assessment date, `YYYY-MM-DD`.
    public var date: String
    /// The settings in force (thresholds, ignores), as JSON.
    public var settings: String
    public var clusters: [Cluster]

    public var allFindings: [Finding] { clusters.flatMap(\.findings) }
}

public enum AssessmentStore {
    public enum AssessmentStoreError: Error, CustomStringConvertible, Equatable {
        case noAssessment(cluster: String?)

        public var description: String {
            switch self {
            case .noAssessment(nil): return "no assessment yet: run eksodus assess"
            case .noAssessment(let cluster?): return "no assessment of cluster \(cluster.visibleLine) yet: run eksodus assess"
            }
        }
    }

    struct AssessmentRow: Decodable, FetchableRecord {
        var id: Int64
        var createdAt: String
        var targetVersion: String
        var settings: String

        enum CodingKeys: String, CodingKey {
            case id, createdAt = "created_at", targetVersion = "target_version", settings
        }
    }

    struct ClusterRow: Decodable, FetchableRecord {
        var clusterID: Int64
        var name: String
        var environment: String
        var kubernetesVersion: String?
        var readiness: Int
        var ignored: Int?

        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id", name, environment, kubernetesVersion = "kubernetes_version", readiness = "readiness_score", ignored
        }
    }

    /// A workload's stored profile, read by position from `WorkloadRow.select` (tens of thousands of rows: Codable's by-name decoding cost more than the query).
    struct WorkloadRow: FetchableRecord {
        static let select = """
            SELECT wa.workload_id, w.cluster_id, w.kind, w.namespace, w.name, wa.stateful, wa.stateful_reason, wa.fargate_reasons, wa.fargate_size,
              wa.complexity_score, wa.complexity, wa.set_apart, wa.component
            FROM workload_assessment wa JOIN workload w ON w.id = wa.workload_id
            """
        var workloadID: Int64
        var clusterID: Int64
        var kind: String
        var namespace: String
        var name: String
        var stateful: Bool
        var statefulReason: String?
        var fargateReasons: String
        var fargateSize: String?
        var complexityScore: Int
        var complexity: String
        var setApart: Bool
        var component: String?

        init(row: Row) {
            workloadID = row[0]; clusterID = row[1]; kind = row[2]; namespace = row[3]; name = row[4]; stateful = row[5]; statefulReason = row[6]
            fargateReasons = row[7]; fargateSize = row[8]; complexityScore = row[9]; complexity = row[10]; setApart = row[11]; component = row[12]
        }

        var workload: StoredAssessment.Workload {
            StoredAssessment.Workload(
                id: workloadID, kind: kind, namespace: namespace, name: name,
                profile: WorkloadProfile(workloadID: workloadID, stateful: stateful, statefulReason: statefulReason, fargateReasons: Estate.strings(fargateReasons),
                                         fargateSize: fargateSize, complexityScore: complexityScore, complexity: complexity),
                setApart: setApart, component: component)
        }
    }

    /// Marks what the run set apart and how many findings it silenced, beside the rows `Assessor` stores.
    static func recordSetApart(_ results: [AssessmentResult.ClusterResult], assessmentID: Int64, reference: ReferenceData, db: Database) throws {
        let markSetApart = try db.cachedStatement(sql: "UPDATE workload_assessment SET set_apart = 1, component = ? WHERE assessment_id = ? AND workload_id = ?")
        for result in results {
            try db.execute(sql: "UPDATE cluster_assessment SET ignored = ? WHERE assessment_id = ? AND cluster_id = ?",
                           arguments: [result.ignored, assessmentID, result.cluster.id])
            for workload in result.workloads where result.systemWorkloads.contains(workload.id) {
                let component = reference.component(of: workload).flatMap { $0.role == .replaced ? $0.name : nil }
                try markSetApart.execute(arguments: [component, assessmentID, workload.id])
            }
        }
    }

    /// The latest stored assessment (or assessment `id`); with `cluster`, the latest that assessed it, narrowed to it.
    public static func load(_ db: Database, id: Int64? = nil, cluster: String? = nil) throws -> StoredAssessment {
        let row = try AssessmentRow.fetchOne(db, sql: """
            SELECT a.id, a.created_at, a.target_version, a.settings FROM assessment a
            WHERE (?1 IS NULL OR a.id = ?1)
              AND (?2 IS NULL OR EXISTS (SELECT 1 FROM cluster_assessment ca JOIN cluster c ON c.id = ca.cluster_id WHERE ca.assessment_id = a.id AND c.name = ?2))
            ORDER BY a.id DESC LIMIT 1
            """, arguments: [id, cluster])
        guard let row, let target = KubernetesVersion(row.targetVersion) else { throw AssessmentStoreError.noAssessment(cluster: cluster) }

        var findings: [Int64: [Finding]] = [:]
        for finding in try Finding.fetchAll(db, sql: Finding.select + " WHERE assessment_id = ? ORDER BY id", arguments: [row.id]) {
            findings[finding.clusterID, default: []].append(finding)
        }
        var workloads: [Int64: [StoredAssessment.Workload]] = [:]
        for workload in try WorkloadRow.fetchAll(db, sql: WorkloadRow.select + " WHERE wa.assessment_id = ? ORDER BY w.namespace, w.kind, w.name", arguments: [row.id]) {
            workloads[workload.clusterID, default: []].append(workload.workload)
        }
        let clusters = try ClusterRow.fetchAll(db, sql: """
            SELECT ca.cluster_id, c.name, c.environment, c.kubernetes_version, ca.readiness_score, ca.ignored
            FROM cluster_assessment ca JOIN cluster c ON c.id = ca.cluster_id
            WHERE ca.assessment_id = ? AND (?2 IS NULL OR c.name = ?2) ORDER BY c.name
            """, arguments: [row.id, cluster]).map { cluster in
            StoredAssessment.Cluster(cluster: Estate.Cluster(id: cluster.clusterID, name: cluster.name, environment: cluster.environment,
                                                             kubernetesVersion: cluster.kubernetesVersion),
                                     readiness: cluster.readiness, ignored: cluster.ignored ?? 0, findings: findings[cluster.clusterID] ?? [],
                                     workloads: workloads[cluster.clusterID] ?? [])
        }
        return StoredAssessment(id: row.id, targetVersion: target, date: String(row.createdAt.prefix(10)), settings: row.settings, clusters: clusters)
    }

    /// The latest stored assessment as the planner uses it, when it is still what `assess` would find now: the same target,
    /// scope, settings and day, made after (not in the same second as) the last import, and covering exactly the workloads of `estates`. nil otherwise.
    static func reusable(_ db: Database, estates: [Estate], target: KubernetesVersion, scope: String?, settings: String, date: String) throws -> AssessmentResult? {
        guard !estates.isEmpty,
              let row = try Row.fetchOne(db, sql: "SELECT id, created_at, target_version, scope, settings FROM assessment ORDER BY id DESC LIMIT 1")
        else { return nil }
        let id: Int64 = row["id"], createdAt: String = row["created_at"]
        guard row["target_version"] == target.description, row["scope"] == scope, row["settings"] == settings, createdAt.prefix(10) == date
        else { return nil }
        let ids = estates.map(\.cluster.id)
        let placeholders = ids.map { _ in "?" }.joined(separator: ", ")
        let lastImport = try String.fetchOne(db, sql: "SELECT max(finished_at) FROM import WHERE cluster_id IN (\(placeholders))", arguments: StatementArguments(ids))
        let unrecorded = try Int.fetchOne(db, sql: "SELECT count(*) FROM cluster_assessment WHERE assessment_id = ? AND ignored IS NULL", arguments: [id]) ?? 0
        // Strictly later: an import in the same second (times have second precision) may have come after it.
        guard unrecorded == 0, (lastImport ?? "") < createdAt else { return nil }
        let stored = try load(db, id: id)
        let byID = Dictionary(stored.clusters.map { ($0.cluster.id, $0) }, uniquingKeysWith: { first, _ in first })
        var clusters: [AssessmentResult.ClusterResult] = []
        for estate in estates {
            guard let cluster = byID[estate.cluster.id], Set(cluster.workloads.map(\.id)) == Set(estate.workloads.map(\.id)) else { return nil }
            clusters.append(AssessmentResult.ClusterResult(
                cluster: estate.cluster, findings: cluster.findings,
                profiles: Dictionary(cluster.workloads.map { ($0.id, $0.profile) }, uniquingKeysWith: { first, _ in first }),
                workloads: estate.workloads, readiness: cluster.readiness, ignored: cluster.ignored,
                systemWorkloads: Set(cluster.workloads.filter(\.setApart).map(\.id))))
        }
        return AssessmentResult(assessmentID: id, targetVersion: target, date: date, clusters: clusters)
    }

    /// `load` in a read transaction of its own.
    public static func load(_ database: AppDatabase, id: Int64? = nil, cluster: String? = nil) throws -> StoredAssessment {
        try database.writer.read { db in try load(db, id: id, cluster: cluster) }
    }
}

extension Finding: FetchableRecord {
    /// The columns `init(row:)` reads, in its order: a stored assessment has tens of thousands of findings, and reading
    /// them by position instead of by name cut the time to load one by about 40%.
    static let select = """
        SELECT check_id, severity, category, cluster_id, namespace, kind, name, resource_id, workload_id, field, message, system, source_file, source_line
        FROM finding
        """

    /// A stored `finding` row, selected with `Finding.select`.
    public init(row: Row) {
        checkID = row[0]
        severity = Severity(rawValue: row[1]) ?? .info
        category = CheckCategory(rawValue: row[2]) ?? .platform
        clusterID = row[3]
        namespace = row[4]
        kind = row[5]
        name = row[6]
        resourceID = row[7]
        workloadID = row[8]
        field = row[9]
        message = row[10]
        system = row[11]
        sourceFile = row[12]
        sourceLine = row[13]
    }
}
