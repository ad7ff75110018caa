import Foundation
import XCTest
@testable import EksodusCore

/// A 3-replica `--replSet` StatefulSet (the reviewer's estate: shop/events) must end its promotion with every EKS pod in
/// the set and the three of them as the only voters (an odd majority of its own on the side that serves), the source
/// members non-voting, then out of the set before the source scales down; the rollback gives the source its votes back,
/// hands it the primary and takes every EKS member out. Before any EKS pod joins, the source members move to names EKS
/// reaches (their in-cluster names are the EKS pods' there), undone by the copy's rollback. The reconfig scripts run in
/// node against a model of `rs` that refuses what MongoDB refuses (a reconfig on a non-primary, two voting changes in one
/// reconfig, a non-voting member with a priority, an unelectable or removed primary) and takes the primary over for a
/// member of a higher priority; each runs on the pod `db.hello()` names the primary, which a bash stub proves.
final class MongoReplicaSetVotesTests: XCTestCase {
    private var eks = (0..<3).map { "events-\($0).eks.example.internal:27017" }
    private var source = (0..<3).map { "events-\($0).events.shop.svc.cluster.local:27017" }
    /// The source members' `SOURCE_MEMBER_HOST_…` addresses (how EKS reaches them).
    private var renamed = (0..<3).map { "events-\($0).source.example.internal:27017" }

