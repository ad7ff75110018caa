import XCTest
@testable import EksodusCore

/// A CronJob applied suspended must not run its missed schedules when the enable step unsuspends it on EKS: the step gives
/// it a starting deadline first (keeping one it has), reads it back, waits out the source's last run, and stays suspended
/// when any of that fails.
final class CronJobEnableTests: XCTestCase {
    /// A stand-in EKS cluster holding the CronJob in `$STATE` (merge patches applied with jq, or dropped when `$PATCH_LOST`
    /// is set for the deadline); the source CronJob last ran at `$SOURCE_LAST`, is suspended unless `$SOURCE_RUNNING` is set
    /// and runs the Jobs of `$SOURCE_ACTIVE` (a JSON array); `sleep` only records how long.
    static let cluster = """
        sleep() { printf 'sleep %s\\n' "$1" >> "$LOG"; }
        kubectl() {
          printf '%s\\n' "$*" >> "$LOG"
          case "$*" in
            *"--context eks"*" get cronjob/"*" -o json") [ -z "${EKS_DOWN:-}" ] || return 1; [ -z "${EKS_EMPTY:-}" ] || return 0; cat "$STATE" ;;
            *"--context eks"*" get cronjob/"*jsonpath*) [ -z "${EKS_DOWN:-}" ] ;;
            *"--context eks"*" patch cronjob/"*) [ -z "${EKS_DOWN:-}" ] || return 1
              if [ -n "${PATCH_LOST:-}" ] && [[ "${@: -1}" == *startingDeadlineSeconds* ]]; then return 0; fi
              jq -n --slurpfile now "$STATE" --argjson patch "${@: -1}" '$now[0] * $patch' > "$STATE.new" && mv "$STATE.new" "$STATE" ;;
            *"--context src"*" get cronjob/"*" -o json") [ -n "${SOURCE_DOWN:-}" ] && return 1; if [ -n "${SOURCE_RUNNING:-}" ]; then suspended=false; else suspended=true; fi
              printf '{"spec":{"suspend":%s},"status":{"lastScheduleTime":"%s","active":%s}}' "$suspended" "$SOURCE_LAST" "${SOURCE_ACTIVE:-[]}" ;;
            *) return 1 ;;
          esac
        }
        """

    func cronJob(deadline: Int?) throws -> Data {
        var spec: [String: Any] = ["schedule": "0 2 * * *", "suspend": true]
        spec["startingDeadlineSeconds"] = deadline
        return try JSONSerialization.data(withJSONObject: ["kind": "CronJob", "metadata": ["name": "nightly-report"], "spec": spec])
    }

    struct Run { let status: Int32; let spec: [String: Any]; let log: [String]; var output = "" }

