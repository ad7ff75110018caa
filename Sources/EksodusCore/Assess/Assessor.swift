import Foundation
import GRDB

/// One assessment run's results, per cluster.
public struct AssessmentResult: Sendable {
    public struct ClusterResult: Sendable {
        public var cluster: Estate.Cluster
        public var findings: [Finding]
        public var profiles: [Int64: WorkloadProfile]
        public var workloads: [Estate.Workload]
        public var readiness: Int
        public var ignored: Int
        /// Workloads in system namespaces (kube-system and the like), reported apart.
        public var systemWorkloads: Set<Int64>

        public func count(_ severity: Severity, system: Bool = false) -> Int {
            // By index: the fields are read in place, where iterating copied every finding.
            var count = 0
            for index in findings.indices where findings[index].severity == severity && findings[index].system == system { count += 1 }
            return count
        }
    }

    public var assessmentID: Int64
    public var targetVersion: KubernetesVersion
    public var date: String
    public var clusters: [ClusterResult]

    public var allFindings: [Finding] { clusters.flatMap(\.findings) }

    /// The documented exit code for `--fail-on`: 3 when application findings include a blocker, 2 when (failing on warnings)
    /// they include a warning, else 0. Findings in system namespaces do not count.
    public func exitCode(failOn: Severity?) -> Int32 {
        guard let failOn else { return 0 }
        let findings = allFindings.filter { !$0.system }
        if findings.contains(where: { $0.severity == .blocker }) { return 3 }
        if failOn >= .warning, findings.contains(where: { $0.severity == .warning }) { return 2 }
        return 0
    }
}

/// Runs the check catalogue over the inventory, stores the run and returns it.
public struct Assessor {
    public var database: AppDatabase
    public var reference: ReferenceData
    public var settings: AssessmentSettings
    public var checks: [any Check]
    /// Told what the assessment is doing (a terminal's progress line shows it); nil: nobody asks.
    public var progress: (@Sendable (String) -> Void)?

    public init(database: AppDatabase, reference: ReferenceData, settings: AssessmentSettings = AssessmentSettings(), checks: [any Check] = CheckCatalog.all) {
        self.database = database
        self.reference = reference
        self.settings = settings
        self.checks = checks
    }

    public enum AssessError: Error, CustomStringConvertible {
        case noSuchCluster(String)
        case emptyInventory

        public var description: String {
            switch self {
            case .noSuchCluster(let name): return "no cluster named \(name) in the inventory (see eksodus inventory clusters)"
            case .emptyInventory: return "the inventory is empty: run eksodus import first"
            }
        }
    }

    public func run(target: KubernetesVersion, cluster: String? = nil, now: Date = Date()) throws -> AssessmentResult {
        try database.writer.write { db in
            progress?("reading the inventory")
            let bodies = checks.reduce(Estate.Bodies.none) { $0.union($1.bodies) }
            let (date, context) = checkContext(target: target, now: now)
            // Each cluster is assessed as soon as it is read, on two threads where there are two cores.
            let assessed = try Estate.loadEach(db, database: database, cluster: cluster, bodies: bodies) { estate, position, count in
                (estate, evaluate(estate, context: context, step: Self.step(estate, position: position, count: count)))
            }
            if assessed.isEmpty { throw cluster.map { AssessError.noSuchCluster($0) } ?? AssessError.emptyInventory }
            LeftForExit.keep(assessed.map(\.0))
            let evaluated = AssessmentResult(assessmentID: 0, targetVersion: target, date: date, clusters: assessed.map(\.1))
            let result = try record(evaluated, scope: cluster, now: now, db: db)
            LeftForExit.keep(result)
            return result
        }
    }

    /// Stores an assessment run and its results; returns it with its id.
    func record(_ result: AssessmentResult, scope cluster: String?, now: Date, db: Database) throws -> AssessmentResult {
        var result = result
        progress?("storing \(result.clusters.reduce(0) { $0 + $1.findings.count }) findings")
        try db.execute(sql: "INSERT INTO assessment (created_at, target_version, scope, settings) VALUES (?, ?, ?, ?)",
                       arguments: [Timestamp.string(now), result.targetVersion.description, cluster, settings.json])
        result.assessmentID = db.lastInsertedRowID
        try Self.store(result.clusters, assessmentID: result.assessmentID, db: db)
        try AssessmentStore.recordSetApart(result.clusters, assessmentID: result.assessmentID, reference: reference, db: db)
        return result
    }

    /// The assessment of already loaded estates, not stored (reports read, they do not write); its id is 0.
    func evaluate(_ estates: [Estate], target: KubernetesVersion, cluster: String?, now: Date) throws -> AssessmentResult {
        let (date, context) = checkContext(target: target, now: now)
        if estates.isEmpty { throw cluster.map { AssessError.noSuchCluster($0) } ?? AssessError.emptyInventory }
        let clusters = estates.enumerated().map { index, estate in
            evaluate(estate, context: context, step: Self.step(estate, position: index, count: estates.count))
        }
        return AssessmentResult(assessmentID: 0, targetVersion: target, date: date, clusters: clusters)
    }

