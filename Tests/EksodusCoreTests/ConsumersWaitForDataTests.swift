import Foundation
import XCTest
@testable import EksodusCore

/// A consumer of a copied database deploys once that copy holds its data and takes writes (its promotion, or the verify of
/// a copy restored after the freeze), not after the deploy of its empty, stopped or read-only target; the order shows in
/// its prerequisites and its evidence, and a link the manifests only suggest is called a guess there.
final class ConsumersWaitForDataTests: XCTestCase {
    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    /// The provider's step its consumers must wait for: its promotion when it has one, else its data verify.
    func takesWrites(_ provider: String, in plan: TransitionPlan) throws -> String {
        let keys = Set(plan.items.map(\.keyText))
        return try XCTUnwrap(["promote:" + provider, "data-verify:" + provider].first(where: keys.contains), "\(provider) has no data step")
    }

    func testTheDemoConsumersDeployAfterTheirDatabasesTakeWrites() throws {
        let plan = try DemoPlanOnce.plan()
        assertPrerequisitesAcyclic(plan, "demo")
        for (consumer, provider) in [("prod/monitoring/grafana", "prod/data/orders-db"), ("prod/shop/checkout", "prod/data/orders-db"),
                                     ("prod/shop/storefront", "prod/data/orders-db"), ("prod/shop/storefront", "prod/data/rabbitmq")] {
            let deploy = try item("deploy:" + consumer, in: plan)
            let ready = try takesWrites(provider, in: plan)
            // The demo's database and broker replicate into their EKS copy: only the promotion makes it writable.
            XCTAssertEqual(ready, "promote:" + provider)
            XCTAssertTrue(deploy.waitsFor.contains(ready), "\(consumer) waits for \(ready): \(deploy.waitsFor)")
            XCTAssertFalse(deploy.waitsFor.contains("deploy:" + provider), "the empty target's deploy is not enough: \(deploy.waitsFor)")
            XCTAssertTrue(deploy.evidence.contains("starts after \(ready)"), deploy.evidence)
            // The manifests name these databases with a namespace or a port: no guess.
            XCTAssertFalse(deploy.evidence.contains("is a guess"), deploy.evidence)
        }
    }

    func testAnAppOnItsDatabaseWaitsForItsDataAndSaysTheLinkIsAGuess() throws {
        let fixture = try requireFixtures().appendingPathComponent("04-k8s-examples-mysql-wordpress-pd")
        let plan = try planImported([fixture.path]).plan
        assertPrerequisitesAcyclic(plan, "wordpress")
        let ready = try takesWrites("src/default/wordpress-mysql", in: plan)
        let deploy = try item("deploy:src/default/wordpress", in: plan)
        XCTAssertTrue(deploy.waitsFor.contains(ready), "\(deploy.waitsFor)")
        XCTAssertTrue(deploy.evidence.contains("starts after \(ready)"), deploy.evidence)
        // WORDPRESS_DB_HOST=wordpress-mysql: a bare name, a Service only because of its key's name.
        XCTAssertTrue(deploy.evidence.contains("that it uses Deployment/default/wordpress-mysql is a guess"), deploy.evidence)
        XCTAssertTrue(deploy.evidence.contains("WORDPRESS_DB_HOST=wordpress-mysql → Service default/wordpress-mysql (a guess:"), deploy.evidence)
    }

    func testADatabaseRestoredAfterTheFreezeIsReadyAtItsVerify() throws {
        // No replication method for this engine's data: its claim is copied after the freeze, then verified.
        let folder = try writeManifests(["app.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: store, namespace: app}
            spec:
              serviceName: store
              selector: {matchLabels: {app: store}}
              template:
                metadata: {labels: {app: store}}
                spec:
                  containers: [{name: store, image: "example.com/team/store:1.0", volumeMounts: [{name: data, mountPath: /data}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: store, namespace: app}
            spec: {selector: {app: store}, ports: [{port: 7000}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: app}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "example.com/team/web:1.0", env: [{name: STORE_URL, value: "http://store.app:7000"}]}]
            """], test: self)
        let plan = try planImported([folder.path]).plan
        assertPrerequisitesAcyclic(plan, "restored store")
        let keys = Set(plan.items.map(\.keyText))
        XCTAssertFalse(keys.contains("promote:src/app/store"), "a one-shot copy has no promotion")
        let deploy = try item("deploy:src/app/web", in: plan)
        XCTAssertTrue(deploy.waitsFor.contains("data-verify:src/app/store"), "\(deploy.waitsFor)")
        XCTAssertTrue(deploy.evidence.contains("starts after data-verify:src/app/store"), deploy.evidence)
        XCTAssertFalse(deploy.evidence.contains("is a guess"), deploy.evidence)
    }

    func testAStatelessProviderIsWaitedForAtItsDeploy() throws {
        let folder = try writeManifests(["app.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: app}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers: [{name: api, image: "example.com/team/api:1.0"}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: app}
            spec: {selector: {app: api}, ports: [{port: 8080}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: app}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "example.com/team/web:1.0", env: [{name: API_HOST, value: api}]}]
            """], test: self)
        let plan = try planImported([folder.path]).plan
        let deploy = try item("deploy:src/app/web", in: plan)
        XCTAssertTrue(deploy.waitsFor.contains("deploy:src/app/api"), "\(deploy.waitsFor)")
        XCTAssertFalse(deploy.evidence.contains("starts after"), deploy.evidence)
        // The bare name is still called a guess where the link is shown.
        XCTAssertTrue(deploy.evidence.contains("API_HOST=api → Service app/api (a guess: only the bare name api"), deploy.evidence)
    }

    func testWhatMakesALinkAGuess() {
        func guess(_ token: String, picked: Int = 1) -> String? {
            DependencyGraph.guess(ServiceReferences.Reference(namespace: "app", name: "db", token: token), picked: picked)
        }
        XCTAssertNotNil(guess("db"), "a bare name, a Service only because of its key")
        XCTAssertNotNil(guess("user@db/main"), "still only the bare name")
        for named in ["db:5432", "db.app", "postgres://u@db.app.svc:5432/main", "db.app.svc.cluster.local"] { XCTAssertNil(guess(named), named) }
        XCTAssertEqual(guess("db.app:5432", picked: 2), "Service app/db selects 2 workloads; which one answers is not known")
    }
}
