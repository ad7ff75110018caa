import Foundation
import XCTest
@testable import EksodusCore

/// The copy's replication slot on the source primary is capped before it exists: the base backup step checks
/// max_slot_wal_keep_size first and stops on -1 (unlimited) or a server older than 13 unless the operator names the slot in
/// PG_UNCAPPED_SLOT; the verify and promotion steps read the slot's wal_status, and a lost slot stops them.
final class PostgresSlotCapTests: XCTestCase {
    /// A `kubectl` whose psql answers `$ANSWER` to the version query and `$STATUS` to the wal_status one (`$VERSION` to a bare
    /// version query); `$FAIL` makes it fail.
    static let stub = """
        kubectl() {
          [ -z "${FAIL:-}" ] || return 1
          local sql; sql=$(cat)
          case "$sql" in
            *wal_status*) printf '%s\\n' "${STATUS:-}" ;;
            *max_slot_wal_keep_size*) printf '%s\\n' "${ANSWER:-}" ;;
            *server_version_num*) printf '%s\\n' "${VERSION:-}" ;;
          esac
        }
        """

    func run(_ call: String, _ environment: [String: String]) throws -> (status: Int32, output: String) {
        try GateShell.runAfterLibrary(call, stub: Self.stub, environment: environment)
    }

    func commands(_ key: String) throws -> [String] {
        try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == key }, "no \(key)").commands
    }

    func testTheBaseBackupStopsOnAnUncappedSlotBeforeCreatingIt() throws {
        let data = try commands("data:prod/data/orders-db")
        let gate = try XCTUnwrap(data.firstIndex { $0.hasPrefix("eksodus_pg_slot_capped source ") }, "\(data)")
        XCTAssertLessThan(gate, try XCTUnwrap(data.firstIndex { $0.hasPrefix("eksodus_pg_slot_drop_left ") }))
        XCTAssertLessThan(gate, try XCTUnwrap(data.firstIndex { $0.contains("run eksodus-pg-basebackup") }))
        let evidence = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "data:prod/data/orders-db" }).evidence
        XCTAssertTrue(evidence.contains("max_slot_wal_keep_size"), evidence)

        let call = String(data[gate].prefix { $0 != "#" })
        let slot = try XCTUnwrap(call.split(separator: " ").last.map(String.init))
        let capped = try run(call, ["ANSWER": "160000|50GB"])
        XCTAssertEqual(capped.status, 0, capped.output)
        let unlimited = try run(call, ["ANSWER": "160000|-1"])
        XCTAssertNotEqual(unlimited.status, 0)
        XCTAssertTrue(unlimited.output.contains("ALTER SYSTEM SET max_slot_wal_keep_size"), unlimited.output)
        let old = try run(call, ["ANSWER": "120011|"])
        XCTAssertNotEqual(old.status, 0)
        XCTAssertTrue(old.output.contains("no cap"), old.output)
        XCTAssertNotEqual(try run(call, ["FAIL": "1"]).status, 0, "no answer is no pass")
        XCTAssertNotEqual(try run(call, ["ANSWER": ""]).status, 0, "an empty answer is no pass")
        for answer in ["160000|-1", "120011|"] {
            XCTAssertEqual(try run(call, ["ANSWER": answer, "PG_UNCAPPED_SLOT": slot]).status, 0, "accepted by name: \(answer)")
            XCTAssertNotEqual(try run(call, ["ANSWER": answer, "PG_UNCAPPED_SLOT": "yes"]).status, 0, "yes accepts no slot: \(answer)")
        }
    }

    func testALostSlotStopsTheVerifyAndThePromotion() throws {
        for key in ["data-verify:prod/data/orders-db", "promote:prod/data/orders-db"] {
            let steps = try commands(key)
            let line = try XCTUnwrap(steps.first { $0.hasPrefix("eksodus_pg_slot_health source ") }, "\(key): \(steps)")
            if key.hasPrefix("promote") {
                XCTAssertLessThan(try XCTUnwrap(steps.firstIndex(of: line)), try XCTUnwrap(steps.firstIndex { $0.hasPrefix("eksodus_pg_same_lsn ") }))
            }
            let call = String(line.prefix { $0 != "#" })
            XCTAssertEqual(try run(call, ["VERSION": "160000", "STATUS": "reserved|1024|"]).status, 0)
            let extended = try run(call, ["VERSION": "160000", "STATUS": "extended|9000000000|1000"])
            XCTAssertEqual(extended.status, 0, extended.output)
            XCTAssertTrue(extended.output.contains("WARNING"), extended.output)
            let lost = try run(call, ["VERSION": "160000", "STATUS": "lost||"])
            XCTAssertNotEqual(lost.status, 0)
            XCTAssertTrue(lost.output.contains("Rebuild the standby"), lost.output)
            XCTAssertNotEqual(try run(call, ["FAIL": "1"]).status, 0, "no answer is no pass")
            XCTAssertEqual(try run(call, ["VERSION": "120011"]).status, 0, "before 13: no wal_status to read")
        }
    }

    /// The promotion's rollback rebuilds the source as a standby of the EKS primary, which is production by then, through a
    /// slot made there: the same cap is checked first, while EKS still takes writes and the source still runs, and the
    /// slot's health is read before the source is promoted back.
    func testTheRollbacksSlotOnTheEKSPrimaryIsCappedBeforeAnythingStops() throws {
        let item = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "promote:prod/data/orders-db" })
        let rollback = item.rollbackCommands
        let gate = try XCTUnwrap(rollback.firstIndex { $0.hasPrefix("eksodus_pg_slot_capped eks ") }, "\(rollback)")
        for (what, later) in [("EKS goes read-only", { (line: String) in line.contains("default_transaction_read_only = on") }),
                              ("the slot an earlier run left is dropped", { $0.hasPrefix("eksodus_pg_slot_drop_left eks ") }),
                              ("the source stops", { $0.contains("--replicas=0") }),
                              ("the rebuild pod runs", { $0.contains("run eksodus-pg-basebackup") })] {
            XCTAssertLessThan(gate, try XCTUnwrap(rollback.firstIndex(where: later), what), "the cap is checked before \(what)")
        }
        let health = try XCTUnwrap(rollback.firstIndex { $0.hasPrefix("eksodus_pg_slot_health eks ") }, "\(rollback)")
        XCTAssertLessThan(health, try XCTUnwrap(rollback.firstIndex { $0.contains("pg_promote()") }))

        let call = String(rollback[gate].prefix { $0 != "#" })
        let slot = try XCTUnwrap(call.split(separator: " ").last.map(String.init))
        XCTAssertEqual(try run(call, ["ANSWER": "160000|50GB"]).status, 0)
        let unlimited = try run(call, ["ANSWER": "160000|-1"])
        XCTAssertNotEqual(unlimited.status, 0, "an uncapped slot on the EKS primary")
        XCTAssertTrue(unlimited.output.contains("ALTER SYSTEM SET max_slot_wal_keep_size"), unlimited.output)
        XCTAssertEqual(try run(call, ["ANSWER": "160000|-1", "PG_UNCAPPED_SLOT": slot]).status, 0, "accepted by name")
        XCTAssertTrue(call.contains("eksodus_pg_slot_capped eks ") && !call.contains("$SOURCE_CONTEXT"), "asked of the EKS primary: \(call)")
    }
}
