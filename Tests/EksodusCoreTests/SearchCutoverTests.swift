import Foundation
import XCTest
@testable import EksodusCore

/// The Elasticsearch cutover an EKS engineer signs: what writes into the search copy on its own starts only once that copy
/// is promoted (the order comes from the dependency graph, not from a name); one writer per S3 repository (EKS reads it
/// until the promotion, then takes it over after the source lets go), verified on both sides; the keystore's S3 keys,
/// lost at a pod's restart, are checked on every node before the final snapshot. The gates run in bash against stand-in
/// `kubectl`s that answer, fail or stay silent.
final class SearchCutoverTests: XCTestCase {
    func demo() throws -> TransitionPlan { try DemoPlanOnce.plan() }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    /// Whether `start` waits, directly or not, for `target`.
    func reaches(_ start: String, _ target: String, in plan: TransitionPlan) -> Bool {
        let byKey = Dictionary(plan.items.map { ($0.keyText, $0.prerequisites.map(\.description)) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = [], queue = [start]
        while let key = queue.popLast() {
            if key == target { return true }
            guard seen.insert(key).inserted else { continue }
            queue += byKey[key] ?? []
        }
        return false
    }

    /// A `kubectl` printing `$OUT` (escapes expanded), or failing when `$FAIL` is set.
    let stub = """
        kubectl() { [ -z "${FAIL:-}" ] || return 1; printf '%b' "${OUT:-}"; }

        """

    func status(_ script: String, _ environment: [String: String]) throws -> Int32 {
        try GateShell.run(stub + script, environment: environment).status
    }

    // MARK: 1. writers start after the promotion

    func testTheDemoLogShipperStartsAfterTheSearchIndexIsPromoted() throws {
        let plan = try demo()
        let shipper = try item("deploy:prod/platform/fluent-bit", in: plan)
        let after = shipper.prerequisites.map(\.description)
        XCTAssertTrue(after.contains("promote:prod/data/search-index"), "\(after)")
        XCTAssertTrue(shipper.evidence.contains("starts after promote:prod/data/search-index"), shipper.evidence)
        XCTAssertFalse(reaches("promote:prod/data/search-index", "deploy:prod/platform/fluent-bit", in: plan), "no cycle")
        // The staging shipper writes into nothing restored: it still starts with the platform.
        XCTAssertFalse(reaches("deploy:staging/shop-staging/fluent-bit", "promote:prod/data/search-index", in: plan))
    }

    func testAWriterNothingCallsAndACalledAPIBothWaitForThePromotion() throws {
        let folder = try writeManifests(["search.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: logs, namespace: search}
            spec:
              serviceName: logs
              selector: {matchLabels: {app: logs}}
              template:
                metadata: {labels: {app: logs}}
                spec:
                  containers: [{name: es, image: "docker.elastic.co/elasticsearch/elasticsearch:7.17.9", volumeMounts: [{name: data, mountPath: /usr/share/elasticsearch/data}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: logs, namespace: search}
            spec: {selector: {app: logs}, ports: [{port: 9200}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: indexer, namespace: search}
            spec:
              selector: {matchLabels: {app: indexer}}
              template:
                metadata: {labels: {app: indexer}}
                spec:
                  containers: [{name: indexer, image: "example.com/team/indexer:1.2", env: [{name: ES_URL, value: "http://logs.search.svc:9200"}]}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: search}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers: [{name: api, image: "example.com/team/api:1.2", env: [{name: ES_URL, value: "http://logs:9200"}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: search}
            spec: {selector: {app: api}, ports: [{port: 8080}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: search}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "example.com/team/web:1.2", env: [{name: API_URL, value: "http://api:8080"}]}]
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let indexer = try item("deploy:src/search/indexer", in: plan).prerequisites.map(\.description)
        XCTAssertTrue(indexer.contains("promote:src/search/logs"), "nothing calls it: it writes on its own: \(indexer)")
        XCTAssertTrue(try item("deploy:src/search/indexer", in: plan).evidence.contains("it writes into StatefulSet/search/logs on its own"))
        // Called by web, it writes only when asked, but it may create its indices at startup: a restore still filling the
        // copy fails on an open index, so it too starts once the copy takes writes (ConsumersWaitForDataTests).
        let api = try item("deploy:src/search/api", in: plan)
        XCTAssertTrue(api.waitsFor.contains("promote:src/search/logs") && !api.waitsFor.contains("deploy:src/search/logs"), "\(api.waitsFor)")
        XCTAssertTrue(api.evidence.contains("starts after promote:src/search/logs, not after StatefulSet/search/logs's deploy"), api.evidence)
    }

    // MARK: 2. one writer per repository

    func testEKSReadsTheRepositoryUntilThePromotionThenTakesItOverAfterTheSource() throws {
        let plan = try demo()
        let data = try item("data:prod/data/search-index", in: plan).commands
        let registers = data.filter { $0.contains("-XPUT localhost:9200/_snapshot/eksodus ") }
        XCTAssertEqual(registers.count, 2, "\(data)")
        XCTAssertTrue(registers[0].contains("\"$SOURCE_CONTEXT\"") && !registers[0].contains("readonly"), registers[0])
        XCTAssertTrue(registers[1].contains("\"$EKS_CONTEXT\"") && registers[1].contains(#"\"readonly\":true"#), registers[1])
        let verifies = data.filter { $0.contains("_snapshot/eksodus/_verify") }
        XCTAssertEqual(verifies.count, 2, "both sides verify: \(data)")
        let restore = try XCTUnwrap(data.firstIndex { $0.contains("initial/_restore") })
        let readsOnly = try XCTUnwrap(data.firstIndex { $0.hasPrefix("{ REPOSITORY=") })
        XCTAssertLessThan(try XCTUnwrap(data.lastIndex { $0.contains("_verify") }), restore)
        XCTAssertLessThan(readsOnly, restore)

        for gate in verifies {
            XCTAssertEqual(try status(gate, ["OUT": #"{"nodes":{"a1":{"name":"search-index-0"}}}"#]), 0)
            XCTAssertNotEqual(try status(gate, ["OUT": #"{"nodes":{}}"#]), 0, "no node verified it")
            XCTAssertNotEqual(try status(gate, ["OUT": ""]), 0, "no answer")
            XCTAssertNotEqual(try status(gate, ["OUT": #"{"nodes":{"a1":{"name":"n"}}}"#, "FAIL": "1"]), 0, "kubectl failed")
        }
        let readOnly = data[readsOnly]
        XCTAssertEqual(try status(readOnly, ["OUT": #"{"eksodus":{"type":"s3","settings":{"bucket":"b","readonly":"true"}}}"#]), 0)
        XCTAssertNotEqual(try status(readOnly, ["OUT": #"{"eksodus":{"type":"s3","settings":{"bucket":"b"}}}"#]), 0, "writable on EKS")
        XCTAssertNotEqual(try status(readOnly, ["OUT": #"{"eksodus":{"type":"s3","settings":{"bucket":"b","readonly":"false"}}}"#]), 0)
        XCTAssertNotEqual(try status(readOnly, ["OUT": ""]), 0, "no answer")
        XCTAssertNotEqual(try status(readOnly, ["FAIL": "1"]), 0, "kubectl failed")

        let promote = try item("promote:prod/data/search-index", in: plan).commands
        let counts = try XCTUnwrap(promote.firstIndex { $0.hasPrefix("{ SOURCE_COUNTS=") })
        let unregister = try XCTUnwrap(promote.firstIndex { $0.contains("\"$SOURCE_CONTEXT\"") && $0.contains("-XDELETE localhost:9200/_snapshot/eksodus") }, "\(promote)")
        let writable = try XCTUnwrap(promote.firstIndex { $0.contains("\"$EKS_CONTEXT\"") && $0.contains("-XPUT localhost:9200/_snapshot/eksodus ") }, "\(promote)")
        XCTAssertFalse(promote[writable].contains("readonly"), promote[writable])
        XCTAssertTrue(counts < unregister && unregister < writable, "the source lets go first, after the last gate: \(promote)")
        XCTAssertTrue(promote[(writable + 1)...].contains { $0.contains("_verify") }, "the new writer is verified")
    }

    func testUndoingThePromotionBringsEKSsWritesBackWithOneWriterAtATime() throws {
        let back = try item("promote:prod/data/search-index", in: try demo()).rollbackCommands
        func index(_ what: String, _ match: (String) -> Bool) throws -> Int { try XCTUnwrap(back.firstIndex(where: match), "\(what): \(back)") }
        let blocked = try index("EKS write block") { $0.contains("\"$EKS_CONTEXT\"") && $0.contains(#"{"index.blocks.write": true}"#) }
        let snapshot = try index("EKS snapshot") { $0.contains("\"$EKS_CONTEXT\"") && $0.contains(".rollback-snapshot") && $0.contains("-XPUT") }
        let letGo = try index("EKS lets go") { $0.contains("\"$EKS_CONTEXT\"") && $0.contains("-XDELETE localhost:9200/_snapshot/eksodus") }
        let register = try index("source registers") { $0.contains("\"$SOURCE_CONTEXT\"") && $0.contains("-XPUT localhost:9200/_snapshot/eksodus ") }
        let close = try index("source closes") { $0.contains("\"$SOURCE_CONTEXT\"") && $0.contains("/_close") }
        let restore = try index("source restores") { $0.contains("\"$SOURCE_CONTEXT\"") && $0.contains(".rollback-snapshot") && $0.contains("$SNAPSHOT/_restore") && $0.contains("ignore_index_settings") }
        let counts = try index("counts") { $0.hasPrefix("{ SOURCE_COUNTS=") }
        let lift = try index("freeze lifted") { $0.contains("\"$SOURCE_CONTEXT\"") && $0.contains(#"{"index.blocks.write": false}"#) }
        XCTAssertEqual([blocked, snapshot, letGo, register, close, restore, counts, lift], [blocked, snapshot, letGo, register, close, restore, counts, lift].sorted(), "\(back)")
        // The source's freeze lifts last: after the write block only the rest of the freeze's own rollback (index creation
        // and ILM given back, ElasticsearchIndexCreationFreeze).
        let freezeRollback = try item("freeze:prod/data/search-index", in: try demo()).rollbackCommands
        XCTAssertTrue(back[(lift + 1)...].allSatisfy(freezeRollback.contains), "the source's freeze lifts last: \(back[(lift + 1)...])")
        XCTAssertTrue(back[(lift + 1)...].contains { $0.contains("action.auto_create_index") }, "\(back)")

        let sides = """
            kubectl() {
              case "$*" in
                *"--context eks"*) [ "${FAIL:-}" != eks ] || return 1; printf '%b' "${EKS_OUT:-}" ;;
                *) [ "${FAIL:-}" != src ] || return 1; printf '%b' "${SOURCE_OUT:-}" ;;
              esac
            }

            """
        func run(_ environment: [String: String]) throws -> Int32 { try GateShell.run(sides + back[counts], environment: environment).status }
        XCTAssertEqual(try run(["SOURCE_OUT": "orders 12\\n", "EKS_OUT": "orders 12\\n"]), 0)
        XCTAssertNotEqual(try run(["SOURCE_OUT": "orders 10\\n", "EKS_OUT": "orders 12\\n"]), 0, "EKS's last writes missing")
        XCTAssertNotEqual(try run(["SOURCE_OUT": "", "EKS_OUT": ""]), 0, "nothing read")
        XCTAssertNotEqual(try run(["SOURCE_OUT": "orders 12\\n", "EKS_OUT": "orders 12\\n", "FAIL": "src"]), 0, "kubectl failed")
    }

    // MARK: 3. keys that survive (or are caught missing)

    func testEveryNodesKeystoreIsCheckedBeforeTheFinalSnapshot() throws {
        let plan = try demo()   // elasticsearch 7.17: keys on both sides
        let data = try item("data:prod/data/search-index", in: plan).commands.joined(separator: "\n")
        XCTAssertTrue(data.contains("decision: the keys live in config/elasticsearch.keystore"), data)
        let promote = try item("promote:prod/data/search-index", in: plan).commands
        let final = try XCTUnwrap(promote.firstIndex { $0.contains(".final-snapshot") && $0.contains("-XPUT") })
        let checks = promote.indices.filter { promote[$0].contains("elasticsearch-keystore list") }
        XCTAssertEqual(checks.count, 2, "\(promote)")
        XCTAssertTrue(promote[checks[0]].contains("\"$SOURCE_CONTEXT\"") && promote[checks[1]].contains("\"$EKS_CONTEXT\""))
        XCTAssertTrue(checks.allSatisfy { $0 < final })

        // The check runs its script in the pod, as kubectl exec would: both keys must be listed.
        let inPod = """
            elasticsearch-keystore() { [ -z "${DOWN:-}" ] || return 1; printf '%b' "$KEYS"; }
            export -f elasticsearch-keystore
            kubectl() { while [ $# -gt 0 ] && [ "$1" != "-c" ]; do shift; done; [ $# -gt 1 ] || return 1; bash -c "$2"; }

            """
        let gate = promote[checks[0]]
        func run(_ environment: [String: String]) throws -> Int32 { try GateShell.run(inPod + gate, environment: environment).status }
        XCTAssertEqual(try run(["KEYS": "keystore.seed\\ns3.client.default.access_key\\ns3.client.default.secret_key\\n"]), 0)
        XCTAssertNotEqual(try run(["KEYS": "keystore.seed\\n"]), 0, "a restarted pod: only the seed")
        XCTAssertNotEqual(try run(["KEYS": "s3.client.default.access_key\\n"]), 0, "one key missing")
        XCTAssertNotEqual(try run(["KEYS": ""]), 0, "empty keystore listing")
        XCTAssertNotEqual(try run(["KEYS": "s3.client.default.access_key\\ns3.client.default.secret_key\\n", "DOWN": "1"]), 0, "the tool failed")
        XCTAssertNotEqual(try status(gate, ["FAIL": "1"]), 0, "kubectl failed")
    }
}
