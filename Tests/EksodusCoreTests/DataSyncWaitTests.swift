import XCTest
@testable import EksodusCore

/// A DataSync pass that never ends (an agent gone OFFLINE keeps its execution TRANSFERRING) fails after a bound taken
/// from the claim's capacity, not after a day, and says where it is while it waits.
final class DataSyncWaitTests: XCTestCase {
    /// A clock in `$CLOCK` that only `sleep` moves; an `aws` whose execution stays `$STATUS`.
    static let stubs = """
        date() { if [ "$*" = "-u +%s" ]; then cat "$CLOCK"; else command date "$@"; fi; }
        sleep() { echo $(( $(cat "$CLOCK") + $1 )) > "$CLOCK"; echo slept >> "$LOG"; }
        aws() { case "$*" in *"--query Status"*) printf '"%s"\\n' "$STATUS" ;; *) return 1 ;; esac; }
        """

    func testTheBoundFollowsTheClaimsCapacity() {
        XCTAssertEqual(DataSyncRun.waitSeconds(sizeBytes: nil), 2 * 3600, "unknown size")
        XCTAssertEqual(DataSyncRun.waitSeconds(sizeBytes: 1 << 30), 15 * 60, "a small claim still gets the execution's start-up")
        XCTAssertEqual(DataSyncRun.waitSeconds(sizeBytes: 500 << 30), 10738, "500 GiB at 50 MB/s")
    }

    struct Run { let status: Int32; let sleeps: Int; let output: String }

    func wait(_ line: String, status: String, environment: [String: String] = [:]) throws -> Run {
        let folder = try temporaryFolder(self)
        let clock = folder.appendingPathComponent("clock"), log = folder.appendingPathComponent("log")
        try "1000000\n".write(to: clock, atomically: true, encoding: .utf8)
        let result = try GateShell.run("exec 2>&1\n" + Self.stubs + "\nDATASYNC_EXECUTION_ARN=arn:exec-1\n" + line,
                                       environment: environment.merging(["CLOCK": clock.path, "LOG": log.path, "STATUS": status]) { $1 })
        let sleeps = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count
        return Run(status: result.status, sleeps: sleeps, output: result.output)
    }

    func testAStalledPassOfTheDemosClaimFailsAfterItsBoundAndReportsProgress() throws {
        let data = try XCTUnwrap(DemoPlanOnce.plan().items.first { $0.keyText == "data:prod/shop/media-upload" })
        let line = try XCTUnwrap(data.commands.first { $0.contains("describe-task-execution") && $0.contains("while :") })
        // media-uploads asks for 500 GiB.
        let bound = DataSyncRun.waitSeconds(sizeBytes: 500 << 30)
        XCTAssertTrue(line.contains("${DATASYNC_LINK_MBPS:-400}") && line.contains("${DATASYNC_WAIT_SECONDS:-$DATASYNC_BOUND}"), line)

        let stalled = try wait(line, status: "TRANSFERRING")
        XCTAssertNotEqual(stalled.status, 0, "still running at the bound")
        XCTAssertEqual(stalled.sleeps, (bound + 29) / 30, "polled every 30 s up to the bound, no longer")
        let progress = stalled.output.split(separator: "\n").filter { $0.contains("TRANSFERRING") && $0.contains("of at most \(bound / 60)") }
        XCTAssertEqual(progress.count, stalled.sleeps / 10, "a line every tenth poll: \(stalled.output.prefix(400))")
        XCTAssertTrue(progress.first?.contains("after 4 min") == true, "\(progress.first ?? "")")

        XCTAssertTrue(stalled.output.contains("still TRANSFERRING after \(bound / 60) min") && stalled.output.contains("re-run to keep waiting, it will not start another execution"), stalled.output)

        // A slower link, in megabits a second: ten times slower, ten times the bound.
        let slow = try wait(line, status: "TRANSFERRING", environment: ["DATASYNC_LINK_MBPS": "40"])
        XCTAssertNotEqual(slow.status, 0)
        XCTAssertEqual(slow.sleeps, ((500 << 30) / 5_000_000 + 1 + 29) / 30, "500 GiB at 5 MB/s")
        XCTAssertTrue(slow.output.contains("DATASYNC_LINK_MBPS=40 Mbit/s"), slow.output.suffix(300).description)
        // Not a whole number: refused before any poll.
        for bad in ["abc", "0", "1e3", "$(touch x)", "50.5"] {
            let refused = try wait(line, status: "SUCCESS", environment: ["DATASYNC_LINK_MBPS": bad])
            XCTAssertNotEqual(refused.status, 0, bad)
            XCTAssertEqual(refused.sleeps, 0, bad)
            XCTAssertTrue(refused.output.contains("must be whole numbers"), refused.output)
        }
        XCTAssertNotEqual(try wait(line, status: "SUCCESS", environment: ["DATASYNC_WAIT_SECONDS": "soon"]).status, 0)

        // The operator's own bound wins.
        let short = try wait(line, status: "TRANSFERRING", environment: ["DATASYNC_WAIT_SECONDS": "600"])
        XCTAssertNotEqual(short.status, 0)
        XCTAssertEqual(short.sleeps, 20)

        // An execution that ends stops the wait at once.
        let done = try wait(line, status: "SUCCESS")
        XCTAssertEqual(done.status, 0, done.output)
        XCTAssertEqual(done.sleeps, 0)
    }

