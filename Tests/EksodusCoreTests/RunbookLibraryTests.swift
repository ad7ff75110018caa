import GRDB
import XCTest
@testable import EksodusCore

/// The runbook library: stored with the plan, written beside the runbook by `report`, and sourced by every step that calls
/// it only when it is the version the plan was made with.
final class RunbookLibraryTests: XCTestCase {
    func testThePlanStoresTheLibraryItsStepsCallAndTheReportWritesIt() throws {
        let folder = try temporaryFolder(self)
        var demo = Demo(folder: folder, now: fixedNow)
        demo.tracksProgress = false
        let run = try demo.run()
        let database = try AppDatabase.open(path: folder.appendingPathComponent("eksodus.db").path)
        let stored = try PlanStore.runbookLibrary(database)
        XCTAssertEqual(stored, RunbookLibrary.text)
        XCTAssertEqual(run.plan.runbookLibrary, RunbookLibrary.text)
        let reports = folder.appendingPathComponent("reports")
        try ReportRenderer(database: database, now: fixedNow).write(.plan, format: .markdown, to: reports)
        let written = try String(contentsOf: reports.appendingPathComponent(RunbookLibrary.fileName), encoding: .utf8)
        XCTAssertEqual(written, stored)
        // Every step that calls a library function loads the library before the first call.
        let functions = Set(stored.split(separator: "\n").compactMap { line -> String? in
            line.hasSuffix("() {") ? String(line.dropLast(4)) : nil
        })
        XCTAssertFalse(functions.isEmpty)
        var callers = 0
        for item in run.plan.items {
            for lines in [item.commands, item.rollbackCommands] {
                guard let first = lines.firstIndex(where: { line in line != RunbookLibrary.load && !line.hasPrefix("#") && functions.contains { line.contains($0 + " ") } }) else { continue }
                callers += 1
                let load = try XCTUnwrap(lines.firstIndex(of: RunbookLibrary.load), "\(item.keyText) calls the library without loading it")
                XCTAssertLessThan(load, first, item.keyText)
            }
        }
        XCTAssertGreaterThan(callers, 0)
    }

    func testAStepRefusesAMissingOrAnotherVersionOfTheLibrary() throws {
        let folder = try temporaryFolder(self)
        let call = RunbookLibrary.load + "\necho loaded; type eksodus_soak >/dev/null && echo defined"
        XCTAssertLessThan(RunbookLibrary.load.utf8.count, 130, "thousands of steps carry it")
        // The plan's own library: loaded, its functions defined.
        let good = try GateShell.run("set -e\n" + call)
        XCTAssertEqual(good.status, 0)
        XCTAssertEqual(good.output, "loaded\ndefined\n")
        // Unset: the step stops before anything it would run.
        let unset = try GateShell.run("set -e\nunset EKSODUS_RUNBOOK_LIB\n" + call)
        XCTAssertNotEqual(unset.status, 0)
        XCTAssertEqual(unset.output, "")
        // A copy from another build (other functions, another version): refused even though it sources.
        let old = folder.appendingPathComponent("old-lib.sh")
        try Data(RunbookLibrary.text.replacingOccurrences(of: RunbookLibrary.version, with: "000000000000").utf8).write(to: old)
        let stale = try GateShell.run("set -e\n" + call, environment: ["EKSODUS_RUNBOOK_LIB": old.path])
        XCTAssertNotEqual(stale.status, 0)
        XCTAssertEqual(stale.output, "")
        // A file that fails to source (gone).
        let gone = try GateShell.run("set -e\n" + call, environment: ["EKSODUS_RUNBOOK_LIB": folder.appendingPathComponent("none.sh").path])
        XCTAssertNotEqual(gone.status, 0)
        XCTAssertEqual(gone.output, "")
    }

    /// Sourcing the library runs nothing: it defines functions and one variable (a step sources it again each time).
    func testSourcingTheLibraryRunsNothing() throws {
        let folder = try temporaryFolder(self)
        let stubs = "kubectl() { echo called-kubectl; }; aws() { echo called-aws; }; jq() { echo called-jq; }; date() { echo called-date; }\n"
        let result = try GateShell.run("set -eu\ncd \(ShellQuote.word(folder.path))\n" + stubs + ". \"$EKSODUS_RUNBOOK_LIB\"\necho \"$EKSODUS_RUNBOOK_LIB_VERSION\"")
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.output, RunbookLibrary.version + "\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    /// A plan stored before the library existed loads (its items call none), and says it has none.
    func testAPlanStoredWithoutALibraryStillLoads() throws {
        let folder = try temporaryFolder(self)
        var demo = Demo(folder: folder, now: fixedNow)
        demo.tracksProgress = false
        _ = try demo.run()
        let database = try AppDatabase.open(path: folder.appendingPathComponent("eksodus.db").path)
        try database.writer.write { db in try db.execute(sql: "DELETE FROM plan_section WHERE name = 'runbook_library'") }
        XCTAssertEqual(try PlanStore.runbookLibrary(database), "")
        XCTAssertEqual(try PlanStore.load(database).runbookLibrary, "")
    }
}
