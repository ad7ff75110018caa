import Foundation
import XCTest
@testable import EksodusCore

/// The stateful steps' gates, taken from the demo's plan and run in bash against stand-in `kubectl`, `aws` and `ssh`:
/// each passes when what it checks holds, and fails when it does not, when the tool fails, and when it answers nothing.
/// The PostgreSQL standby streams through a slot that is dropped after the promotion; a rollback checks the room on the
/// source's claim before stopping it; a DataSync pass is waited for; a CronJob's last Job is waited for; a node copy
/// checks its claim is big enough; the reconnect checks assert.
final class StatefulGatesTests: XCTestCase {
    func demo() throws -> TransitionPlan { try DemoPlanOnce.plan() }

    func item(_ key: String) throws -> PlanItem {
        try XCTUnwrap(try demo().items.first { $0.keyText == key }, "no \(key)")
    }

    func line(_ commands: [String], _ what: String, _ test: (String) -> Bool) throws -> String {
        try XCTUnwrap(commands.first(where: test), "\(what): \(commands)")
    }

    /// Runs `script` in bash with pipefail, `EKS_CONTEXT` and `SOURCE_CONTEXT` set to `eks` and `src`; its exit status.
    func bash(_ script: String, environment: [String: String] = [:]) throws -> Int32 {
        try GateShell.run(script, environment: environment, pipefail: true).status
    }

    /// Runs `script` both with and without pipefail: a gate must not lean on the engineer's shell options.
    func status(_ script: String, _ environment: [String: String] = [:]) throws -> [Int32] {
        [try bash(script, environment: environment), try bash("set +o pipefail\n" + script, environment: environment)]
    }

    /// A `kubectl` answering `$EKS_OUT` on the EKS side and `$SRC_OUT` on the source's, failing with `$FAIL` set.
    let sides = """
        kubectl() {
          [ -z "${FAIL:-}" ] || return 1
          case "$*" in *"--context eks"*) printf '%b' "${EKS_OUT:-}" ;; *) printf '%b' "${SRC_OUT:-}" ;; esac
        }
        """

    /// The promotion (and the rollback's) waits for equal WAL positions: two empty answers, or a failed psql, are not equal.
    func testTheWALPositionGatesFailWhenASideDoesNotAnswer() throws {
        let promote = try item("promote:prod/data/orders-db")
        let rollback = promote.rollbackCommands
        for (what, commands) in [("promote", promote.commands), ("rollback", rollback)] {
            let gate = RunbookLibrary.load + "\n" + (try line(commands, "\(what) position gate") { $0.hasPrefix("eksodus_pg_same_lsn ") })
            XCTAssertEqual(try status(sides + "\n" + gate, ["EKS_OUT": "0/3000060", "SRC_OUT": "0/3000060"]), [0, 0], what)
            XCTAssertEqual(try status(sides + "\n" + gate, ["EKS_OUT": "0/3000060", "SRC_OUT": "0/3000028"]), [1, 1], what)
            XCTAssertEqual(try status(sides + "\n" + gate, [:]), [1, 1], "\(what): both sides answer nothing")
            XCTAssertEqual(try status(sides + "\n" + gate, ["EKS_OUT": "0/3000060", "SRC_OUT": "0/3000060", "FAIL": "1"]), [1, 1], "\(what): kubectl fails")
        }
        // The conninfo check reads the file: a missing file (or an unset PGDATA) is no proof the password is gone.
        let check = try line(promote.commands, "conninfo check") { $0.contains("grep -q primary_conninfo") }
        XCTAssertTrue(check.contains("test -f"), check)
    }

    // MARK: 1. the PostgreSQL slot

