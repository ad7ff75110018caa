import ArgumentParser
import EksodusCore
import Foundation

extension ReportRenderer.Kind: ExpressibleByArgument {}
extension ReportRenderer.Format: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the assessment, plan, cutover and images reports (Markdown or self-contained HTML).",
        discussion: """
        Templates are Mustache files; --templates DIR uses a team's own copies and falls back to the bundled ones for the rest
        (eksodus templates export DIR writes the bundled ones, with a README of the variables each receives). A folder that does
        not exist is an error, and so is a template syntax error (printed as file:line:column: message). Nothing is written
        unless every report can be made.

        Examples:
          eksodus report all --out reports/
          eksodus report plan --format html --cluster prod
          eksodus report assessment --templates team-templates/
        """
    )

    @Argument(help: "Which report.")
    var kind: ReportRenderer.Kind

    @Option(help: ArgumentHelp("Folder to write into.", valueName: "dir"))
    var out = "reports"

    @Option(help: ArgumentHelp("A folder of the team's own templates.", valueName: "dir"))
    var templates: String?

    @Option(help: "The file format.")
    var format: ReportRenderer.Format = .markdown

    @Option(help: "Only this cluster.")
    var cluster: String?

    @Option(help: "The plan (default: $EKSODUS_PLAN, else the most recently planned).")
    var plan: String?

    @Option(help: ArgumentHelp("The time the reports say they were made (ISO 8601), for byte-for-byte comparable output.", valueName: "time"))
    var now: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let date = try parseTime(now)
        let renderer = ReportRenderer(database: try database.openReadOnly(), templates: templates, plan: PlanSelection.named(plan), cluster: cluster, now: date)
        for path in try renderer.write(kind, format: format, to: URL(fileURLWithPath: out)) { print(path) }
    }
}
