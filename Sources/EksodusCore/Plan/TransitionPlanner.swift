import Foundation
import GRDB

/// What `eksodus plan` is asked for.
public struct PlanRequest: Sendable, Codable {
    public var name: String
    public var target: KubernetesVersion
    public var region: String
    public var accountID: String
    public var cluster: String?
    public var maxWaveSize: Int?
    public var repositoryPrefix: String
    public var landingZone: LandingZoneOptions
    public var now: Date
    /// The zone CronJob schedules were written in, per cluster (`*`: every cluster), from `--cron-time-zone`; nil in plans
    /// stored before it (`CronJobTimeZone`).
    public var cronTimeZones: [String: String]?

    public init(name: String = "default", target: KubernetesVersion, region: String, accountID: String, cluster: String? = nil,
                maxWaveSize: Int? = nil, repositoryPrefix: String = "migrated/", landingZone: LandingZoneOptions = LandingZoneOptions(), now: Date = Date(),
                cronTimeZones: [String: String] = [:]) {
        self.cronTimeZones = cronTimeZones.isEmpty ? nil : cronTimeZones
        self.name = name
        self.target = target
        self.region = region
        self.accountID = accountID
        self.cluster = cluster
        self.maxWaveSize = maxWaveSize
        self.repositoryPrefix = repositoryPrefix
        self.landingZone = landingZone
        self.now = now
    }
}

extension PlanRequest {
    /// Refuses a region, account or wave size that is not what AWS and the planner accept: none reaches the inventory or a script.
    public func validate() throws {
        guard AWSIdentifiers.isAccountID(accountID) else { throw TransitionPlanner.PlanError.invalidAccount(accountID) }
        guard AWSIdentifiers.isRegion(region) else { throw TransitionPlanner.PlanError.invalidRegion(region) }
        if let maxWaveSize, maxWaveSize < 1 { throw TransitionPlanner.PlanError.invalidWaveSize }
        try landingZone.validate(region: region)
        for (cluster, zone) in cronTimeZones ?? [:] where !CronJobTimeZone.isIANAName(zone) { throw CronJobTimeZone.Invalid(value: "\(cluster)=\(zone)") }
    }
}

/// Phase two's result: the plan as stored, and every section computed for it.
public struct TransitionPlan: Sendable {
    public struct Wave: Sendable, Codable {
        public struct Member: Sendable, Codable {
            public var label: String
            public var reason: String
        }

        public var number: Int
        public var cluster: String
        public var workloads: [Member]
    }

    public struct Dependency: Sendable, Codable {
        public var cluster: String
        public var consumer: String
        public var provider: String
        public var evidence: String
    }

    public var planID: Int64
    public var request: PlanRequest
    /// The assessment the plan was made from; a plan loaded by `PlanStore` carries only its id, target and date.
    public var assessment: AssessmentResult
    public var waves: [Wave]
    public var dependencies: [Dependency]
    public var cycles: [[String]]
    public var images: ImageMigration
    public var storage: StoragePlan
    public var network: NetworkPlan
    public var identity: IdentityPlan
    public var compute: [ComputePlan]
    public var items: [PlanItem]
    /// Items added, kept and marked obsolete by this (re-)plan.
    public var added: Int
    public var kept: Int
    public var obsoleted: Int
    /// Each workload's placement, with its cluster's wave offset (0: waves are numbered per cluster).
    var placements: [(WavePlanner.Placement, Int)]
    var graphs: [DependencyGraph]
    /// The shell functions the items' commands call (`RunbookLibrary.text` when planned; empty for a plan stored before there
    /// was one, whose items call none).
    public var runbookLibrary: String = ""

    /// Clusters no eksctl config is written for, and why (node groups that cannot be sized, subnets eksctl cannot make).
    public var eksctlRefusals: [String] {
        compute.filter { !$0.problems.isEmpty }.map { EksctlConfig.Refused(cluster: $0.cluster, problems: $0.problems).description }
    }