    /// The `events` StatefulSet with `replicas` pods on each side (the source set as many members: 7 voting at most).
    private func replicaSet(_ replicas: Int = 3) throws -> TransitionPlan {
        eks = (0..<min(replicas, 25)).map { "events-\($0).eks.example.internal:27017" }
        source = (0..<min(replicas, 25)).map { "events-\($0).events.shop.svc.cluster.local:27017" }
        renamed = (0..<min(replicas, 25)).map { "events-\($0).source.example.internal:27017" }
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
        XCTAssertTrue(line.contains("exec -i \"$MONGO_PRIMARY\" -- sh -c"), "a reconfig runs on the primary: \(line)")
        let start = try XCTUnwrap(line.range(of: "--eval \"", options: .backwards), line).upperBound
        let end = try XCTUnwrap(line[start...].firstIndex(of: "\""), line)
        var text = String(line[start..<end])
        for (n, host) in eks.enumerated() { text = text.replacingOccurrences(of: "$EKS_MEMBER_HOST_\(n):27017", with: host) }
        for (n, host) in renamed.enumerated() { text = text.replacingOccurrences(of: "$SOURCE_MEMBER_HOST_\(n):27017", with: host) }
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

    /// Runs `scripts` in order against the `original` set (the first member the primary), each on the pod that is the
    /// primary when it starts (as `onPrimary` picks it), 20 s apart; the primary, the members and what the scripts
    /// printed after, or nil when MongoDB would have refused a step. The model refuses what MongoDB refuses: a reconfig
    /// sent to a member that is not the primary (NotWritablePrimary), two voting changes in one reconfig (members by
    /// `_id`: a new host is no new member), an eighth voter, a non-voting member with a priority, an unelectable or
    /// removed primary. After every reconfig a priority takeover runs at once: the electable member of the highest
    /// priority, if above the primary's, becomes the primary (every member counts as caught up; a member that stepped
    /// down stands again only once its seconds are over). Each member answers `db.hello().me` at its old in-cluster
    /// name and at its SOURCE_MEMBER_HOST (or EKS_MEMBER_HOST) alike. `election`: after that many reconfigs another
    /// source voter wins an election, as after a blip.
    private func run(_ scripts: [String], refused: Bool = false, election: Int? = nil) throws -> (primary: String, members: [Member], printed: [String])? {
        let start = original.enumerated().map { "{_id: \($0.offset), host: '\($0.element.host)', votes: \($0.element.votes), priority: \(Int($0.element.priority))}" }.joined(separator: ", ")
        let reach = source.enumerated().map { "['\($0.element)', \($0.offset)], ['\(renamed[$0.offset])', \($0.offset)]" }
            + eks.enumerated().map { "['\($0.element)', \(100 + $0.offset)]" }
        let model = """
            let state = {version: 1, members: [\(start)]};
            const reach = new Map([\(reach.joined(separator: ", "))]);
            let primary = 0, here = 0, clock = 0, reconfigs = 0;
            const frozen = new Map();
            const copy = (x) => JSON.parse(JSON.stringify(x));
            const member = (id) => state.members.find((m) => m._id === id);
            const hostOf = (id) => (member(id) || {}).host;
            const electable = (m) => m.votes > 0 && m.priority > 0 && !((frozen.get(m._id) || 0) > clock);
            const takeover = () => {
              const p = member(primary);
              const next = state.members.filter((m) => m._id !== primary && electable(m)).sort((a, b) => b.priority - a.priority)[0];
              if (next && next.priority > p.priority) primary = next._id;
            };
            const apply = (cfg) => {
              const voting = (ms) => new Map(ms.map((m) => [m._id, m.votes > 0]));
              const before = voting(state.members), after = voting(cfg.members);
              const ids = new Set([...before.keys(), ...after.keys()]);
              if ([...ids].filter((h) => (before.get(h) || false) !== (after.get(h) || false)).length > 1) throw new Error('more than one voting member changed');
              if (cfg.members.filter((m) => m.votes > 0).length > 7) throw new Error('more than 7 voting members');
              if (cfg.members.length > 50) throw new Error('more than 50 members');
              if (new Set(cfg.members.map((m) => m.host)).size !== cfg.members.length) throw new Error('a host twice');
              if (cfg.members.some((m) => m.votes === 0 && m.priority > 0)) throw new Error('a non-voting member with a priority');
              const me = cfg.members.find((m) => m._id === primary);
              if (!me || me.priority === 0 || me.votes === 0) throw new Error('the primary removed or made unelectable');
              state = copy(cfg);
              reconfigs++;
              if (reconfigs === \(election.map(String.init) ?? "-1")) {
                const other = state.members.find((m) => m._id !== primary && m._id < 100 && electable(m));
                if (other) primary = other._id;
              }
              takeover();
            };
            const node = (id) => ({
              hello: () => ({me: hostOf(id), primary: hostOf(primary)}),
              getSiblingDB: () => node(id),
              runCommand: (c) => {
                if (c.replSetGetConfig) return {ok: 1, config: copy(state)};
                if (c.replSetReconfig) {
                  if (id !== primary) return {ok: 0, errmsg: 'NotWritablePrimary'};
                  if (c.replSetReconfig.version !== state.version + 1) return {ok: 0, errmsg: 'version ' + c.replSetReconfig.version + ' after ' + state.version};
                  try { apply(c.replSetReconfig) } catch (e) { return {ok: 0, errmsg: e.message} }
                  return {ok: 1};
                }
                throw new Error('unknown command ' + JSON.stringify(c));
              },
            });
            class Mongo {
              constructor(url) { this.id = reach.has(url.replace('mongodb://', '').split('/')[0]) ? reach.get(url.replace('mongodb://', '').split('/')[0]) : undefined; }
              getDB() { if (this.id === undefined) throw new Error('unreachable'); return node(this.id); }
            }
            const db = {hello: () => node(here).hello(), getSiblingDB: () => node(here), runCommand: (c) => node(here).runCommand(c)};
            const rs = {
              conf: () => copy(state),
              reconfig: (cfg) => {
                if (here !== primary) throw new Error('NotWritablePrimary: rs.reconfig on ' + hostOf(here));
                const next = copy(cfg); next.version = state.version + 1; apply(next);
              },
              add: (m) => rs.reconfig({version: state.version, members: [...copy(state.members), Object.assign({_id: reach.has(m.host) ? reach.get(m.host) : 1000 + state.members.length, votes: 1, priority: 1}, m)]}),
              remove: (h) => rs.reconfig({version: state.version, members: copy(state.members).filter((m) => m.host !== h)}),
              stepDown: (secs) => {
                if (here !== primary) throw new Error('NotWritablePrimary: rs.stepDown on ' + hostOf(here));
                const next = state.members.filter((m) => m._id !== primary && electable(m)).sort((a, b) => b.priority - a.priority)[0];
                if (!next) throw new Error('no electable member');
                frozen.set(primary, clock + secs);
                primary = next._id;
              },
            };
            const print = (x) => console.log('PRINTED ' + x);
            const step = () => { here = primary; clock += 20; };
            try {
            \(scripts.map { "(function () {\n" + $0 + "\n})()" }.joined(separator: ";\nstep();\n"))
            } catch (e) { console.log('REFUSED ' + e.message); process.exit(0); }
            console.log('PRIMARY ' + hostOf(primary));
            for (const m of state.members) console.log('MEMBER ' + m.host + ' ' + m.votes + ' ' + m.priority + ' ' + Object.keys(m.tags || {}).length);
            """
        let file = try temporaryFolder(self).appendingPathComponent("model.js")
        try model.write(to: file, atomically: true, encoding: .utf8)
        let output = try GateShell.run("node " + ShellQuote.word(file.path) + " 2>&1").output
        XCTAssertFalse(output.isEmpty, "the model printed nothing")
        XCTAssertEqual(output.contains("REFUSED"), refused, output)
        if output.contains("REFUSED") || output.isEmpty { return nil }
        let lines = output.split(separator: "\n").map(String.init)
        let primary = try XCTUnwrap(lines.first { $0.hasPrefix("PRIMARY ") }, output).dropFirst("PRIMARY ".count)
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
    private func migrateAndRollBack(_ replicas: Int, voters: Int, election: Int? = nil) throws -> (primary: String, members: [Member]) {
        let plan = try replicaSet(replicas)
        let data = try item("data:src/shop/events", plan)
        let renaming = try line(data.commands, "# on the source primary: the source members move"), adding = try line(data.commands, "rs.add(")
        XCTAssertLessThan(renaming, adding, "the source members move to names EKS reaches before any EKS member joins: \(data.commands)")
        let rename = try script(data.commands[renaming]), add = try script(data.commands[adding])
        let promote = try item("promote:src/shop/events", plan).commands
        let vote = try line(promote, "# on the source primary: "), stepDown = try line(promote, "rs.stepDown(")
        let primary = try line(promote, "{ PRIMARY="), drop = try line(promote, "# on the EKS primary: the source members stop voting")
        let votersGate = try line(promote, "{ VOTERS=")
        XCTAssertTrue(vote < stepDown && stepDown < primary && primary < drop && drop < votersGate, "\(promote)")
        XCTAssertTrue(promote[drop].contains("--context \"$EKS_CONTEXT\""), "the source stops voting on the EKS primary: \(promote[drop])")
        XCTAssertTrue(promote[votersGate].contains("\"" + (0..<voters).map { "$EKS_MEMBER_HOST_\($0):27017" }.joined(separator: ",") + "\""), "the gate expects the \(voters) EKS voters: \(promote[votersGate])")
        let promotion = [rename, add, try script(promote[vote]), try script(promote[stepDown]), try script(promote[drop])]
        let run = { (scripts: [String]) in try self.run(scripts, election: election) }

        // Promoted: the first `voters` EKS pods are the only voters, one of them the primary; the others and the source
        // members stay, non-voting (and so never standing).
        let promoted = try XCTUnwrap(try run(promotion))
        XCTAssertTrue(eks.contains(promoted.primary), "\(promoted)")
        XCTAssertEqual(promoted.members.filter { $0.votes > 0 }.map(\.host), Array(eks.prefix(voters)), "\(voters) voters for \(replicas) replicas, all on EKS: \(promoted)")
        XCTAssertTrue(promoted.members.filter { $0.votes == 0 }.allSatisfy { $0.priority == 0 }, "a non-voting member never stands: \(promoted)")
        XCTAssertEqual(promoted.members.count, 2 * replicas)
        XCTAssertEqual(promoted.members.filter { !eks.contains($0.host) }.map(\.host), renamed, "the source members under the names EKS reaches: \(promoted)")

        // Retired: the source entries are saved, then leave the set; EKS keeps its voters.
        let retire = try item("scaledown:src/shop/events", plan)
        let save = try line(retire.commands, "{ SOURCE_MEMBERS="), leave = try line(retire.commands, "rs.remove(")
        let scale = try line(retire.commands, "--replicas=0")
        XCTAssertTrue(save < leave && leave < scale, "saved, then out, while they run: \(retire.commands)")
        let saved = try XCTUnwrap(try run(promotion + [try script(retire.commands[save])])?.printed.last, "the entries printed")
        let retired = try XCTUnwrap(try run(promotion + [try script(retire.commands[leave])]))
        XCTAssertEqual(retired.members.map(\.host), eks, "no dead source entry: \(retired)")
        XCTAssertEqual(retired.members.filter { $0.votes > 0 }.map(\.host), Array(eks.prefix(voters)))

        // The retirement's rollback: the source scales up, then its saved entries join again, non-voting.
        let readd = try line(retire.rollbackCommands, "rs.add(")
        // (to the live count the scale-down saved, the inventory's only without one)
        XCTAssertLessThan(try line(retire.rollbackCommands, "eksodus_restore_replicas "), readd, "\(retire.rollbackCommands)")
        XCTAssertTrue(retire.rollbackCommands.contains { $0.hasPrefix("eksodus_restore_replicas ") && $0.contains(" '\(replicas)' ") }, "the inventory's \(replicas) without a saved count")
        let unretire = [try script(retire.commands[leave]), try script(retire.rollbackCommands[readd], ["SOURCE_MEMBERS": saved])]
        let unretired = try XCTUnwrap(try run(promotion + unretire))
        XCTAssertEqual(Set(unretired.members.map(\.host)), Set(eks + renamed), "every source member back: \(unretired)")
        XCTAssertEqual(unretired.members.filter { $0.votes > 0 }.map(\.host), Array(eks.prefix(voters)), "back non-voting")

        // The promotion's rollback: the source votes as before, a source member is the primary, no EKS member is left.
        let rollback = try item("promote:src/shop/events", plan).rollbackCommands
        let restore = try line(rollback, "# on the EKS primary: the source members vote again")
        let unelectable = try line(rollback, "# on the EKS primary: no other EKS member may stand")
        let handBack = try line(rollback, "rs.stepDown("), out = try line(rollback, "rs.remove(")
        let restoreRest = try line(rollback, "# on the source primary: the source votes that did not fit")
        XCTAssertTrue(restore < unelectable && unelectable < handBack && handBack < out && out < restoreRest, "\(rollback)")
        XCTAssertTrue(rollback[out].contains("--context \"$SOURCE_CONTEXT\"") && rollback[restoreRest].contains("--context \"$SOURCE_CONTEXT\""), "on the new source primary")
        // Then the copy's rollback: the EKS members out (done already), the source members under their old names.
        let names = try line(data.rollbackCommands, "take back their in-cluster names"), none = try line(data.rollbackCommands, "rs.remove(")
        XCTAssertLessThan(none, names, "\(data.rollbackCommands)")
        let backScripts = [rollback[restore], rollback[unelectable], rollback[handBack], rollback[out], rollback[restoreRest], data.rollbackCommands[none], data.rollbackCommands[names]]
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

    /// The source members move to their SOURCE_MEMBER_HOST names in one reconfig, each to the address whose mongod answers
    /// its old name; a re-run moves nothing; an address that reaches no source member (an EKS pod's) moves nothing and
    /// fails.
    func testTheSourceMembersMoveToTheNamesEKSReachesOnceAndOnlyToTheirOwn() throws {
        guard nodeInstalled else { throw XCTSkip("node is not installed: the reconfig scripts cannot be run") }
        let plan = try replicaSet(3)
        let line = try XCTUnwrap(try item("data:src/shop/events", plan).commands.first { $0.contains("# on the source primary: the source members move") })
        let rename = try script(line)
        let twice = try XCTUnwrap(try run([rename, rename]))
        XCTAssertEqual(twice.printed, ["moved 3", "moved 0"], "one reconfig, then none")
        XCTAssertEqual(twice.members.map(\.host), renamed)
        XCTAssertEqual(twice.members.map(\.tags), [1, 1, 1], "the old names kept for the rollback")
        XCTAssertEqual(twice.members.map(\.votes), original.map(\.votes), "no vote changed")
        let wrong = line.replacingOccurrences(of: "$SOURCE_MEMBER_HOST_1:27017", with: eks[1])
        XCTAssertNil(try run([try script(wrong)], refused: true), "an address that reaches an EKS pod")
        let unreachable = line.replacingOccurrences(of: "$SOURCE_MEMBER_HOST_2:27017", with: "nowhere.example:27017")
        XCTAssertNil(try run([try script(unreachable)], refused: true), "an address that reaches nothing")
    }

    /// The defect the model now catches: an EKS voter given a priority above the primary's mid-loop takes the primary
    /// over (a priority takeover), and the loop's next rs.reconfig lands on a secondary, refused. The runbook's loop
    /// keeps priority 0 until one final reconfig, and every step reconfigures the primary `db.hello()` names, so an
    /// election in the middle of the loop (a blip) changes nothing in the end, for 3 and for 9 pods.
    func testAPriorityTakeoverNeverLandsAReconfigOnASecondary() throws {
        guard nodeInstalled else { throw XCTSkip("node is not installed: the reconfig scripts cannot be run") }
        _ = try replicaSet(3)
        let addVoter = "var cfg = rs.conf(); cfg.members.push({_id: 100, host: '\(eks[0])', votes: 1, priority: 2}); rs.reconfig(cfg)"
        let nextStep = "cfg = rs.conf(); cfg.members[1].votes = 0; cfg.members[1].priority = 0; rs.reconfig(cfg)"
        XCTAssertNil(try run([addVoter + "; " + nextStep], refused: true), "the takeover moved the primary under the second reconfig")
        XCTAssertNotNil(try run([addVoter]), "one reconfig alone is accepted")
        // An election after the rename, the adds and one vote: the loop carries on on the new primary.
        try migrateAndRollBack(3, voters: 3, election: 5)
        try migrateAndRollBack(9, voters: 7, election: 12)
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
            *"print(h.me === h.primary)"*) case "$*" in *" $PRIMARY_POD "*) [ "$side" = "${PRIMARY_SIDE:-}" ] && echo true || echo false ;; *) echo false ;; esac ;;
            *"exec"*) printf '%s %s\\n' "$side" "$*" >> "$RAN"; printf '%s\\n' "$ANSWER" ;;
          esac
        }

        """

    private func hosts() -> [String: String] {
        Dictionary(uniqueKeysWithValues: eks.enumerated().map { ("EKS_MEMBER_HOST_\($0.offset)", String($0.element.dropLast(":27017".count))) }
            + renamed.enumerated().map { ("SOURCE_MEMBER_HOST_\($0.offset)", String($0.element.dropLast(":27017".count))) })
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
        XCTAssertTrue(log.hasPrefix("eks ") && log.contains("exec -i pod/events-1 -- sh -c") && log.contains("exec mongosh") && log.contains("eksodusVotes"), log)
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

        let namedGate = try XCTUnwrap(try item("data:src/shop/events", plan).commands.first { $0.contains("${SOURCE_MEMBER_HOST_2:-}") })
        func named(_ changes: [String: String]) throws -> Int32 {
            try GateShell.run(namedGate, environment: hosts().merging(changes) { _, new in new }).status
        }
        XCTAssertEqual(try named([:]), 0)
        XCTAssertEqual(try named(["SOURCE_MEMBER_HOST_1": "10.20.0.11"]), 0, "an IPv4 address")
        XCTAssertNotEqual(try named(["EKS_MEMBER_HOST_2": ""]), 0, "a pod without an address")
        XCTAssertNotEqual(try named(["SOURCE_MEMBER_HOST_2": ""]), 0, "a source pod without an address")
        XCTAssertNotEqual(try named(["SOURCE_MEMBER_HOST_0": source[0].replacingOccurrences(of: ":27017", with: "")]), 0, "the in-cluster name: on EKS it is the EKS pod")
        XCTAssertNotEqual(try named(["SOURCE_MEMBER_HOST_0": "events-0.events"]), 0, "a short in-cluster name")
        XCTAssertNotEqual(try named(["SOURCE_MEMBER_HOST_0": "events-0.events.shop.svc"]), 0)
        XCTAssertNotEqual(try named(["SOURCE_MEMBER_HOST_1": hosts()["EKS_MEMBER_HOST_1"] ?? ""]), 0, "a source address that is an EKS pod's")
        XCTAssertNotEqual(try named(["EKS_MEMBER_HOST_0": "events-0.eks.example.internal:27017"]), 0, "a port: the member would be host:27017:27017")
        XCTAssertNotEqual(try named(["EKS_MEMBER_HOST_0": "x'); db.dropDatabase(); ('"]), 0, "a quote would end the script's string")
        XCTAssertNotEqual(try named(["EKS_MEMBER_HOST_0": "a b"]), 0)
        XCTAssertNotEqual(try named(["EKS_MEMBER_HOST_0": "-x"]), 0)

        // Every configured host answers db.hello().me as itself, from each side, or the line fails.
        let data = try item("data:src/shop/events", plan)
        let reach = data.commands.filter { $0.contains("{ REACH=") }
        XCTAssertEqual(reach.count, 3, "the source names from EKS, then every configured host from both sides: \(data.commands)")
        let rename = try line(data.commands, "the source members move"), add = try line(data.commands, "rs.add(")
        let reachIndexes = data.commands.indices.filter { data.commands[$0].contains("{ REACH=") }
        XCTAssertTrue(rename < reachIndexes[0] && reachIndexes[0] < add && add < reachIndexes[1], "renamed, reached from EKS, then added, then read from both sides")
        XCTAssertTrue(data.commands[reachIndexes[0]].contains("--context \"$EKS_CONTEXT\"") && data.commands[reachIndexes[2]].contains("--context \"$EKS_CONTEXT\""))
        XCTAssertTrue(data.commands[reachIndexes[1]].contains("--context \"$SOURCE_CONTEXT\""))
        for gate in reach + data.rollbackCommands.filter({ $0.contains("{ REACH=") }) {
            XCTAssertEqual(try status(gate, "as-configured"), 0)
            XCTAssertNotEqual(try status(gate, source[0] + " answers " + eks[0]), 0, "an in-cluster name that reaches the EKS pod")
            XCTAssertNotEqual(try status(gate, renamed[1] + " answers nothing"), 0, "unreachable")
            XCTAssertNotEqual(try status(gate, ""), 0, "no answer")
            XCTAssertNotEqual(try status(gate, "as-configured", fail: true), 0, "kubectl failed")
        }
    }

    /// The step-down runs on the source primary while there is one; once the raised EKS priorities took the primary over,
    /// it steps nothing down and the check after it reads the EKS primary back.
    func testTheStepDownRunsOnlyWhileASourcePodIsThePrimary() throws {
        let plan = try replicaSet()
        let stepDown = try XCTUnwrap(try item("promote:src/shop/events", plan).commands.first { $0.contains("rs.stepDown(60)") })
        let ran = try temporaryFolder(self).appendingPathComponent("ran").path
        func run(_ side: String) throws -> (Int32, String) {
            try? FileManager.default.removeItem(atPath: ran)
            let status = try GateShell.run(stub + stepDown, environment: hosts().merging(["RAN": ran, "ANSWER": "", "PRIMARY_SIDE": side, "PRIMARY_POD": "pod/events-2"]) { _, new in new }).status
            return (status, (try? String(contentsOfFile: ran, encoding: .utf8)) ?? "")
        }
        let source = try run("src")
        XCTAssertEqual(source.0, 0)
        XCTAssertTrue(source.1.hasPrefix("src ") && source.1.contains("exec -i pod/events-2 -- sh -c") && source.1.contains("rs.stepDown(60)"), source.1)
        let takenOver = try run("eks")
        XCTAssertEqual(takenOver.0, 0, "the EKS member took over: nothing to step down")
        XCTAssertEqual(takenOver.1, "", "nothing stepped down")
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
        let lines = ["#!/usr/bin/env bash", RunbookLibrary.text] + items.flatMap { item in
            [item.commands, item.rollbackCommands].filter { !$0.isEmpty }.flatMap { ["(", ":"] + $0 + [")"] }
        }
        XCTAssertTrue(lines.contains { $0.contains("SOURCE_MEMBERS") }, "the saved entries are checked")
        let file = try temporaryFolder(self).appendingPathComponent("replica-set.sh")
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try GateShell.run(ShellQuote.word(shellcheck) + " --exclude=SC2030,SC2031,SC1090 " + ShellQuote.word(file.path))  // SC1090: the library is at the top
        XCTAssertEqual(result.status, 0, result.output)
    }
}
