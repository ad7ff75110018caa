import ArgumentParser
import EksodusCore
import Foundation

/// The options `plan` and `images` share.
struct PlanOptions: ParsableArguments {
    @Option(name: .customLong("target-version"), help: "The EKS Kubernetes version to move to, e.g. 1.35 (to plan).")
    var targetVersion: String?

    @Option(help: "The AWS region of the target clusters (to plan).")
    var region: String?

    @Option(name: .customLong("account-id"), help: "The AWS account of the target clusters and ECR (to plan).")
    var accountID: String?

    @Option(help: "Only this cluster.")
    var cluster: String?

    @Option(help: "The plan's name; re-planning under the same name keeps its items and their states.")
    var name = "default"

    @Option(name: .customLong("max-wave-size"), help: "At most this many workloads per wave.")
    var maxWaveSize: Int?

    @Option(name: .customLong("repository-prefix"), help: "Prefix of the ECR repositories images are copied into.")
    var repositoryPrefix = "migrated/"

    @Option(name: .customLong("public-access-cidrs"), parsing: .upToNextOption,
            help: ArgumentHelp("Only these IPv4 networks may reach the public API endpoint (comma- or space-separated).", valueName: "cidr"))
    var publicAccessCIDRs: [String] = []

    @Flag(name: .customLong("private-endpoint"), help: "A fully private cluster: private API endpoint only, no internet egress, VPC endpoints.")
    var privateEndpoint = false

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("The availability zones of the target account to use, e.g. eu-west-1a,eu-west-1b (default: eksctl picks).", valueName: "zone"))
    var zones: [String] = []

    @Option(name: .customLong("admin-role-arn"), parsing: .upToNextOption,
            help: ArgumentHelp("IAM roles that administer the new clusters (access entries with AmazonEKSClusterAdminPolicy; comma- or space-separated).", valueName: "arn"))
    var adminRoleARNs: [String] = []

    @Option(name: .customLong("cron-time-zone"), parsing: .upToNextOption,
            help: ArgumentHelp("The IANA time zone the source clusters' CronJob schedules ran in (their kube-controller-manager's), e.g. Asia/Seoul, or CLUSTER=ZONE per cluster: converted CronJobs get it as spec.timeZone (EKS runs them in UTC otherwise).", valueName: "zone"))
    var cronTimeZone: [String] = []

    @Option(help: "Settings file (default: .eksodus.yaml in the current folder, if present).")
    var config: String?

    @Option(help: ArgumentHelp("The time to record (ISO 8601), for reproducible output.", valueName: "time"))
    var now: String?

    /// Whether any of the options that make a plan was given (else `plan` shows the stored one).
    var plans: Bool { targetVersion != nil || region != nil || accountID != nil }

    func request() throws -> PlanRequest {
        guard let targetVersion, let region, let accountID else {
            throw CommandError("to plan, give --target-version, --region and --account-id (without them, eksodus plan shows the stored plan)")
        }
        let date = try parseTime(now)
        let target = try TargetVersionChoice.checked(targetVersion, reference: try ReferenceData.embedded(), on: date)
        try FreeTextOption.check(name, option: "--name")
        try FreeTextOption.check(repositoryPrefix, option: "--repository-prefix")
        func list(_ values: [String]) -> [String] { values.flatMap { $0.split(separator: ",").map { String($0) } } }
        let landingZone = LandingZoneOptions(privateEndpoint: privateEndpoint, publicAccessCIDRs: list(publicAccessCIDRs), zones: list(zones),
                                             adminRoleARNs: list(adminRoleARNs))
        return PlanRequest(name: name, target: target, region: region, accountID: accountID, cluster: cluster, maxWaveSize: maxWaveSize,
                           repositoryPrefix: repositoryPrefix, landingZone: landingZone, now: date, cronTimeZones: try CronJobTimeZone.parse(list(cronTimeZone)))
    }

    func settings() throws -> AssessmentSettings {
        try loadSettings(config)
    }
}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Phase two: build (or refresh) the transition plan and print its outline; without planning options, show the stored plan.",
        discussion: """
        Waves, the image migration list, storage, network, identity and compute plans, and the checklist of all three phases.
        With --target-version, --region and --account-id it plans (again: items keep their states); without them it prints the
        stored plan (--plan NAME, else the latest) as it was decided, never planning again.

        -o json|yaml prints the stored plan as one document with the keys format (1), id, name, assessmentID, request, waves
        (number, cluster, workloads[label, reason]), dependencies (cluster, consumer, provider, evidence), cycles, images, storage,
        network, identity, compute and items (key, phase, step, title, cluster, wave, workload, prerequisites, evidence, rollback,
        commands, rollbackCommands, state, note). Keys are sorted; the shape changes only with format.

        Examples:
          eksodus plan --target-version 1.35 --region eu-west-1 --account-id 123456789012 --eksctl plan/
          eksodus plan -o json > plan.json
          eksodus plan --plan demo -o yaml
        """
    )

    @OptionGroup var options: PlanOptions

    @Option(help: "The stored plan to show, without planning options (default: $EKSODUS_PLAN, else the most recently planned).")
    var plan: String?

    @Option(name: [.short, .customLong("output")], help: "How to print it: the outline (table) or the stored plan (json, yaml).")
    var output: DocumentFormat = .table

    @Option(help: ArgumentHelp("Also write an eksctl ClusterConfig per cluster into this folder.", valueName: "dir"))
    var eksctl: String?

    @Flag(name: [.short, .long], help: "No progress on standard error.")
    var quiet = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if options.plans, plan != nil { throw ValidationError("--plan selects a stored plan to show; to plan, name it with --name") }
        if options.plans, options.targetVersion == nil || options.region == nil || options.accountID == nil {
            throw ValidationError("to plan, give --target-version, --region and --account-id (without them, eksodus plan shows the stored plan)")
        }
        if !options.plans, eksctl != nil { throw ValidationError("--eksctl needs a plan made now: give --target-version, --region and --account-id") }
    }

    func run() throws {
        guard options.plans else { return try show(try database.openReadOnly(), name: PlanSelection.named(plan)) }
        let db = try database.open()
        var planner = TransitionPlanner(database: db, reference: try ReferenceData.embedded(), settings: try options.settings())
        let request = try options.request()
        let progress = TerminalProgress.ticking("planning", quiet: quiet)
        planner.progress = progress?.stepReporter
        defer { progress?.finish() }
        let made = try planner.run(request)
        progress?.finish()
        if output == .table {
            print(PlanOutline.text(made), terminator: "")
        } else {
            try show(db, name: made.request.name)
        }
        let refusals = made.eksctlRefusals
        if let eksctl {
            try FileManager.default.createDirectory(atPath: eksctl, withIntermediateDirectories: true)
            for config in try made.eksctlConfigs() {
                let path = URL(fileURLWithPath: eksctl).appendingPathComponent(config.file).path
                try config.yaml.write(toFile: path, atomically: true, encoding: .utf8)
                printError("wrote \(path)")
            }
            for refusal in refusals { printError(refusal) }
            if !refusals.isEmpty { throw CommandError("\(refusals.count) cluster(s) got no eksctl config (see above)") }
        } else {
            for refusal in refusals { printError("warning: " + refusal) }
        }
    }

    /// The stored plan, read back from the inventory (what `plan -o json` promises: what was decided, not a new plan).
    private func show(_ db: AppDatabase, name: String?) throws {
        switch output {
        case .table: print(PlanOutline.text(try PlanStore.load(db, name: name)), terminator: "")
        case .json: print(try StructuredOutput.json(try PlanDocument.load(db, name: name)), terminator: "")
        case .yaml: print(try StructuredOutput.yaml(try PlanDocument.load(db, name: name)), terminator: "")
        }
    }
}

