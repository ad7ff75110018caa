import Foundation
import XCTest
@testable import EksodusCore

/// The promotion of independent Redis pods and its rollback, as the library runs them for the demo's three `cart-cache`
/// pods, against a stand-in `kubectl` whose pods answer `INFO replication` with the offset and link of `$OFFSET_<side>_<i>`
/// and `$LINK_<side>_<i>` (100 and up unless set), and what changes something with OK (NOAUTH with `$REFUSE`): every pair is checked before any pod is promoted, and nothing is
/// promoted when one pair lags, a link is down, a side lists too few pods or the pause has lifted.
final class RedisPromotionLibraryTests: XCTestCase {
    static let stub = """
        kubectl() {
          printf '%s\\n' "$*" >> "$LOG"
          local side=src pod i
          case "$*" in *"--context eks"*) side=eks ;; esac
          case "$*" in
            *" get pods -l "*) for (( i = 0; i < ${PODS:-3}; i++ )); do printf 'pod/cache-%s\\n' "$i"; done; return 0 ;;
          esac
          pod=$(printf '%s\\n' "$@" | grep '^pod/' | head -n 1); i=${pod##*-}
          case "$*" in
            *"INFO replication"*) local offset="OFFSET_${side}_$i" link="LINK_${side}_$i"
              printf 'role:slave\\r\\nmaster_link_status:%s\\r\\n' "${!link:-up}"
              [ -n "${!offset:-}" ] || { [ -z "${NO_OFFSET:-}" ] && printf 'master_repl_offset:100\\r\\n'; return 0; }
              printf 'master_repl_offset:%s\\r\\n' "${!offset}" ;;
            *REPLICAOF*|*"CLIENT PAUSE"*|*"CLIENT UNPAUSE"*) if [ -n "${REFUSE:-}" ]; then echo 'NOAUTH Authentication required.'; else echo OK; fi ;;
          esac
        }
        """

