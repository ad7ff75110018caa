import Foundation
import XCTest
@testable import EksodusCore

/// `eksodus cutover run`: a step runs as one fail-closed script (a failed gate stops it, where a pasted block went on to
/// the next line), against the library its plan stored, and the tracker records it.
extension CommandLineTests {
    /// A source cluster whose workload asks for 2 replicas (0 once scaled), without HPAs; every call logged to `$LOG`.
    static let runStub = """
        #!/bin/bash
        printf '%s\\n' "$*" >> "$LOG"
        case "$*" in
          *" scale "*"--replicas="*) last="${*: -1}"; printf '%s\\n' "${last#--replicas=}" > "$REPLICAS" ;;
          *"jsonpath={.spec.replicas}") if [ -f "$REPLICAS" ]; then cat "$REPLICAS"; else echo 2; fi ;;
          *"get hpa -o json") printf '{"items":[]}' ;;
        esac
        """

    func testARunStopsAtTheFirstFailingGateAndMarksDoneOnlyWhenEveryCommandSucceeded() throws {
        let folder = try demoFolder()
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try Self.runStub.write(to: bin.appendingPathComponent("kubectl"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("kubectl").path)
        let log = folder.appendingPathComponent("calls.log"), replicas = folder.appendingPathComponent("replicas")
        let database = try AppDatabase.open(path: folder.appendingPathComponent("eksodus.db").path)
        let item = try XCTUnwrap(try PlanStore.load(database).items.first { $0.keyText == "scaledown:staging/shop-staging/admin-ui" })
        let soak = try XCTUnwrap(SoakCall.arguments(item)?.first)
        // A stale library in the operator's shell is never sourced: the run writes the stored one.
        let environment = ProcessInfo.processInfo.environment.filter { $0.key != "EKSODUS_DB" && $0.key != "EKSODUS_ACTOR" }
            .merging(["PATH": bin.path + ":/usr/bin:/bin", "LOG": log.path, "REPLICAS": replicas.path, "SOURCE_CONTEXT": "src", "EKS_CONTEXT": "eks",
                      "EKSODUS_RUNBOOK_LIB": "/nonexistent/runbook-lib.sh", "EKSODUS_SCALE_SETTLE_SECONDS": "0", "EKSODUS_ACTOR": "alice"]) { $1 }
        func run(_ arguments: [String]) throws -> Run { try eksodus(["cutover", "run"] + arguments + ["--db", "eksodus.db", "--force"], in: folder, environment: environment) }
        func state() throws -> String? {
            try database.writer.read { db in try String.fetchOne(db, sql: "SELECT state FROM plan_item WHERE key = ?", arguments: [item.keyText]) }
        }

        // --dry-run prints the stored lines and changes nothing.
        let dry = try run([item.keyText, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertEqual(dry.stdout, item.commands.joined(separator: "\n") + "\n")
        XCTAssertEqual(try state(), "pending")

        // The soak has just started: its gate fails, and the scale after it never runs.
        let early = try run([item.keyText])
        XCTAssertNotEqual(early.status, 0)
        XCTAssertTrue(early.stderr.contains("left, nothing is scaled"), early.stderr)
        XCTAssertTrue(early.stderr.contains("the step stopped"), early.stderr)
        let calls = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTAssertFalse(calls.contains(" scale "), calls)
        XCTAssertEqual(try state(), "in_progress", "started, not done")

        // Once the soak is over, every command runs and the step is done.
        try Data("\(Int(Date().timeIntervalSince1970) - 3600)\n".utf8).write(to: folder.appendingPathComponent(soak))
        let later = try run([item.keyText])
        XCTAssertEqual(later.status, 0, later.stderr)
        XCTAssertTrue(try String(contentsOf: log, encoding: .utf8).contains("scale deployment/admin-ui --replicas=0"))
        XCTAssertEqual(try String(contentsOf: replicas, encoding: .utf8), "0\n")
        XCTAssertEqual(try state(), "done")
        // A done step is not run again without a reopen.
        XCTAssertNotEqual(try run([item.keyText]).status, 0)

        // Its rollback scales it back to the live count the step saved (2), and puts the step back to pending.
        let back = try run([item.keyText, "--rollback"])
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertEqual(try String(contentsOf: replicas, encoding: .utf8), "2\n")
        XCTAssertEqual(try state(), "pending")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent(soak).path), "the next scale-down soaks again")
        let history = try eksodus(["cutover", "log", "--item", item.keyText, "--db", "eksodus.db"], in: folder, environment: environment)
        XCTAssertTrue(history.stdout.contains("alice"), history.stdout)
    }

    /// A step's own `eksodus` commands (a wave gate's `cutover status` and `report cutover`) answer from the inventory and
    /// plan the step was read from: not from an `eksodus.db` in the working directory, nor from the latest of two plans,
    /// nor from an `eksodus` elsewhere on the PATH.
    func testAStepsOwnEksodusCommandsUseTheRunsInventoryAndPlan() throws {
        let folder = try demoFolder()
        let database = folder.appendingPathComponent("eksodus.db").path
        // A later plan, of another account: the latest one, which a step's plain `eksodus report` would read.
        let other = try eksodus(["plan", "--name", "other", "--target-version", "1.33", "--region", "us-east-1", "--account-id", "999999999999", "--db", database],
                                in: folder)
        XCTAssertEqual(other.status, 0, other.stderr)
        let elsewhere = folder.appendingPathComponent("elsewhere", isDirectory: true), bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try Data("not a database".utf8).write(to: elsewhere.appendingPathComponent("eksodus.db"))
        try "#!/bin/sh\necho planted eksodus ran >&2; exit 9\n".write(to: bin.appendingPathComponent("eksodus"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("eksodus").path)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("EKSODUS_") }.merging(["PATH": bin.path + ":/usr/bin:/bin"]) { $1 }
        let run = try eksodus(["cutover", "run", "gate:staging:wave-1", "--plan", "demo", "--db", database, "--force"], in: elsewhere, environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stderr.contains("planted"), run.stderr)
        let report = try String(contentsOf: elsewhere.appendingPathComponent("reports/cutover.md"), encoding: .utf8)
        XCTAssertTrue(report.hasPrefix("# Cutover progress: plan `demo`"), String(report.prefix(80)))
        XCTAssertTrue(report.contains("123456789012") && !report.contains("999999999999"), "the step's own plan, not the latest")
    }
}
