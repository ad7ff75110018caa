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
    private var eks = (0..<3).map { "events-\($0).eks.example.internal:27017" }
    private var source = (0..<3).map { "events-\($0).events.shop.svc.cluster.local:27017" }

    /// The `events` StatefulSet with `replicas` pods on each side (the source set as many members: 7 voting at most).
    private func replicaSet(_ replicas: Int = 3) throws -> TransitionPlan {
        eks = (0..<min(replicas, 25)).map { "events-\($0).eks.example.internal:27017" }
        source = (0..<min(replicas, 25)).map { "events-\($0).events.shop.svc.cluster.local:27017" }
        let (plan, _) = try planImported([try writeManifests(["mongo.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: events, namespace: shop}
            spec:
              replicas: \(replicas)
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

    /// The JavaScript a line's last `mongosh --eval "…"` runs (it holds no `"`), each `$EKS_MEMBER_HOST_<n>` and each of
    /// `variables` expanded as bash would.
    private func script(_ line: String, _ variables: [String: String] = [:]) throws -> String {
        XCTAssertTrue(line.contains("exec \"$MONGO_PRIMARY\""), "a reconfig runs on the primary: \(line)")
        let start = try XCTUnwrap(line.range(of: "--eval \"", options: .backwards), line).upperBound
        let end = try XCTUnwrap(line[start...].firstIndex(of: "\""), line)
        var text = String(line[start..<end])
        for (n, host) in eks.enumerated() { text = text.replacingOccurrences(of: "$EKS_MEMBER_HOST_\(n):27017", with: host) }
        for (name, value) in variables { text = text.replacingOccurrences(of: "$" + name, with: value) }
        XCTAssertFalse(text.contains("$"), "every variable expanded: \(text)")
        return text
    }

    private struct Member: Equatable, CustomStringConvertible {
        var host: String, votes: Int, priority: Double, tags: Int
        var description: String { "\(host) \(votes) \(priority) \(tags)" }
    }

    /// The source set before the migration: the first 7 members vote (priority 1), the others do not (MongoDB's limit).
    private var original: [Member] {
        source.enumerated().map { Member(host: $0.element, votes: $0.offset < 7 ? 1 : 0, priority: $0.offset < 7 ? 1 : 0, tags: 0) }
    }

    /// Runs `scripts` in order against the `original` set (the first member the primary); the primary, the members and
    /// what the scripts printed after, or nil when MongoDB would have refused a step.
    private func run(_ scripts: [String]) throws -> (primary: String, members: [Member], printed: [String])? {
        let start = original.map { "{host: '\($0.host)', votes: \($0.votes), priority: \(Int($0.priority))}" }.joined(separator: ", ")
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
                if (cfg.members.filter((m) => m.votes > 0).length > 7) throw new Error('more than 7 voting members');
                if (cfg.members.length > 50) throw new Error('more than 50 members');
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
            const print = (x) => console.log('PRINTED ' + x);
            try {
            \(scripts.joined(separator: ";\n"))
            } catch (e) { console.log('REFUSED ' + e.message); process.exit(0); }
            console.log('PRIMARY ' + primary);
            for (const m of state.members) console.log('MEMBER ' + m.host + ' ' + m.votes + ' ' + m.priority + ' ' + Object.keys(m.tags || {}).length);
            """
        let file = try temporaryFolder(self).appendingPathComponent("model.js")
        try model.write(to: file, atomically: true, encoding: .utf8)
        let output = try GateShell.run("node " + ShellQuote.word(file.path)).output
        XCTAssertFalse(output.contains("REFUSED"), output)
        if output.contains("REFUSED") || output.isEmpty { return nil }
        let lines = output.split(separator: "\n").map(String.init)
        let primary = try XCTUnwrap(lines.first { $0.hasPrefix("PRIMARY ") }).dropFirst("PRIMARY ".count)
        let members = lines.filter { $0.hasPrefix("MEMBER ") }.map { line in
            let parts = line.split(separator: " ").map(String.init)
            return Member(host: parts[1], votes: Int(parts[2]) ?? -1, priority: Double(parts[3]) ?? -1, tags: Int(parts[4]) ?? -1)
        }
        return (String(primary), members, lines.filter { $0.hasPrefix("PRINTED ") }.map { String($0.dropFirst("PRINTED ".count)) })
    }

    private var nodeInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/node") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/node")
    }

    /// The line of `commands` whose comment (or text) holds `marker`.
    private func line(_ commands: [String], _ marker: String) throws -> Int {
        try XCTUnwrap(commands.firstIndex { $0.contains(marker) }, "no line with \(marker): \(commands)")
    }

    /// The whole way and back for `replicas` pods a side, every reconfig through the model (which refuses an eighth voter):
    /// promotion, the source's retirement, the retirement's rollback, then the promotion's. Returns the promoted set.
    @discardableResult
    private func migrateAndRollBack(_ replicas: Int, voters: Int) throws -> (primary: String, members: [Member]) {
        let plan = try replicaSet(replicas)
        let add = try script(try XCTUnwrap(try item("data:src/shop/events", plan).commands.first { $0.contains("rs.add(") }))
        let promote = try item("promote:src/shop/events", plan).commands
        let vote = try line(promote, "# on the source primary: "), stepDown = try line(promote, "rs.stepDown(")
        let primary = try line(promote, "{ PRIMARY="), drop = try line(promote, "# on the EKS primary: the source members stop voting")
        let votersGate = try line(promote, "{ VOTERS=")
        XCTAssertTrue(vote < stepDown && stepDown < primary && primary < drop && drop < votersGate, "\(promote)")
        XCTAssertTrue(promote[drop].contains("--context \"$EKS_CONTEXT\""), "the source stops voting on the EKS primary: \(promote[drop])")
        XCTAssertTrue(promote[votersGate].contains("\"" + (0..<voters).map { "$EKS_MEMBER_HOST_\($0):27017" }.joined(separator: ",") + "\""), "the gate expects the \(voters) EKS voters: \(promote[votersGate])")
        let promotion = [add, try script(promote[vote]), try script(promote[stepDown]), try script(promote[drop])]

        // Promoted: the first `voters` EKS pods are the only voters, one of them the primary; the others and the source
        // members stay, non-voting (and so never standing).
        let promoted = try XCTUnwrap(try run(promotion))
        XCTAssertTrue(eks.contains(promoted.primary), "\(promoted)")
        XCTAssertEqual(promoted.members.filter { $0.votes > 0 }.map(\.host), Array(eks.prefix(voters)), "\(voters) voters for \(replicas) replicas, all on EKS: \(promoted)")
        XCTAssertTrue(promoted.members.filter { $0.votes == 0 }.allSatisfy { $0.priority == 0 }, "a non-voting member never stands: \(promoted)")
        XCTAssertEqual(promoted.members.count, 2 * replicas)

        // Retired: the source entries are saved, then leave the set; EKS keeps its voters.
        let retire = try item("scaledown:src/shop/events", plan)
        let save = try line(retire.commands, "{ SOURCE_MEMBERS="), leave = try line(retire.commands, "rs.remove(")
        let scale = try line(retire.commands, "--replicas=0")
        XCTAssertTrue(save < leave && leave < scale, "saved, then out, while they run: \(retire.commands)")
        let saved = try XCTUnwrap(try run(promotion + [try script(retire.commands[save])])?.printed.first, "the entries printed")
        let retired = try XCTUnwrap(try run(promotion + [try script(retire.commands[leave])]))
        XCTAssertEqual(retired.members.map(\.host), eks, "no dead source entry: \(retired)")
        XCTAssertEqual(retired.members.filter { $0.votes > 0 }.map(\.host), Array(eks.prefix(voters)))

        // The retirement's rollback: the source scales up, then its saved entries join again, non-voting.
        let readd = try line(retire.rollbackCommands, "rs.add(")
        // (to the live count the scale-down saved, the inventory's only without one)
        XCTAssertLessThan(try line(retire.rollbackCommands, "SOURCE_REPLICAS=\(replicas) ;;"), readd, "\(retire.rollbackCommands)")
        let unretire = [try script(retire.commands[leave]), try script(retire.rollbackCommands[readd], ["SOURCE_MEMBERS": saved])]
        let unretired = try XCTUnwrap(try run(promotion + unretire))
        XCTAssertEqual(Set(unretired.members.map(\.host)), Set(eks + source), "every source member back: \(unretired)")
        XCTAssertEqual(unretired.members.filter { $0.votes > 0 }.map(\.host), Array(eks.prefix(voters)), "back non-voting")

        // The promotion's rollback: the source votes as before, a source member is the primary, no EKS member is left.
        let rollback = try item("promote:src/shop/events", plan).rollbackCommands
        let restore = try line(rollback, "# on the EKS primary: the source members vote again")
        let unelectable = try line(rollback, "# on the EKS primary: no other EKS member may stand")
        let handBack = try line(rollback, "rs.stepDown("), out = try line(rollback, "rs.remove(")
        let restoreRest = try line(rollback, "# on the source primary: the source votes that did not fit")
        XCTAssertTrue(restore < unelectable && unelectable < handBack && handBack < out && out < restoreRest, "\(rollback)")
        XCTAssertTrue(rollback[out].contains("--context \"$SOURCE_CONTEXT\"") && rollback[restoreRest].contains("--context \"$SOURCE_CONTEXT\""), "on the new source primary")
        let backScripts = [rollback[restore], rollback[unelectable], rollback[handBack], rollback[out], rollback[restoreRest]]
        for start in [promotion, promotion + unretire] {
            let back = try XCTUnwrap(try run(start + (try backScripts.map { try script($0) })))
            XCTAssertTrue(source.contains(back.primary), "\(back)")
            XCTAssertEqual(back.members.map(\.description), original.map(\.description), "the source's votes and priorities as before, no tag, no EKS member")
        }
        return (promoted.primary, promoted.members)
    }

    func testEveryEKSPodJoinsAndVotesTheSourceLeavesAndTheRollbackHandsTheSetBack() throws {
        guard nodeInstalled else { throw XCTSkip("node is not installed: the reconfig scripts cannot be run") }
        let promoted = try migrateAndRollBack(3, voters: 3)
        XCTAssertEqual(promoted.members.filter { eks.contains($0.host) }.map(\.description), eks.map { "\($0) 1 2.0 0" }, "\(promoted)")
    }

    /// More pods than MongoDB's 7 voters: EKS ends with exactly 7 voters (the first ordinals), the rest non-voting, and
    /// no reconfig on the way (nor back) ever counts an eighth voter. An even count from 4 ends odd (3 of 4).
    func testNoReconfigCountsMoreThanSevenVotersAndTheEndIsOdd() throws {
        guard nodeInstalled else { throw XCTSkip("node is not installed: the reconfig scripts cannot be run") }
        let nine = try migrateAndRollBack(9, voters: 7)
        XCTAssertEqual(nine.members.filter { $0.host == eks[7] || $0.host == eks[8] }.map(\.description), [eks[7], eks[8]].map { "\($0) 0 0.0 0" })
        try migrateAndRollBack(7, voters: 7)
        try migrateAndRollBack(4, voters: 3)
        try migrateAndRollBack(2, voters: 2)
        try migrateAndRollBack(25, voters: 7)
    }

    /// A hostile `replicas` lists no pod: above 25 (50 members with EKS's) every step of the set is a decision that fails.
    func testReplicasAboveWhatOneSetHoldsIsADecisionNotAHundredMillionLines() throws {
        let plan = try replicaSet(100_000_000)
        for key in ["data:src/shop/events", "promote:src/shop/events", "scaledown:src/shop/events"] {
            let step = try item(key, plan)
            let text = (step.commands + step.rollbackCommands).joined(separator: "\n")
            XCTAssertLessThan(text.count, 20_000, "\(key): \(text.count) characters")
            XCTAssertFalse(text.contains("EKS_MEMBER_HOST_"), "\(key) lists no pod")
        }
        let data = try item("data:src/shop/events", plan).commands
        let decision = try XCTUnwrap(data.first { $0.hasPrefix("# decision:") && $0.contains("100000000 replicas") }, "\(data)")
        XCTAssertTrue(decision.contains("above MongoDB's 50"), decision)
        let refusal = try XCTUnwrap(data.first { $0.hasPrefix("{ echo") })
        XCTAssertNotEqual(try GateShell.run(refusal).status, 0, "the step cannot be marked done by running it")
        XCTAssertTrue(try item("data:src/shop/events", try replicaSet(25)).commands.contains { $0.contains("rs.add(") }, "25 a side is 50 members: allowed")
        XCTAssertFalse(try item("data:src/shop/events", try replicaSet(26)).commands.contains { $0.contains("rs.add(") }, "26 a side is 52")
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
        let line = try XCTUnwrap(try item("promote:src/shop/events", plan).commands.first { $0.contains("# on the EKS primary: the source members stop voting") })
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

    /// The scale-down saves the source entries once (a re-run after they left keeps the file); its rollback reads them
    /// back and fails without them; the re-added members must be secondaries. Run in bash against the stub, in a folder
    /// of its own (the file is written where the engineer runs the runbook).
    func testTheSourceEntriesAreSavedOnceAndTheScaleDownRollbackNeedsThem() throws {
        let plan = try replicaSet()
        let retire = try item("scaledown:src/shop/events", plan)
        let save = try XCTUnwrap(retire.commands.first { $0.hasPrefix("{ SOURCE_MEMBERS=") })
        let folder = try temporaryFolder(self)
        let file = folder.appendingPathComponent("eksodus-shop-events.mongo-source-members.json").path
        XCTAssertTrue(save.contains("> 'eksodus-shop-events.mongo-source-members.json'"), save)
        func run(_ line: String, _ answer: String, primary: String = "pod/events-0", fail: Bool = false) throws -> Int32 {
            try GateShell.run("cd " + ShellQuote.word(folder.path) + "\n" + stub + line,
                              environment: hosts().merging(["ANSWER": answer, "RAN": "/dev/null", "PRIMARY_SIDE": "eks", "PRIMARY_POD": primary, "FAIL": fail ? "1" : ""]) { _, new in new }).status
        }
        let entries = #"[{"host":"events-0.events.shop.svc.cluster.local:27017","tags":{"eksodusVotes":"1","eksodusPriority":"1"}}]"#
        XCTAssertNotEqual(try run(save, "[]"), 0, "nothing saved and nothing to save: the rollback would have no entries")
        XCTAssertNotEqual(try run(save, "MongoServerError: not primary"), 0, "not a JSON list")
        XCTAssertNotEqual(try run(save, entries, fail: true), 0, "kubectl failed")
        XCTAssertNotEqual(try run(save, entries, primary: "pod/none"), 0, "no EKS primary")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        XCTAssertEqual(try run(save, entries), 0)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), entries + "\n")
        XCTAssertEqual(try run(save, "[]"), 0, "a re-run once they left")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), entries + "\n", "the saved entries are kept")

        let readd = try XCTUnwrap(retire.rollbackCommands.first { $0.contains("rs.add(") })
        let back = try XCTUnwrap(retire.rollbackCommands.first { $0.contains("{ BACK=") })
        XCTAssertEqual(try run(readd, ""), 0)
        XCTAssertEqual(try run(back, "back"), 0)
        XCTAssertNotEqual(try run(back, "not-back"), 0, "a re-added member is not a secondary yet")
        XCTAssertNotEqual(try run(back, ""), 0, "no answer")
        try "garbage".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try run(readd, ""), 0, "no saved list")
        XCTAssertNotEqual(try run(back, "back"), 0)
        try FileManager.default.removeItem(atPath: file)
        XCTAssertNotEqual(try run(readd, ""), 0, "no file")
        XCTAssertNotEqual(try run(back, "back"), 0)
    }

    /// The replica set's lines (9 pods a side: votes capped, saved entries, a refusal above 25) and a standalone mongod's
    /// dump (MongoCopy) pass shellcheck, as the demo's runbook does (RunbookTests): each item in one shell, its rollback
    /// in another.
    func testTheReplicaSetsLinesPassShellcheck() throws {
        guard let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("shellcheck is not installed (.ci/run installs it)")
        }
        let standalone = try planImported([try writeManifests(["mongo.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: events, namespace: shop}
            spec:
              serviceName: events
              selector: {matchLabels: {app: events}}
              template:
                metadata: {labels: {app: events}}
                spec:
                  containers: [{name: mongo, image: "mongo:6.0.14", volumeMounts: [{name: data, mountPath: /data/db}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}}]
            """], test: self).path]).plan
        let items = [try replicaSet(9), try replicaSet(26), standalone].flatMap { $0.items.filter { $0.keyText.hasSuffix("src/shop/events") } }
        let lines = ["#!/usr/bin/env bash"] + items.flatMap { item in
            [item.commands, item.rollbackCommands].filter { !$0.isEmpty }.flatMap { ["(", ":"] + $0 + [")"] }
        }
        XCTAssertTrue(lines.contains { $0.contains("SOURCE_MEMBERS") }, "the saved entries are checked")
        let file = try temporaryFolder(self).appendingPathComponent("replica-set.sh")
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try GateShell.run(ShellQuote.word(shellcheck) + " --exclude=SC2030,SC2031 " + ShellQuote.word(file.path))
        XCTAssertEqual(result.status, 0, result.output)
    }
}
