import Foundation
import XCTest
@testable import EksodusCore

/// After the promotion, a replica set spanning both sites must keep its primary through a network cut between them: the
/// EKS member ends as the only voter (odd, on the side that serves), the source members non-voting secondaries; the
/// rollback gives them their votes back before EKS steps down and ends with the source's voters as before. The
/// promotion's and rollback's reconfig scripts run in node against a model of `rs` that refuses what MongoDB refuses
/// (two voting changes in one reconfig, a non-voting member with a priority); the voters gate runs in bash.
final class MongoReplicaSetVotesTests: XCTestCase {
    private let eks = "orders-db-0.orders-db.shop.svc.cluster.local:27017"

    private func replicaSet() throws -> TransitionPlan {
        let (plan, _) = try planImported([try writeManifests(["mongo.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: orders-db, namespace: shop}
            spec:
              serviceName: orders-db
              selector: {matchLabels: {app: orders-db}}
              template:
                metadata: {labels: {app: orders-db}}
                spec:
                  containers: [{name: mongo, image: "mongo:7.0", args: ["--replSet", "rs0", "--bind_ip_all"], volumeMounts: [{name: data, mountPath: /data/db}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}}]
            """], test: self).path])
        return plan
    }

    /// The JavaScript a `mongosh --eval "…"` line runs, `$EKS_MEMBER_HOST` expanded as bash would.
    private func script(_ line: String) throws -> String {
        let start = try XCTUnwrap(line.range(of: "--eval \""), line).upperBound
        let end = try XCTUnwrap(line.range(of: "\"", options: .backwards), line).lowerBound
        return String(line[start..<end]).replacingOccurrences(of: "$EKS_MEMBER_HOST:27017", with: eks)
    }

    /// Runs `scripts` in order against one set of `members` (host, votes, priority); the members after, or nil when a
    /// reconfig was refused.
    private func run(_ scripts: [String], members: [(String, Int, Double)]) throws -> [(host: String, votes: Int, priority: Double, tags: Int)]? {
        let start = members.map { "{host: '\($0.0)', votes: \($0.1), priority: \($0.2)}" }.joined(separator: ", ")
        let model = """
            let state = {members: [\(start)]};
            const copy = (x) => JSON.parse(JSON.stringify(x));
            const rs = {
              conf: () => copy(state),
              reconfig: (cfg) => {
                const before = new Map(state.members.map((m) => [m.host, m.votes > 0]));
                const changed = cfg.members.filter((m) => before.get(m.host) !== (m.votes > 0)).length;
                if (changed > 1) throw new Error('more than one voting member changed');
                if (cfg.members.some((m) => m.votes === 0 && m.priority > 0)) throw new Error('a non-voting member with a priority');
                state = copy(cfg);
              },
            };
            const print = console.log;
            try {
            \(scripts.joined(separator: "\n"))
            } catch (e) { console.log('REFUSED ' + e.message); process.exit(0); }
            for (const m of state.members) console.log(m.host + ' ' + m.votes + ' ' + m.priority + ' ' + Object.keys(m.tags || {}).length);
            """
        let file = try temporaryFolder(self).appendingPathComponent("model.js")
        try model.write(to: file, atomically: true, encoding: .utf8)
        let output = try GateShell.run("node " + ShellQuote.word(file.path)).output
        if output.contains("REFUSED") || output.isEmpty { return nil }
        return output.split(separator: "\n").map { line in
            let parts = line.split(separator: " ").map(String.init)
            return (parts[0], Int(parts[1]) ?? -1, Double(parts[2]) ?? -1, Int(parts[3]) ?? -1)
        }
    }

    func testAfterThePromotionTheEKSMemberIsTheOnlyVoterAndTheRollbackGivesTheSourceItsVotesBack() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/node") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/node") else {
            throw XCTSkip("node is not installed: the reconfig scripts cannot be run")
        }
        let plan = try replicaSet()
        let promote = try XCTUnwrap(plan.items.first { $0.keyText == "promote:src/shop/orders-db" }).commands
        let primary = try XCTUnwrap(promote.firstIndex { $0.contains("{ PRIMARY=") }, "\(promote)")
        let drop = try XCTUnwrap(promote.firstIndex { $0.contains("eksodusVotes") }, "\(promote)")
        let voters = try XCTUnwrap(promote.firstIndex { $0.contains("{ VOTERS=") }, "\(promote)")
        XCTAssertTrue(primary < drop && drop < voters, "the votes move once EKS is the primary, then are read back")
        XCTAssertTrue(promote[drop].contains("--context \"$EKS_CONTEXT\""), "run on the EKS primary: \(promote[drop])")
        let rollback = try XCTUnwrap(plan.items.first { $0.keyText == "promote:src/shop/orders-db" }).rollbackCommands
        let restore = try XCTUnwrap(rollback.firstIndex { $0.contains("eksodusVotes") }, "\(rollback)")
        let stepDown = try XCTUnwrap(rollback.firstIndex { $0.contains("rs.stepDown(") }, "\(rollback)")
        let demote = try XCTUnwrap(rollback.firstIndex { $0.contains("m.priority = 0; m.votes = 0") }, "\(rollback)")
        XCTAssertTrue(restore < stepDown && stepDown < demote, "votes back before EKS steps down (a non-voting source member cannot be elected)")

        // The promotion's reconfig as MongoDB takes it: after the step-down, EKS outranks every source member and votes.
        let outrank = try script(try XCTUnwrap(promote.first { $0.contains("m.votes = 1; m.priority = top + 1") }))
        for source in [[("mongo-0.on-prem:27017", 1, 1.0)],
                       [("mongo-0.on-prem:27017", 1, 2.0), ("mongo-1.on-prem:27017", 1, 1.0), ("mongo-2.on-prem:27017", 1, 0.5), ("mongo-3.on-prem:27017", 0, 0.0)]] {
            let start = source + [(eks, 0, 0.0)]
            let promoted = try XCTUnwrap(try run([outrank, try script(promote[drop])], members: start), "a reconfig was refused")
            XCTAssertEqual(promoted.filter { $0.votes > 0 }.map(\.host), [eks], "only EKS votes: \(promoted)")
            XCTAssertEqual(promoted.filter { $0.votes > 0 }.count % 2, 1)
            XCTAssertTrue(promoted.filter { $0.host != eks }.allSatisfy { $0.priority == 0 }, "a non-voting member never stands: \(promoted)")

            let back = try XCTUnwrap(try run([outrank, try script(promote[drop]), try script(rollback[restore]), try script(rollback[demote])], members: start),
                                     "a rollback reconfig was refused")
            XCTAssertEqual(back.map { "\($0.host) \($0.votes) \($0.priority) \($0.tags)" },
                           start.map { "\($0.0) \($0.1) \($0.2) 0" }, "the source's votes and priorities as before, EKS out of the vote, no tag left")
        }
        // Without the drop, two voters stay: the model shows why it is there.
        let twoVoters = try XCTUnwrap(try run([outrank], members: [("mongo-0.on-prem:27017", 1, 1.0), (eks, 0, 0.0)]))
        XCTAssertEqual(twoVoters.filter { $0.votes > 0 }.count, 2)
    }

    func testTheVotersGateFailsUnlessEKSAloneVotes() throws {
        let plan = try replicaSet()
        let gate = try XCTUnwrap(try XCTUnwrap(plan.items.first { $0.keyText == "promote:src/shop/orders-db" }).commands.first { $0.contains("{ VOTERS=") })
        let stub = """
            kubectl() {
              [ -z "${FAIL:-}" ] || return 1
              case "$*" in *"--context eks"*) printf '%s\\n' "$ANSWER" ;; *) return 7 ;; esac
            }

            """
        let host = ["EKS_MEMBER_HOST": String(eks.dropLast(":27017".count))]
        func status(_ environment: [String: String]) throws -> Int32 {
            try GateShell.run(stub + gate, environment: host.merging(environment) { _, new in new }).status
        }
        XCTAssertEqual(try status(["ANSWER": eks]), 0)
        XCTAssertNotEqual(try status(["ANSWER": "mongo-0.on-prem:27017," + eks]), 0, "a source member still votes")
        XCTAssertNotEqual(try status(["ANSWER": "mongo-0.on-prem:27017"]), 0, "the wrong voter")
        XCTAssertNotEqual(try status(["ANSWER": ""]), 0, "no answer")
        XCTAssertNotEqual(try status(["ANSWER": eks, "FAIL": "1"]), 0, "kubectl failed")
    }
}
