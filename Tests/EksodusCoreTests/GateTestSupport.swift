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

/// Runs runbook lines in bash as an engineer would, with `EKS_CONTEXT` and `SOURCE_CONTEXT` set to `eks` and `src` so that
/// a stand-in `kubectl` tells the sides apart: the exit status and what it printed.
enum GateShell {
    static func run(_ script: String, environment: [String: String] = [:], pipefail: Bool = false) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", (pipefail ? "set -o pipefail; " : "") + "EKS_CONTEXT=eks; SOURCE_CONTEXT=src\n" + script]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
