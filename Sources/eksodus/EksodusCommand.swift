#if canImport(Glibc)
@preconcurrency import Glibc  // stdout: read once, at exit
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import ArgumentParser
import EksodusCore
import Foundation

struct EksodusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eksodus",
        abstract: "Plan and track the move of Kubernetes clusters to Amazon EKS, offline, from what they export.",
        version: "0.1.0",
        subcommands: [ImportCommand.self, InventoryCommand.self, AssessCommand.self, ChecksCommand.self, ExplainCommand.self, PlanCommand.self, ImagesCommand.self, ConvertCommand.self, CutoverCommand.self, ReportCommand.self, DemoCommand.self]
    )
}

extension EksodusCommand {
    /// `main()`, with the errors of files and SQLite said in one line (`OneLineError`) instead of their dumps.
    static func mainPrintingOneLineErrors() {
        do {
            var command = try parseAsRoot()
            try command.run()
            // Output redirected to a full disk fails when stdio flushes it; say so instead of exiting 0 with a cut file.
            // Only the last flush's errno is known: an earlier failed write leaves just the stream's error flag.
            if fflush(stdout) != 0 { throw CommandError("cannot write standard output: " + String(cString: strerror(errno))) }
            if ferror(stdout) != 0 { throw CommandError("cannot write standard output: a write failed") }
        } catch {
            exit(withError: OneLineError.message(error).map(CommandError.init) ?? error)
        }
    }
}