    func run(_ lines: [String], deadline: Int?, environment: [String: String]) throws -> Run {
        let folder = try temporaryFolder(self)
        let state = folder.appendingPathComponent("cronjob.json"), log = folder.appendingPathComponent("log")
        try cronJob(deadline: deadline).write(to: state)
        let result = try GateShell.run("exec 2>&1\nset -e\n" + Self.cluster + "\n" + lines.joined(separator: "\n"),
                                       environment: environment.merging(["STATE": state.path, "LOG": log.path]) { $1 })
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: Any])
        let written = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Run(status: result.status, spec: object["spec"] as? [String: Any] ?? [:], log: written.split(separator: "\n").map(String.init), output: result.output)
    }

    func stamp(secondsAgo: Int) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date().addingTimeInterval(-Double(secondsAgo)))
    }

    func testEveryDemoCronJobGetsAStartingDeadlineBeforeItIsUnsuspendedOnEKS() throws {
        let enables = try DemoPlanOnce.plan().items.filter { $0.step == .enable }
        XCTAssertTrue(enables.contains { $0.keyText == "enable:prod/batch/nightly-report" }, enables.map(\.keyText).description)
        for item in enables {
            let key = item.keyText, lines = item.commands
            let long = ["SOURCE_LAST": stamp(secondsAgo: 20 * 3600)]

            // Converted without a deadline: patched to 60 s before the unsuspend, read back afterwards.
            let plain = try run(lines, deadline: nil, environment: long)
            XCTAssertEqual(plain.status, 0, "\(key): \(plain.log)")
            XCTAssertEqual(plain.spec["suspend"] as? Bool, false, key)
            XCTAssertEqual(plain.spec["startingDeadlineSeconds"] as? Int, CronJobEnable.deadline, key)
            let patches = plain.log.filter { $0.contains(" patch ") }
            XCTAssertEqual(patches.count, 2, "\(key): \(plain.log)")
            XCTAssertTrue(patches.first?.contains("startingDeadlineSeconds") == true && patches.last?.contains("\"suspend\":false") == true, "\(key): deadline first")
            XCTAssertFalse(plain.log.contains { $0.hasPrefix("sleep") }, "\(key): the source ran hours ago")

            // A deadline the file set is kept.
            let kept = try run(lines, deadline: 300, environment: long)
            XCTAssertEqual(kept.status, 0, key)
            XCTAssertEqual(kept.spec["startingDeadlineSeconds"] as? Int, 300, key)
            XCTAssertFalse(kept.log.contains { $0.contains("startingDeadlineSeconds") && $0.contains(" patch ") }, key)

            // The source ran 20 s ago: the unsuspend waits until that run is past EKS's deadline.
            let recent = try run(lines, deadline: nil, environment: ["SOURCE_LAST": stamp(secondsAgo: 20)])
            XCTAssertEqual(recent.status, 0, key)
            let slept = try XCTUnwrap(recent.log.first { $0.hasPrefix("sleep ") }.flatMap { Int($0.dropFirst(6)) }, "\(key): \(recent.log)")
            XCTAssertTrue((35...42).contains(slept), "\(key): slept \(slept) s")
            XCTAssertLessThan(try XCTUnwrap(recent.log.firstIndex { $0.hasPrefix("sleep ") }), try XCTUnwrap(recent.log.firstIndex { $0.contains("\"suspend\":false") }), key)

            // Each failure leaves it suspended, with a non-zero exit.
            let failures: [(String, Int?, [String: String])] = [
                ("EKS does not answer", nil, long.merging(["EKS_DOWN": "1"]) { $1 }),
                ("EKS answers nothing", nil, long.merging(["EKS_EMPTY": "1"]) { $1 }),
                ("the deadline patch did not take", nil, long.merging(["PATCH_LOST": "1"]) { $1 }),
                ("the source cannot be read", nil, long.merging(["SOURCE_DOWN": "1"]) { $1 }),
                ("the source's last run is no date", nil, ["SOURCE_LAST": "not-a-date"]),
                // Both clusters would run it: the source was unsuspended again after its suspend step, or its last Job still runs.
                ("the source is not suspended", nil, long.merging(["SOURCE_RUNNING": "1"]) { $1 }),
                ("a Job of the source still runs", nil, long.merging(["SOURCE_ACTIVE": "[{\"kind\":\"Job\",\"name\":\"nightly-report-29000000\"}]"]) { $1 }),
            ]
            for (why, deadline, environment) in failures {
                let result = try run(lines, deadline: deadline, environment: environment)
                XCTAssertNotEqual(result.status, 0, "\(key): \(why)")
                XCTAssertEqual(result.spec["suspend"] as? Bool, true, "\(key): \(why) unsuspended it")
                XCTAssertFalse(result.log.contains { $0.contains("\"suspend\":false") }, "\(key): \(why)")
            }
            // A deadline under the controller's 10 s check is no deadline: replaced by the step's own.
            let tiny = try run(lines, deadline: 5, environment: long)
            XCTAssertEqual(tiny.status, 0, key)
            XCTAssertEqual(tiny.spec["startingDeadlineSeconds"] as? Int, CronJobEnable.deadline, key)
        }
    }

    /// A manifest's deadline of an hour, the source having run 20 s ago: waiting that out would hold the night, so the
    /// step refuses, saying what it waits for, and leaves it suspended; a wait under 10 minutes is said, then slept.
    func testALongDeadlineIsNotWaitedOutAndTheWaitIsSaid() throws {
        let enables = try DemoPlanOnce.plan().items.filter { $0.step == .enable }
        XCTAssertFalse(enables.isEmpty)
        for item in enables {
            let key = item.keyText
            let long = try run(item.commands, deadline: 3600, environment: ["SOURCE_LAST": stamp(secondsAgo: 20)])
            XCTAssertNotEqual(long.status, 0, key)
            XCTAssertEqual(long.spec["suspend"] as? Bool, true, key)
            XCTAssertFalse(long.log.contains { $0.hasPrefix("sleep") }, "\(key): \(long.log)")
            XCTAssertTrue(long.output.contains("over 10 minutes"), long.output)
            let medium = try run(item.commands, deadline: 300, environment: ["SOURCE_LAST": stamp(secondsAgo: 20)])
            XCTAssertEqual(medium.status, 0, "\(key): \(medium.output)")
            XCTAssertTrue(medium.output.contains("waiting 28"), medium.output)
            XCTAssertEqual(medium.spec["suspend"] as? Bool, false, key)
        }
    }

    /// A schedule between the source's suspend and the enable, older than the deadline, ran nowhere: the step says when the
    /// source last ran and prints the exact command that runs it once on EKS.
    func testTheEnableSaysHowToRunAMissedScheduleOnEKS() throws {
        let item = try XCTUnwrap(DemoPlanOnce.plan().items.first { $0.keyText == "enable:prod/batch/nightly-report" })
        let last = stamp(secondsAgo: 20 * 3600)
        let result = try run(item.commands, deadline: nil, environment: ["SOURCE_LAST": last])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("WARNING: the source last ran at \(last)"), result.output)
        let command = try XCTUnwrap(result.output.split(separator: "\n").first { $0.contains("create job") }.map { $0.trimmingCharacters(in: .whitespaces) }, result.output)
        XCTAssertTrue(command.hasPrefix("kubectl "), command)
        XCTAssertTrue(command.contains("--context \"$EKS_CONTEXT\"") || command.contains("eks") || command.contains("EKS"), command)
        XCTAssertTrue(command.hasSuffix("create job --from=cronjob/nightly-report nightly-report-manual-$(date +%s)"), command)
        // Pasted, it creates the Job on EKS under the manual name and the time.
        let pasted = try GateShell.run("kubectl() { printf '%s\\n' \"$*\"; }\n" + command)
        XCTAssertEqual(pasted.status, 0)
        XCTAssertNotNil(pasted.output.range(of: "^--context eks -n batch create job --from=cronjob/nightly-report nightly-report-manual-[0-9]{10}\n$", options: .regularExpression), pasted.output)
        XCTAssertLessThanOrEqual(CronJobEnable.manualJob(String(repeating: "a", count: 52)).count + 10, 63)
    }
}
