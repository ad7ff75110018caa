import Foundation

/// `eksodus cutover run KEY`: one step's commands (or its rollback), as stored, run as one fail-closed bash script.
/// A step is lines whose gates end in `false`: pasted into an interactive shell, or run by `bash file`, a failed gate
/// prints its reason and the next line (a scale to zero, a DNS shift) runs all the same. Here the lines run under
/// `bash -e` (the first failing command stops the step), with standard input closed (a `kubectl run -i` probe would
/// otherwise read the lines after it), in the current directory (where the steps keep their state files), against the
/// library the plan stored, written to a private file that `EKSODUS_RUNBOOK_LIB` names for this run only, so the version
/// check always passes and a stale copy in the operator's shell is never sourced. A step's own `eksodus` commands (convert,
/// cutover status, report) reach this very binary, inventory and plan: `eksodus` on the step's PATH is this executable,
/// and `EKSODUS_DB` and `EKSODUS_PLAN` name the database (absolute) and the plan the step was read from, where a
/// `./eksodus.db` in the working directory or another plan would otherwise answer.
public struct StepRun: Sendable {
    public var key: String
    /// The name of the plan the step belongs to.
    public var plan: String
    public var state: ItemState
    public var rollback: Bool
    /// The lines, as stored.
    public var lines: [String]
    public var library: String

    public static func prepare(_ database: AppDatabase, handle: String, plan: String? = nil, rollback: Bool) throws -> StepRun {
        let detail = try ItemDetail.load(database, handle: handle, plan: plan)
        let lines = rollback ? detail.item.rollbackCommands : detail.item.commands
        let name = try database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT name FROM plan WHERE id = ?", arguments: [try CutoverTracker.planID(db, name: plan)])
        }
        return StepRun(key: detail.item.key, plan: name ?? plan ?? "default", state: detail.item.state, rollback: rollback, lines: lines,
                       library: try PlanStore.runbookLibrary(database, name: plan))
    }

    /// Whether any line does something (comments only: nothing to run).
    public var runsAnything: Bool {
        lines.contains { line in !line.trimmingWhitespace().isEmpty && !line.trimmingWhitespace().hasPrefix("#") }
    }

    /// The script, given to bash as `-c` (not on its standard input, which the step's own commands could read).
    public var script: String { lines.joined(separator: "\n") + "\n" }

    /// Runs the step against the inventory at `databasePath`; its exit status. Output goes to this process's standard
    /// output and error as it comes.
    public func execute(databasePath: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int32 {
        let folder = try PrivateFolder()
        defer { folder.remove() }
        let libraryFile = try folder.create(RunbookLibrary.fileName, contents: Data(library.utf8))
        // Only `eksodus` is added to the PATH: the folder holds nothing else, so every other tool is the operator's own.
        let bin = try folder.folder("bin")
        try FileManager.default.createSymbolicLink(atPath: bin + "/eksodus", withDestinationPath: Self.executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", "-c", script, "eksodus-step"]
        process.environment = environment.merging([
            "EKSODUS_RUNBOOK_LIB": libraryFile,
            "EKSODUS_DB": URL(fileURLWithPath: databasePath).standardizedFileURL.path,
            "EKSODUS_PLAN": plan,
            "PATH": bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin"),
        ]) { _, run in run }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// This process's own executable, as the kernel knows it (not argv[0], which may be relative or a name on the PATH).
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
