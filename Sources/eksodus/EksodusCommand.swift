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
        discussion: """
        Phase one: import, inventory, assess (checks, explain). Phase two: plan,
        images, convert, report. Phase three: cutover.
        Listings take -o table|wide|json|yaml|csv; documents (plan, cutover show,
        cutover status) take -o table|json|yaml. Data goes to standard output;
        errors, warnings and progress to standard error. Progress is drawn only
        on a terminal, and never with --quiet.

        Exit codes:
          0   success
          1   an error: bad input (file:line), unknown --cluster or --plan,
              a refused cutover change, a failed write
          2   assess --fail-on warning: warnings (no blocker) outside the
              system namespaces
          3   assess --fail-on blocker|warning: blockers outside the system
              namespaces
          64  usage: unknown command or option, a missing or invalid value

        Environment:
          EKSODUS_DB         the inventory when --db is not given (default
                             ./eksodus.db; read-only commands never create it)
          EKSODUS_PLAN       the plan when --plan is not given (default: the
                             most recently planned; cutover run sets it, and
                             EKSODUS_DB, for a step's own eksodus commands)
          EKSODUS_ACTOR      who cutover changes are recorded as when --by is
                             not given (default: $USER, $LOGNAME, the OS user)
          EKSODUS_LOCK_WAIT  seconds a write waits for another's (default 600)

        Shell completion:
          eksodus --generate-completion-script bash > ~/.eksodus.bash
          eksodus --generate-completion-script zsh > "${fpath[1]}/_eksodus"
          eksodus --generate-completion-script fish \\
            > ~/.config/fish/completions/eksodus.fish

        Examples:
          eksodus demo
          eksodus import exports/prod/ --cluster prod --environment prod
          eksodus assess --target-version 1.35 --fail-on blocker
          eksodus plan --target-version 1.35 --region eu-west-1 \\
            --account-id 123456789012
          eksodus cutover list --state pending -o json
        """,
        version: "0.1.0",
        subcommands: [ImportCommand.self, InventoryCommand.self, AssessCommand.self, ChecksCommand.self, ExplainCommand.self, PlanCommand.self, ImagesCommand.self, ConvertCommand.self, CutoverCommand.self, ReportCommand.self, TemplatesCommand.self, DemoCommand.self]
    )

    /// EX_USAGE (sysexits.h), as argument-parser exits on a usage error.
    static let usageExitCode: Int32 = 64

    /// A word where a subcommand is expected that names none: the message, with the nearest name when it looks like a typo.
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        var subcommands = CommandTree(EksodusCommand.configuration).children
        var path = ["eksodus"]
        for argument in arguments {
            guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return nil }
            guard let next = subcommands.first(where: { $0.name == argument }) else {
                let names = subcommands.map(\.name)
                let hint = EditDistance.suggestion(for: argument, among: names).map { " Did you mean '\($0)'?" } ?? ""
                return "unknown command '\(argument.visibleLine)' for \(path.joined(separator: " ")).\(hint) Commands: \(names.joined(separator: ", "))."
            }
            path.append(argument)
            subcommands = next.children
        }
        return nil
    }
}

/// The command names, read from the configurations once (the compiler crashes on existential metatypes inside closures).
struct CommandTree {
    var name: String
    var children: [CommandTree]

    init(_ configuration: CommandConfiguration) {
        name = configuration.commandName ?? ""
        var children: [CommandTree] = []
        for command in configuration.subcommands { children.append(CommandTree(command.configuration)) }
        self.children = children
    }
}

extension EksodusCommand {
    /// `main()`, with the errors of files and SQLite said in one line (`OneLineError`) instead of their dumps.
    static func mainPrintingOneLineErrors() {
        if let message = unknownSubcommand(Array(CommandLine.arguments.dropFirst())) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Self.exit(withError: ExitCode(usageExitCode))
        }
        // The process ends with its command: what the command is done with is left for the exit to reclaim, not freed piece by piece.
        LeftForExit.enable()
        do {
            var command = try parseAsRoot()
            try command.run()
            // Output redirected to a full disk fails when stdio flushes it; say so instead of exiting 0 with a cut file.
            // Only the last flush's errno is known: an earlier failed write leaves just the stream's error flag.
            if fflush(stdout) != 0 { throw CommandError("cannot write standard output: " + String(cString: strerror(errno))) }
            if ferror(stdout) != 0 { throw CommandError("cannot write standard output: a write failed") }
        } catch {
            let error = OneLineError.message(error).map(CommandError.init) ?? error
            // Help and --version are ArgumentParser's own text.
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            // An error's text may carry a name from a manifest or an argument (`no item deploy:…`): no control sequence of it
            // reaches the terminal (OSC 52 writes the clipboard, CSI moves the cursor over what was printed).
            let text = fullMessage(for: error)
            if !text.isEmpty {
                let visible = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).visibleLine }
                FileHandle.standardError.write(Data((visible.joined(separator: "\n") + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
