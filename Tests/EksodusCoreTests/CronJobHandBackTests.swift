import XCTest
@testable import EksodusCore

/// The enable's rollback hands the CronJob back to the source: suspended on EKS, the source unsuspended only once no EKS
/// Job runs, with a short starting deadline first, and only after EKS's last run has left that deadline.
final class CronJobHandBackTests: XCTestCase {
    /// Two stand-in clusters, each CronJob in a state file (`$EKS_STATE`, `$SOURCE_STATE`) that merge patches change;
    /// `$EKS_ACTIVE` (a JSON array) is what EKS still runs, `$EKS_LAST` when it last ran; `sleep` only records how long;
    /// with `$UNSUSPEND_LOST` an unsuspend patch answers but changes nothing.
    static let clusters = """
        sleep() { printf 'sleep %s\\n' "$1" >> "$LOG"; }
        kubectl() {
          printf '%s\\n' "$*" >> "$LOG"
          case "$*" in
            *"--context eks"*) state=$EKS_STATE; [ -z "${EKS_DOWN:-}" ] || return 1 ;;
            *"--context src"*) state=$SOURCE_STATE; [ -z "${SOURCE_DOWN:-}" ] || return 1 ;;
            *) return 1 ;;
          esac
          case "$*" in
            *" get cronjob/"*" -o json") if [ "$state" = "$EKS_STATE" ]; then
                jq -c --arg last "$EKS_LAST" --argjson active "${EKS_ACTIVE:-[]}" '.status = {lastScheduleTime: $last, active: $active}' "$state"
              else cat "$state"; fi ;;
            *" get cronjob/"*jsonpath*) : ;;
            *" patch cronjob/"*) if [ -n "${UNSUSPEND_LOST:-}" ] && [[ "${@: -1}" == *'"suspend":false'* ]]; then return 0; fi
              jq -n --slurpfile now "$state" --argjson patch "${@: -1}" '$now[0] * $patch' > "$state.new" && mv "$state.new" "$state" ;;
            *) return 1 ;;
          esac
        }
        """

    struct Run { let status: Int32; let output: String; let eks: [String: Any]; let source: [String: Any]; let log: [String] }

    func stamp(secondsAgo: Int) -> String { ISO8601DateFormatter().string(from: Date().addingTimeInterval(-Double(secondsAgo))) }

    func run(_ lines: [String], sourceDeadline: Int?, environment: [String: String]) throws -> Run {
        let folder = try temporaryFolder(self)
        let eks = folder.appendingPathComponent("eks.json"), source = folder.appendingPathComponent("source.json"), log = folder.appendingPathComponent("log")
        try JSONSerialization.data(withJSONObject: ["spec": ["schedule": "0 2 * * *", "suspend": false, "startingDeadlineSeconds": 60]]).write(to: eks)
        var spec: [String: Any] = ["schedule": "0 2 * * *", "suspend": true]
        spec["startingDeadlineSeconds"] = sourceDeadline
        try JSONSerialization.data(withJSONObject: ["spec": spec]).write(to: source)
        let result = try GateShell.run("exec 2>&1\nset -e\n" + Self.clusters + "\n" + lines.joined(separator: "\n"),
                                       environment: environment.merging(["EKS_STATE": eks.path, "SOURCE_STATE": source.path, "LOG": log.path]) { $1 })
        func readSpec(_ url: URL) throws -> [String: Any] {
            (try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])?["spec"] as? [String: Any] ?? [:]
        }
        let calls = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return Run(status: result.status, output: result.output, eks: try readSpec(eks), source: try readSpec(source), log: calls)
    }

    func testTheRollbackWaitsForTheEKSJobAndGivesTheSourceAShortDeadlineBeforeUnsuspendingIt() throws {
        let items = try DemoPlanOnce.plan().items.filter { $0.step == .enable }
        XCTAssertFalse(items.isEmpty)
        for item in items {
            let key = item.keyText, lines = item.rollbackCommands
            let old = ["EKS_LAST": stamp(secondsAgo: 20 * 3600)]

            // EKS ran hours ago, the source has no deadline: it gets 60 s, then is unsuspended; no wait.
            let plain = try run(lines, sourceDeadline: nil, environment: old)
            XCTAssertEqual(plain.status, 0, "\(key): \(plain.output)")
            XCTAssertEqual(plain.eks["suspend"] as? Bool, true, key)
            XCTAssertEqual(plain.source["suspend"] as? Bool, false, key)
            XCTAssertEqual(plain.source["startingDeadlineSeconds"] as? Int, CronJobEnable.deadline, key)
            let deadline = try XCTUnwrap(plain.log.firstIndex { $0.contains("--context src") && $0.contains("startingDeadlineSeconds") && $0.contains(" patch ") }, "\(plain.log)")
            let unsuspend = try XCTUnwrap(plain.log.firstIndex { $0.contains("--context src") && $0.contains("\"suspend\":false") })
            XCTAssertLessThan(deadline, unsuspend, key)
            XCTAssertLessThan(try XCTUnwrap(plain.log.firstIndex { $0.contains("--context eks") && $0.contains("\"suspend\":true") }), unsuspend, key)
            XCTAssertFalse(plain.log.contains { $0.hasPrefix("sleep") }, key)

            // A short one it has is kept; a long one is replaced.
            XCTAssertEqual(try run(lines, sourceDeadline: 30, environment: old).source["startingDeadlineSeconds"] as? Int, 30, key)
            XCTAssertEqual(try run(lines, sourceDeadline: 3600, environment: old).source["startingDeadlineSeconds"] as? Int, CronJobEnable.deadline, key)

            // EKS ran 20 s ago: the source is unsuspended only once that run is past its 60 s deadline.
            let recent = try run(lines, sourceDeadline: nil, environment: ["EKS_LAST": stamp(secondsAgo: 20)])
            XCTAssertEqual(recent.status, 0, "\(key): \(recent.output)")
            let slept = try XCTUnwrap(recent.log.firstIndex { $0.hasPrefix("sleep ") }, "\(recent.log)")
            XCTAssertTrue((35...42).contains(Int(recent.log[slept].dropFirst(6)) ?? 0), recent.log[slept])
            XCTAssertLessThan(slept, try XCTUnwrap(recent.log.firstIndex { $0.contains("--context src") && $0.contains("\"suspend\":false") }), key)

            // A Job still runs on EKS (past JOB_WAIT_SECONDS), or a cluster does not answer: the source stays suspended.
            let failures: [(String, [String: String])] = [
                ("an EKS Job still runs", old.merging(["EKS_ACTIVE": #"[{"kind":"Job","name":"nightly-report-29000000"}]"#, "JOB_WAIT_SECONDS": "0"]) { $1 }),
                ("EKS does not answer", old.merging(["EKS_DOWN": "1", "JOB_WAIT_SECONDS": "0"]) { $1 }),
                ("the source does not answer", old.merging(["SOURCE_DOWN": "1"]) { $1 }),
                ("EKS's last run is no date", ["EKS_LAST": "not-a-date"]),
                // The unsuspend is read back: a patch that did not take is no hand-back.
                ("the source's unsuspend did not take", old.merging(["UNSUSPEND_LOST": "1"]) { $1 }),
            ]
            for (why, environment) in failures {
                let result = try run(lines, sourceDeadline: nil, environment: environment)
                XCTAssertNotEqual(result.status, 0, "\(key): \(why)")
                XCTAssertEqual(result.source["suspend"] as? Bool, true, "\(key): \(why): the source was unsuspended")
            }
        }
    }
}
