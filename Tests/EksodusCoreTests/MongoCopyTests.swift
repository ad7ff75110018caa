import Foundation
import XCTest
@testable import EksodusCore

/// sock-shop's carts-db is a standalone mongod (no `--replSet`): its copy is a dump and restore behind an fsync lock; a
/// replica set's EKS member joins without a vote and must be read back as the primary after the step-down;
/// and every gate fails on a wrong, empty or failed answer. The gates run in bash against a stand-in `kubectl` that
/// answers for `mongosh` on each side (`EKS_CONTEXT` is `eks`, `SOURCE_CONTEXT` `src`).
final class MongoCopyTests: XCTestCase {
    func sockShop() throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        try importPaths([try requireFixtures().appendingPathComponent("02-sock-shop").path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    /// Answers each side's `$SIDE_VERSION`, `$SIDE_COUNTS`, `$SIDE_NAMES`, `$SIDE_LOCKED`; `FAIL_SIDE` makes that side's kubectl fail.
    let stub = """
        kubectl() {
          case "$*" in *"--context eks"*) side=EKS ;; *) side=SOURCE ;; esac
          test "$side" = "${FAIL_SIDE:-}" && return 1
          case "$*" in
            *"db.version()"*) v="${side}_VERSION" ;;
            *countDocuments*) v="${side}_COUNTS" ;;
            *getCollectionNames*) v="${side}_NAMES" ;;
            *"fsyncLock === true"*) v="${side}_LOCKED" ;;
            *) return 0 ;;
          esac
          printf '%s' "${!v}"
        }

        """

    func status(_ command: String, _ environment: [String: String]) throws -> Int32 {
        try GateShell.run(stub + command, environment: environment).status
    }

    func testStandaloneCartsDBIsDumpedBehindAnFsyncLockNotAddedToAReplicaSet() throws {
        let plan = try sockShop()
        let handle = "src/sock-shop/carts-db"
        let all = try [("data", "replicate"), ("data-verify", "verify"), ("freeze", "freeze"), ("promote", "promote")].flatMap { try item("\($0.0):\(handle)", in: plan).commands }
        XCTAssertFalse(all.contains { $0.contains("rs.add") || $0.contains("rs.stepDown") || $0.contains("printSecondaryReplicationInfo") },
                       "a mongod without --replSet is no replica set member: \(all)")
        XCTAssertTrue(try item("data:\(handle)", in: plan).title.contains("mongodump"), "the title names the copy it runs")

        let freeze = try item("freeze:\(handle)", in: plan)
        XCTAssertTrue(freeze.commands.contains { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("db.fsyncLock()") }, "\(freeze.commands)")
        XCTAssertTrue(freeze.rollbackCommands.contains { $0.contains("db.fsyncUnlock()") && $0.contains("lockCount > 0") }, "unlocked until the count is 0")

        let promote = try item("promote:\(handle)", in: plan).commands
        let copy = try XCTUnwrap(promote.firstIndex { $0.contains("mongodump \"$@\" --archive") && $0.contains("| kubectl --context \"$EKS_CONTEXT\"") && $0.contains("mongorestore \"$@\" --archive --drop") }, "\(promote)")
        let counts = try XCTUnwrap(promote.firstIndex { $0.contains("countDocuments") })
        let lockHeld = try XCTUnwrap(promote.firstIndex { $0.contains("fsyncLock === true") })
        XCTAssertTrue(lockHeld < copy && copy < counts, "the lock is checked, then the final copy, then its counts: \(promote)")

        // The rollback: EKS locked, its data back on the source, the counts compared.
        let rollback = try item("promote:\(handle)", in: plan).rollbackCommands
        let eksLock = try XCTUnwrap(rollback.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("db.fsyncLock()") }, "\(rollback)")
        let back = try XCTUnwrap(rollback.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("mongodump \"$@\" --archive") && $0.contains("| kubectl --context \"$SOURCE_CONTEXT\"") })
        let backCounts = try XCTUnwrap(rollback.lastIndex { $0.contains("countDocuments") })
        XCTAssertTrue(eksLock < back && back < backCounts, "\(rollback)")
    }

