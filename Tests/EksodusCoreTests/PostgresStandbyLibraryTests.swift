import Foundation
import XCTest
@testable import EksodusCore

/// The base backup pod's secret, as the copy and the rollback create it through the library: the password reaches kubectl
/// on stdin only, a failed run's pod and secret go first, and nothing runs while the address or the password is unset.
final class PostgresStandbyLibraryTests: XCTestCase {
    /// Records each call's arguments (`ARGS <arguments>`) and what it read on stdin for `create secret` (`STDIN <text>`).
    static let stub = """
        kubectl() {
          printf 'ARGS %s\\n' "$*" >> "$LOG"
          case "$*" in *" create secret "*) printf 'STDIN %s\\n' "$(cat)" >> "$LOG" ;; esac
        }
        """

    func run(_ call: String, _ environment: [String: String]) throws -> (status: Int32, log: String) {
        let log = try temporaryFolder(self).appendingPathComponent("log")
        let result = try GateShell.run(Self.stub + "\n" + RunbookLibrary.load + "\n" + call, environment: environment.merging(["LOG": log.path]) { $1 })
        return (result.status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    func testThePasswordReachesTheSecretOnStdinOnly() throws {
        let plan = try DemoPlanOnce.plan()
        let data = try XCTUnwrap(plan.items.first { $0.keyText == "data:prod/data/orders-db" }).commands
        let rollback = try XCTUnwrap(plan.items.first { $0.keyText == "promote:prod/data/orders-db" }).rollbackCommands
        for (call, host) in [(try XCTUnwrap(data.first { $0.hasPrefix("eksodus_pg_secret ") }), "SOURCE_DB_HOST"),
                             (try XCTUnwrap(rollback.first { $0.hasPrefix("eksodus_pg_secret ") }), "EKS_DB_HOST")] {
            XCTAssertFalse(call.contains("PASSWORD"), call)
            let good = try run(call, [host: "db.internal", "REPLICATION_PASSWORD": "s3cret pass'word"])
            XCTAssertEqual(good.status, 0, good.log)
            let lines = good.log.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 3, good.log)
            XCTAssertTrue(lines[0].hasSuffix("delete pod/eksodus-pg-basebackup secret/eksodus-pg-replication --ignore-not-found"), "a failed run's first: \(lines[0])")
            XCTAssertTrue(lines[1].hasSuffix("create secret generic eksodus-pg-replication --from-literal=PGHOST=db.internal --from-literal=PGUSER=replicator --from-file=PGPASSWORD=/dev/stdin"), lines[1])
            XCTAssertEqual(lines[2], "STDIN s3cret pass'word")
            XCTAssertFalse(lines.filter { $0.hasPrefix("ARGS") }.contains { $0.contains("s3cret") }, "never an argument")

            for missing in [[host: "db.internal"], ["REPLICATION_PASSWORD": "pw"]] {
                let refused = try run(call, missing)
                XCTAssertNotEqual(refused.status, 0, "\(missing)")
                XCTAssertEqual(refused.log, "", "nothing ran: \(refused.log)")
            }
        }
    }

    /// The first pod's claim, made from the StatefulSet's template as EKS holds it: a template or StatefulSet that is not
    /// there is no claim, and nothing is applied.
    func testTheFirstPodsClaimIsMadeFromItsTemplateOrNotAtAll() throws {
        let data = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "data:prod/data/orders-db" }).commands
        let call = try XCTUnwrap(data.first { $0.hasPrefix("eksodus_pg_claim ") })
        XCTAssertLessThan(try XCTUnwrap(data.firstIndex(of: call)), try XCTUnwrap(data.firstIndex { $0.contains("run eksodus-pg-basebackup") }))
        let stub = """
            kubectl() {
              case "$*" in
                *" get statefulset/"*) [ -z "${DOWN:-}" ] || return 1; printf '%s' "$STATEFULSET" ;;
                *" apply -f -") printf 'APPLIED %s\n' "$(cat)" ;;
              esac
            }
            """
        let statefulSet = #"{"spec":{"volumeClaimTemplates":[{"metadata":{"name":"data","labels":{"app":"orders-db"}},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"20Gi"}}}}]}}"#
        let good = try GateShell.run(stub + "\n" + RunbookLibrary.load + "\n" + call, environment: ["STATEFULSET": statefulSet])
        XCTAssertEqual(good.status, 0, good.output)
        let applied = try XCTUnwrap(good.output.split(separator: "\n").first { $0.hasPrefix("APPLIED ") }.map { Data($0.dropFirst(8).utf8) })
        let claim = try XCTUnwrap(try JSONSerialization.jsonObject(with: applied) as? [String: Any])
        XCTAssertEqual(claim["kind"] as? String, "PersistentVolumeClaim")
        XCTAssertEqual((claim["metadata"] as? [String: Any])?["name"] as? String, "data-orders-db-0")
        XCTAssertEqual(((claim["spec"] as? [String: Any])?["resources"] as? [String: Any]).flatMap { ($0["requests"] as? [String: Any])?["storage"] as? String }, "20Gi")
        for (why, environment) in [("EKS did not answer", ["DOWN": "1", "STATEFULSET": statefulSet]), ("no such template", ["STATEFULSET": #"{"spec":{"volumeClaimTemplates":[]}}"#])] {
            let refused = try GateShell.run(stub + "\n" + RunbookLibrary.load + "\n" + call, environment: environment)
            XCTAssertNotEqual(refused.status, 0, why)
            XCTAssertFalse(refused.output.contains("APPLIED"), why)
        }
    }
}
