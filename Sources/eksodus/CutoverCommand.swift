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
        """,
        subcommands: [CutoverStatusCommand.self, CutoverNextCommand.self, CutoverShowCommand.self, CutoverLogCommand.self,
                      CutoverChange.Start.self, CutoverChange.Done.self, CutoverChange.Block.self, CutoverChange.Skip.self, CutoverChange.Reopen.self]
    )
}

struct PlanSelection: ParsableArguments {
    @Option(help: "The plan (default: the most recently planned).")
    var plan: String?
}

extension OutputFormat {
    /// Listings here offer table and JSON.
    var isJSON: Bool { self == .json }
}

struct CutoverStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Progress per phase, wave and workload; blocked items; what can start now.")

    @Option(help: "Only this wave (waves are numbered per cluster: combine with --cluster).") var wave: Int?
    @Option(help: "Only this cluster.") var cluster: String?
    @Option(help: "Only this phase: assessment, plan or cutover.") var phase: String?
    @Option(name: [.short, .customLong("output")], help: "table or json.") var output: OutputFormat = .table
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let phase, !["assessment", "plan", "cutover"].contains(phase) { throw ValidationError("--phase must be assessment, plan or cutover") }
    }

    func run() throws {
        let status = try CutoverStatus.load(try database.openReadOnly(), plan: selection.plan, filter: .init(wave: wave, cluster: cluster, phase: phase))
        print(output.isJSON ? status.json : status.text, terminator: "")
    }
}

struct CutoverNextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "next", abstract: "The items whose prerequisites are all done, in plan order.")

    @Option(name: [.short, .customLong("output")], help: "table, json or csv.") var output: OutputFormat = .table
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let status = try CutoverStatus.load(try database.openReadOnly(), plan: selection.plan)
        let table = Table(columns: ["id", "key", "phase", "wave", "title"], rows: status.next.map { item in
            [.integer(Int(item.id)), .text(item.key), .text(item.phase), item.wave.map { .integer($0) } ?? .null, .text(item.title)]
        })
        print(TableRenderer.render(table, as: output), terminator: "")
    }
}

struct CutoverShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show",
                                                    abstract: "One item: evidence, what it waits for, its commands, its rollback and its history.")

    @Argument(help: "An item id or key.") var item: String
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        print(try ItemDetail.load(try database.open(), handle: item, plan: selection.plan).text, terminator: "")
    }
}

struct CutoverLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "The append-only audit trail of item changes.")

    @Option(help: "Only changes at or after this time (ISO 8601).") var since: String?
    @Option(help: "Only this item.") var item: String?
    @Option(name: [.short, .customLong("output")], help: "table, json or csv.") var output: OutputFormat = .table
    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let normalized = try since.map { Timestamp.string(try parseTime($0, option: "--since")) }
        print(TableRenderer.render(try AuditLog.table(try database.openReadOnly(), plan: selection.plan, since: normalized, item: item), as: output), terminator: "")
    }
}

/// The state-changing subcommands share their options; each names its action.
enum CutoverChange {
    struct Options: ParsableArguments {
        @Argument(help: "Item ids or keys.") var items: [String]
        @Option(help: "Why (required for block and skip).") var note: String?
        @Option(help: "Who makes the change (default: the login name).") var by: String?
        @Flag(help: "Override the prerequisite check; recorded in the log.") var force = false
        @Option(help: ArgumentHelp("The time to record (ISO 8601).", valueName: "time")) var now: String?
        @OptionGroup var selection: PlanSelection
        @OptionGroup var database: DatabaseOptions

        func apply(_ action: CutoverAction) throws {
            let date = try parseTime(now)
            let tracker = CutoverTracker(database: try database.open())
            let changes = try tracker.apply(action, to: items, plan: selection.plan, note: note, by: by ?? CutoverTracker.defaultActor, force: force, now: date)
            for change in changes {
                print("\(change.item): \(change.from.rawValue) → \(change.to.rawValue)\(change.forced ? " (forced)" : "")")
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Mark items in progress.")
        @OptionGroup var options: Options
        func run() throws { try options.apply(.start) }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark items done (their prerequisites must be done).")
        @OptionGroup var options: Options
        func run() throws { try options.apply(.done) }
    }

    struct Block: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "block", abstract: "Mark items blocked, with a reason.")
        @OptionGroup var options: Options
        func run() throws { try options.apply(.block) }
    }

    struct Skip: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "skip", abstract: "Skip items, with a reason.")
        @OptionGroup var options: Options
        func run() throws { try options.apply(.skip) }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Put items back to pending.")
        @OptionGroup var options: Options
        func run() throws { try options.apply(.reopen) }
    }
}