extension ImageMigration.CopyTool: ExpressibleByArgument {}

struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "The image migration list (registries → Amazon ECR), or the script that carries it out.",
        discussion: """
        Reads the stored plan (--plan NAME, else the latest) as it was decided, without the inventory. With no plan yet, give --target-version,
        --region and --account-id: a plan named `default` is made first.

        Examples:
          eksodus images
          eksodus images -o csv > images.csv
          eksodus images --script --tool crane > migrate-images.sh
        """
    )

    @Option(help: "The plan to read (default: $EKSODUS_PLAN, else the most recently planned).")
    var plan: String?

    @Option(name: .customLong("target-version"), help: "With no plan yet: the EKS Kubernetes version.")
    var targetVersion: String?

    @Option(help: "With no plan yet: the AWS region.")
    var region: String?

    @Option(name: .customLong("account-id"), help: "With no plan yet: the AWS account.")
    var accountID: String?

    @Option(name: [.short, .customLong("output")], help: "How to print the list.")
    var output: OutputFormat = .table

    @Flag(help: "Print an idempotent bash script instead: ECR repositories, pull-through cache rules, multi-arch copies.")
    var script = false

    @Option(help: "The copy tool the script uses: skopeo or crane.")
    var tool: ImageMigration.CopyTool = .skopeo

    @Option(help: ArgumentHelp("The time to record (ISO 8601).", valueName: "time"))
    var now: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let date = try parseTime(now)
        // Only making a first plan writes; reading the stored one works on a read-only inventory.
        let makesPlan = targetVersion != nil || region != nil || accountID != nil
        let db = try makesPlan ? database.open() : database.openReadOnly()
        let images: ImageMigration
        do {
            images = try PlanStore.load(db, name: PlanSelection.named(plan)).images
        } catch PlanStore.PlanStoreError.noPlan {
            guard let targetVersion, let region, let accountID else {
                throw CommandError("no plan yet: run eksodus plan, or give --target-version, --region and --account-id")
            }
            let target = try TargetVersionChoice.checked(targetVersion, reference: try ReferenceData.embedded(), on: date)
            let planner = TransitionPlanner(database: db, reference: try ReferenceData.embedded(), settings: try loadSettings(nil))
            images = try planner.run(PlanRequest(target: target, region: region, accountID: accountID, now: date)).images
        }
        if script {
            print(images.script(tool: tool, generatedAt: Timestamp.string(date)), terminator: "")
        } else {
            print(TableRenderer.render(images.table, as: output), terminator: "")
        }
    }
}