    /// What the progress line says of a cluster's checks: its name, and its place among several.
    private static func step(_ estate: Estate, position: Int, count: Int) -> String {
        count > 1 ? "\(estate.cluster.name) (\(position + 1)/\(count))" : estate.cluster.name
    }

    /// The day the assessment is made (as findings name it) and what every cluster's checks share.
    private func checkContext(target: KubernetesVersion, now: Date) -> (date: String, context: CheckContext) {
        let date = String(Timestamp.string(now).prefix(10))
        return (date, CheckContext(target: target, date: date, reference: reference, minimumReplicas: settings.minimumReplicas))
    }

    /// Runs the checks over one estate: findings (ignores applied, system namespaces marked), profiles and readiness.
    public func evaluate(_ estate: Estate, context: CheckContext, step: String? = nil) -> AssessmentResult.ClusterResult {
        let context = context.matchingComponents(of: estate)
        // Positions, not copies: a workload read by id per finding was copied whole.
        var workloadPositions: [Int64: Int] = [:]
        for (index, workload) in estate.workloads.enumerated() where workloadPositions[workload.id] == nil { workloadPositions[workload.id] = index }
        // A finding on the object a workload is (its removed API version, say) is that workload's finding.
        let workloadByResource = Dictionary(estate.workloads.compactMap { workload in workload.resourceID.map { ($0, workload.id) } },
                                            uniquingKeysWith: { first, _ in first })
        let setApart = SetApart(estate, settings: settings, context: context)
        var findings: [Finding] = []
        var ignored = 0
        for (index, check) in checks.enumerated() {
            if let step { progress?("\(step): check \(index + 1)/\(checks.count) \(check.info.id)") }
            for var finding in check.run(estate, context) {
                if finding.workloadID == nil, let resource = finding.resourceID, let workload = workloadByResource[resource] {
                    finding.workloadID = workload
                }
                let annotations = finding.workloadID.flatMap { workloadPositions[$0] }.map { estate.workloads[$0].annotations }
                    ?? estate.resourceIndex(id: finding.resourceID).map { estate.resources[$0].annotations } ?? [:]
                let silenced = (annotations["eksodus.io/ignore"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
                if silenced.contains(finding.checkID) || silenced.contains("ALL") || settings.ignores(finding, cluster: estate.cluster.name) {
                    ignored += 1
                    continue
                }
                finding.system = setApart.contains(finding)
                findings.append(finding)
            }
        }
        Self.putInOrder(&findings)
        var profiles: [Int64: WorkloadProfile] = [:]
        var points: [Int64: Int] = [:]
        for index in findings.indices {
            if let workload = findings[index].workloadID { points[workload, default: 0] += WorkloadProfile.points(findings[index]) }
        }
        for workload in estate.workloads {
            profiles[workload.id] = WorkloadProfile.make(workload, estate: estate, findingPoints: points[workload.id] ?? 0, context: context)
        }
        var complexitySum = 0.0, applications = 0
        for workload in estate.workloads where !setApart.workloads.contains(workload.id) {
            complexitySum += min(1, Double(profiles[workload.id]?.complexityScore ?? 0) / 30)
            applications += 1
        }
        let complexity = applications == 0 ? 0 : complexitySum / Double(applications)
        let blockers = findings.reduce(0) { $0 + ($1.severity == .blocker && !$1.system ? 1 : 0) }
        let readiness = Self.readiness(complexity: complexity, blockers: blockers)
        return .init(cluster: estate.cluster, findings: findings, profiles: profiles, workloads: estate.workloads, readiness: readiness,
                     ignored: ignored, systemWorkloads: setApart.workloads)
    }

    /// `findings` sorted by `Finding.order`, each key built once: built inside the comparison, the keys were most of the sort's cost.
    /// The same stable sort over the same comparisons: the same order.
    static func putInOrder(_ findings: inout [Finding]) {
        let keys = findings.indices.map { OrderKey(findings[$0].order) }
        var positions = Array(findings.indices)
        positions.sort { keys[$0].precedes(keys[$1]) }
        // Moved into their places by swaps, cycle by cycle (`findings[k]` becomes the old `findings[positions[k]]`): building
        // a new array copied every finding (each of its strings retained) and then freed the old one.
        var placed = [Bool](repeating: false, count: positions.count)
        for start in positions.indices where !placed[start] {
            var position = start
            while positions[position] != start {
                findings.swapAt(position, positions[position])
                placed[position] = true
                position = positions[position]
            }
            placed[position] = true
        }
    }

    /// A finding's `order` in one object: the sort compares keys a million times, and a tuple of five strings taken out of
    /// an array was copied (each string retained and released) in every comparison.
    private final class OrderKey {
        let rank: Int, checkID: String, namespace: String, kind: String, name: String, detail: String

        init(_ order: (Int, String, String, String, String, String)) {
            (rank, checkID, namespace, kind, name, detail) = order
        }

        /// `<` of the tuples: the first field that differs decides.
        func precedes(_ other: OrderKey) -> Bool {
            if rank != other.rank { return rank < other.rank }
            if checkID != other.checkID { return checkID < other.checkID }
            if namespace != other.namespace { return namespace < other.namespace }
            if kind != other.kind { return kind < other.kind }
            if name != other.name { return name < other.name }
            return detail < other.detail
        }
    }

    /// The readiness formula, as the assessment report states it (`readinessFormula`): blockers decide the band, the
    /// application workloads' mean complexity (each capped at 30 points) the place in it. A cluster with no blockers
    /// scores 50 to 100, one with blockers 0 to 49, 2 lower with each further blocker: a blocked cluster never ranks above a clear one.
    static func readiness(complexity: Double, blockers: Int) -> Int {
        let ease = 50 * (1 - max(0, min(1, complexity)))
        if blockers == 0 { return Int((50 + ease).rounded()) }
        return max(0, min(49, Int(ease.rounded(.down)) - 2 * (blockers - 1)))
    }

    public static let readinessFormula = "readiness = 50 + 50 × (1 − c) with no blockers, else max(0, min(49, ⌊50 × (1 − c)⌋ − 2 × (blockers − 1))), "
        + "where c is the mean over application workloads of min(1, complexity ÷ 30) and a workload's complexity adds 10 per blocker, 3 per warning, "
        + "1 per informational finding (platform findings aside), 5 when stateful and 2 for a DaemonSet. "
        + "Blockers decide the band: a cluster with blockers (0–49) never scores above one without (50–100)."

    static func store(_ results: [AssessmentResult.ClusterResult], assessmentID: Int64, db: Database) throws {
        // SQLite evaluates `severity IN ('blocker', 'warning', 'info')` (and complexity's) by building a temporary table for
        // every row inserted: a third of the cost of storing. The values are Severity's raw values and complexityBand's, which
        // always pass, so the finding and profile rows go in with CHECK constraints off (a flag read when a statement is
        // compiled; setting it expires the statements compiled before), and on again for everything after.
        try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
        do {
            try storeFindingsAndProfiles(results, assessmentID: assessmentID, db: db)
        } catch {
            try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
            throw error
        }
        try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        for result in results {
            try db.execute(sql: """
                INSERT INTO cluster_assessment (assessment_id, cluster_id, readiness_score, blockers, warnings, infos) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [assessmentID, result.cluster.id, result.readiness, result.count(.blocker), result.count(.warning), result.count(.info)])
        }
    }

    private static func storeFindingsAndProfiles(_ results: [AssessmentResult.ClusterResult], assessmentID: Int64, db: Database) throws {
        // Statements compiled once and bound through SQLite's C API: a large estate has tens of thousands of findings.
        let insertFinding = try FastStatement(db, """
                    INSERT INTO finding (assessment_id, check_id, severity, category, cluster_id, namespace, kind, name, resource_id, workload_id,
                      field, message, system, source_file, source_line)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
        let insertProfile = try FastStatement(db, """
                    INSERT INTO workload_assessment (assessment_id, workload_id, stateful, stateful_reason, fargate_eligible, fargate_reasons,
                      fargate_size, complexity_score, complexity)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
        for result in results {
            // Read in place, field by field: iterating copied every finding whole.
            try result.findings.withUnsafeBufferPointer { findings in
                guard let first = findings.baseAddress else { return }
                for index in findings.indices {
                    let s = insertFinding, f = first + index
                    s.bind(1, assessmentID); s.bind(2, f.pointee.checkID); s.bind(3, f.pointee.severity.rawValue); s.bind(4, f.pointee.category.rawValue)
                    s.bind(5, f.pointee.clusterID); s.bind(6, f.pointee.namespace); s.bind(7, f.pointee.kind); s.bind(8, f.pointee.name)
                    s.bind(9, f.pointee.resourceID); s.bind(10, f.pointee.workloadID); s.bind(11, f.pointee.field); s.bind(12, f.pointee.message)
                    s.bind(13, f.pointee.system); s.bind(14, f.pointee.sourceFile); s.bind(15, f.pointee.sourceLine)
                    try s.run()
                }
            }
            for profile in result.profiles.values.sorted(by: { $0.workloadID < $1.workloadID }) {
                let s = insertProfile
                s.bind(1, assessmentID); s.bind(2, profile.workloadID); s.bind(3, profile.stateful); s.bind(4, profile.statefulReason)
                s.bind(5, profile.fargateEligible); s.bind(6, JSONWriter.string(profile.fargateReasons)); s.bind(7, profile.fargateSize)
                s.bind(8, profile.complexityScore); s.bind(9, profile.complexity)
                try s.run()
            }
        }
    }
}