    func testThePostgresStandbyStreamsThroughASlotThatIsDroppedOnceItIsNoLongerRead() throws {
        let data = try item("data:prod/data/orders-db")
        let slot = "eksodus_data_orders_db_" + ShortHash.hex("data_orders-db")
        XCTAssertNotNil(slot.range(of: "^[a-z0-9_]{1,63}$", options: .regularExpression), slot)
        let run = try line(data.commands, "the base backup") { $0.contains("run eksodus-pg-basebackup") }
        XCTAssertTrue(run.contains("pg_basebackup -D \\\"$D\\\" -R -X stream -C -S \(slot) -P"), "-R records the slot -C made: \(run)")
        let leftOver = try XCTUnwrap(data.commands.firstIndex { $0.hasPrefix("eksodus_pg_slot_drop_left source 'data' 'statefulset/orders-db' \(slot)") })
        XCTAssertLessThan(leftOver, try XCTUnwrap(data.commands.firstIndex(of: run)), "a failed run's slot goes first: -C refuses an existing one")
        XCTAssertTrue(data.rollbackCommands.contains { $0.hasPrefix("eksodus_pg_slot_gone source 'data' 'statefulset/orders-db' \(slot)") }, "an abandoned copy's slot would keep the source's WAL forever")

        let promote = try item("promote:prod/data/orders-db").commands
        let promoted = try XCTUnwrap(promote.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("pg_promote()") })
        let call = try line(promote, "the slot is gone") { $0.hasPrefix("eksodus_pg_slot_gone ") }
        XCTAssertGreaterThan(try XCTUnwrap(promote.firstIndex(of: call)), promoted)
        XCTAssertTrue(call.hasPrefix("eksodus_pg_slot_gone source "), "the slot is on the source primary")
        XCTAssertTrue(promote.contains { $0.contains("ALTER SYSTEM RESET primary_slot_name") }, "the promoted copy forgets the slot too")
        // `sleep` returns at once: the minute of retries is 30 quick tries.
        let gone = "sleep() { :; }\n" + RunbookLibrary.load + "\n" + call
        XCTAssertEqual(try status(sides + "\n" + gone, ["SRC_OUT": "0\\n"]), [0, 0])
        XCTAssertEqual(try status(sides + "\n" + gone, ["SRC_OUT": "1\\n"]).filter { $0 == 0 }, [], "still there")
        XCTAssertEqual(try status(sides + "\n" + gone, ["SRC_OUT": ""]).filter { $0 == 0 }, [], "no answer")
        XCTAssertEqual(try status(sides + "\n" + gone, ["FAIL": "1"]).filter { $0 == 0 }, [], "kubectl failed")
        XCTAssertEqual(try status(sides + "\n" + RunbookLibrary.load + "\neksodus_pg_slot_gone source 'data' 'statefulset/orders-db' \"x'; DROP TABLE t; --\"", ["SRC_OUT": "0\\n"]), [1, 1], "no slot name, no SQL")
        // It retries the drop until the promoted standby has let go of the slot; the gate then passes.
        let folder = try temporaryFolder(self)
        let server = """
            kubectl() {
              sql=$(cat)
              case "$sql" in
                *pg_drop_replication_slot*) n=$(cat "$STATE" 2>/dev/null || echo 0); echo $((n + 1)) > "$STATE" ;;
                *count*) if [ "$(cat "$STATE" 2>/dev/null || echo 0)" -ge 2 ]; then echo 0; else echo 1; fi ;;
              esac
            }
            """
        XCTAssertEqual(try bash(server + "\n" + gone, environment: ["STATE": folder.appendingPathComponent("drops").path]), 0, "dropped on the second try")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("drops"), encoding: .utf8), "2\n")

        // The rollback's rebuild streams from EKS through the same slot, dropped there once the source is the primary again.
        let rollback = try item("promote:prod/data/orders-db").rollbackCommands
        let rebuild = try line(rollback, "the rebuild") { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("run eksodus-pg-basebackup") }
        XCTAssertTrue(rebuild.contains("-C -S \(slot)"), rebuild)
        let sourcePromoted = try XCTUnwrap(rollback.firstIndex { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("pg_promote()") })
        let eksSlotGone = try XCTUnwrap(rollback.firstIndex { $0.hasPrefix("eksodus_pg_slot_gone eks 'data' 'statefulset/orders-db' \(slot)") })
        XCTAssertGreaterThan(eksSlotGone, sourcePromoted)
    }

    /// The rebuild script with a stand-in pg_basebackup: it is asked for the slot, and still refuses a kept copy's place.
    func testTheRebuildScriptAsksForTheSlot() throws {
        let root = try temporaryFolder(self)
        let bin = root.appendingPathComponent("bin"), mount = root.appendingPathComponent("mount")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: mount.appendingPathComponent("pgdata"), withIntermediateDirectories: true)
        for (tool, body) in [("id", "echo 999"), ("psql", "echo '7312345678901234567|1|0/3000148|'"), ("pg_basebackup", "echo \"$@\" > \"$MOUNT/arguments\"")] {
            let url = bin.appendingPathComponent(tool)
            try "#!/bin/sh\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let environment = ["PATH": bin.path + ":/usr/bin:/bin", "PGDATA": mount.appendingPathComponent("pgdata").path, "MOUNT": mount.path,
                           "PGHOST": "eks-db.internal", "PGUSER": "replicator", "PGPASSWORD": "pw"]  // the secret's connection, a psql that is let in
        let script = "sh -c " + ShellQuote.word(PostgresStandby.rebuildScript(slot: "eksodus_a_b_1234"))
        XCTAssertEqual(try bash(script, environment: environment), 0)
        let arguments = try String(contentsOf: mount.appendingPathComponent("arguments"), encoding: .utf8)
        XCTAssertTrue(arguments.contains("-R -X stream -C -S eksodus_a_b_1234"), arguments)
        XCTAssertNotEqual(try bash(script, environment: environment), 0, "a second run would overwrite the kept copy")
    }

    // MARK: 2. room for the rollback's rebuild

    func testTheRollbackChecksTheSourceClaimHasRoomBeforeStoppingTheSource() throws {
        let rollback = try item("promote:prod/data/orders-db").rollbackCommands
        let call = try line(rollback, "the room check") { $0.hasPrefix("eksodus_pg_room ") }
        let stop = try XCTUnwrap(rollback.firstIndex { $0.contains("scale 'statefulset/orders-db' --replicas=0") })
        XCTAssertLessThan(try XCTUnwrap(rollback.firstIndex(of: call)), stop, "checked while the source still runs")
        XCTAssertEqual(call, "eksodus_pg_room source 'data' 'statefulset/orders-db' 'statefulset/orders-db' '/var/lib/postgresql/data' 'data-orders-db-0'")
        let room = RunbookLibrary.load + "\n" + call
        // EKS holds 10 GiB; the source's claim has 20 GiB free, then 10.5 GiB (no room for the margin).
        func df(_ free: String) -> String { "Filesystem 1024-blocks Used Available Capacity Mounted on\\n/dev/sdb 52403200 10485760 \(free) 20% /var/lib/postgresql/data\\n" }
        XCTAssertEqual(try status(sides + "\n" + room, ["EKS_OUT": "10485760\\n", "SRC_OUT": df("20971520")]), [0, 0])
        XCTAssertEqual(try status(sides + "\n" + room, ["EKS_OUT": "10485760\\n", "SRC_OUT": df("11010048")]).filter { $0 == 0 }, [], "too little room")
        XCTAssertEqual(try status(sides + "\n" + room, ["EKS_OUT": "10485760\\n", "SRC_OUT": ""]).filter { $0 == 0 }, [], "df said nothing")
        XCTAssertEqual(try status(sides + "\n" + room, ["EKS_OUT": "", "SRC_OUT": df("20971520")]).filter { $0 == 0 }, [], "EKS said nothing")
        XCTAssertEqual(try status(sides + "\n" + room, ["FAIL": "1"]).filter { $0 == 0 }, [], "kubectl failed")
    }

    // MARK: 3. DataSync, waited for and checked

    /// An `aws` whose start answers `$ARN`, whose Status query answers `$STATUS`, and whose description is `$JSON`.
    let datasync = """
        aws() {
          [ -z "${FAIL:-}" ] || return 254
          case "$*" in
            *list-task-executions*) echo '{"TaskExecutions": []}' ;;  # none running: the pass starts one
            *start-task-execution*) printf '%s\\n' "${ARN:-}" ;;
            *"--query Status"*) printf '%s\\n' "${STATUS:-}" ;;
            *describe-task-execution*) printf '%s\\n' "${JSON:-}" ;;
          esac
        }
        """

    func testEveryDataSyncPassIsWaitedForAndFailsUnlessEveryFileArrived() throws {
        let data = try item("data:prod/shop/media-upload").commands
        let promote = try item("promote:prod/shop/media-upload").commands
        for commands in [data, promote] {
            let start = try XCTUnwrap(commands.firstIndex { $0.contains("aws datasync start-task-execution") }, "\(commands)")
            XCTAssertTrue(commands[start].contains("--query TaskExecutionArn"), commands[start])
            XCTAssertTrue(commands[(start + 1)...].contains { $0.contains("describe-task-execution") && $0.contains("while") }, "the pass is waited for: \(commands)")
        }
        // The final pass starts the claim's own task, kept in its file by the data step (DataSyncClaimTaskTests).
        let folder = try temporaryFolder(self)
        try "arn:aws:datasync:ap-northeast-2:123456789012:task/task-0123456789abcdef0\n".write(
            to: folder.appendingPathComponent(ShellQuote.fileName(["datasync", "prod", "shop", "media-uploads", "task"], suffix: ".arn")), atomically: true, encoding: .utf8)
        let pass = "cd " + ShellQuote.word(folder.path) + "\n" + promote.filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        let arn = "arn:aws:datasync:ap-northeast-2:123456789012:task/task-0123456789abcdef0/execution/exec-0123456789abcdef0"
        let good = #"{"Status": "SUCCESS", "Options": {"VerifyMode": "POINT_IN_TIME_CONSISTENT"}, "Result": {"VerifyStatus": "SUCCESS"}, "EstimatedFilesToTransfer": 12, "FilesTransferred": 12, "FilesFailed": {"Prepare": 0, "Transfer": 0, "Verify": 0, "Delete": 0}}"#
        let quick = ["DATASYNC_WAIT_SECONDS": "0", "ARN": arn]
        func run(_ environment: [String: String]) throws -> [Int32] {
            try status(datasync + "\nset -e\n" + pass, quick.merging(environment) { _, new in new })
        }
        XCTAssertEqual(try run(["STATUS": "SUCCESS", "JSON": good]), [0, 0])
        XCTAssertEqual(try run(["STATUS": "ERROR", "JSON": good]).filter { $0 == 0 }, [], "the execution failed")
        XCTAssertEqual(try run(["STATUS": "TRANSFERRING", "JSON": good]).filter { $0 == 0 }, [], "still running at the deadline")
        XCTAssertEqual(try run(["STATUS": "SUCCESS", "JSON": good.replacingOccurrences(of: "\"Transfer\": 0", with: "\"Transfer\": 2")]).filter { $0 == 0 }, [], "files failed")
        XCTAssertEqual(try run(["STATUS": "SUCCESS", "JSON": good.replacingOccurrences(of: "\"FilesTransferred\": 12", with: "\"FilesTransferred\": 9")]).filter { $0 == 0 }, [], "files missing")
        XCTAssertEqual(try run(["STATUS": "SUCCESS", "JSON": ""]).filter { $0 == 0 }, [], "no description")
        XCTAssertEqual(try run(["STATUS": "SUCCESS", "JSON": good.replacingOccurrences(of: "POINT_IN_TIME_CONSISTENT", with: "ONLY_FILES_TRANSFERRED")]).filter { $0 == 0 }, [], "the final pass verified only what it moved")
        XCTAssertEqual(try run(["STATUS": "SUCCESS", "JSON": good.replacingOccurrences(of: "\"VerifyStatus\": \"SUCCESS\"", with: "\"VerifyStatus\": \"ERROR\"")]).filter { $0 == 0 }, [], "the verification failed")
        XCTAssertEqual(try run(["ARN": ""]).filter { $0 == 0 }, [], "nothing started")
        XCTAssertEqual(try run(["FAIL": "1"]).filter { $0 == 0 }, [], "aws failed")
    }

    func testTheDataVerifyCompareFileCounts() throws {
        let verify = try item("data-verify:prod/shop/media-upload").commands
        let check = try line(verify, "the count check") { $0.hasPrefix("{ SOURCE_FILES=") }
        XCTAssertTrue(check.contains("'/srv/media'"), check)
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "42\\n", "EKS_OUT": "42\\n"]), [0, 0])
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "42\\n", "EKS_OUT": "40\\n"]).filter { $0 == 0 }, [], "EKS behind")
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "", "EKS_OUT": ""]).filter { $0 == 0 }, [], "no answer on either side")
        XCTAssertEqual(try status(sides + "\n" + check, ["FAIL": "1"]).filter { $0 == 0 }, [], "kubectl failed")
        // In the pod, a missing path is no count of 0.
        let folder = try temporaryFolder(self)
        let inPod = "cd " + ShellQuote.word(folder.appendingPathComponent("missing").path) + " && find . -type f | wc -l"
        XCTAssertNotEqual(try bash("sh -c " + ShellQuote.word(inPod)), 0)
    }

    // MARK: 4. the CronJob's last Job, and its claim's size

    func cronJob(suspend: Bool, active: Int) -> String {
        let jobs = (0..<active).map { "{\"kind\":\"Job\",\"name\":\"db-backup-\($0)\"}" }.joined(separator: ",")
        return "{\"spec\":{\"suspend\":\(suspend)},\"status\":{" + (active > 0 ? "\"active\":[\(jobs)]" : "") + "}}"
    }

    func testTheSourceCronJobIsWaitedForUntilSuspendedWithNoActiveJob() throws {
        let suspend = try item("suspend-source:prod/batch/db-backup").commands
        let verify = try item("data-verify:prod/batch/db-backup").commands
        for call in [try line(suspend, "suspend-source's wait") { $0.hasPrefix("eksodus_cron_suspend ") },
                     try line(verify, "the final copy's wait") { $0.hasPrefix("eksodus_cron_idle ") }] {
            XCTAssertTrue(call.contains(" source 'batch' 'cronjob/db-backup'"), call)
            let gate = RunbookLibrary.load + "\n" + call
            let quick = ["JOB_WAIT_SECONDS": "0"]
            XCTAssertEqual(try status(sides + "\n" + gate, quick.merging(["SRC_OUT": cronJob(suspend: true, active: 0)]) { $1 }), [0, 0])
            XCTAssertEqual(try status(sides + "\n" + gate, quick.merging(["SRC_OUT": cronJob(suspend: true, active: 1)]) { $1 }).filter { $0 == 0 }, [], "a Job still runs")
            XCTAssertEqual(try status(sides + "\n" + gate, quick.merging(["SRC_OUT": cronJob(suspend: false, active: 0)]) { $1 }).filter { $0 == 0 }, [], "not suspended")
            XCTAssertEqual(try status(sides + "\n" + gate, quick.merging(["SRC_OUT": ""]) { $1 }).filter { $0 == 0 }, [], "no answer")
            XCTAssertEqual(try status(sides + "\n" + gate, quick.merging(["FAIL": "1"]) { $1 }).filter { $0 == 0 }, [], "kubectl failed")
            XCTAssertEqual(try status(sides + "\n" + gate, ["JOB_WAIT_SECONDS": "6h", "SRC_OUT": cronJob(suspend: true, active: 0)]).filter { $0 == 0 }, [], "no whole number of seconds")
        }
        // The suspend patches before it waits, and a refused patch stops it.
        let patches = try GateShell.run("kubectl() { echo \"$*\"; [[ \"$*\" != *patch* ]] || return 1; }\n" + RunbookLibrary.load + "\n" + (suspend.first { $0.hasPrefix("eksodus_cron_suspend ") } ?? ""))
        XCTAssertNotEqual(patches.status, 0)
        XCTAssertEqual(patches.output, "--context src -n batch patch cronjob/db-backup --type=merge -p {\"spec\":{\"suspend\":true}}\n", "no wait after a refused patch")
        XCTAssertFalse(suspend.contains { $0.contains("get jobs -o wide") }, "a listing to read is no wait")
    }

    func testTheNodeCopyFailsWhenTheDataExceedsTheClaim() throws {
        for (key, commands) in [("data", try item("data:prod/batch/db-backup").commands), ("data-verify", try item("data-verify:prod/batch/db-backup").commands)] {
            let call = try line(commands, "\(key): the size check") { $0.hasPrefix("eksodus_node_fits ") }
            let copy = try XCTUnwrap(commands.firstIndex { $0.contains("tar -C /data/0 -xf -") })
            XCTAssertLessThan(try XCTUnwrap(commands.firstIndex(of: call)), copy, "\(key): measured before the copy")
            XCTAssertTrue(call.contains("db-backup-scratch"), "names the claim to grow: \(call)")
            let fits = RunbookLibrary.load + "\n" + call
            // Two nodes hold 3 GiB and 5 GiB; the claim has 9.6 GiB free, then 7 GiB.
            let stub = """
                ssh() { [ -z "${SSH_FAIL:-}" ] || return 255; case "$1" in node-a) printf '3145728\\t/srv/backup-scratch\\n' ;; *) printf '5242880\\t/srv/backup-scratch\\n' ;; esac; }
                """
            func df(_ free: String) -> String { "Filesystem 1024-blocks Used Available Capacity Mounted on\\n/dev/nvme1n1 10255636 24 \(free) 1% /data/0\\n" }
            let nodes = ["SOURCE_NODES": "node-a node-b", "COPY_POD": "pod/eksodus-copy-db-backup"]
            func run(_ environment: [String: String]) throws -> [Int32] {
                try status(sides + "\n" + stub + "\n" + fits, nodes.merging(environment) { $1 })
            }
            XCTAssertEqual(try run(["EKS_OUT": df("10066329")]), [0, 0], key)
            XCTAssertEqual(try run(["EKS_OUT": df("7340032")]).filter { $0 == 0 }, [], "\(key): too small")
            XCTAssertEqual(try run(["EKS_OUT": ""]).filter { $0 == 0 }, [], "\(key): df said nothing")
            XCTAssertEqual(try run(["EKS_OUT": df("10066329"), "SSH_FAIL": "1"]).filter { $0 == 0 }, [], "\(key): a node did not answer")
            XCTAssertEqual(try run(["EKS_OUT": df("10066329"), "SOURCE_NODES": ""]).filter { $0 == 0 }, [], "\(key): no node measured")
        }
    }

    func testTheNodeCopyFailsWhenANodesCopyFails() throws {
        let commands = try item("data:prod/batch/db-backup").commands
        let copy = try line(commands, "the copy") { $0.contains("tar -C /data/0 -xf -") }
        let stub = """
            ssh() { [ "$1" != "${SSH_FAILS_ON:-}" ] || return 255; printf 'archive'; }
            kubectl() { [ -z "${KUBECTL_FAIL:-}" ] || return 1; cat > /dev/null; }
            """
        let nodes = ["SOURCE_NODES": "node-a node-b", "COPY_POD": "pod/eksodus-copy-db-backup"]
        XCTAssertEqual(try status(stub + "\n" + copy, nodes), [0, 0])
        XCTAssertEqual(try status(stub + "\n" + copy, nodes.merging(["SSH_FAILS_ON": "node-a"]) { $1 }).filter { $0 == 0 }, [], "the first node's tar failed")
        XCTAssertEqual(try status(stub + "\n" + copy, nodes.merging(["SSH_FAILS_ON": "node-b"]) { $1 }).filter { $0 == 0 }, [], "the last node's tar failed")
        XCTAssertEqual(try status(stub + "\n" + copy, nodes.merging(["KUBECTL_FAIL": "1"]) { $1 }).filter { $0 == 0 }, [], "the copy pod refused it")
    }

    // MARK: 5. reconnect checks that assert

    func testThePostgresReconnectCheckAssertsNoSessionIsLeft() throws {
        let reconnect = try item("reconnect:prod/data/orders-db").commands
        let check = try line(reconnect, "the session count") { $0.contains("pg_stat_activity") }
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "0\\n"]), [0, 0])
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "3\\n"]).filter { $0 == 0 }, [], "sessions left")
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": ""]).filter { $0 == 0 }, [], "no answer")
        XCTAssertEqual(try status(sides + "\n" + check, ["FAIL": "1"]).filter { $0 == 0 }, [], "kubectl failed")
    }

    func testTheRabbitMQReconnectCheckAssertsNoConnectionIsLeft() throws {
        let reconnect = try item("reconnect:prod/data/rabbitmq").commands
        let check = try line(reconnect, "the connection list") { $0.contains("rabbitmqctl list_connections") }
        // The shovels still pull from the source until this step clears them: only their user may be connected, and it must be.
        let shovel = ["SHOVEL_USER": "eksodus-shovel"]
        // Each of the demo's 3 standalone brokers is read; its list ends in the marker that proves it was listed.
        XCTAssertEqual(try status(sides + "\n" + check, shovel.merging(["SRC_OUT": "eksodus-shovel\\neksodus-listed\\n"]) { $1 }), [0, 0], "only the shovels left")
        XCTAssertEqual(try status(sides + "\n" + check, shovel.merging(["SRC_OUT": "eksodus-shovel\\nstorefront\\neksodus-listed\\n"]) { $1 }).filter { $0 == 0 }, [], "a consumer left")
        XCTAssertEqual(try status(sides + "\n" + check, shovel.merging(["SRC_OUT": ""]) { $1 }).filter { $0 == 0 }, [], "nothing listed")
        XCTAssertEqual(try status(sides + "\n" + check, shovel.merging(["FAIL": "1"]) { $1 }).filter { $0 == 0 }, [], "kubectl failed")
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "eksodus-shovel\\neksodus-listed\\n"]).filter { $0 == 0 }, [], "SHOVEL_USER unset")
    }

    /// MySQL has no demo workload: its check comes from `connectionCheck` on a fixture-free plan of one StatefulSet.
    func testTheMySQLReconnectCheckAssertsNoSessionIsLeft() throws {
        let manifests = try writeManifests(["db.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: shop-db, namespace: data}
            spec:
              serviceName: shop-db
              replicas: 1
              selector: {matchLabels: {app: shop-db}}
              template:
                metadata: {labels: {app: shop-db}}
                spec:
                  containers: [{name: mysql, image: "mysql:8.0", ports: [{containerPort: 3306}], volumeMounts: [{name: data, mountPath: /var/lib/mysql}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: shop-db, namespace: data}
            spec: {selector: {app: shop-db}, ports: [{port: 3306}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: shop, namespace: data}
            spec:
              selector: {matchLabels: {app: shop}}
              template:
                metadata: {labels: {app: shop}}
                spec:
                  containers: [{name: shop, image: "shop:1", env: [{name: DB_HOST, value: shop-db}]}]
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([manifests.path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let reconnect = try XCTUnwrap(plan.items.first { $0.keyText == "reconnect:src/data/shop-db" }, "\(plan.items.map(\.keyText))").commands
        let check = try line(reconnect, "the session count") { $0.contains("information_schema.PROCESSLIST") }
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "0\\n"]), [0, 0])
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "2\\n"]).filter { $0 == 0 }, [], "sessions left")
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": ""]).filter { $0 == 0 }, [], "no answer")
        XCTAssertEqual(try status(sides + "\n" + check, ["FAIL": "1"]).filter { $0 == 0 }, [], "kubectl failed")
    }

    func testTheRedisReconnectCheckFailsWhenTheSourceDoesNotAnswer() throws {
        let reconnect = try item("reconnect:prod/data/cart-cache").commands
        let check = try line(reconnect, "the client list") { $0.contains("'pod/cart-cache-0' -- redis-cli CLIENT LIST TYPE normal") }
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "id=1 cmd=client|list\\n"]), [0, 0])
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": "id=1 cmd=client|list\\nid=2 addr=10.0.0.7:5000 cmd=set\\n"]).filter { $0 == 0 }, [], "a consumer left")
        XCTAssertEqual(try status(sides + "\n" + check, ["SRC_OUT": ""]).filter { $0 == 0 }, [], "no answer: wc -l would count 0")
        XCTAssertEqual(try status(sides + "\n" + check, ["FAIL": "1"]).filter { $0 == 0 }, [], "kubectl failed")
    }
}