    /// The eksctl ClusterConfig of each planned cluster that can have one (see `eksctlRefusals`), by source cluster name;
    /// refuses two clusters that would share a file.
    public func eksctlConfigs() throws -> [(cluster: String, file: String, yaml: String)] {
        var owners: [String: String] = [:]
        return try compute.filter(\.problems.isEmpty).map { plan in
            let file = plan.eksClusterName + ".yaml"
            if let other = owners[file.lowercased()] {
                throw TransitionPlanner.PlanError.clusterNameCollision(file: file, clusters: [other, plan.cluster])
            }
            owners[file.lowercased()] = plan.cluster
            return (plan.cluster, file,
                    try EksctlConfig.yaml(plan, identity: identity.entries.filter { $0.cluster == plan.cluster },
                                          secretReaders: (identity.secretReaders ?? []).filter { $0.cluster == plan.cluster }, version: request.target,
                                          region: request.region, accountID: request.accountID,
                                          pullThroughPrefixes: Array(Set(images.entries.filter { $0.method == .pullThroughCache && $0.clusters.contains(plan.cluster) }
                                              .compactMap(\.pullThroughPrefix)))))
        }
    }
}

/// Builds the transition plan from the inventory and its assessment (the stored one while current, else a fresh one), and stores it: waves, dependencies and
/// checklist items, keeping every item (and its state) whose key survives a re-plan.
public struct TransitionPlanner {
    public var database: AppDatabase
    public var reference: ReferenceData
    public var settings: AssessmentSettings
    /// Told what planning is doing (a terminal's progress line shows it); nil: nobody asks.
    public var progress: (@Sendable (String) -> Void)?

    public init(database: AppDatabase, reference: ReferenceData, settings: AssessmentSettings = AssessmentSettings()) {
        self.database = database
        self.reference = reference
        self.settings = settings
    }

    public enum PlanError: Error, CustomStringConvertible {
        case invalidAccount(String)
        case invalidRegion(String)
        case invalidWaveSize
        case clusterNameCollision(file: String, clusters: [String])

        public var description: String {
            switch self {
            case .invalidAccount(let value): return "--account-id must be 12 digits, not '\(value.visibleLine)'"
            case .invalidRegion(let value): return "--region must be an AWS region in lower case, such as eu-west-1 or us-gov-west-1, not '\(value.visibleLine)'"
            case .invalidWaveSize: return "--max-wave-size must be at least 1"
            case .clusterNameCollision(let file, let clusters):
                return "clusters \(clusters.map { "'\($0.visibleLine)'" }.joined(separator: " and ")) would both be written to \(file)"
            }
        }
    }

    public func run(_ request: PlanRequest) throws -> TransitionPlan {
        try request.validate()
        var assessor = Assessor(database: database, reference: reference, settings: settings)
        assessor.progress = progress
        return try database.writer.write { db in
            progress?("reading the inventory")
            // One reading of the inventory serves the assessment and the plan; the stored assessment is reused while it is current.
            let estates = try Estate.loadEach(db, database: database, cluster: request.cluster, bodies: .all) { estate, _, _ in estate }
            LeftForExit.keep(estates)
            let assessment = try AssessmentStore.reusable(db, estates: estates, target: request.target, scope: request.cluster, settings: settings.json,
                                                          date: String(Timestamp.string(request.now).prefix(10)))
                ?? assessor.record(try assessor.evaluate(estates, target: request.target, cluster: request.cluster, now: request.now),
                                   scope: request.cluster, now: request.now, db: db)
            return try build(db, request: request, estates: estates, assessment: assessment)
        }
    }

    static let environmentOrder = ["dev": 0, "staging": 1, "other": 2, "prod": 3]

    private func build(_ db: Database, request: PlanRequest, estates: [Estate], assessment: AssessmentResult) throws -> TransitionPlan {
        var plan = try compute(db, request: request, estates: estates, assessment: assessment)
        try store(&plan, db: db)
        LeftForExit.keep(plan)
        return plan
    }

