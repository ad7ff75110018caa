import ArgumentParser
import EksodusCore
import Foundation

/// `--db PATH`, else `$EKSODUS_DB`, else `./eksodus.db`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The inventory database file (default: $EKSODUS_DB, else ./eksodus.db).", valueName: "path"))
    var db: String?

    var path: String {
        db ?? ProcessInfo.processInfo.environment["EKSODUS_DB"] ?? "eksodus.db"
    }

    /// How long a write waits for another process's (an import's) write: `$EKSODUS_LOCK_WAIT` seconds, else 10 minutes.
    var sharing: AppDatabase.SharingOptions {
        var options = AppDatabase.SharingOptions()
        if let text = ProcessInfo.processInfo.environment["EKSODUS_LOCK_WAIT"], let seconds = TimeInterval(text), seconds >= 0 {
            options.busyLimit = seconds
        }
        return options
    }

    /// For commands that write: creates and migrates the inventory as needed.
    func open() throws -> AppDatabase {
        try AppDatabase.open(path: path, sharing: sharing)
    }

    /// For commands that only read: never creates, migrates or writes the file, so archived (read-only) inventories work.
    func openReadOnly() throws -> AppDatabase {
        try AppDatabase.openReadOnly(path: path, sharing: sharing)
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// Writes a diagnostic line to standard error; standard output carries only a command's output.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Parses an ISO 8601 date or time given to `option`, or returns now when none was given.
func parseTime(_ text: String?, option: String = "--now") throws -> Date {
    guard let text else { return Date() }
    guard let date = Timestamp.parse(text) else { throw CommandError("\(option) must be an ISO 8601 date or time, not '\(text)'") }
    return date
}

/// `--config PATH`, else `.eksodus.yaml` in the current folder if there is one, else the defaults.
/// Keys the file has that eksodus does not know are reported on standard error (unless `quiet`), never silently dropped.
func loadSettings(_ path: String?, quiet: Bool = false) throws -> AssessmentSettings {
    let chosen = path ?? (FileManager.default.fileExists(atPath: ".eksodus.yaml") ? ".eksodus.yaml" : nil)
    let settings = try chosen.map(AssessmentSettings.load) ?? AssessmentSettings()
    if !quiet { for warning in settings.warnings { printError("warning: " + warning) } }
    return settings
}

/// A bad value found while running a command: printed as `Error: …`, without the usage text that a
/// ValidationError from inside `run()` would print for the root command.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The `-o` values of commands that print one document (a plan, an item, a status) rather than rows.
enum DocumentFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, yaml
}
