import ArgumentParser
import EksodusCore
import Foundation

extension AssessmentOutput.Format: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Phase one: assess the inventory for EKS and store the findings.",
        discussion: """
        Exit codes: 0 when no finding reaches --fail-on (or none is given); 3 when blockers reach it; 2 when warnings do
        (with --fail-on warning and no blocker). Other errors exit 1. Findings in system namespaces do not count.
        Settings (minimum replicas, system namespaces, ignores) come from .eksodus.yaml in the current folder, or --config.
        """
    )

    @Option(help: "Only this cluster.")
    var cluster: String?

    @Option(name: .customLong("target-version"), help: "The EKS Kubernetes version to move to, e.g. 1.35.")
    var targetVersion: String

    @Option(name: .customLong("fail-on"), help: "Exit non-zero when findings of this severity (or worse) exist: blocker or warning.")
    var failOn: Severity?

    @Option(name: [.short, .customLong("output")], help: "table, json or sarif.")
    var output: AssessmentOutput.Format = .table

    @Option(help: "Settings file (default: .eksodus.yaml in the current folder, if present).")
    var config: String?

    @Option(help: ArgumentHelp("The assessment date/time (ISO 8601), for reproducible output.", valueName: "time"))
    var now: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        guard let target = KubernetesVersion(targetVersion) else {
            throw CommandError("--target-version must look like 1.35, not '\(targetVersion)'")
        }
        let date = try parseTime(now)
        let settings = try loadSettings(config)
        let assessor = Assessor(database: try database.open(), reference: try ReferenceData.embedded(), settings: settings)
        let result = try assessor.run(target: target, cluster: cluster, now: date)
        print(AssessmentOutput.render(result, as: output), terminator: "")
        let code = result.exitCode(failOn: failOn)
        if code != 0 { throw ExitCode(code) }
    }
}

struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checks", abstract: "List the assessment checks.")

    @Option(name: [.short, .customLong("output")], help: "table, json or csv.")
    var output: OutputFormat = .table

    func run() throws {
        print(TableRenderer.render(CheckCatalog.table, as: output), terminator: "")
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Explain one check: why it matters, what to do, examples.")

    @Argument(help: "A check ID, e.g. API001.")
    var id: String

    func run() throws {
        guard let check = CheckCatalog.check(id: id) else {
            throw CommandError("no check \(id): see eksodus checks")
        }
        print(CheckCatalog.explanation(check), terminator: "")
    }
}
