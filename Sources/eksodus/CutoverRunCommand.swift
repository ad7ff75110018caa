import ArgumentParser
import EksodusCore
import Foundation

struct CutoverRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one step's commands (or its rollback) as one fail-closed script, and track it.",
        discussion: """
        The step's lines run under bash -e in the current directory (where steps keep their state files): the first
        command that fails stops the step, which stays in progress; a step that ends well is marked done (a rollback
        that ends well puts it back to pending). Standard input is closed. The library the plan stored is written to a
        private file for the run (EKSODUS_RUNBOOK_LIB), so a stale copy is never sourced. Set SOURCE_CONTEXT,
        EKS_CONTEXT and the step's other variables first; a step whose gate asks you to wait (a TTL, a hold, a soak)
        fails with the time left: run it again then. Pasting a step instead: paste it into `bash -e`, never into your
        login shell, where a failed gate does not stop the next line.

        Examples:
          eksodus cutover run dns-ttl:prod:shop.acme.example --dry-run
          eksodus cutover run traffic:prod:shop.acme.example --by alice
          eksodus cutover run traffic:prod:shop.acme.example --rollback --note "5xx on the EKS target group"
        """
    )

    @Argument(help: "An item id or key.") var item: String
    @Flag(help: "Run its rollback instead.") var rollback = false
    @Flag(help: "Print the script instead of running it.") var dryRun = false
    @Option(help: "Why (recorded with the change).") var note: String?
    @Option(help: "Who runs it (default: $EKSODUS_ACTOR, else the login name).") var by: String?
    @Flag(help: "Run even though its prerequisites are not done; recorded in the log.") var force = false
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let actor = by ?? CutoverTracker.defaultActor
        try FreeTextOption.check(note, option: "--note")
        try FreeTextOption.check(actor, option: by == nil ? "the actor ($EKSODUS_ACTOR or the login name)" : "--by")
        let store = dryRun ? try database.openReadOnly() : try database.open()
        let step = try StepRun.prepare(store, handle: item, plan: selection.name, rollback: rollback)
        if dryRun {
            // One line per command, each shown visibly (commands are one line each: ShellQuote writes control characters as $'\\x..').
            print(step.lines.map(\.visibleLine).joined(separator: "\n"))
            return
        }
        guard step.runsAnything else { throw ValidationError("\(step.key.visibleLine) has no \(rollback ? "rollback " : "")commands to run") }
        let tracker = CutoverTracker(database: store)
        func record(_ action: CutoverAction, _ why: String) throws {
            for change in try tracker.apply(action, to: [step.key], plan: selection.name, note: why, by: actor, force: force) {
                print("\(change.item.visibleLine): \(change.from.rawValue) → \(change.to.rawValue)\(change.forced ? " (forced)" : "")")
            }
        }
        if !rollback {
            switch step.state {
            case .pending, .blocked: try record(.start, note ?? "eksodus cutover run")
            case .inProgress: break
            case .done, .skipped:
                throw ValidationError("\(step.key.visibleLine) is \(step.state.rawValue): eksodus cutover reopen it first to run it again")
            }
        }
        let status = try step.execute(databasePath: database.path)
        guard status == 0 else {
            FileHandle.standardError.write(Data("\(step.key.visibleLine): the \(rollback ? "rollback" : "step") stopped (exit \(status)): nothing after the failing command ran; fix what it says and run it again\n".utf8))
            throw ExitCode(status)
        }
        if rollback {
            if step.state != .pending { try record(.reopen, note ?? "rolled back by eksodus cutover run") }
        } else {
            try record(.done, note ?? "eksodus cutover run: every command succeeded")
        }
    }
}