    func testMongoGatesFailOnWrongEmptyAndFailedAnswers() throws {
        let plan = try sockShop()
        let handle = "src/sock-shop/carts-db"
        let dump = try XCTUnwrap(try item("promote:\(handle)", in: plan).commands.first { $0.contains("mongodump") })
        // Each stub reads its stdin as kubectl exec -i does: one that returned first would make the printf feeding it die of
        // SIGPIPE (141), on a busy machine only.
        let dumpStub = "kubectl() { case \"$*\" in *mongodump*) cat >/dev/null; return \"${DUMP_STATUS:-0}\" ;; *) cat >/dev/null ;; esac; }\n"
        XCTAssertEqual(try GateShell.run(dumpStub + dump).status, 0)
        XCTAssertNotEqual(try GateShell.run(dumpStub + dump, environment: ["DUMP_STATUS": "1"]).status, 0, "a failed dump is no copy, whatever mongorestore answers")
        let counts = try XCTUnwrap(try item("promote:\(handle)", in: plan).commands.first { $0.contains("countDocuments") })
        let same = "shop.carts 12\nshop.items 40\ncollections 2"
        XCTAssertEqual(try status(counts, ["SOURCE_COUNTS": same, "EKS_COUNTS": same]), 0)
        XCTAssertNotEqual(try status(counts, ["SOURCE_COUNTS": same, "EKS_COUNTS": "shop.carts 12\nshop.items 39\ncollections 2"]), 0, "one document short")
        XCTAssertNotEqual(try status(counts, ["SOURCE_COUNTS": same, "EKS_COUNTS": "shop.carts 12\ncollections 1"]), 0, "a collection missing")
        XCTAssertNotEqual(try status(counts, ["SOURCE_COUNTS": "", "EKS_COUNTS": ""]), 0, "no answer is no pass")
        XCTAssertNotEqual(try status(counts, ["SOURCE_COUNTS": same, "EKS_COUNTS": same, "FAIL_SIDE": "EKS"]), 0, "a failed kubectl")

        let version = try XCTUnwrap(try item("data:\(handle)", in: plan).commands.first { $0.contains("db.version()") })
        XCTAssertEqual(try status(version, ["SOURCE_VERSION": "7.0.5", "EKS_VERSION": "7.0.14"]), 0, "one major version")
        XCTAssertNotEqual(try status(version, ["SOURCE_VERSION": "7.0.5", "EKS_VERSION": "8.0.3"]), 0, "an unpinned image is the newest major")
        XCTAssertNotEqual(try status(version, ["SOURCE_VERSION": "", "EKS_VERSION": ""]), 0)
        XCTAssertNotEqual(try status(version, ["SOURCE_VERSION": "7.0.5", "EKS_VERSION": "7.0.5", "FAIL_SIDE": "SOURCE"]), 0)

        let lock = try XCTUnwrap(try item("freeze:\(handle)", in: plan).commands.first { $0.contains("fsyncLock === true") })
        XCTAssertEqual(try status(lock, ["SOURCE_LOCKED": "true"]), 0)
        XCTAssertNotEqual(try status(lock, ["SOURCE_LOCKED": "false"]), 0, "not locked")
        XCTAssertNotEqual(try status(lock, ["SOURCE_LOCKED": ""]), 0)
        XCTAssertNotEqual(try status(lock, ["SOURCE_LOCKED": "true", "FAIL_SIDE": "SOURCE"]), 0)

        let names = try XCTUnwrap(try item("data-verify:\(handle)", in: plan).commands.first { $0.contains("getCollectionNames") })
        XCTAssertEqual(try status(names, ["SOURCE_NAMES": "shop.carts\nend", "EKS_NAMES": "shop.carts\nend"]), 0)
        XCTAssertNotEqual(try status(names, ["SOURCE_NAMES": "shop.carts\nshop.items\nend", "EKS_NAMES": "shop.carts\nend"]), 0, "a collection not copied")
        XCTAssertNotEqual(try status(names, [:]), 0, "no answer is no pass")
        XCTAssertNotEqual(try status(names, ["SOURCE_NAMES": "end", "EKS_NAMES": "end", "FAIL_SIDE": "EKS"]), 0)
    }

    // MARK: A replica set

