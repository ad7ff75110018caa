import Foundation
import XCTest
@testable import EksodusCore

/// MySQL and MariaDB replication that starts and cannot lose writes: distinct server ids, a TLS-only replicator whose
/// password never reaches an argument list, the dump's coordinates after the connection, EKS read-only until the
/// promotion, and a promotion that waits for the frozen source's position before RESET drops the relay logs. The gates
/// run in bash against a stand-in `kubectl` answering right, wrong (No/NULL/-1), nothing, or failing.
final class MySQLReplicationTests: XCTestCase {
    func plan(paths: [String]) throws -> TransitionPlan {
        try planImported(paths, target: KubernetesVersion(major: 1, minor: 33)).plan
    }

    func fixturePlan() throws -> TransitionPlan {
        try plan(paths: [try requireFixtures().appendingPathComponent("04-k8s-examples-mysql-wordpress-pd").path])
    }

    func mariadbPlan() throws -> TransitionPlan {
        try plan(paths: [try writeManifests(["db.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: shop-db, namespace: shop}
            spec:
              serviceName: shop-db
              selector: {matchLabels: {app: shop-db}}
              template:
                metadata: {labels: {app: shop-db}}
                spec:
                  containers: [{name: db, image: "mariadb:11.4.2", volumeMounts: [{name: data, mountPath: /var/lib/mysql}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}}]
            """], test: self).path])
    }

    func item(_ step: String, in plan: TransitionPlan, suffix: String) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText.hasPrefix(step + ":") && $0.keyText.hasSuffix(suffix) }, "no \(step) in \(plan.items.map(\.keyText))")
    }

    /// A `kubectl` answering `$SRC` on the source's context and `$EKS` on EKS's (escapes expanded); it fails when `$FAIL`
    /// is set, and on EKS whenever its arguments lack `$EXPECT`.
    let stub = """
        kubectl() { [ -z "${FAIL:-}" ] || return 1
          case "$*" in *"--context src"*) printf '%b' "${SRC:-}";; *"${EXPECT:-}"*) printf '%b' "${EKS:-}";; *) return 1;; esac; }

        """

    func status(_ script: String, _ environment: [String: String]) throws -> Int32 {
        try GateShell.run(stub + script, environment: environment).status
    }

    func testFixtureDataStepCanStartAndNeverPutsThePasswordInAnArgument() throws {
        let data = try item("data", in: try fixturePlan(), suffix: "/wordpress-mysql").commands
        let index = { (needle: String) in try XCTUnwrap(data.firstIndex { $0.contains(needle) }, "no \(needle) in \(data)") }
        let dump = try index("mysqldump")
        XCTAssertTrue(data[dump].contains("--routines --events --triggers") && data[dump].contains("--source-data=1"), data[dump])
        XCTAssertTrue(data[try index("CREATE USER")].contains("REQUIRE SSL"))
        XCTAssertTrue(data[try index("CHANGE REPLICATION SOURCE TO")].contains("SOURCE_SSL=1"))
        // Naming the host resets the coordinates: the connection comes before the dump that sets them.
        XCTAssertLessThan(try index("CHANGE REPLICATION SOURCE TO"), dump)
        XCTAssertLessThan(try index("CREATE USER"), dump, "the account's creation is before the dump's position")
        XCTAssertLessThan(dump, try index("--super-read-only=ON"))
        XCTAssertLessThan(try index("SELECT @@global.super_read_only"), try index("START REPLICA"), "EKS is proven read-only before it replicates")
        XCTAssertLessThan(try index("SELECT @@global.server_id"), dump, "the source's id is checked before anything is copied")
        for line in data where line.contains("REPLICATION_PASSWORD") {
            XCTAssertTrue(line.hasPrefix("printf '%s\\n' \"") || line.hasPrefix("case "), "the password goes on stdin only: \(line)")
        }

        // The source's id is checked against the one EKS will run (MySQLReplicaConfigTests checks EKS's after its restart).
        let ids = data[try index("SELECT @@global.server_id")]
        let id = try XCTUnwrap(data[try index("--server-id=")].components(separatedBy: "--server-id=").last?.prefix { $0.isNumber })
        XCTAssertEqual(try status(ids, ["SRC": "1\\n"]), 0)
        XCTAssertNotEqual(try status(ids, ["SRC": "\(id)\\n"]), 0, "the source already runs that id")
        XCTAssertNotEqual(try status(ids, ["SRC": ""]), 0, "no answer")
        XCTAssertNotEqual(try status(ids, ["SRC": "1\\n", "FAIL": "1"]), 0, "kubectl failed")

        let gtid = data[try index("SELECT @@global.gtid_mode")]
        XCTAssertEqual(try status(gtid, ["SRC": "OFF\\n", "EKS": "OFF\\n"]), 0)
        XCTAssertEqual(try status(gtid, ["SRC": "ON\\n", "EKS": "ON\\n"]), 0)
        XCTAssertNotEqual(try status(gtid, ["SRC": "ON\\n", "EKS": "OFF\\n"]), 0, "EKS would refuse GTID transactions")
        XCTAssertNotEqual(try status(gtid, ["SRC": "", "EKS": ""]), 0, "no answer")

        let binlog = data[try index("SELECT @@global.log_bin")]
        XCTAssertEqual(try status(binlog, ["SRC": "1\\n"]), 0)
        XCTAssertNotEqual(try status(binlog, ["SRC": "0\\n"]), 0)
        XCTAssertNotEqual(try status(binlog, ["SRC": ""]), 0)

        let password = try XCTUnwrap(data.first { $0.hasPrefix("case ") && $0.contains("REPLICATION_PASSWORD") })
        XCTAssertEqual(try status(password, ["REPLICATION_PASSWORD": "s3cret-Pass"]), 0)
        XCTAssertNotEqual(try status(password, ["REPLICATION_PASSWORD": ""]), 0, "unset")
        XCTAssertNotEqual(try status(password, ["REPLICATION_PASSWORD": "x' OR '1"]), 0, "a quote would end the SQL string")
        XCTAssertNotEqual(try status(password, ["REPLICATION_PASSWORD": "x\\"]), 0, "a backslash escapes the closing quote")
    }

    func testDataVerifyFailsUnlessBothThreadsRunWithASmallNumericLag() throws {
        let verify = try item("data-verify", in: try fixturePlan(), suffix: "/wordpress-mysql").commands
        XCTAssertEqual(verify.count, 1, "\(verify)")
        let gate = verify[0]
        let good = "  Replica_IO_Running: Yes\\n  Replica_SQL_Running: Yes\\n  Replica_SQL_Running_State: Replica has read all relay log\\n  Seconds_Behind_Source: 0\\n"
        XCTAssertEqual(try status(gate, ["EKS": good]), 0)
        XCTAssertNotEqual(try status(gate, ["EKS": good.replacingOccurrences(of: "IO_Running: Yes", with: "IO_Running: No")]), 0, "IO thread stopped (equal server ids)")
        XCTAssertNotEqual(try status(gate, ["EKS": good.replacingOccurrences(of: "SQL_Running: Yes", with: "SQL_Running: No")]), 0, "SQL thread stopped")
        XCTAssertNotEqual(try status(gate, ["EKS": good.replacingOccurrences(of: "Source: 0", with: "Source: NULL")]), 0, "NULL lag")
        XCTAssertNotEqual(try status(gate, ["EKS": good.replacingOccurrences(of: "Source: 0", with: "Source: 4000")]), 0, "far behind")
        XCTAssertNotEqual(try status(gate, ["EKS": ""]), 0, "no replica configured: an empty status")
        XCTAssertNotEqual(try status(gate, ["EKS": good, "FAIL": "1"]), 0, "kubectl failed")
    }

    func testPromotionWaitsForTheFrozenSourcePositionBeforeResettingTheReplica() throws {
        let promote = try item("promote", in: try fixturePlan(), suffix: "/wordpress-mysql").commands
        let wait = try XCTUnwrap(promote.firstIndex { $0.contains("SOURCE_POS_WAIT") }, "\(promote)")
        XCTAssertTrue(promote[wait].contains("performance_schema.log_status"), "one gate reads the position and waits for it")
        let reset = try XCTUnwrap(promote.firstIndex { $0.contains("RESET REPLICA ALL") })
        let frozen = try XCTUnwrap(promote.firstIndex { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("SELECT @@global.super_read_only") })
        let writable = try XCTUnwrap(promote.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("SET GLOBAL super_read_only = OFF") })
        XCTAssertTrue(frozen < wait && wait < reset && reset < writable, "\(promote)")

        let gates = promote[wait]
        let expect = "SOURCE_POS_WAIT('binlog.000002', 157, 600)"
        let source = "binlog.000002\\t157\\n"
        XCTAssertEqual(try status(gates, ["SRC": source, "EKS": "0\\n", "EXPECT": expect]), 0, "caught up")
        XCTAssertEqual(try status(gates, ["SRC": source, "EKS": "12\\n", "EXPECT": expect]), 0, "caught up after 12 events")
        XCTAssertNotEqual(try status(gates, ["SRC": source, "EKS": "-1\\n", "EXPECT": expect]), 0, "timed out")
        XCTAssertNotEqual(try status(gates, ["SRC": source, "EKS": "NULL\\n", "EXPECT": expect]), 0, "SQL thread stopped")
        XCTAssertNotEqual(try status(gates, ["SRC": source, "EKS": "", "EXPECT": expect]), 0, "no answer")
        XCTAssertNotEqual(try status(gates, ["SRC": "", "EKS": "0\\n"]), 0, "the source gave no position")
        XCTAssertNotEqual(try status(gates, ["SRC": "x');DROP\\t157\\n", "EKS": "0\\n"]), 0, "a file name that is not one")
        XCTAssertNotEqual(try status(gates, ["SRC": source, "EKS": "0\\n", "FAIL": "1"]), 0, "kubectl failed")

        let tables = try XCTUnwrap(promote.firstIndex { $0.contains("information_schema.tables") }, "\(promote)")
        XCTAssertTrue(wait < tables && tables < reset, "the tables are compared once caught up, before the relay logs go")
        let wordpress = "wordpress\\t12\\twp_comments,wp_options\\n"
        XCTAssertEqual(try status(promote[tables], ["SRC": wordpress, "EKS": wordpress]), 0)
        XCTAssertNotEqual(try status(promote[tables], ["SRC": wordpress, "EKS": "wordpress\\t11\\twp_options\\n"]), 0, "a table missing on EKS")
        XCTAssertNotEqual(try status(promote[tables], ["SRC": "", "EKS": ""]), 0, "no answer is no match")
        XCTAssertNotEqual(try status(promote[tables], ["SRC": wordpress, "EKS": wordpress, "FAIL": "1"]), 0, "kubectl failed")
    }

    func testMariaDBSpeaksItsOwnReplicationSyntax() throws {
        let plan = try mariadbPlan()
        let data = try item("data", in: plan, suffix: "/shop-db").commands.joined(separator: "\n")
        XCTAssertTrue(data.contains("CHANGE MASTER TO MASTER_HOST=") && data.contains("MASTER_SSL=1") && data.contains("MASTER_USE_GTID=no"), data)
        XCTAssertTrue(data.contains("--master-data=1") && data.contains("START SLAVE") && data.contains("--server-id="), data)
        XCTAssertFalse(data.contains("super_read_only") || data.contains("gtid_mode") || data.contains("SOURCE_SSL"), data)

        let gate = try item("data-verify", in: plan, suffix: "/shop-db").commands[0]
        let good = "Slave_IO_Running: Yes\\nSlave_SQL_Running: Yes\\nSeconds_Behind_Master: 3\\n"
        XCTAssertEqual(try status(gate, ["EKS": good]), 0)
        XCTAssertNotEqual(try status(gate, ["EKS": good.replacingOccurrences(of: "IO_Running: Yes", with: "IO_Running: Connecting")]), 0)
        XCTAssertNotEqual(try status(gate, ["EKS": ""]), 0)

        let promote = try item("promote", in: plan, suffix: "/shop-db").commands
        let wait = try XCTUnwrap(promote.firstIndex { $0.contains("MASTER_POS_WAIT") && $0.contains("SHOW MASTER STATUS") }, "\(promote)")
        XCTAssertLessThan(wait, try XCTUnwrap(promote.firstIndex { $0.contains("RESET SLAVE ALL") }))
        let gates = promote[wait]
        let source = "mariadb-bin.000004\\t342\\t\\t\\n"
        XCTAssertEqual(try status(gates, ["SRC": source, "EKS": "0\\n", "EXPECT": "MASTER_POS_WAIT('mariadb-bin.000004', 342, 600)"]), 0)
        XCTAssertNotEqual(try status(gates, ["SRC": source, "EKS": "NULL\\n"]), 0)
    }
}

/// The dump is piped into the other side's mysql: a mysqldump that fails half-way must fail the step (and the rollback's
/// copy back), not leave mysql's exit 0 on what it read.
final class MySQLDumpPipeTests: XCTestCase {
    func testAFailedDumpFailsTheCopyAndTheCopyBack() throws {
        let plan = try planImported([try requireFixtures().appendingPathComponent("04-k8s-examples-mysql-wordpress-pd").path]).plan
        let data = try XCTUnwrap(plan.items.first { $0.key.step == .data && $0.keyText.hasSuffix("/wordpress-mysql") }).commands
        let promote = try XCTUnwrap(plan.items.first { $0.key.step == .promote && $0.keyText.hasSuffix("/wordpress-mysql") }).rollbackCommands
        let copy = try XCTUnwrap(data.first { $0.contains("mysqldump") }), back = try XCTUnwrap(promote.first { $0.contains("mysqldump") })
        let bin = try temporaryFolder(self)
        // A kubectl whose mysqldump fails after a partial dump while mysql takes whatever it is given.
        try "#!/bin/sh\ncase \"$*\" in *mysqldump*) echo '-- partial'; exit 2 ;; *) cat >/dev/null ;; esac\n"
            .write(to: bin.appendingPathComponent("kubectl"), atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(bin.appendingPathComponent("kubectl").path, 0o755), 0)
        for line in [copy, back] {
            XCTAssertNotEqual(try GateShell.run(line, environment: ["PATH": bin.path + ":/usr/bin:/bin", "MYSQL_ROOT_PASSWORD": "x"]).status, 0, line)
        }
    }
}
