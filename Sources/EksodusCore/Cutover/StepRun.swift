import Foundation

/// `eksodus cutover run KEY`: one step's commands (or its rollback), as stored, run as one fail-closed bash script.
/// A step is lines whose gates end in `false`: pasted into an interactive shell, or run by `bash file`, a failed gate
/// prints its reason and the next line (a scale to zero, a DNS shift) runs all the same. Here the lines run under
/// `bash -e` (the first failing command stops the step), with standard input closed (a `kubectl run -i` probe would
/// otherwise read the lines after it), in the current directory (where the steps keep their state files), against the
/// library the plan stored, written to a private file that `EKSODUS_RUNBOOK_LIB` names for this run only, so the version
/// check always passes and a stale copy in the operator's shell is never sourced.
public struct StepRun: Sendable {
    public var key: String
    public var state: ItemState
    public var rollback: Bool
    /// The lines, as stored.
    public var lines: [String]
    public var library: String

    public static func prepare(_ database: AppDatabase, handle: String, plan: String? = nil, rollback: Bool) throws -> StepRun {
        let detail = try ItemDetail.load(database, handle: handle, plan: plan)
        let lines = rollback ? detail.item.rollbackCommands : detail.item.commands
        return StepRun(key: detail.item.key, state: detail.item.state, rollback: rollback, lines: lines,
                       library: try PlanStore.runbookLibrary(database, name: plan))
    }

    /// Whether any line does something (comments only: nothing to run).
    public var runsAnything: Bool {
        lines.contains { line in !line.trimmingWhitespace().isEmpty && !line.trimmingWhitespace().hasPrefix("#") }
    }

    /// The script, given to bash as `-c` (not on its standard input, which the step's own commands could read).
    public var script: String { lines.joined(separator: "\n") + "\n" }

    /// Runs the step; its exit status. Output goes to this process's standard output and error as it comes.
    public func execute(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int32 {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-run-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let libraryFile = folder.appendingPathComponent(RunbookLibrary.fileName)
        try Data(library.utf8).write(to: libraryFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: libraryFile.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", "-c", script, "eksodus-step"]
        process.environment = environment.merging(["EKSODUS_RUNBOOK_LIB": libraryFile.path]) { _, run in run }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
