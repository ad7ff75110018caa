import ArgumentParser
import EksodusCore
import Foundation

struct CutoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cutover",
        abstract: "Phase three: track the plan's checklist item by item, with an audit trail.",
        discussion: """
        Items are addressed by id, by key (deploy:prod/shop/checkout, images:prod:wave-2), or by a key without its cluster
        (deploy:shop/checkout) when that is unambiguous. Several people may work the same inventory at once.
        Changes are recorded under --by, else $EKSODUS_ACTOR, else the login name ($USER, $LOGNAME, then the OS user).

        Examples:
          eksodus cutover status --cluster prod
          eksodus cutover list --state blocked -o json
          eksodus cutover show deploy:shop/checkout -o yaml
          eksodus cutover done plan:landing-zone --by alice
          eksodus cutover block plan:cluster:prod --note "waiting for Direct Connect"
        """,
        subcommands: [CutoverStatusCommand.self, CutoverListCommand.self, CutoverNextCommand.self, CutoverShowCommand.self, CutoverLogCommand.self, CutoverLibraryCommand.self, CutoverRunCommand.self,
                      CutoverChange.Start.self, CutoverChange.Done.self, CutoverChange.Block.self, CutoverChange.Skip.self, CutoverChange.Reopen.self]
    )
}

struct PlanSelection: ParsableArguments {
    @Option(help: "The plan (default: $EKSODUS_PLAN, else the most recently planned).")
    var plan: String?

    /// `--plan`, else `$EKSODUS_PLAN` (set by `eksodus cutover run` for a step's own eksodus commands), else nil: the latest.
    var name: String? { Self.named(plan) }

    static func named(_ option: String?) -> String? {
        option ?? ProcessInfo.processInfo.environment["EKSODUS_PLAN"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

extension ItemState: ExpressibleByArgument {}
extension PlanItem.Phase: ExpressibleByArgument {}

struct CutoverStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Progress per phase, wave and workload; blocked items; what can start now.",
        discussion: """
        Examples:
          eksodus cutover status
          eksodus cutover status --cluster prod --wave 2 -o json
        """
    )

    @Option(help: "Only this wave (waves are numbered per cluster: combine with --cluster).") var wave: Int?
    @Option(help: "Only this cluster.") var cluster: String?
    @Option(help: "Only this phase.") var phase: PlanItem.Phase?
    @Option(name: [.short, .customLong("output")], help: "How to print it.") var output: DocumentFormat = .table
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let db = try database.openReadOnly()
        try ClusterScope.require(cluster, in: db)
        let status = try CutoverStatus.load(db, plan: selection.name, filter: .init(wave: wave, cluster: cluster, phase: phase?.rawValue))
        switch output {
        case .table: print(status.text, terminator: "")
        case .json: print(status.json, terminator: "")
        case .yaml: print(try StructuredOutput.yaml(status.document), terminator: "")
        }
    }
}

struct CutoverListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Every checklist item: key, state, prerequisites, owner (who changed it last) and last change.",
        discussion: """
        JSON and YAML rows: id, key, state, phase, step, cluster, wave, title, prerequisites (array of keys), owner, changed, note.
        The table counts the prerequisites (WAITS_FOR); -o wide adds the step, title and note.

        Examples:
          eksodus cutover list --state pending --cluster prod --wave 2
          eksodus cutover list --phase cutover -o csv > items.csv
          eksodus cutover list -o json | jq '.[] | select(.state == "blocked") | .key'
        """
    )

    @Option(help: "Only items in this state.") var state: ItemState?
    @Option(help: "Only this wave (waves are numbered per cluster: combine with --cluster).") var wave: Int?
    @Option(help: "Only this cluster.") var cluster: String?
    @Option(help: "Only this phase.") var phase: PlanItem.Phase?
    @Option(name: [.short, .customLong("output")], help: "How to print it.") var output: OutputFormat = .table
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let listing = try CutoverListing.load(try database.openReadOnly(), plan: selection.name,
                                              filter: .init(state: state, wave: wave, cluster: cluster, phase: phase))
        print(TableRenderer.render(listing.table, as: output), terminator: "")
    }
}

struct CutoverNextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next", abstract: "The items whose prerequisites are all done, in plan order.",
        discussion: """
        Examples:
          eksodus cutover next --cluster staging --wave 1
          eksodus cutover next -o json | jq -r '.[].key'
        """
    )

    @Option(help: "Only this wave (waves are numbered per cluster: combine with --cluster).") var wave: Int?
    @Option(help: "Only this cluster.") var cluster: String?
    @Option(help: "Only this phase.") var phase: PlanItem.Phase?
    @Option(name: [.short, .customLong("output")], help: "How to print it.") var output: OutputFormat = .table
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let db = try database.openReadOnly()
        try ClusterScope.require(cluster, in: db)
        let status = try CutoverStatus.load(db, plan: selection.name, filter: .init(wave: wave, cluster: cluster, phase: phase?.rawValue))
        let table = Table(columns: ["id", "key", "phase", "wave", "title"], rows: status.next.map { item in
            [.integer(Int(item.id)), .text(item.key), .text(item.phase), item.wave.map { .integer($0) } ?? .null, .text(item.title)]
        })
        print(TableRenderer.render(table, as: output), terminator: "")
    }
}

