import Foundation
import XCTest
@testable import EksodusCore

/// A 3-replica `--replSet` StatefulSet (the reviewer's estate: shop/events) must end its promotion with every EKS pod in
/// the set and the three of them as the only voters (an odd majority of its own on the side that serves), the source
/// members non-voting, then out of the set before the source scales down; the rollback gives the source its votes back,
/// hands it the primary and takes every EKS member out. The reconfig scripts run in node against a model of `rs` that
/// refuses what MongoDB refuses (two voting changes in one reconfig, a non-voting member with a priority, an unelectable
/// or removed primary); each runs on the pod `db.hello()` names the primary, which a bash stub proves.
final class MongoReplicaSetVotesTests: XCTestCase {
    private let eks = (0..<3).map { "events-\($0).eks.example.internal:27017" }
    private let source = (0..<3).map { "events-\($0).events.shop.svc.cluster.local:27017" }

    private func replicaSet() throws -> TransitionPlan {
        let (plan, _) = try planImported([try writeManifests(["mongo.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: events, namespace: shop}
            spec:
              replicas: 3
              serviceName: events
              selector: {matchLabels: {app: events}}
              template:
                metadata: {labels: {app: events}}
                spec:
                  containers: [{name: mongo, image: "mongo:6.0.14", args: ["--replSet", "rs0", "--bind_ip_all"], volumeMounts: [{name: data, mountPath: /data/db}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}}]
            """], test: self).path])
        return plan
    }

    private func item(_ key: String, _ plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, key)
    }

    /// The JavaScript a line's last `mongosh --eval "…"` runs, each `$EKS_MEMBER_HOST_<n>` expanded as bash would.
    private func script(_ line: String) throws -> String {
        XCTAssertTrue(line.contains("exec \"$MONGO_PRIMARY\""), "a reconfig runs on the primary: \(line)")
        let start = try XCTUnwrap(line.range(of: "--eval \"", options: .backwards), line).upperBound
        let end = try XCTUnwrap(line.range(of: "\"", options: .backwards), line).lowerBound
        var text = String(line[start..<end])
        for (n, host) in eks.enumerated() { text = text.replacingOccurrences(of: "$EKS_MEMBER_HOST_\(n):27017", with: host) }
        return text
    }

    private struct Member: Equatable, CustomStringConvertible {
        var host: String, votes: Int, priority: Double, tags: Int
        var description: String { "\(host) \(votes) \(priority) \(tags)" }
    }

    /// Runs `scripts` in order against a set of the source members (votes 1, priority 1, the first the primary); the
    /// primary and members after, or nil when MongoDB would have refused a step.
    private func run(_ scripts: [String]) throws -> (primary: String, members: [Member])? {
        let start = source.map { "{host: '\($0)', votes: 1, priority: 1}" }.joined(separator: ", ")
        let model = """
            let state = {members: [\(start)]};
            let primary = '\(source[0])';
            const copy = (x) => JSON.parse(JSON.stringify(x));
            const voting = (ms) => new Map(ms.map((m) => [m.host, m.votes > 0]));
            const rs = {
              conf: () => copy(state),
              reconfig: (cfg) => {
                const before = voting(state.members), after = voting(cfg.members);
                const hosts = new Set([...before.keys(), ...after.keys()]);
                if ([...hosts].filter((h) => (before.get(h) || false) !== (after.get(h) || false)).length > 1) throw new Error('more than one voting member changed');
                if (cfg.members.some((m) => m.votes === 0 && m.priority > 0)) throw new Error('a non-voting member with a priority');
                const me = cfg.members.find((m) => m.host === primary);
                if (!me || me.priority === 0 || me.votes === 0) throw new Error('the primary removed or made unelectable');
                state = copy(cfg);
              },
              add: (m) => rs.reconfig({members: [...copy(state.members), Object.assign({votes: 1, priority: 1}, m)]}),
              remove: (h) => rs.reconfig({members: copy(state.members).filter((m) => m.host !== h)}),
              stepDown: () => {
                const next = state.members.filter((m) => m.host !== primary && m.votes > 0 && m.priority > 0).sort((a, b) => b.priority - a.priority)[0];
                if (!next) throw new Error('no electable member');
                primary = next.host;
              },
            };
            const db = {hello: () => ({me: primary, primary: primary})};
            const print = console.log;
            try {
            \(scripts.joined(separator: ";\n"))
            } catch (e) { console.log('REFUSED ' + e.message); process.exit(0); }
            console.log(primary);
            for (const m of state.members) console.log(m.host + ' ' + m.votes + ' ' + m.priority + ' ' + Object.keys(m.tags || {}).length);
            """
        let file = try temporaryFolder(self).appendingPathComponent("model.js")
        try model.write(to: file, atomically: true, encoding: .utf8)
        let output = try GateShell.run("node " + ShellQuote.word(file.path)).output
        XCTAssertFalse(output.contains("REFUSED"), output)
        if output.contains("REFUSED") || output.isEmpty { return nil }
        let lines = output.split(separator: "\n").map(String.init)
        return (lines[0], lines.dropFirst().map { line in
            let parts = line.split(separator: " ").map(String.init)
            return Member(host: parts[0], votes: Int(parts[1]) ?? -1, priority: Double(parts[2]) ?? -1, tags: Int(parts[3]) ?? -1)
        })
    }

    func testEveryEKSPodJoinsAndVotesTheSourceLeavesAndTheRollbackHandsTheSetBack() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/node") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/node") else {
            throw XCTSkip("node is not installed: the reconfig scripts cannot be run")
        }
        let plan = try replicaSet()
        let add = try script(try XCTUnwrap(try item("data:src/shop/events", plan).commands.first { $0.contains("rs.add(") }))
        let promote = try item("promote:src/shop/events", plan).commands
        let vote = try XCTUnwrap(promote.firstIndex { $0.contains("m.votes = 1; m.priority = top + 1") }, "\(promote)")
        let stepDown = try XCTUnwrap(promote.firstIndex { $0.contains("rs.stepDown(") })
        let primary = try XCTUnwrap(promote.firstIndex { $0.contains("{ PRIMARY=") })
        let drop = try XCTUnwrap(promote.firstIndex { $0.contains("eksodusVotes") })
        let voters = try XCTUnwrap(promote.firstIndex { $0.contains("{ VOTERS=") })
        XCTAssertTrue(vote < stepDown && stepDown < primary && primary < drop && drop < voters, "\(promote)")
        XCTAssertTrue(promote[drop].contains("--context \"$EKS_CONTEXT\""), "the source stops voting on the EKS primary: \(promote[drop])")
        let promotion = [add, try script(promote[vote]), try script(promote[stepDown]), try script(promote[drop])]

        // Promoted: the three EKS pods are the only voters, one of them the primary; the source members stay, non-voting.
        let promoted = try XCTUnwrap(try run(promotion))
        XCTAssertTrue(eks.contains(promoted.primary), "\(promoted)")
        XCTAssertEqual(promoted.members.filter { $0.votes > 0 }.map(\.host), eks, "3 voters for 3 replicas, all on EKS: \(promoted)")
        XCTAssertEqual(promoted.members.filter { source.contains($0.host) }.map(\.priority), [0, 0, 0], "a non-voting member never stands")

        // Retired: before the source scales down its members leave the set; EKS keeps its 3 voters.
        let retire = try item("scaledown:src/shop/events", plan).commands
        let leave = try XCTUnwrap(retire.firstIndex { $0.contains("rs.remove(") }, "\(retire)")
        let scale = try XCTUnwrap(retire.firstIndex { $0.contains("--replicas=0") })
        XCTAssertLessThan(leave, scale, "the members leave while they run")
        let retired = try XCTUnwrap(try run(promotion + [try script(retire[leave])]))
        XCTAssertEqual(retired.members.map(\.description), eks.map { "\($0) 1 2.0 0" }, "no dead source entry: \(retired)")

        // Rolled back: the source votes as before, a source member is the primary, no EKS member is left.
        let rollback = try item("promote:src/shop/events", plan).rollbackCommands
        let restore = try XCTUnwrap(rollback.firstIndex { $0.contains("eksodusVotes") }, "\(rollback)")
        let unelectable = try XCTUnwrap(rollback.firstIndex { $0.contains("x.priority = 0") })
        let handBack = try XCTUnwrap(rollback.firstIndex { $0.contains("rs.stepDown(") })
        let out = try XCTUnwrap(rollback.firstIndex { $0.contains("rs.remove(") })
        XCTAssertTrue(restore < unelectable && unelectable < handBack && handBack < out, "\(rollback)")
        XCTAssertTrue(rollback[out].contains("--context \"$SOURCE_CONTEXT\""), "EKS leaves on the new source primary")
        let back = try XCTUnwrap(try run(promotion + [try script(rollback[restore]), try script(rollback[unelectable]), try script(rollback[handBack]), try script(rollback[out])]))
        XCTAssertTrue(source.contains(back.primary), "\(back)")
        XCTAssertEqual(back.members.map(\.description), source.map { "\($0) 1 1.0 0" }, "the source's votes and priorities as before, no tag, no EKS member")
    }

    /// A stand-in kubectl: on the side `PRIMARY_SIDE`, only pod `PRIMARY_POD` answers `true` to `db.hello()`; every exec
    /// into that pod's reconfig is recorded in `$RAN`.
    private let stub = """
        kubectl() {
          [ -z "${FAIL:-}" ] || return 1
          case "$*" in *"--context eks"*) side=eks ;; *) side=src ;; esac
          case "$*" in
            *"h.me === h.primary"*) case "$*" in *" $PRIMARY_POD "*) [ "$side" = "${PRIMARY_SIDE:-}" ] && echo true || echo false ;; *) echo false ;; esac ;;
            *"exec"*) printf '%s %s\\n' "$side" "$*" >> "$RAN"; printf '%s\\n' "$ANSWER" ;;
          esac
        }

        """

    private func hosts() -> [String: String] {
        Dictionary(uniqueKeysWithValues: eks.enumerated().map { ("EKS_MEMBER_HOST_\($0.offset)", String($0.element.dropLast(":27017".count))) })
    }

    func testReconfigsRunOnThePodThatIsThePrimaryAndFailWithoutOne() throws {
        let plan = try replicaSet()
        let line = try XCTUnwrap(try item("promote:src/shop/events", plan).commands.first { $0.contains("eksodusVotes") })
        let ran = try temporaryFolder(self).appendingPathComponent("ran").path
        func run(_ environment: [String: String]) throws -> (Int32, String) {
            try? FileManager.default.removeItem(atPath: ran)
            let status = try GateShell.run(stub + line, environment: hosts().merging(["RAN": ran, "ANSWER": ""].merging(environment) { _, new in new }) { _, new in new }).status
            return (status, (try? String(contentsOfFile: ran, encoding: .utf8)) ?? "")
        }
        let (status, log) = try run(["PRIMARY_SIDE": "eks", "PRIMARY_POD": "pod/events-1"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(log.hasPrefix("eks ") && log.contains("exec pod/events-1 -- mongosh") && log.contains("eksodusVotes"), log)
        let nobody = try run(["PRIMARY_SIDE": "src", "PRIMARY_POD": "pod/events-1"])
        XCTAssertNotEqual(nobody.0, 0, "no EKS pod is the primary")
        XCTAssertEqual(nobody.1, "", "nothing reconfigured")
        XCTAssertNotEqual(try run(["PRIMARY_SIDE": "eks", "PRIMARY_POD": "pod/events-1", "FAIL": "1"]).0, 0, "kubectl failed")
    }

    func testTheGatesFailUnlessEKSHoldsTheVotesAndTheSetHoldsTheRightMembers() throws {
        let plan = try replicaSet()
        let joined = eks.joined(separator: ",")
        func status(_ gate: String, _ answer: String, fail: Bool = false) throws -> Int32 {
            try GateShell.run(stub + gate, environment: hosts().merging(["ANSWER": answer, "RAN": "/dev/null", "FAIL": fail ? "1" : ""]) { _, new in new }).status
        }
        let voters = try XCTUnwrap(try item("promote:src/shop/events", plan).commands.first { $0.contains("{ VOTERS=") })
        XCTAssertEqual(try status(voters, joined), 0)
        XCTAssertNotEqual(try status(voters, eks[0]), 0, "one voter: majority on one EBS volume")
        XCTAssertNotEqual(try status(voters, source[0] + "," + joined), 0, "a source member still votes")
        XCTAssertNotEqual(try status(voters, ""), 0, "no answer")
        XCTAssertNotEqual(try status(voters, joined, fail: true), 0, "kubectl failed")

        let members = try XCTUnwrap(try item("scaledown:src/shop/events", plan).commands.first { $0.contains("{ MEMBERS=") })
        XCTAssertEqual(try status(members, joined), 0)
        XCTAssertNotEqual(try status(members, source[2] + "," + joined), 0, "a dead source entry stays")
        XCTAssertNotEqual(try status(members, ""), 0)

        let left = try XCTUnwrap(try item("promote:src/shop/events", plan).rollbackCommands.first { $0.contains("{ MEMBERS=") })
        XCTAssertEqual(try status(left, "source-only"), 0)
        XCTAssertNotEqual(try status(left, "eks-left"), 0, "an EKS member is still in the set after the rollback")
        XCTAssertNotEqual(try status(left, ""), 0)
        XCTAssertNotEqual(try status(left, "source-only", fail: true), 0)

        let primary = try XCTUnwrap(try item("promote:src/shop/events", plan).commands.first { $0.contains("{ PRIMARY=") })
        XCTAssertEqual(try status(primary, "eks"), 0)
        XCTAssertNotEqual(try status(primary, "not-eks " + source[1]), 0, "a source member was elected")
        XCTAssertNotEqual(try status(primary, ""), 0)

        let named = try XCTUnwrap(try item("data:src/shop/events", plan).commands.first { $0.contains("test -n \"${EKS_MEMBER_HOST_2:-}\"") })
        XCTAssertEqual(try GateShell.run(named, environment: hosts()).status, 0)
        XCTAssertNotEqual(try GateShell.run(named, environment: hosts().merging(["EKS_MEMBER_HOST_2": ""]) { _, new in new }).status, 0, "a pod without an address")
    }
}
