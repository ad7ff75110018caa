import Foundation
@testable import EksodusCore

/// The demo's plan, made once for every suite that reads its runbook (each gate suite had made and cached its own copy).
enum DemoPlanOnce {
    nonisolated(unsafe) private static var made: TransitionPlan?

    static func plan() throws -> TransitionPlan {
        if let made { return made }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-demo-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var run = Demo(folder: folder, now: fixedNow)
        run.tracksProgress = false
        let plan = try run.run().plan
        made = plan
        return plan
    }
}

/// The runbook library as a file, written once per test run, for the `EKSODUS_RUNBOOK_LIB` the steps source.
enum RunbookLibraryFile {
    static let path: String = {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-runbook-lib-\(UUID().uuidString).sh")
        try? Data(RunbookLibrary.text.utf8).write(to: file)
        return file.path
    }()

    /// `environment` with `EKSODUS_RUNBOOK_LIB` pointing at the library, unless it names another file.
    static func environment(_ environment: [String: String]) -> [String: String] {
        // No minute's wait after each scale-down in tests (`eksodus_stays_scaled_down`).
        ["EKSODUS_RUNBOOK_LIB": path, "EKSODUS_SCALE_SETTLE_SECONDS": "0"].merging(environment) { _, given in given }
    }
}

/// The file arguments of a scale-down's `eksodus_soak` call: the soak-started file, then the record files (runbook file
/// names: no spaces nor quotes inside).
enum SoakCall {
    static func arguments(_ item: PlanItem) -> [String]? {
        item.commands.first { $0.hasPrefix("eksodus_soak ") }.map { line in
            line.split(separator: " ").dropFirst().map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
        }
    }
}

/// Runs runbook lines in bash as an engineer would, with `EKS_CONTEXT` and `SOURCE_CONTEXT` set to `eks` and `src` so that
/// a stand-in `kubectl` tells the sides apart: the exit status and what it printed.
enum GateShell {
    /// `call` (a library function's line from a step, its output and errors together) after `stub` and the library's load,
    /// as a step runs it.
    static func runAfterLibrary(_ call: String, stub: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        try run(stub + "\n" + RunbookLibrary.load + "\n" + call + " 2>&1", environment: environment)
    }

    static func run(_ script: String, environment: [String: String] = [:], pipefail: Bool = false) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", (pipefail ? "set -o pipefail; " : "") + "EKS_CONTEXT=eks; SOURCE_CONTEXT=src\n" + script]
        process.environment = ProcessInfo.processInfo.environment.merging(RunbookLibraryFile.environment(environment)) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        // A stub that reads its stdin (`cat >/dev/null`) must see an end, never the test process's own stdin.
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