    func replicaSet() throws -> TransitionPlan {
        let folder = try writeManifests(["mongo.yaml": """
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
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    /// Answers `$SIDE_SET` (the set's name), `$SYNC` (the catch-up) and `$PRIMARY` (rs.status's primary).
    let setStub = """
        kubectl() {
          case "$*" in *"--context eks"*) side=EKS ;; *) side=SOURCE ;; esac
          test "$side" = "${FAIL_SIDE:-}" && return 1
          case "$*" in
            *getCmdLineOpts*) v="${side}_SET" ;;
            *optimeDate*) v=SYNC ;;
            *"not-eks"*) v=PRIMARY ;;
            *) return 0 ;;
          esac
          printf '%s\\n' "${!v}"
        }

        """

    func testReplicaSetMemberJoinsWithoutAVoteAndTheNewPrimaryIsReadBack() throws {
        let plan = try replicaSet()
        let handle = "src/shop/orders-db"
        let data = try item("data:\(handle)", in: plan).commands
        XCTAssertTrue(data.contains { $0.contains("['$EKS_MEMBER_HOST_0:27017'].forEach(function (h) { if (!rs.conf().members.some(function (m) { return m.host === h })) { rs.add({host: h, priority: 0, votes: 0}) } })") }, "\(data)")
        XCTAssertFalse(data.contains { $0.contains("mongodump") }, "a replica set replicates; it is not dumped")
        let promote = try item("promote:\(handle)", in: plan).commands
        // The EKS member votes at priority 0 first; one reconfig after the loop raises it (no takeover mid-loop).
        let outrank = try XCTUnwrap(promote.firstIndex { $0.contains("else { m.votes = 1 } reconfig(cfg) }") && $0.contains("cfg = primary(); if (raise(cfg)) { reconfig(cfg) }") }, "\(promote)")
        XCTAssertFalse(promote[outrank].contains("m.priority = top(cfg)"), "no priority raised inside the loop: \(promote[outrank])")
        let stepDown = try XCTUnwrap(promote.firstIndex { $0.contains("rs.stepDown(") })
        let primary = try XCTUnwrap(promote.lastIndex { $0.contains("{ PRIMARY=") })
        XCTAssertTrue(outrank < stepDown && stepDown < primary, "the EKS member may stand before the step-down, and is read back after it")

        let host = ["EKS_MEMBER_HOST_0": "orders-db-0.orders-db.shop.svc.cluster.local"]
        func run(_ command: String, _ environment: [String: String]) throws -> Int32 {
            try GateShell.run(setStub + command, environment: host.merging(environment) { _, new in new }).status
        }
        let gate = promote[primary]
        XCTAssertEqual(try run(gate, ["PRIMARY": "eks"]), 0)
        XCTAssertNotEqual(try run(gate, ["PRIMARY": "not-eks mongo-1.on-prem:27017"]), 0, "a source member was elected")
        XCTAssertNotEqual(try run(gate, ["PRIMARY": ""]), 0, "no primary yet")
        XCTAssertNotEqual(try run(gate, ["PRIMARY": "eks", "FAIL_SIDE": "SOURCE"]), 0)

        let caughtUp = try XCTUnwrap(try item("data-verify:\(handle)", in: plan).commands.first { $0.contains("optimeDate") })
        XCTAssertEqual(try run(caughtUp, ["SYNC": "caught-up"]), 0)
        XCTAssertNotEqual(try run(caughtUp, ["SYNC": "behind"]), 0)
        XCTAssertNotEqual(try run(caughtUp, ["SYNC": ""]), 0)
        XCTAssertNotEqual(try run(caughtUp, ["SYNC": "caught-up", "FAIL_SIDE": "SOURCE"]), 0)

        let setName = try XCTUnwrap(data.first { $0.contains("getCmdLineOpts") })
        XCTAssertEqual(try run(setName, ["SOURCE_SET": "rs0", "EKS_SET": "rs0"]), 0)
        XCTAssertNotEqual(try run(setName, ["SOURCE_SET": "rs0", "EKS_SET": ""]), 0, "the EKS mongod runs without --replSet")
        XCTAssertNotEqual(try run(setName, ["SOURCE_SET": "", "EKS_SET": ""]), 0)
        XCTAssertNotEqual(try run(setName, ["SOURCE_SET": "rs0", "EKS_SET": "rs0", "FAIL_SIDE": "EKS"]), 0)
    }
}
