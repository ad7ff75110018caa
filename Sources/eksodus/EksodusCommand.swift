import ArgumentParser
import EksodusCore

struct EksodusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eksodus",
        abstract: "Plan and track the move of Kubernetes clusters to Amazon EKS, offline, from what they export.",
        version: "0.1.0",
        subcommands: [ImportCommand.self, InventoryCommand.self, AssessCommand.self, ChecksCommand.self, ExplainCommand.self, PlanCommand.self, ImagesCommand.self, CutoverCommand.self, ReportCommand.self, DemoCommand.self]
    )
}

extension EksodusCommand {
    /// `main()`, with the errors of files and SQLite said in one line (`OneLineError`) instead of their dumps.
    static func mainPrintingOneLineErrors() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: OneLineError.message(error).map(CommandError.init) ?? error)
        }
    }
}
