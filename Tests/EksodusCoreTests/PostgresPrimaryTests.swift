import Foundation
import XCTest
@testable import EksodusCore

/// `kubectl exec` on a StatefulSet enters its first pod, which in a replicated PostgreSQL (Patroni, an operator, a failover
/// since the export) may be a standby: the copy, the promotion and the promotion's rollback first check that the server
/// they talk to is the primary, before anything is created, frozen or stopped.
final class PostgresPrimaryTests: XCTestCase {
    /// A `kubectl` whose psql answers `$RECOVERY` to `pg_is_in_recovery()`; `$FAIL` makes it fail.
    static let stub = """
        kubectl() {
          [ -z "${FAIL:-}" ] || return 1
          local sql; sql=$(cat)
          case "$sql" in *pg_is_in_recovery*) printf '%s\\n' "${RECOVERY:-}" ;; esac
        }
        """

    func run(_ call: String, _ environment: [String: String]) throws -> (status: Int32, output: String) {
        try GateShell.runAfterLibrary(call, stub: Self.stub, environment: environment)
    }

    func item(_ key: String) throws -> PlanItem {
        try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == key }, "no \(key)")
    }

    func gate(_ commands: [String], side: String, before checks: [(String, (String) -> Bool)]) throws -> String {
        let gate = try XCTUnwrap(commands.firstIndex { $0.hasPrefix("eksodus_pg_primary \(side) ") }, "\(commands)")
        for (what, later) in checks {
            XCTAssertLessThan(gate, try XCTUnwrap(commands.firstIndex(where: later), what), "the primary is checked before \(what)")
        }
        return String(commands[gate].prefix { $0 != "#" })
    }

    func testEveryStepThatActsOnThePrimaryChecksItIsOne() throws {
        let copy = try gate(try item("data:prod/data/orders-db").commands, side: "source", before: [
            ("the slot's cap is read", { $0.hasPrefix("eksodus_pg_slot_capped ") }), ("the base backup runs", { $0.contains("run eksodus-pg-basebackup") })])
        let promote = try gate(try item("promote:prod/data/orders-db").commands, side: "source", before: [
            ("the positions are compared", { $0.hasPrefix("eksodus_pg_same_lsn ") }), ("EKS is promoted", { $0.contains("pg_promote()") })])
        let back = try gate(try item("promote:prod/data/orders-db").rollbackCommands, side: "eks", before: [
            ("EKS goes read-only", { $0.contains("default_transaction_read_only = on") }), ("the source stops", { $0.contains("--replicas=0") })])
        for call in [copy, promote, back] {
            XCTAssertEqual(try run(call, ["RECOVERY": "f"]).status, 0, call)
            let standby = try run(call, ["RECOVERY": "t"])
            XCTAssertNotEqual(standby.status, 0, "a standby answered: \(call)")
            XCTAssertTrue(standby.output.contains("not the primary"), standby.output)
            XCTAssertNotEqual(try run(call, ["RECOVERY": ""]).status, 0, "no answer is no pass")
            XCTAssertNotEqual(try run(call, ["FAIL": "1"]).status, 0, "kubectl failed")
        }
    }
}
