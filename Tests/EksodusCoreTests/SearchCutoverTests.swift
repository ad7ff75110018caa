import Foundation
import XCTest
@testable import EksodusCore

/// The Elasticsearch cutover an EKS engineer signs: what writes into the search copy on its own starts only once that copy
/// is promoted (the order comes from the dependency graph, not from a name).
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

    func testAWriterNothingCallsWaitsForThePromotionAndACalledAPIOnlyForTheDeploy() throws {
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
        let api = try item("deploy:src/search/api", in: plan).prerequisites.map(\.description)
        XCTAssertTrue(api.contains("deploy:src/search/logs") && !api.contains("promote:src/search/logs"),
                      "called by web, it writes only when asked; its switch waits for the promotion: \(api)")
    }
}