struct CutoverShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One item: evidence, what it waits for, its commands, its rollback and its history.",
        discussion: """
        JSON and YAML keys: id, key, state, note, title, phase, step, cluster, wave, evidence, prerequisites (key, state),
        commands, rollback, rollbackCommands, history (at, actor, action, from, to, forced, note).

        Examples:
          eksodus cutover show deploy:shop/checkout
          eksodus cutover show 42 -o json
        """
    )

    @Argument(help: "An item id or key.") var item: String
    @Option(name: [.short, .customLong("output")], help: "How to print it.") var output: DocumentFormat = .table
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let detail = try ItemDetail.load(try database.openReadOnly(), handle: item, plan: selection.name)
        switch output {
        case .table: print(detail.text, terminator: "")
        case .json: print(try StructuredOutput.json(detail.document), terminator: "")
        case .yaml: print(try StructuredOutput.yaml(detail.document), terminator: "")
        }
    }
}

struct CutoverLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The append-only audit trail of item changes.",
        discussion: """
        Examples:
          eksodus cutover log --since 2026-12-01
          eksodus cutover log --item plan:ecr -o csv
        """
    )

    @Option(help: "Only changes at or after this time (ISO 8601).") var since: String?
    @Option(help: "Only this item.") var item: String?
    @Option(name: [.short, .customLong("output")], help: "How to print it.") var output: OutputFormat = .table
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let normalized = try since.map { Timestamp.string(try parseTime($0, option: "--since")) }
        print(TableRenderer.render(try AuditLog.table(try database.openReadOnly(), plan: selection.name, since: normalized, item: item), as: output), terminator: "")
    }
}

/// The state-changing subcommands share their options; each names its action.
enum CutoverChange {
    static let discussion = """
        Changes are recorded under --by, else $EKSODUS_ACTOR, else the login name ($USER, $LOGNAME, then the OS user).

        Examples:
          eksodus cutover start deploy:shop/checkout
          eksodus cutover done plan:landing-zone plan:ecr --by alice
          eksodus cutover block plan:cluster:prod --note "waiting for Direct Connect"
        """

    struct Options: ParsableArguments {
        @Argument(help: "Item ids or keys.") var items: [String]
        @Option(help: "Why (required for block and skip).") var note: String?
        @Option(help: "Who makes the change (default: $EKSODUS_ACTOR, else the login name).") var by: String?
        @Flag(help: "Override the prerequisite check; recorded in the log.") var force = false
        @Option(help: ArgumentHelp("The time to record (ISO 8601).", valueName: "time")) var now: String?
        @OptionGroup var selection: PlanSelection
        @OptionGroup var database: DatabaseOptions

        func apply(_ action: CutoverAction) throws {
            let date = try parseTime(now)
            let actor = by ?? CutoverTracker.defaultActor
            try FreeTextOption.check(note, option: "--note")
            try FreeTextOption.check(actor, option: by == nil ? "the actor ($EKSODUS_ACTOR or the login name)" : "--by")
            let tracker = CutoverTracker(database: try database.open())
            let changes = try tracker.apply(action, to: items, plan: selection.name, note: note, by: actor, force: force, now: date)
            for change in changes {
                print("\(change.item.visibleLine): \(change.from.rawValue) → \(change.to.rawValue)\(change.forced ? " (forced)" : "")")
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Mark items in progress.", discussion: CutoverChange.discussion)
        @OptionGroup var options: Options
        func run() throws { try options.apply(.start) }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark items done (their prerequisites must be done).", discussion: CutoverChange.discussion)
        @OptionGroup var options: Options
        func run() throws { try options.apply(.done) }
    }

    struct Block: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "block", abstract: "Mark items blocked, with a reason.", discussion: CutoverChange.discussion)
        @OptionGroup var options: Options
        func run() throws { try options.apply(.block) }
    }

    struct Skip: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "skip", abstract: "Skip items, with a reason.", discussion: CutoverChange.discussion)
        @OptionGroup var options: Options
        func run() throws { try options.apply(.skip) }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Put items back to pending.", discussion: CutoverChange.discussion)
        @OptionGroup var options: Options
        func run() throws { try options.apply(.reopen) }
    }
}
