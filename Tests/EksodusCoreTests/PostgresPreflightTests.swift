import Foundation
import XCTest
@testable import EksodusCore

/// A PostgreSQL copy that refuses before it harms: the rollback checks everything that can refuse while EKS still takes
/// writes and the source still runs; the base backup pod accepts a fresh ext4 volume's empty `lost+found` and nothing
/// else, checks its connection and that the source accepts a replication connection before `pg_basebackup`, mounts the
/// server's `subPath`, and its wait ends when the pod fails. Each gate runs in bash (or the pod's script in sh, with
/// stand-in `psql` and `pg_basebackup`) against answers that are right, wrong, empty, or a failing tool.
final class PostgresPreflightTests: XCTestCase {
    func demo() throws -> TransitionPlan { try DemoPlanOnce.plan() }

    func item(_ key: String, in plan: TransitionPlan? = nil) throws -> PlanItem {
        let plan = try plan ?? demo()
        return try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    func line(_ commands: [String], _ what: String, _ test: (String) -> Bool) throws -> String {
        try XCTUnwrap(commands.first(where: test), "\(what): \(commands)")
    }

    /// Runs `script` with and without pipefail: a gate must not lean on the engineer's shell options.
    func status(_ script: String, _ environment: [String: String] = [:]) throws -> [Int32] {
        [try GateShell.run(script, environment: environment, pipefail: true).status,
         try GateShell.run(script, environment: environment).status]
    }

    /// A `kubectl` answering `$SRC_OUT` on the source's side and `$EKS_OUT` on EKS's, failing with `$FAIL` set; an exec
    /// of `test` fails with `$KEPT` set (a kept copy is there).
    let sides = """
        kubectl() {
          [ -z "${FAIL:-}" ] || return 1
          case "$*" in *"-- test ! -e"*) [ -z "${KEPT:-}" ] || return 1 ;; esac
          case "$*" in *"--context eks"*) printf '%b' "${EKS_OUT:-}" ;; *) printf '%b' "${SRC_OUT:-}" ;; esac
        }
        """

    // MARK: 1. the rollback refuses before anything stops

    func testTheRollbackRunsEveryRefusingCheckBeforeEKSGoesReadOnlyOrTheSourceStops() throws {
        let rollback = try item("promote:prod/data/orders-db").rollbackCommands
        func index(_ what: String, _ test: (String) -> Bool) throws -> Int { try XCTUnwrap(rollback.firstIndex(where: test), "\(what): \(rollback)") }
        let readOnly = try index("EKS read-only") { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("default_transaction_read_only = on") }
        let stop = try index("stop") { $0.contains("scale 'statefulset/orders-db' --replicas=0") }
        XCTAssertLessThan(readOnly, stop)
        let checks = [try index("variables") { $0.contains("${EKS_DB_HOST:-}") && $0.contains("${REPLICATION_PASSWORD:-}") },
                      try index("data directory") { $0.contains("SHOW data_directory") },
                      try index("room") { $0.hasPrefix("eksodus_pg_room ") },
                      try index("replication") { $0.hasPrefix("eksodus_pg_accepts_replication ") }]
        XCTAssertTrue(checks.allSatisfy { $0 < readOnly }, "every refusing check comes before EKS stops taking writes: \(rollback)")
        // Nothing between EKS's read-only and the rebuild pod can refuse on a check of its own.
        let run = try index("rebuild") { $0.contains("run eksodus-pg-basebackup") }
        XCTAssertEqual(rollback[readOnly..<run].filter { $0.contains("|| {") }, [], "\(rollback)")
    }

    /// The demo's staging database keeps PGDATA at the claim's mount point: its rollback refuses at once, EKS untouched.
    func testARollbackWhosePGDATAIsTheMountPointRefusesFirst() throws {
        let rollback = try item("promote:staging/shop-staging/orders-db").rollbackCommands
        let refusal = try XCTUnwrap(rollback.firstIndex { $0.contains("mount point: the rebuild cannot move it aside") }, "\(rollback)")
        let readOnly = try XCTUnwrap(rollback.firstIndex { $0.contains("default_transaction_read_only = on") })
        XCTAssertLessThan(refusal, readOnly)
        XCTAssertEqual(try status(sides + "\n" + rollback[refusal], ["SRC_OUT": "/var/lib/postgresql/data\\n"]), [1, 1])
    }

    func testTheDataDirectoryGateFailsOnAWrongEmptyOrFailedAnswerAndOnAKeptCopy() throws {
        let rollback = try item("promote:prod/data/orders-db").rollbackCommands
        let gate = try line(rollback, "the data directory gate") { $0.contains("SHOW data_directory") }
        XCTAssertTrue(gate.contains("--context \"$SOURCE_CONTEXT\"") && gate.contains("'/var/lib/postgresql/data/pgdata.eksodus-before-rollback'"), gate)
        XCTAssertEqual(try status(sides + "\n" + gate, ["SRC_OUT": "/var/lib/postgresql/data/pgdata\\n"]), [0, 0])
        XCTAssertEqual(try status(sides + "\n" + gate, ["SRC_OUT": "/var/lib/postgresql/data\\n"]), [1, 1], "another directory than the rebuild's")
        XCTAssertEqual(try status(sides + "\n" + gate, ["SRC_OUT": ""]), [1, 1], "no answer")
        XCTAssertEqual(try status(sides + "\n" + gate, ["FAIL": "1"]), [1, 1], "kubectl failed")
        XCTAssertEqual(try status(sides + "\n" + gate, ["SRC_OUT": "/var/lib/postgresql/data/pgdata\\n", "KEPT": "1"]), [1, 1], "an earlier rollback's copy")
    }

    func testTheRollbackChecksEKSAcceptsAReplicationConnectionWithThePasswordOnStandardInput() throws {
        let rollback = try item("promote:prod/data/orders-db").rollbackCommands
        let call = try line(rollback, "the replication gate") { $0.hasPrefix("eksodus_pg_accepts_replication ") }
        XCTAssertEqual(call, "eksodus_pg_accepts_replication source 'data' 'statefulset/orders-db'", "from the source's network")
        XCTAssertTrue(RunbookLibrary.text.contains("psql \"replication=true\" -h \"$1\" -U replicator -Atc IDENTIFY_SYSTEM"), "a physical replication connection, the kind pg_basebackup opens")
        let gate = RunbookLibrary.load + "\n" + call
        // A kubectl that fails unless the password arrives on its standard input, and never among its arguments.
        let stub = """
            kubectl() {
              [ -z "${FAIL:-}" ] || return 1
              read -r password; [ "$password" = "$REPLICATION_PASSWORD" ] || return 1
              case "$*" in *"$REPLICATION_PASSWORD"*) return 1 ;; esac
              case "$*" in "--context src -n data exec -i statefulset/orders-db -- sh -c "*) ;; *) return 1 ;; esac
              case "$*" in *"sh $EKS_DB_HOST"*) printf '%b' "${SRC_OUT:-}" ;; *) return 1 ;; esac
            }
            """
        let environment = ["REPLICATION_PASSWORD": "s3cret-pw", "EKS_DB_HOST": "orders-db.eks.internal"]
        XCTAssertEqual(try status(stub + "\n" + gate, environment.merging(["SRC_OUT": "7312345678901234567|2|0/3000148|\\n"]) { $1 }), [0, 0])
        XCTAssertEqual(try status(stub + "\n" + gate, environment.merging(["SRC_OUT": "psql: error: FATAL:  no pg_hba.conf entry for replication connection\\n"]) { $1 }), [1, 1], "refused")
        XCTAssertEqual(try status(stub + "\n" + gate, environment.merging(["SRC_OUT": ""]) { $1 }), [1, 1], "no answer")
        XCTAssertEqual(try status(stub + "\n" + gate, environment.merging(["FAIL": "1"]) { $1 }), [1, 1], "kubectl failed")
    }

    func testTheOperatorsVariablesAreCheckedFirstInBothDirections() throws {
        let data = try item("data:prod/data/orders-db").commands
        let rollback = try item("promote:prod/data/orders-db").rollbackCommands
        for (commands, host) in [(data, "SOURCE_DB_HOST"), (rollback, "EKS_DB_HOST")] {
            let gate = try line(commands, host) { $0.contains("${\(host):-}") }
            let first = try XCTUnwrap(commands.firstIndex { !$0.hasPrefix("#") && $0 != RunbookLibrary.load })
            XCTAssertEqual(commands[first], gate, "before anything is created, dropped or stopped: \(commands)")
            XCTAssertEqual(try status(gate, [host: "db.internal", "REPLICATION_PASSWORD": "pw"]), [0, 0])
            XCTAssertEqual(try status(gate, [host: "", "REPLICATION_PASSWORD": "pw"]), [1, 1], "\(host) empty")
            XCTAssertEqual(try status("unset \(host) REPLICATION_PASSWORD\n" + gate), [1, 1], "neither set")
            XCTAssertEqual(try status("unset REPLICATION_PASSWORD\n" + gate, [host: "db.internal"]), [1, 1], "no password")
        }
    }

    // MARK: 2. the base backup pod's script

    /// The data step's one-off pod: its script and its PGDATA, read from the `--overrides` JSON.
    func basebackupPod(_ commands: [String]) throws -> (script: String, pgdata: String, mount: [String: Any]) {
        let run = try line(commands, "the base backup") { $0.contains("run eksodus-pg-basebackup") }
        let overrides = try XCTUnwrap(run.components(separatedBy: "--overrides=").last)
        let json = try GateShell.run("printf '%s' \(overrides)").output
        let pod = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let container = try XCTUnwrap(((pod["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first)
        let script = try XCTUnwrap((container["command"] as? [String])?.last)
        let pgdata = try XCTUnwrap((container["env"] as? [[String: Any]])?.first { $0["name"] as? String == "PGDATA" }?["value"] as? String)
        let mount = try XCTUnwrap((container["volumeMounts"] as? [[String: Any]])?.first)
        return (script, pgdata, mount)
    }

    /// Runs the pod's script in sh on a scratch volume, with a `psql` answering `$ANSWER` (failing with `$PSQL_FAILS`)
    /// and a `pg_basebackup` that, like the real one, refuses a directory that is not empty, and notes it ran; whether it succeeded, and whether the copy started.
    func runPodScript(_ script: String, prepare: (URL) throws -> Void, environment: [String: String] = [:]) throws -> (status: Int32, copied: Bool) {
        let root = try temporaryFolder(self)
        let bin = root.appendingPathComponent("bin"), volume = root.appendingPathComponent("volume")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: volume, withIntermediateDirectories: true)
        try prepare(volume)
        for (tool, body) in [("id", "echo 999"),
                             ("psql", "[ -z \"${PSQL_FAILS:-}\" ] || exit 2; printf '%b' \"${ANSWER:-}\""),
                             ("pg_basebackup", "[ -z \"$(ls -A \"$2\")\" ] || exit 3; touch \"$MOUNT/copied\"")] {
            let url = bin.appendingPathComponent(tool)
            try "#!/bin/sh\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let base = ["PATH": bin.path + ":/usr/bin:/bin", "PGDATA": volume.path, "MOUNT": root.path,
                    "PGHOST": "orders-db.source.internal", "PGUSER": "replicator", "PGPASSWORD": "pw", "ANSWER": "7312345678901234567|1|0/3000148|\\n"]
        let status = try GateShell.run("sh -c " + ShellQuote.word(script), environment: base.merging(environment) { $1 }).status
        return (status, FileManager.default.fileExists(atPath: root.appendingPathComponent("copied").path))
    }

    func testTheBaseBackupAcceptsAFreshVolumesLostAndFoundAndNothingElse() throws {
        // The staging database's PGDATA is its claim's mount point: on EBS, the root of an ext4 file system.
        let pod = try basebackupPod(try item("data:staging/shop-staging/orders-db").commands)
        XCTAssertEqual(pod.pgdata, "/var/lib/postgresql/data")
        let fm = FileManager.default
        let empty = try runPodScript(pod.script, prepare: { _ in })
        XCTAssertEqual(empty.status, 0); XCTAssertTrue(empty.copied)
        let fresh = try runPodScript(pod.script, prepare: { volume in
            try fm.createDirectory(at: volume.appendingPathComponent("lost+found"), withIntermediateDirectories: true)
        })
        XCTAssertEqual(fresh.status, 0, "a fresh ext4 volume holds an empty lost+found"); XCTAssertTrue(fresh.copied)
        let recovered = try runPodScript(pod.script, prepare: { volume in
            try fm.createDirectory(at: volume.appendingPathComponent("lost+found"), withIntermediateDirectories: true)
            try "inode 12".write(to: volume.appendingPathComponent("lost+found/#12"), atomically: true, encoding: .utf8)
        })
        XCTAssertNotEqual(recovered.status, 0, "files e2fsck recovered are never deleted"); XCTAssertFalse(recovered.copied)
        let used = try runPodScript(pod.script, prepare: { volume in
            try fm.createDirectory(at: volume.appendingPathComponent("lost+found"), withIntermediateDirectories: true)
            try "13".write(to: volume.appendingPathComponent("PG_VERSION"), atomically: true, encoding: .utf8)
        })
        XCTAssertNotEqual(used.status, 0, "a data directory in use"); XCTAssertFalse(used.copied)
    }

    func testTheBaseBackupStartsOnlyOnceTheSourceAcceptsAReplicationConnection() throws {
        let pod = try basebackupPod(try item("data:prod/data/orders-db").commands)
        XCTAssertEqual(pod.pgdata, "/var/lib/postgresql/data/pgdata", "the demo keeps PGDATA in a subdirectory of the mount")
        XCTAssertTrue(pod.script.contains("psql \"replication=true\" -Atc IDENTIFY_SYSTEM"), pod.script)
        for (what, environment) in [("refused", ["ANSWER": "", "PSQL_FAILS": "1"]), ("no answer", ["ANSWER": ""]),
                                    ("a wrong answer", ["ANSWER": "psql: error: connection refused\\n"]),
                                    ("no host", ["PGHOST": ""]), ("no password", ["PGPASSWORD": ""])] {
            let run = try runPodScript(pod.script, prepare: { _ in }, environment: environment)
            XCTAssertNotEqual(run.status, 0, what); XCTAssertFalse(run.copied, "\(what): nothing is copied")
        }
        let run = try runPodScript(pod.script, prepare: { _ in })
        XCTAssertEqual(run.status, 0); XCTAssertTrue(run.copied)
    }

    /// The rollback's rebuild checks the same before it moves the source's data aside.
    func testTheRebuildChecksItsConnectionBeforeMovingTheOldDataAside() throws {
        let script = PostgresStandby.rebuildScript(slot: "eksodus_test")
        let refused = try runPodScript(script, prepare: { volume in
            try "13".write(to: volume.appendingPathComponent("PG_VERSION"), atomically: true, encoding: .utf8)
        }, environment: ["PSQL_FAILS": "1"])
        XCTAssertNotEqual(refused.status, 0); XCTAssertFalse(refused.copied)
    }

    func testTheBaseBackupPodMountsTheServersSubPath() throws {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["db.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: pg, namespace: shop}
            spec:
              serviceName: pg
              selector: {matchLabels: {app: pg}}
              template:
                metadata: {labels: {app: pg}}
                spec:
                  containers:
                  - name: postgres
                    image: "postgres:16.4"
                    volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data, subPath: pgdata}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}}]
            """], test: self)
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let data = try XCTUnwrap(plan.items.first { $0.keyText.hasPrefix("data:") && $0.keyText.hasSuffix("/pg") }, "\(plan.items.map(\.keyText))")
        let pod = try basebackupPod(data.commands)
        XCTAssertEqual(pod.mount["subPath"] as? String, "pgdata", "the copy lands where the server reads: \(pod.mount)")
        XCTAssertEqual(pod.mount["mountPath"] as? String, "/var/lib/postgresql/data")
        // The demo's mount has no subPath, and its pod none either.
        XCTAssertNil(try basebackupPod(try item("data:prod/data/orders-db").commands).mount["subPath"])
    }

    // MARK: 3. the wait ends with the pod

    func testTheWaitForTheBaseBackupEndsWhenThePodFails() throws {
        let data = try item("data:prod/data/orders-db").commands
        let call = try line(data, "the wait") { $0.hasPrefix("eksodus_pg_wait_copy ") }
        XCTAssertEqual(call, "eksodus_pg_wait_copy eks 'data'")
        XCTAssertGreaterThan(try XCTUnwrap(data.firstIndex(of: call)), try XCTUnwrap(data.firstIndex { $0.contains("run eksodus-pg-basebackup") }))
        let wait = RunbookLibrary.load + "\n" + call
        // A kubectl whose pod's phase is each word of $PHASES in turn (the last one stays); `sleep` returns at once, and
        // the day's 8640 polls are five.
        let folder = try temporaryFolder(self)
        let stub = """
            sleep() { :; }
            seq() { echo 1 2 3 4 5; }
            kubectl() {
              [ -z "${FAIL:-}" ] || return 1
              case "$*" in *" logs "*) return 0 ;; *" delete "*) echo "$*" >> "$STATE.deleted"; return 0 ;; esac
              [ -n "$PHASES" ] || return 0
              n=$(cat "$STATE" 2>/dev/null || echo 1); echo $((n + 1)) > "$STATE"
              set -- $PHASES; [ "$n" -le $# ] || n=$#; eval "printf '%s' \\"\\${$n:-}\\""
            }
            """
        var deleted = ""
        func run(_ phases: String, _ extra: [String: String] = [:]) throws -> Int32 {
            let state = folder.appendingPathComponent(UUID().uuidString).path
            defer { deleted = (try? String(contentsOfFile: state + ".deleted", encoding: .utf8)) ?? "" }
            return try GateShell.run(stub + "\n" + wait, environment: ["PHASES": phases, "STATE": state].merging(extra) { $1 }).status
        }
        XCTAssertEqual(try run("Succeeded"), 0)
        XCTAssertEqual(deleted, "--context eks -n data delete pod/eksodus-pg-basebackup secret/eksodus-pg-replication\n", "the pod and the password's secret go once it succeeded")
        XCTAssertNotEqual(try run("Failed"), 0)
        XCTAssertEqual(deleted, "", "a failed pod stays, its log to read")
        XCTAssertEqual(try run("Pending Running Running Succeeded"), 0)
        XCTAssertNotEqual(try run("Pending Running Failed"), 0, "a pod whose checks refused")
        XCTAssertNotEqual(try run(""), 0, "no answer")
        XCTAssertNotEqual(try run("Pending Unknown"), 0, "a phase that is no end of a run")
        XCTAssertNotEqual(try run("Pending"), 0, "still pending when the day is over")
        XCTAssertNotEqual(try run("Succeeded", ["FAIL": "1"]), 0, "kubectl failed")
    }
}
