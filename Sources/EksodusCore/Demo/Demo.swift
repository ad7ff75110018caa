import Foundation

/// `eksodus demo`: the whole job on the bundled sample, into a fresh inventory in `folder`.
public struct Demo {
    public struct Result: Sendable {
        public var folder: URL
        public var databasePath: String
        public var imports: [ImportSummary]
        public var assessment: AssessmentResult
        public var plan: TransitionPlan
        public var summary: String
    }

    public var folder: URL
    public var now: Date
    /// The EKS version the sample is assessed and planned for: by default the one eksodus recommends on `now`.
    public var targetVersion: KubernetesVersion
    /// Whether the demo ticks off the first checklist items (phase three); tests of the tracker start from a clean plan.
    public var tracksProgress = true

    public init(folder: URL, now: Date = Date()) {
        self.folder = folder
        self.now = now
        let today = CalendarDay(Timestamp.string(now))
        let recommended = try? today.flatMap { try ReferenceData.embedded().recommendedEKSVersion(on: $0) }
        targetVersion = recommended?.version ?? KubernetesVersion(major: 1, minor: 35)
    }

    /// Who reaches the demo clusters' public API endpoint.
    static let officeNetwork = ["203.0.113.0/24"]
    /// The on-call engineers' IAM role in the demo account, made cluster admin through access entries.
    static let adminRole = "arn:aws:iam::123456789012:role/platform-oncall"

    public func run() throws -> Result {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let samples = try SampleEstate.write(to: folder)
        let databasePath = folder.appendingPathComponent("eksodus.db").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databasePath + suffix) }
        let database = try AppDatabase.open(path: databasePath)
        var imports: [ImportSummary] = []
        for cluster in SampleEstate.clusters {
            let request = ImportRequest(
                paths: [samples.appendingPathComponent(cluster.folder).path], cluster: cluster.name,
                environment: cluster.environment, kubernetesVersion: cluster.kubernetesVersion,
                defaultNamespace: cluster.defaultNamespace, now: now
            )
            imports.append(try Importer(database: database).run(request))
        }
        var text = "eksodus demo: the Acme Shop sample estate (\(SampleEstate.clusters.count) clusters)\n\n"
        text += "1. Inventory\n"
        for summary in imports {
            text += "   \(summary.cluster): \(summary.objectsRead) objects from \(summary.files) file(s), \(summary.workloads) workloads\n"
        }
        text += "\n" + TableRenderer.text(try InventoryQuery().table(.clusters, in: database))

        let assessment = try Assessor(database: database, reference: try ReferenceData.embedded()).run(target: targetVersion, now: now)
        text += "\n2. Assessment & diagnosis\n\n" + AssessmentOutput.summary(assessment, worst: 5)

        // The on-call engineers' role administers the clusters beside their creator (access entries), so plan:admin-access starts decided.
        // The endpoint is decided, so the staging cluster the demo ticks off below has a decided endpoint its config agrees with:
        // the public API endpoint answers the sample's office network only (a documentation range, RFC 5737), not 0.0.0.0/0.
        let request = PlanRequest(name: "demo", target: targetVersion, region: "ap-northeast-2", accountID: "123456789012",
                                  landingZone: LandingZoneOptions(publicAccessCIDRs: Self.officeNetwork, adminRoleARNs: [Self.adminRole]), now: now)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let planFolder = folder.appendingPathComponent("plan")
        try FileManager.default.createDirectory(at: planFolder, withIntermediateDirectories: true)
        for config in try plan.eksctlConfigs() {
            try Data(config.yaml.utf8).write(to: planFolder.appendingPathComponent(config.file), options: .atomic)
        }
        try Data(plan.images.script(generatedAt: Timestamp.string(now)).utf8).write(to: planFolder.appendingPathComponent("migrate-images.sh"), options: .atomic)
        text += "\n3. Transition plan\n\n" + PlanOutline.text(plan)
        text += "Written: \(planFolder.path)/ (eksctl configs, migrate-images.sh)\n"

        // Phase three: what two engineers tick off first, in plan order: staging's platform, then wave 1 begins.
        guard tracksProgress else {
            return Result(folder: folder, databasePath: databasePath, imports: imports, assessment: assessment, plan: plan, summary: text)
        }
        let tracker = CutoverTracker(database: database)
        let first = plan.waves.first?.number ?? 1
        let keys = Set(plan.items.map(\.keyText))
        // The imports and the assessment are proven by the inventory: they start done.
        // plan:endpoint is not among them: the request's office network decided it, so the plan starts with it done.
        let platform: [PlanItemKey.Step] = [.zones, .identity, .cluster, .endpointCheck, .addons, .storage, .backup, .exposure, .certificates, .connectivity, .secrets, .access,
                                            .observability, .cicd, .platform]
        let staging = ([PlanItemKey.assessment(.review, cluster: "staging"), .assessment(.review, cluster: "prod"), .assessment(.identity, cluster: "staging"),
                        .plan(.landingZone), .plan(.ecr)] + platform.map { PlanItemKey.plan($0, cluster: "staging") }
                       + [.wave(.images, cluster: "staging", first), .wave(.gate, cluster: "staging", first)]).map(\.description).filter(keys.contains)
        try tracker.apply(.done, to: staging, plan: plan.request.name, by: "alice", now: now)
        let ready = try CutoverStatus.load(database, plan: plan.request.name).next.filter { $0.wave == first }.prefix(3).map(\.key)
        try tracker.apply(.start, to: Array(ready), plan: plan.request.name, by: "bob", now: now)
        try tracker.apply(.block, to: [PlanItemKey.plan(.cluster, cluster: "prod").description].filter(keys.contains), plan: plan.request.name,
                          note: "waiting for the network team's Direct Connect to the new VPC", by: "bob", now: now)
        text += "\n4. Cutover & optimization\n\n" + (try CutoverStatus.load(database, plan: plan.request.name, filter: .init(phase: nil))).text

        let estates = try database.writer.read { try Estate.load($0) }
        let converted = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded())
            .write(estates: estates, to: folder.appendingPathComponent("converted"))
        text += "\nConverted manifests: \(converted.count) wave folders in \(folder.appendingPathComponent("converted").path)/ (kubectl apply -k CLUSTER/wave-N)\n"

        let reports = folder.appendingPathComponent("reports")
        let renderer = ReportRenderer(database: database, plan: plan.request.name, now: now)
        var written: [String] = []
        for format in ReportRenderer.Format.allCases {
            // Both formats write the same detail CSVs: list each file once.
            for file in try renderer.write(.all, format: format, to: reports) where !written.contains(file) { written.append(file) }
        }
        text += "\n5. Reports\n\n" + written.map { "   " + $0 }.joined(separator: "\n") + "\n"
        text += "\nInventory: \(databasePath)\n"
        text += "Try: eksodus inventory workloads --db \(databasePath)\n"
        return Result(folder: folder, databasePath: databasePath, imports: imports, assessment: assessment, plan: plan, summary: text)
    }
}
