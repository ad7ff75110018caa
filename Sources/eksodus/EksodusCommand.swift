import ArgumentParser
import EksodusCore

struct EksodusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eksodus",
        abstract: "Plan and track the move of Kubernetes clusters to Amazon EKS, offline, from what they export.",
        version: "0.1.0",
        subcommands: [ImportCommand.self, InventoryCommand.self, AssessCommand.self, ChecksCommand.self, ExplainCommand.self, PlanCommand.self, ImagesCommand.self, ConvertCommand.self, CutoverCommand.self, ReportCommand.self, DemoCommand.self]
    )
}
