import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// The built `eksodus` binary, run as a user would: data on stdout, errors on stderr, exit codes, no stray inventory files.
final class CommandLineTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func binary() throws -> URL {
        var folders = [Bundle(for: Self.self).bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        guard let found = folders.map({ $0.appendingPathComponent("eksodus") }).first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("the eksodus binary is not built beside the tests (swift build)")
        }
        return found
    }

    func eksodus(_ arguments: [String], in folder: URL, environment: [String: String]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        // The caller's $EKSODUS_DB would point every run at another inventory.
        process.environment = environment ?? ProcessInfo.processInfo.environment.filter { $0.key != "EKSODUS_DB" && $0.key != "EKSODUS_ACTOR" }
        let out = folder.appendingPathComponent(".stdout-\(UUID().uuidString)"), err = folder.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Run(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// A folder holding the demo's inventory as `eksodus.db`.
    func demoFolder() throws -> URL {
        let folder = try temporaryFolder(self)
        _ = try Demo(folder: folder, now: fixedNow).run()
        return folder
    }

    func testATypoedCommandSuggestsTheNearestOne() throws {
        let folder = try temporaryFolder(self)
        let root = try eksodus(["asess"], in: folder)
        XCTAssertEqual(root.status, 64)
        XCTAssertTrue(root.stderr.contains("Did you mean 'assess'?"), root.stderr)
        XCTAssertEqual(root.stdout, "")
        let nested = try eksodus(["cutover", "lst"], in: folder)
        XCTAssertEqual(nested.status, 64)
        XCTAssertTrue(nested.stderr.contains("Did you mean 'list'?"), nested.stderr)
    }

    func testReadOnlyCommandsNeverCreateAnInventory() throws {
        let folder = try temporaryFolder(self)
        let commands: [[String]] = [["inventory", "clusters"], ["cutover", "list"], ["cutover", "status"], ["cutover", "show", "x"], ["cutover", "log"],
                                    ["cutover", "next"], ["plan", "-o", "json"], ["plan"], ["images"], ["report", "all"], ["convert", "--out", "c"]]
        for command in commands {
            let run = try eksodus(command, in: folder)
            XCTAssertNotEqual(run.status, 0, command.joined(separator: " "))
            XCTAssertEqual(run.stdout, "", command.joined(separator: " "))
            XCTAssertTrue(run.stderr.hasPrefix("Error: "), "\(command): \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("eksodus.db").path), "\(command) created ./eksodus.db")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("reports").path))
    }

    func testAnUnknownClusterOrPlanIsAnErrorEverywhere() throws {
        let folder = try demoFolder()
        let commands: [[String]] = [
            ["inventory", "workloads", "--cluster", "prdo"], ["cutover", "status", "--cluster", "prdo"], ["cutover", "list", "--cluster", "prdo"], ["cutover", "next", "--cluster", "prdo"],
            ["report", "plan", "--cluster", "prdo", "--out", "r1"], ["assess", "--target-version", "1.33", "--cluster", "prdo"],
            ["convert", "--cluster", "prdo", "--out", "c1"], ["plan", "--cluster", "prdo", "--target-version", "1.33", "--region", "eu-west-1", "--account-id", "123456789012"],
            ["cutover", "list", "--plan", "nope"], ["cutover", "status", "--plan", "nope"], ["cutover", "next", "--plan", "nope"], ["plan", "--plan", "nope", "-o", "json"],
            ["report", "cutover", "--plan", "nope", "--out", "r2"], ["images", "--plan", "nope"], ["convert", "--plan", "nope", "--out", "c2"],
            ["cutover", "show", "plan:ecr", "--plan", "nope"],
        ]
        for command in commands {
            let run = try eksodus(command, in: folder)
            let name = command.joined(separator: " ")
            XCTAssertEqual(run.status, 1, "\(name): \(run.stderr)")
            XCTAssertEqual(run.stdout, "", name)
            XCTAssertTrue(run.stderr.contains("prdo") || run.stderr.contains("nope"), "\(name): \(run.stderr)")
        }
        for written in ["r1", "r2", "c1", "c2"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent(written).path), "\(written) was written")
        }
    }

    func testListingsAndDocumentsPrintDataOnlyOnStandardOutput() throws {
        let folder = try demoFolder()
        // A settings typo warns on stderr; stdout stays parseable.
        try "minimumReplica: 3\n".write(to: folder.appendingPathComponent(".eksodus.yaml"), atomically: true, encoding: .utf8)
        let assess = try eksodus(["assess", "--target-version", "1.33", "-o", "json", "--now", "2026-09-01"], in: folder)
        XCTAssertEqual(assess.status, 0, assess.stderr)
        XCTAssertTrue(assess.stderr.contains(".eksodus.yaml:1: unknown key minimumReplica, ignored (did you mean minimumReplicas?)"), assess.stderr)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(assess.stdout.utf8)))

        let plan = try eksodus(["plan", "-o", "json"], in: folder)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let items = try XCTUnwrap(document["items"] as? [[String: Any]])
        let list = try eksodus(["cutover", "list", "-o", "json"], in: folder)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        XCTAssertGreaterThan(rows.count, 200)
        XCTAssertEqual(rows.compactMap { $0["key"] as? String }, items.compactMap { $0["key"] as? String })
        XCTAssertEqual(list.stderr, "")
        let yaml = try eksodus(["cutover", "list", "--state", "blocked", "-o", "yaml"], in: folder)
        XCTAssertEqual(try ManifestText.objects("rows:\n" + yaml.stdout.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")).first?["rows"]?.items.count, 1)
        let show = try eksodus(["cutover", "show", "plan:cluster:prod", "-o", "json"], in: folder)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])?["state"] as? String, "blocked")
        for listing in InventoryQuery.Listing.allCases {
            let run = try eksodus(["inventory", listing.rawValue, "-o", "json"], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)), listing.rawValue)
            XCTAssertEqual(run.stderr, "", listing.rawValue)
        }
        // Piped, import draws no progress line: stderr has only its warnings.
        let importRun = try eksodus(["import", "samples", "--cluster", "again", "--db", "other.db"], in: folder)
        XCTAssertEqual(importRun.status, 0, importRun.stderr)
        XCTAssertFalse(importRun.stderr.contains("\r"), "no progress line when stderr is not a terminal")
        XCTAssertTrue(importRun.stdout.contains("again"), importRun.stdout)
    }

    func testCompletionScriptsAreGenerated() throws {
        let folder = try temporaryFolder(self)
        for shell in ["bash", "zsh", "fish"] {
            let run = try eksodus(["--generate-completion-script", shell], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stdout.contains("cutover") && run.stdout.contains("inventory"), shell)
        }
        let script = folder.appendingPathComponent("eksodus.bash")
        try eksodus(["--generate-completion-script", "bash"], in: folder).stdout.write(to: script, atomically: true, encoding: .utf8)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/bin/bash")
        check.arguments = ["-n", script.path]
        try check.run()
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, "the bash completion script parses")
    }

    func testHelpListsAcceptedValuesExitCodesAndExamples() throws {
        let folder = try temporaryFolder(self)
        let root = try eksodus(["--help"], in: folder)
        for text in ["Exit codes:", "64  usage", "EKSODUS_ACTOR", "EKSODUS_DB", "EKSODUS_LOCK_WAIT", "--generate-completion-script bash"] {
            XCTAssertTrue(root.stdout.contains(text), text)
        }
        // Help wraps its lines: compare with the whitespace folded.
        let list = try eksodus(["cutover", "list", "--help"], in: folder).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(list.contains("values: pending, in_progress, done, blocked, skipped"), list)
        XCTAssertTrue(list.contains("values: table, wide, json, yaml, csv"), list)
        XCTAssertTrue(list.contains("values: assessment, plan, cutover"), list)
        for command in ["import", "inventory", "assess", "checks", "explain", "plan", "images", "convert", "cutover", "report", "templates export", "demo",
                        "cutover status", "cutover list", "cutover show", "cutover next", "cutover log", "cutover done"] {
            let help = try eksodus(command.split(separator: " ").map(String.init) + ["--help"], in: folder)
            XCTAssertEqual(help.status, 0, command)
            XCTAssertTrue(help.stdout.contains("Examples:"), "eksodus \(command) --help has no examples")
        }
    }

    func testTheAuditActorFallsBackToTheOSUserName() throws {
        let folder = try demoFolder()
        let run = try eksodus(["cutover", "start", "plan:cluster:prod", "--force"], in: folder, environment: ["PATH": "/usr/bin:/bin"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let database = try AppDatabase.openReadOnly(path: folder.appendingPathComponent("eksodus.db").path)
        let actor = try strings(database, "SELECT actor FROM event ORDER BY id DESC LIMIT 1").first
        XCTAssertEqual(actor, try XCTUnwrap(OSUser.name))
    }
}
