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
        Settings (minimum replicas, system namespaces, ignores) come from .eksodus.yaml in the current folder, or --config;
        a key eksodus does not know is reported on standard error (file:line) and ignored.

        -o sarif writes SARIF 2.1.0 for GitHub code scanning: every result is located at its manifest's file and line,
        relative to --sarif-root (default: the current folder); a finding about a whole cluster (its EKS version) points at
        --sarif-anchor FILE, else at the first file imported for that cluster. Past 25,000 results (GitHub's limit per run)
        the least severe are left out, and the log and standard error say how many.

        Examples:
          eksodus assess --target-version 1.35
          eksodus assess --target-version 1.35 --fail-on blocker -o json > findings.json
          eksodus assess --target-version 1.35 -o sarif --sarif-root . > eksodus.sarif
        """
    )

    @Option(help: "Only this cluster.")
    var cluster: String?

    @Option(name: .customLong("target-version"), help: "The EKS Kubernetes version to move to, e.g. 1.35.")
    var targetVersion: String

    @Option(name: .customLong("fail-on"), help: "Exit non-zero when findings of this severity (or worse) exist: blocker or warning.")
    var failOn: Severity?

    @Option(name: [.short, .customLong("output")], help: "How to print the findings.")
    var output: AssessmentOutput.Format = .table

    @Option(name: .customLong("sarif-root"), help: ArgumentHelp("SARIF artifact URIs are relative to this folder (default: the current folder).", valueName: "dir"))
    var sarifRoot: String?

    @Option(name: .customLong("sarif-anchor"), help: ArgumentHelp("SARIF: the file cluster-level findings point at (e.g. where the target version is set).", valueName: "file"))
    var sarifAnchor: String?

    @Flag(name: [.short, .long], help: "No progress line and no settings warnings on standard error.")
    var quiet = false

    @Option(help: "Settings file (default: .eksodus.yaml in the current folder, if present).")
    var config: String?

    @Option(help: ArgumentHelp("The assessment date/time (ISO 8601), for reproducible output.", valueName: "time"))
    var now: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let date = try parseTime(now)
        let target = try TargetVersionChoice.checked(targetVersion, reference: try ReferenceData.embedded(), on: date)
        try FreeTextOption.check(sarifAnchor, option: "--sarif-anchor")
        let settings = try loadSettings(config, quiet: quiet)
        let db = try database.open()
        var assessor = Assessor(database: db, reference: try ReferenceData.embedded(), settings: settings)
        let progress = TerminalProgress.ticking("assessing", quiet: quiet)
        assessor.progress = progress?.stepReporter
        let result: AssessmentResult
        do {
            result = try assessor.run(target: target, cluster: cluster, now: date)
        } catch {
            progress?.finish()
            throw error
        }
        progress?.finish()
        if output == .sarif {
            let root = URL(fileURLWithPath: sarifRoot ?? FileManager.default.currentDirectoryPath)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw CommandError("--sarif-root \(root.path): no such folder")
            }
            let options = SARIFLog.Options(root: root, anchor: sarifAnchor, clusterFiles: try SARIFLog.clusterFiles(db))
            let log = SARIFLog(result, options: options)
            print(log.json, terminator: "")
            if log.omitted > 0 {
                printError("warning: the SARIF log leaves out the \(log.omitted) least severe results: GitHub code scanning accepts at most \(options.maximumResults) per run (every finding: assess -o json, or findings.csv of report assessment)")
            }
        } else {
            print(AssessmentOutput.render(result, as: output), terminator: "")
        }
        let code = result.exitCode(failOn: failOn)
        if code != 0 { throw ExitCode(code) }
    }
}

struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks", abstract: "List the assessment checks.",
        discussion: """
        Examples:
          eksodus checks
          eksodus checks -o json | jq -r '.[].id'
        """
    )

    @Option(name: [.short, .customLong("output")], help: "How to print the list.")
    var output: OutputFormat = .table

    func run() throws {
        print(TableRenderer.render(CheckCatalog.table, as: output), terminator: "")
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one check: why it matters, what to do, examples.",
        discussion: """
        Each example is shown as a diff: lines starting with - are in the manifest the check finds, lines starting with + in
        the one that passes, the others in both.

        Examples:
          eksodus explain API001
          eksodus explain sec004
        """
    )

    @Argument(help: "A check ID, e.g. API001.")
    var id: String

    func run() throws {
        guard let check = CheckCatalog.check(id: id) else {
            let nearest = EditDistance.suggestion(for: id.uppercased(), among: CheckCatalog.all.map(\.info.id))
            throw CommandError("no check \(id.visibleLine)" + (nearest.map { " (did you mean \($0)?)" } ?? "") + ": see eksodus checks")
        }
        print(CheckCatalog.explanation(check), terminator: "")
    }
}
