import Foundation
import XCTest
@testable import EksodusCore

/// The time-zone decision reaches the cluster: a CronJob converted before plan:cron-time-zone was answered is converted
/// again by its deploy step instead of being applied as it was, and what EKS stored is read back. The deploy runs in bash
/// in a folder holding the stale file, with a stand-in `eksodus convert` that writes what convert writes for the answered
/// plan and a stand-in `kubectl` that keeps what it is given.
final class CronJobZoneReachesClusterTests: XCTestCase {
    let cronJob = """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: backup, namespace: ops}
        spec:
          schedule: "0 3 * * *"
          jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: b, image: "busybox:1.36"}]}}}}
        """

    /// Plans the CronJob with `zones` and converts it into `out`: the plan and the converted file's path under `out`.
    func planAndConvert(_ zones: [String: String], into out: URL) throws -> (plan: TransitionPlan, file: String) {
        let folder = try writeManifests(["cron.yaml": cronJob], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let reference = try ReferenceData.embedded()
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow, cronTimeZones: zones))
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        let wave = try XCTUnwrap(plan.items.first { $0.keyText == "deploy:src/ops/backup" }?.wave)
        return (plan, ConvertedLayout.workloadPath(cluster: "src", wave: wave, label: "CronJob/ops/backup"))
    }

    /// `kubectl`: `create --dry-run=client -f F` prints F's spec.timeZone, `apply -f F` keeps F as applied.yaml, `get` prints
    /// the applied spec.timeZone ($GET_OUT instead when set, a failure when $GET_FAIL is). `eksodus` copies fresh/ over
    /// converted/ (or fails when $CONVERT_FAIL is set, or does nothing when $CONVERT_NOOP is).
    let stubs = """
        zone() { sed -n 's/^  timeZone: *//p' "$1" | tr -d "\\"'"; }
        kubectl() {
          local file="" prev=""
          for a in "$@"; do [ "$prev" = "-f" ] && file="$a"; prev="$a"; done
          case " $* " in
            *" create --dry-run=client "*) test -f "$file" && zone "$file" ;;
            *" apply "*) cp "$file" applied.yaml ;;
            *" get "*) [ -z "${GET_FAIL:-}" ] || return 1; if [ -n "${GET_OUT+set}" ]; then printf '%s' "$GET_OUT"; else test -f applied.yaml && zone applied.yaml; fi ;;
            *) return 1 ;;
          esac
        }
        eksodus() { [ -z "${CONVERT_FAIL:-}" ] || return 1; [ -n "${CONVERT_NOOP:-}" ] || { rm -rf converted && cp -R fresh converted; }; }

        """

    func run(_ commands: [String], in work: URL, _ environment: [String: String] = [:]) throws -> Int32 {
        try GateShell.run(stubs + "cd \(ShellQuote.word(work.path)) || exit 99\n" + commands.joined(separator: " &&\n"), environment: environment).status
    }

    func testAnAnsweredDecisionReachesTheAppliedCronJobThoughTheFileWasConvertedBefore() throws {
        let work = try temporaryFolder(self)
        // Converted while the decision was open: the file has no zone.
        let stale = try planAndConvert([:], into: work.appendingPathComponent("converted"))
        let staleText = try String(contentsOf: work.appendingPathComponent("converted").appendingPathComponent(stale.file), encoding: .utf8)
        XCTAssertFalse(staleText.contains("timeZone"), staleText)
        // Answered: eksodus plan --cron-time-zone src=Asia/Seoul; what convert writes now is in fresh/.
        let answered = try planAndConvert(["src": "Asia/Seoul"], into: work.appendingPathComponent("fresh"))
        XCTAssertEqual(answered.file, stale.file)
        let deploy = try XCTUnwrap(answered.plan.items.first { $0.keyText == "deploy:src/ops/backup" })
        XCTAssertFalse(deploy.commands.contains { $0.hasPrefix("test -f ") }, "no apply of whatever file is there: \(deploy.commands)")

        XCTAssertEqual(try run(deploy.commands, in: work), 0, deploy.commands.joined(separator: "\n"))
        let applied = try XCTUnwrap(try parseObjects(String(contentsOf: work.appendingPathComponent("applied.yaml"), encoding: .utf8)).first)
        XCTAssertEqual(applied["spec", "timeZone"]?.string, "Asia/Seoul")
        XCTAssertEqual(applied["spec", "suspend"]?.bool, true, "still applied suspended")

        // A file converted after the decision is applied without converting again.
        try FileManager.default.removeItem(at: work.appendingPathComponent("applied.yaml"))
        XCTAssertEqual(try run(deploy.commands, in: work, ["CONVERT_FAIL": "1"]), 0)
        let again = try XCTUnwrap(try parseObjects(String(contentsOf: work.appendingPathComponent("applied.yaml"), encoding: .utf8)).first)
        XCTAssertEqual(again["spec", "timeZone"]?.string, "Asia/Seoul")
    }

    func testTheDeployFailsWhenTheZoneDoesNotReachTheCluster() throws {
        let answered = try planAndConvert(["src": "Asia/Seoul"], into: try temporaryFolder(self))
        let deploy = try XCTUnwrap(answered.plan.items.first { $0.keyText == "deploy:src/ops/backup" }).commands
        func staleWork() throws -> URL {
            let work = try temporaryFolder(self)
            _ = try planAndConvert([:], into: work.appendingPathComponent("converted"))
            _ = try planAndConvert(["src": "Asia/Seoul"], into: work.appendingPathComponent("fresh"))
            return work
        }
        XCTAssertNotEqual(try run(deploy, in: try staleWork(), ["CONVERT_FAIL": "1"]), 0, "convert failed: the stale file is not applied")
        XCTAssertFalse(FileManager.default.fileExists(atPath: try staleWork().appendingPathComponent("applied.yaml").path))
        XCTAssertNotEqual(try run(deploy, in: try staleWork(), ["CONVERT_NOOP": "1"]), 0, "convert left the stale file: the read-back finds no zone")
        XCTAssertNotEqual(try run(deploy, in: try staleWork(), ["GET_OUT": ""]), 0, "EKS answered nothing")
        XCTAssertNotEqual(try run(deploy, in: try staleWork(), ["GET_OUT": "UTC"]), 0, "EKS stored another zone")
        XCTAssertNotEqual(try run(deploy, in: try staleWork(), ["GET_FAIL": "1"]), 0, "kubectl get failed")
        XCTAssertEqual(try run(deploy, in: try staleWork(), ["GET_OUT": "Asia/Seoul"]), 0, "the stand-ins agree with a right answer")
    }

    func testWithNoZoneDecidedTheDeployRefuses() throws {
        let work = try temporaryFolder(self)
        let undecided = try planAndConvert([:], into: work.appendingPathComponent("converted"))
        _ = try planAndConvert([:], into: work.appendingPathComponent("fresh"))
        let deploy = try XCTUnwrap(undecided.plan.items.first { $0.keyText == "deploy:src/ops/backup" })
        XCTAssertTrue(deploy.prerequisites.contains(.plan(.cronTimeZone, cluster: "src")))
        XCTAssertNotEqual(try run(deploy.commands, in: work, ["GET_OUT": ""]), 0, deploy.commands.joined(separator: "\n"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("applied.yaml").path), "nothing applied")
        XCTAssertTrue(deploy.commands.joined().contains("--cron-time-zone src=ZONE"), "\(deploy.commands)")
    }
}