    func run(_ lines: [String], _ environment: [String: String]) throws -> (status: Int32, output: String, log: [String]) {
        let folder = try temporaryFolder(self)
        let log = folder.appendingPathComponent("log")
        let paused = ["REDIS_PAUSED_UNTIL": String(Int(Date().timeIntervalSince1970) + 600), "LOG": log.path]
        let result = try GateShell.run("exec 2>&1\nset -e\n" + Self.stub + "\n" + lines.joined(separator: "\n"), environment: paused.merging(environment) { $1 })
        return (result.status, result.output, ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init))
    }

    func item() throws -> PlanItem { try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "promote:prod/data/cart-cache" }) }

    func testEveryPairIsCheckedBeforeAnyIndependentPodIsPromoted() throws {
        let promote = try item().commands
        let good = try run(promote, [:])
        XCTAssertEqual(good.status, 0, good.output)
        let promotions = good.log.filter { $0.contains("REPLICAOF NO ONE") }
        XCTAssertEqual(promotions, (0..<3).map { "--context eks -n data exec pod/cart-cache-\($0) -- redis-cli REPLICAOF NO ONE" })
        let lastCheck = try XCTUnwrap(good.log.lastIndex { $0.contains("INFO replication") })
        XCTAssertLessThan(lastCheck, try XCTUnwrap(good.log.firstIndex { $0.contains("REPLICAOF NO ONE") }), "every pair first")
        XCTAssertTrue(good.log.contains { $0.contains("--context src -n data exec pod/cart-cache-2 -- redis-cli INFO replication") }, "\(good.log)")

        let failures: [(String, [String: String], String)] = [
            ("pod 2 lags", ["OFFSET_eks_2": "90"], "EKS pod 2 has not caught up with source pod 2"),
            ("pod 1's link is down", ["LINK_eks_1": "down"], "EKS pod 1 has not caught up"),
            ("no offsets at all", ["NO_OFFSET": "1"], "EKS pod 0 has not caught up"),
            ("the pause has lifted", ["REDIS_PAUSED_UNTIL": String(Int(Date().timeIntervalSince1970) - 5)], "lifted itself"),
            ("the pause was not noted", ["REDIS_PAUSED_UNTIL": ""], "REDIS_PAUSED_UNTIL was not noted"),
        ]
        // A password variable the engineer exported for another Redis does not reach this one, which requires none.
        let exported = try run(promote, ["EKSODUS_REDIS_AUTH": "REDIS_PASSWORD"])
        XCTAssertEqual(exported.status, 0, exported.output)
        XCTAssertEqual(exported.log.filter { $0.contains("REPLICAOF NO ONE") }, promotions, "\(exported.log)")
        XCTAssertFalse(exported.log.contains { $0.contains("REDISCLI_AUTH") }, "\(exported.log)")
        // redis-cli exits 0 on an error answer: the promotion stops at the first pod that did not say OK.
        let refused = try run(promote, ["REFUSE": "1"])
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("NOAUTH"), refused.output)
        XCTAssertEqual(refused.log.filter { $0.contains("REPLICAOF NO ONE") }.count, 1, "\(refused.log)")

        for (why, environment, message) in failures {
            let result = try run(promote, environment)
            XCTAssertNotEqual(result.status, 0, why)
            XCTAssertTrue(result.output.contains(message), "\(why): \(result.output)")
            XCTAssertFalse(result.log.contains { $0.contains("REPLICAOF NO ONE") }, "\(why): promoted")
        }
    }

    /// The rollback: every EKS_REDIS_HOST_i set before anything changes; source pod i follows EKS pod i, EKS is paused, and
    /// the source pods are promoted only once all caught up; the source's pauses lift after.
    func testTheRollbackBringsEverySourcePodBackOnlyOnceAllCaughtUp() throws {
        let rollback = try item().rollbackCommands
        let hosts = ["EKS_REDIS_HOST_0": "10.0.0.1", "EKS_REDIS_HOST_1": "10.0.0.2", "EKS_REDIS_HOST_2": "10.0.0.3"]
        let good = try run(rollback, hosts)
        XCTAssertEqual(good.status, 0, good.output)
        let follow = try XCTUnwrap(good.log.firstIndex(of: "--context src -n data exec pod/cart-cache-2 -- redis-cli REPLICAOF 10.0.0.3 6379"), "\(good.log)")
        let pause = try XCTUnwrap(good.log.firstIndex(of: "--context eks -n data exec pod/cart-cache-0 -- redis-cli CLIENT PAUSE 86400000 WRITE"))
        let promoted = try XCTUnwrap(good.log.firstIndex { $0.hasPrefix("--context src") && $0.contains("REPLICAOF NO ONE") })
        let unpause = try XCTUnwrap(good.log.firstIndex { $0.contains("CLIENT UNPAUSE") })
        XCTAssertTrue(follow < pause && pause < promoted && promoted < unpause, "\(good.log)")

        let unset = try run(rollback, hosts.merging(["EKS_REDIS_HOST_2": ""]) { $1 })
        XCTAssertNotEqual(unset.status, 0)
        XCTAssertTrue(unset.output.contains("EKS_REDIS_HOST_2 is not set"), unset.output)
        XCTAssertTrue(unset.log.isEmpty, "nothing ran: \(unset.log)")

        let behind = try run(rollback, hosts.merging(["OFFSET_src_1": "50"]) { $1 })
        XCTAssertNotEqual(behind.status, 0)
        XCTAssertTrue(behind.output.contains("source pod 1 has not caught up with EKS pod 1"), behind.output)
        XCTAssertFalse(behind.log.contains { $0.hasPrefix("--context src") && $0.contains("REPLICAOF NO ONE") }, "\(behind.log)")
        XCTAssertFalse(behind.log.contains { $0.contains("CLIENT UNPAUSE") }, "the source stays paused")
    }

    /// Pods found by label: a side running fewer pods than planned stops the promotion before any check.
    func testPodsListedByLabelMustBeAsManyAsPlanned() throws {
        let call = ["EKSODUS_REDIS_AUTH='' eksodus_redis_promote_each 'shop' source 3 '' 'app=cache'"]
        let load = [RunbookLibrary.load]
        let good = try run(load + call, [:])
        XCTAssertEqual(good.status, 0, good.output)
        XCTAssertEqual(good.log.filter { $0.contains("REPLICAOF NO ONE") }.count, 3)
        let few = try run(load + call, ["PODS": "2"])
        XCTAssertNotEqual(few.status, 0)
        XCTAssertTrue(few.output.contains("expected 3 Redis pods on the source side"), few.output)
        XCTAssertFalse(few.log.contains { $0.contains("REPLICAOF") })
    }
}
