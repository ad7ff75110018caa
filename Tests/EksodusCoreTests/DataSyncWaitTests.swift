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
        XCTAssertTrue(line.contains("${DATASYNC_WAIT_SECONDS:-\(bound)}"), line)

        let stalled = try wait(line, status: "TRANSFERRING")
        XCTAssertNotEqual(stalled.status, 0, "still running at the bound")
        XCTAssertEqual(stalled.sleeps, (bound + 29) / 30, "polled every 30 s up to the bound, no longer")
        let progress = stalled.output.split(separator: "\n").filter { $0.contains("TRANSFERRING") && $0.contains("of at most \(bound / 60)") }
        XCTAssertEqual(progress.count, stalled.sleeps / 10, "a line every tenth poll: \(stalled.output.prefix(400))")
        XCTAssertTrue(progress.first?.contains("after 4 min") == true, "\(progress.first ?? "")")

        // The operator's own bound wins.
        let short = try wait(line, status: "TRANSFERRING", environment: ["DATASYNC_WAIT_SECONDS": "600"])
        XCTAssertNotEqual(short.status, 0)
        XCTAssertEqual(short.sleeps, 20)

        // An execution that ends stops the wait at once.
        let done = try wait(line, status: "SUCCESS")
        XCTAssertEqual(done.status, 0, done.output)
        XCTAssertEqual(done.sleeps, 0)
    }
}