    /// A re-run of a pass whose execution is still running waits for that one; DataSync would queue a new one behind it
    /// and the wait would start again from nothing.
    func testAReRunWaitsForTheRunningExecutionInsteadOfStartingAnother() throws {
        let data = try XCTUnwrap(DemoPlanOnce.plan().items.first { $0.keyText == "data:prod/shop/media-upload" })
        let start = try XCTUnwrap(data.commands.firstIndex { $0.contains("start-task-execution") && $0.contains("list-task-executions") }, "\(data.commands)")
        let lines = Array(data.commands[start...(start + 1)])
        let folder = try temporaryFolder(self)
        let clock = folder.appendingPathComponent("clock"), log = folder.appendingPathComponent("log")
        try "1000000\n".write(to: clock, atomically: true, encoding: .utf8)
        // `aws` lists `$EXECUTIONS`, records what it starts, and describes any execution as `$STATUS`.
        let aws = """
            aws() { echo "aws $*" >> "$LOG"; case "$*" in
              *list-task-executions*) [ -z "${LIST_FAIL:-}" ] || return 1; printf '%s' "$EXECUTIONS" ;;
              *start-task-execution*) echo arn:new ;;
              *"--query Status"*) printf '"%s"\\n' "$STATUS" ;;
              *) return 1 ;; esac; }
            """
        func run(_ executions: String, _ extra: [String: String] = [:]) throws -> (status: Int32, output: String, log: String) {
            try? FileManager.default.removeItem(at: log)
            let script = "exec 2>&1; set -e; cd \"$DIR\"\n" + Self.stubs.replacingOccurrences(of: "aws() {", with: "_aws() {") + "\n" + aws + "\n"
                + lines.joined(separator: "\n") + "\necho \"waited for $DATASYNC_EXECUTION_ARN\""
            let result = try GateShell.run(script, environment: ["DIR": folder.path, "CLOCK": clock.path, "LOG": log.path, "STATUS": "SUCCESS", "EXECUTIONS": executions].merging(extra) { $1 })
            return (result.status, result.output, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
        // The task's file, as the data step wrote it.
        let taskFile = try XCTUnwrap(lines[0].firstMatch(of: /test -s '([^']+\.arn)'/)?.1, lines[0])
        try "arn:aws:datasync:eu-west-1:123456789012:task/task-0123456789abcdef0\n".write(to: folder.appendingPathComponent(String(taskFile)), atomically: true, encoding: .utf8)

        let running = #"{"TaskExecutions": [{"TaskExecutionArn": "arn:old-done", "Status": "SUCCESS"}, {"TaskExecutionArn": "arn:running", "Status": "TRANSFERRING"}]}"#
        let rerun = try run(running)
        XCTAssertEqual(rerun.status, 0, rerun.output)
        XCTAssertFalse(rerun.log.contains("start-task-execution"), "no second execution: \(rerun.log)")
        XCTAssertTrue(rerun.output.contains("waited for arn:running"), rerun.output)
        for status in ["QUEUED", "LAUNCHING", "PREPARING", "VERIFYING"] {
            let other = try run(#"{"TaskExecutions": [{"TaskExecutionArn": "arn:x", "Status": "\#(status)"}]}"#)
            XCTAssertFalse(other.log.contains("start-task-execution"), status)
        }
        // Nothing unfinished: a new execution.
        for executions in [#"{"TaskExecutions": [{"TaskExecutionArn": "arn:old", "Status": "ERROR"}]}"#, #"{"TaskExecutions": []}"#] {
            let fresh = try run(executions)
            XCTAssertEqual(fresh.status, 0, fresh.output)
            XCTAssertTrue(fresh.log.contains("start-task-execution"), fresh.log)
            XCTAssertTrue(fresh.output.contains("waited for arn:new"), fresh.output)
        }
        // The executions cannot be listed: nothing is started, the step fails.
        let blind = try run("", ["LIST_FAIL": "1"])
        XCTAssertNotEqual(blind.status, 0)
        XCTAssertFalse(blind.log.contains("start-task-execution"), blind.log)
    }
}
