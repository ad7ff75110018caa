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

    func open() throws -> AppDatabase {
        try AppDatabase.open(path: path)
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// Writes a diagnostic line to standard error; standard output carries only a command's output.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