    private func compute(_ db: Database, request: PlanRequest, estates unordered: [Estate], assessment: AssessmentResult) throws -> TransitionPlan {
        // Lower environments move first: their waves are the rehearsal for production's.
        let estates = unordered.sorted { (Self.environmentOrder[$0.cluster.environment] ?? 2, $0.cluster.name) < (Self.environmentOrder[$1.cluster.environment] ?? 2, $1.cluster.name) }
        let results = Dictionary(assessment.clusters.map { ($0.cluster.id, $0) }, uniquingKeysWith: { first, _ in first })
        var profiles: [Int64: WorkloadProfile] = [:]
        for result in assessment.clusters { profiles.merge(result.profiles) { first, _ in first } }

        let storage = StoragePlan.build(estates: estates, reference: reference)
        // Chosen once per cluster: the network plan lists them and each compute plan writes its own into the eksctl config.
        let addressing = VPCAddressing.choose(estates, reference: reference)
        let network = NetworkPlan.build(estates: estates, reference: reference, arns: ForeignARNs(region: request.region, accountID: request.accountID), setApart: results.mapValues(\.systemWorkloads), addressing: addressing)
        var identity = IdentityPlan(entries: [])
        let partition = AWSPartition.of(region: request.region)
        var uses: [(image: String, workload: String, cluster: String)] = []
        for estate in estates {
            let setApart = results[estate.cluster.id]?.systemWorkloads ?? []
            for workload in estate.workloads where !setApart.contains(workload.id) {
                let label = workload.label
                for image in workload.containers.compactMap(\.image) { uses.append((image, label, estate.cluster.name)) }
            }
        }
        let images = ImageMigration.build(uses: uses, reference: reference, region: request.region, accountID: request.accountID, prefix: request.repositoryPrefix)

        var waves: [TransitionPlan.Wave] = []
        var dependencies: [TransitionPlan.Dependency] = []
        var cycles: [[String]] = []
        var inputs: [Checklist.ClusterInput] = []
        var computePlans: [ComputePlan] = []
        var graphs: [DependencyGraph] = []
        // A platform agent's role follows from its app containers' images alone; workloads share image lists, so each list is read once.
        var agentRoles: [[String]: String?] = [:]
        func agentRole(_ workload: Estate.Workload) -> String? {
            let images = workload.appContainers.compactMap(\.image)
            if let known = agentRoles[images] { return known }
            let role = PlatformAgents.role(of: workload)
            agentRoles[images] = .some(role)
            return role
        }
        for (index, estate) in estates.enumerated() {
            progress?("\(estate.cluster.name) (\(index + 1)/\(estates.count)): waves, compute and runbook")
            guard let result = results[estate.cluster.id] else { continue }
            let apps = estate.workloads.filter { !result.systemWorkloads.contains($0.id) }
            let labels = Dictionary(estate.workloads.map { ($0.id, $0.label) }, uniquingKeysWith: { first, _ in first })
            let graph = DependencyGraph.build(estate, workloads: apps)
            graphs.append(graph)
            let blocked = Set(result.findings.filter { $0.severity == .blocker && !$0.system }.compactMap(\.workloadID))
            // Platform agents move in wave 0 with the platform; the applications are ordered into waves 1….
            var agents = apps.compactMap { workload in agentRole(workload).map { (workload, "platform agent (\($0))") } }
            var agentIDs = Set(agents.map(\.0.id))
            // What an agent calls (the log store a shipper writes to) must be there before it: it joins the platform too.
            let appsByID = agents.isEmpty ? [:] : Dictionary(apps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var queue = agents.map(\.0)
            while let agent = queue.popLast() {
                for provider in graph.providers(of: agent.id).sorted() where !agentIDs.contains(provider) {
                    guard let workload = appsByID[provider] else { continue }
                    agentIDs.insert(provider)
                    agents.append((workload, "called by the platform agent \(agent.label)"))
                    queue.append(workload)
                }
            }
            var planned = WavePlanner(maxWaveSize: request.maxWaveSize).place(apps.compactMap { workload in
                agentIDs.contains(workload.id) ? nil
                    : WavePlanner.Input(workload: workload.id, label: workload.label, stateful: profiles[workload.id]?.stateful ?? false,
                                        complexity: profiles[workload.id]?.complexity ?? "low", blocked: blocked.contains(workload.id))
            }, graph: graph)
            planned.placements = agents.map { WavePlanner.Placement(workload: $0.0.id, wave: 0, reason: "\($0.1): moves with the platform", cycle: nil) }
                + planned.placements
            for number in Set(planned.placements.map(\.wave)).sorted() {
                waves.append(TransitionPlan.Wave(number: number, cluster: estate.cluster.name, workloads: planned.placements.filter { $0.wave == number }
                    .map { TransitionPlan.Wave.Member(label: labels[$0.workload] ?? "?", reason: $0.reason) }.sorted { $0.label < $1.label }))
            }
            dependencies += graph.edges.map { TransitionPlan.Dependency(cluster: estate.cluster.name, consumer: labels[$0.consumer] ?? "?", provider: labels[$0.provider] ?? "?", evidence: $0.evidence) }
            // A cycle's members move together in the order the runbook follows: databases first, then by name.
            if !planned.cycles.isEmpty {
                let byID = Dictionary(estate.workloads.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                cycles += planned.cycles.map { members in
                    members.compactMap { byID[$0] }.sorted { (Checklist.isDatabase($0) ? 0 : 1, $0.label) < (Checklist.isDatabase($1) ? 0 : 1, $1.label) }.map(\.label)
                }
            }
            var compute = ComputePlan.build(estate: estate, profiles: profiles, blocked: blocked, setApart: result.systemWorkloads, reference: reference,
                                            landingZone: request.landingZone, region: request.region, addressing: addressing[index])
            // One identity mechanism per cluster, from where its workloads actually run.
            let awsUsers = IdentityPlan.evidence(estate)
            let choice = IdentityPlan.choose(estate, compute: compute, users: awsUsers)
            compute.adopt(choice)
            let clusterIdentity = IdentityPlan.build(estate: estate, choice: choice, accountID: request.accountID, partition: partition, users: awsUsers)
            identity.entries += clusterIdentity.entries
            identity.choices += clusterIdentity.choices
            identity.secretReaders = (identity.secretReaders ?? []) + (clusterIdentity.secretReaders ?? [])
            computePlans.append(compute)
            let lastImport = try String.fetchOne(db, sql: "SELECT max(finished_at) FROM import WHERE cluster_id = ?", arguments: [estate.cluster.id])
            inputs.append(Checklist.ClusterInput(estate: estate, assessment: result, placements: planned.placements, graph: graph,
                                                 compute: compute, storage: storage.entries.filter { $0.cluster == estate.cluster.name },
                                                 identity: clusterIdentity.entries,
                                                 network: network.entries.filter { $0.cluster == estate.cluster.name }, lastImport: lastImport,
                                                 secretReaders: clusterIdentity.secretReaders))
        }
        // Waves are numbered per cluster: the clusters' waves may run side by side.
        let items = Checklist.build(inputs, images: images, target: request.target, region: request.region, assessedOn: assessment.date,
                                    cronTimeZones: request.cronTimeZones)

        return TransitionPlan(planID: 0, request: request, assessment: assessment, waves: waves, dependencies: dependencies, cycles: cycles,
                              images: images, storage: storage, network: network, identity: identity, compute: computePlans, items: items,
                              added: 0, kept: 0, obsoleted: 0, placements: inputs.flatMap { input in input.placements.map { ($0, 0) } },
                              graphs: graphs, runbookLibrary: RunbookLibrary.text)
    }

    /// A chunk of items' keys and JSON columns (prerequisites, commands, rollback commands) as plan_item stores them: the
    /// columns in one buffer, each row naming its ranges (an array per column, grown from empty, cost four times the encoding).
    private struct EncodedRows {
        var keys: [String] = []
        var bytes: [UInt8] = []
        /// Per row: where its prerequisites, commands and rollback commands end in `bytes` (each starts where the one before ends).
        var ends: [(prerequisites: Int, commands: Int, rollbackCommands: Int)] = []

        init(_ items: ArraySlice<PlanItem>) {
            keys.reserveCapacity(items.count)
            ends.reserveCapacity(items.count)
            bytes.reserveCapacity(items.count * 1024)
            for item in items {
                keys.append(item.key.description)
                bytes.append(UInt8(ascii: "["))
                for (index, prerequisite) in item.prerequisites.enumerated() {
                    bytes.append(contentsOf: index == 0 ? "\"".utf8 : ",\"".utf8)
                    prerequisite.appendParts { JSONWriter.writeEscaped($0, to: &bytes) }
                    bytes.append(UInt8(ascii: "\""))
                }
                bytes.append(UInt8(ascii: "]"))
                let prerequisites = bytes.count
                JSONWriter.write(item.commands, to: &bytes)
                let commands = bytes.count
                JSONWriter.write(item.rollbackCommands, to: &bytes)
                ends.append((prerequisites, commands, bytes.count))
            }
        }
    }

    private enum Encoded {
        case rows(EncodedRows)
        case sections(Result<[(PlanStore.Section, String)], Error>)
    }

    /// Writes the plan row (kept by name), its waves and dependencies anew, and its items by key.
    private func store(_ plan: inout TransitionPlan, db: Database) throws {
        let request = plan.request
        let items = plan.items
        progress?("storing \(items.count) checklist items")
        let now = Timestamp.string(request.now)
        var settingsJSON = "{\"maxWaveSize\":\(request.maxWaveSize.map(String.init) ?? "null"),\"repositoryPrefix\":"
        JSONWriter.writeString(request.repositoryPrefix, to: &settingsJSON)
        settingsJSON += ",\"privateEndpoint\":\(request.landingZone.privateEndpoint),\"publicAccessCIDRs\":"
        settingsJSON += JSONWriter.string(request.landingZone.publicAccessCIDRs)
        settingsJSON += ",\"zones\":"
        settingsJSON += JSONWriter.string(request.landingZone.zones)
        settingsJSON += "}"
        var planID = try Int64.fetchOne(db, sql: "SELECT id FROM plan WHERE name = ?", arguments: [request.name])
        if let id = planID {
            try db.execute(sql: """
                UPDATE plan SET target_version = ?, region = ?, account_id = ?, scope = ?, settings = ?, assessment_id = ?, updated_at = ? WHERE id = ?
                """, arguments: [request.target.description, request.region, request.accountID, request.cluster, settingsJSON, plan.assessment.assessmentID, now, id])
        } else {
            try db.execute(sql: """
                INSERT INTO plan (name, target_version, region, account_id, scope, settings, assessment_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [request.name, request.target.description, request.region, request.accountID, request.cluster, settingsJSON, plan.assessment.assessmentID, now, now])
            planID = db.lastInsertedRowID
        }
        guard let planID else { throw DatabaseError(message: "plan \(request.name) was not stored") }
        let previousWaves = try RenamedImageItems.previousWaves(db, planID: planID)
        try db.execute(sql: "DELETE FROM plan_workload WHERE plan_id = ?", arguments: [planID])
        try db.execute(sql: "DELETE FROM plan_dependency WHERE plan_id = ?", arguments: [planID])
        // Statements compiled once for the thousands of rows a large estate has.
        let insertPlacement = try db.cachedStatement(sql: "INSERT INTO plan_workload (plan_id, workload_id, wave, reason, cycle) VALUES (?, ?, ?, ?, ?)")
        for (placement, offset) in plan.placements {
            try insertPlacement.execute(arguments: [planID, placement.workload, placement.wave + offset, placement.reason, placement.cycle])
        }
        let insertDependency = try db.cachedStatement(sql: "INSERT OR IGNORE INTO plan_dependency (plan_id, consumer_id, provider_id, evidence) VALUES (?, ?, ?, ?)")
        for graph in plan.graphs {
            for edge in graph.edges {
                try insertDependency.execute(arguments: [planID, edge.consumer, edge.provider, edge.evidence])
            }
        }
        let existing = Set(try String.fetchAll(db, sql: "SELECT key FROM plan_item WHERE plan_id = ? AND obsolete = 0", arguments: [planID]))
        let previous = Set(try String.fetchAll(db, sql: "SELECT key FROM plan_item WHERE plan_id = ?", arguments: [planID]))
        let retired = previous.subtracting(existing)
        // Items the inventory proves start done, once: a later reopen by someone (an event) is never overridden.
        let untouched = Set(try String.fetchAll(db, sql: """
            SELECT key FROM plan_item i WHERE plan_id = ? AND state = 'pending' AND NOT EXISTS (SELECT 1 FROM event e WHERE e.item_id = i.id)
            """, arguments: [planID]))
        // Each item's key and JSON columns are encoded on a thread of their own, a chunk ahead of the rows SQLite stores, and
        // bound as bytes; the sections (megabytes of JSON) are encoded there too, once the rows are.
        let chunk = 2048
        let chunks = (items.count + chunk - 1) / chunk
        let decided = plan
        let encoded = StreamedWork(count: chunks + 1) { index -> Encoded in
            guard index < chunks else { return .sections(Result { try PlanStore.encodeSections(decided) }) }
            return .rows(EncodedRows(items[(index * chunk)..<min(items.count, (index + 1) * chunk)]))
        }
        defer { encoded.stop() }
        var keyTexts: [String] = []
        keyTexts.reserveCapacity(items.count)
        do {
            // plan_item's CHECKs test phase and state against lists of three or more values, and SQLite builds a temporary b-tree for
            // each such list on every execution of the statement: per item, that cost about a third of its upsert. What is written
            // here cannot fail them (phases are PlanItemKey.Phase raw values, states literals), so they are off while the items
            // are written and on again for everything else (the connection keeps the setting: `defer` restores it on every exit).
            // The pragma recompiles the statements prepared before it, so the upsert is prepared after it.
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            defer { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
            // One statement, compiled once and bound through SQLite's C API: a large estate has tens of thousands of items.
            let upsertItem = try FastStatement(db, """
                    INSERT INTO plan_item (plan_id, key, phase, step, title, cluster_id, wave, workload_id, prerequisites, evidence, rollback, commands,
                                           rollback_commands, position, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (plan_id, key) DO UPDATE SET phase = excluded.phase, step = excluded.step, title = excluded.title,
                      cluster_id = excluded.cluster_id, wave = excluded.wave, workload_id = excluded.workload_id, prerequisites = excluded.prerequisites,
                      evidence = excluded.evidence, rollback = excluded.rollback, commands = excluded.commands, rollback_commands = excluded.rollback_commands,
                      position = excluded.position, obsolete = 0
                    """)
            // Fields are read in place through the buffer (`items[position].title`): the array's getter copied each whole item.
            var rows = EncodedRows(items[0..<0])
            try items.withUnsafeBufferPointer { items in
                for position in items.indices {
                    if position % chunk == 0, case .rows(let next) = encoded.take(position / chunk) { rows = next }
                    let row = position % chunk, keyText = rows.keys[row], ends = rows.ends[row], start = row == 0 ? 0 : rows.ends[row - 1].rollbackCommands
                    keyTexts.append(keyText)
                    upsertItem.bind(1, planID); upsertItem.bind(2, keyText); upsertItem.bind(3, items[position].key.phase.rawValue)
                    upsertItem.bind(4, items[position].key.step.rawValue); upsertItem.bind(5, items[position].title); upsertItem.bind(6, items[position].clusterID)
                    upsertItem.bind(7, items[position].wave); upsertItem.bind(8, items[position].workloadID)
                    rows.bytes.withUnsafeBufferPointer { bytes in
                        upsertItem.bind(9, utf8: UnsafeBufferPointer(rebasing: bytes[start..<ends.prerequisites]))
                        upsertItem.bind(12, utf8: UnsafeBufferPointer(rebasing: bytes[ends.prerequisites..<ends.commands]))
                        upsertItem.bind(13, utf8: UnsafeBufferPointer(rebasing: bytes[ends.commands..<ends.rollbackCommands]))
                    }
                    upsertItem.bind(10, items[position].evidence); upsertItem.bind(11, items[position].rollback)
                    upsertItem.bind(14, position); upsertItem.bind(15, now)
                    try upsertItem.run()
                    guard items[position].provenDone, !previous.contains(keyText) || untouched.contains(keyText) else { continue }
                    let note = "proven by the inventory: \(items[position].evidence)"
                    try db.execute(sql: "UPDATE plan_item SET state = 'done', state_note = ?, updated_at = ? WHERE plan_id = ? AND key = ?",
                                   arguments: [note, now, planID, keyText])
                    try db.execute(sql: """
                        INSERT INTO event (plan_id, item_id, at, actor, action, from_state, to_state, note, forced)
                        SELECT ?, id, ?, 'eksodus', 'done', 'pending', 'done', ?, 0 FROM plan_item WHERE plan_id = ? AND key = ?
                        """, arguments: [planID, now, note, planID, keyText])
                }
            }
        }
        let current = Set(keyTexts)
        // An obsolete item whose workload is back takes up its state again; the audit trail says so.
        for key in retired.intersection(current).sorted() {
            try db.execute(sql: """
                INSERT INTO event (plan_id, item_id, at, actor, action, from_state, to_state, note, forced)
                SELECT ?, id, ?, 'eksodus', 'revived', 'obsolete', state, 'its workload is in the inventory again', 0 FROM plan_item WHERE plan_id = ? AND key = ?
                """, arguments: [planID, now, planID, key])
        }
        try RenamedImageItems.carryOver(db, planID: planID, items: items, added: current.subtracting(previous), previousWaves: previousWaves, now: now)
        let markObsolete = try db.cachedStatement(sql: "UPDATE plan_item SET obsolete = 1 WHERE plan_id = ? AND key = ?")
        for key in previous.subtracting(current).sorted() {
            try markObsolete.execute(arguments: [planID, key])
        }
        guard case .sections(let sections) = encoded.take(chunks) else { preconditionFailure("the last value is the sections") }
        try PlanStore.saveSections(try sections.get(), planID: planID, db: db)
        plan.planID = planID
        plan.added = current.subtracting(previous).count
        plan.kept = current.intersection(previous).count
        plan.obsoleted = existing.subtracting(current).count
    }
}
