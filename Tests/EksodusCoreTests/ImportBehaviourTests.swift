import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// Import as a whole: secrets, atomicity, idempotence, ownership folding, namespaces.
final class ImportBehaviourTests: XCTestCase {
    static let secretManifests = [
        "app/secret.yaml": """
            apiVersion: v1
            kind: Secret
            metadata:
              name: db-credentials
              namespace: shop
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"v1","kind":"Secret","stringData":{"password":"plain-Zq8vLastApplied"}}
            type: Opaque
            data:
              password: WnE4dkJhc2U2NFNlY3JldA==
            stringData:
              api-token: plain-Zq8vStringData
            """,
        "app/deploy.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: billing, namespace: shop}
            spec:
              selector: {matchLabels: {app: billing}}
              template:
                metadata: {labels: {app: billing}}
                spec:
                  containers:
                  - name: billing
                    image: harbor.corp.local/shop/billing:2.1
                    env:
                    - {name: AWS_ACCESS_KEY_ID, value: AKIAZQ8VEXAMPLEKEY01}
                    - {name: AWS_SECRET_ACCESS_KEY, value: zq8vStaticSecretAccessKeyValue}
                    - {name: DATABASE_URL, value: "postgres://billing:Zq8vUrlPassword@orders-db.shop.svc:5432/billing"}
                    - {name: LOG_LEVEL, value: info}
            """,
    ]
    static let secretValues = ["Zq8vBase64Secret", "WnE4dkJhc2U2NFNlY3JldA==", "plain-Zq8vStringData", "plain-Zq8vLastApplied",
                               "AKIAZQ8VEXAMPLEKEY01", "zq8vStaticSecretAccessKeyValue", "Zq8vUrlPassword"]

    func testSecretValuesNeverReachTheDatabaseFile() throws {
        let input = try writeManifests(Self.secretManifests, test: self)
        let folder = try temporaryFolder(self)
        let path = folder.appendingPathComponent("inventory.db").path
        do {
            let database = try AppDatabase.open(path: path)
            try importPaths([input.path], cluster: "prod", into: database)
            if let fixtures = fixturesFolder() {
                try importPaths([fixtures.appendingPathComponent("13-crane-export-wordpress").path], cluster: "crane", into: database)
                try importPaths([fixtures.appendingPathComponent("07-argocd-install").path], cluster: "argocd", into: database)
            }
            // Key names are kept, and the literal that is not a credential too.
            XCTAssertEqual(try strings(database, "SELECT key FROM config_key k JOIN resource r ON r.id = k.resource_id WHERE r.name = 'db-credentials' ORDER BY key"),
                           ["api-token", "password"])
            let env = try strings(database, "SELECT env FROM container WHERE name = 'billing'").first ?? ""
            XCTAssertTrue(env.contains("\"LOG_LEVEL\""), env)
            XCTAssertTrue(env.contains("orders-db.shop.svc:5432"), env)
            try (database.writer as? DatabasePool)?.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        }
        var bytes = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            bytes.append(try Data(contentsOf: folder.appendingPathComponent(file)))
        }
        XCTAssertGreaterThan(bytes.count, 10_000)
        var values = Self.secretValues
        if let fixtures = fixturesFolder() {
            values += try secretDataValues(in: fixtures.appendingPathComponent("13-crane-export-wordpress"))
            values += try secretDataValues(in: fixtures.appendingPathComponent("07-argocd-install"))
        }
        for value in values {
            XCTAssertNil(bytes.range(of: Data(value.utf8)), "secret value \(value) found in the database file")
        }
    }

    /// Every Secret `data`/`stringData` value of a fixture, read straight from its files.
    func secretDataValues(in folder: URL) throws -> [String] {
        var values: [String] = []
        let files = try ManifestSources.expand([folder.path])
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for object in try parseObjects(text) where object["kind"]?.string == "Secret" {
                for key in ["data", "stringData"] {
                    values += (object[key]?.entries ?? []).compactMap { $0.value.string }.filter { $0.count >= 8 }
                }
            }
        }
        return values
    }

    func testImportingTheSameInputTwiceGivesTheSameInventory() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        let paths = [fixtures.appendingPathComponent("13-crane-export-wordpress").path, fixtures.appendingPathComponent("02-sock-shop").path]
        let first = try importPaths(paths, cluster: "c", into: database)
        let tables = ["resource", "workload", "workload_member", "container", "image", "volume", "service", "pod_spec", "config_key", "pod_volume"]
        let before = try tables.map { try count(database, "SELECT count(*) FROM \($0)") }
        let workloadIDs = try strings(database, "SELECT id || kind || name FROM workload ORDER BY id")
        let second = try importPaths(paths, cluster: "c", into: database)
        XCTAssertEqual(try tables.map { try count(database, "SELECT count(*) FROM \($0)") }, before)
        XCTAssertEqual(try strings(database, "SELECT id || kind || name FROM workload ORDER BY id"), workloadIDs, "workload ids are stable")
        XCTAssertEqual(first.digest, second.digest)
        XCTAssertEqual(first.objectsRead, second.objectsRead)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM import"), 2, "each import is recorded")
    }

    func testABrokenFileLeavesTheDatabaseExactlyAsItWas() throws {
        let database = try AppDatabase.inMemory()
        let good = try writeManifests(Self.secretManifests, test: self)
        try importPaths([good.path], cluster: "prod", into: database)
        let before = try dump(database)
        var manifests = Self.secretManifests
        manifests["app/zz-more.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n"
        manifests["app/m-broken.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n"
        let broken = try writeManifests(manifests, test: self)
        XCTAssertThrowsError(try importPaths([broken.path], cluster: "prod", into: database)) { error in
            let syntax = error as? ManifestSyntaxError
            XCTAssertTrue(syntax?.file.hasSuffix("app/m-broken.yaml") == true, "\(error)")
            XCTAssertEqual(syntax?.line, 10, "\(error)")
        }
        XCTAssertEqual(try dump(database), before)
    }

    func testAFileThatIsNotUTF8NamesTheLineOfTheBadByte() throws {
        let folder = try temporaryFolder(self)
        let file = folder.appendingPathComponent("latin1.yaml")
        try (Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  city: Z".utf8) + Data([0xFC]) + Data("rich\n".utf8)).write(to: file)
        let database = try AppDatabase.inMemory()
        XCTAssertThrowsError(try importPaths([file.path], cluster: "c", into: database)) { error in
            let syntax = error as? ManifestSyntaxError
            XCTAssertEqual(syntax?.line, 6, "\(error)")
            XCTAssertEqual(syntax?.column, 10, "\(error)")
            XCTAssertTrue("\(error)".contains("UTF-8"), "\(error)")
        }
    }

    func testAMissingPathIsRefusedBeforeAnythingIsWritten() throws {
        let database = try AppDatabase.inMemory()
        XCTAssertThrowsError(try importPaths(["/nonexistent/export.yaml"], cluster: "prod", into: database)) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/export.yaml"))
        }
        XCTAssertEqual(try count(database, "SELECT count(*) FROM cluster"), 0)
    }

    func testOwnershipFoldsIntoTopOwnerEvenWhenOwnersWereNotExported() throws {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["pods.yaml": """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata:
                name: web-7d9f-a
                namespace: shop
                ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f, controller: true, uid: u1}]
              spec: {containers: [{name: web, image: nginx:1.25}]}
            - apiVersion: v1
              kind: Pod
              metadata:
                name: web-7d9f-b
                namespace: shop
                ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f, controller: true, uid: u1}]
              spec: {containers: [{name: web, image: nginx:1.25}]}
            - apiVersion: batch/v1
              kind: CronJob
              metadata: {name: nightly, namespace: shop}
              spec:
                schedule: "0 2 * * *"
                jobTemplate: {spec: {template: {spec: {containers: [{name: job, image: busybox}]}}}}
            - apiVersion: batch/v1
              kind: Job
              metadata:
                name: nightly-2891
                namespace: shop
                ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: nightly, controller: true}]
              spec: {template: {spec: {containers: [{name: job, image: busybox}]}}}
            - apiVersion: v1
              kind: Pod
              metadata:
                name: nightly-2891-x
                namespace: shop
                ownerReferences: [{apiVersion: batch/v1, kind: Job, name: nightly-2891, controller: true}]
              spec: {containers: [{name: job, image: busybox}]}
            - apiVersion: v1
              kind: Pod
              metadata:
                name: kube-apiserver-node1
                namespace: kube-system
                ownerReferences: [{apiVersion: v1, kind: Node, name: node1, controller: true}]
              spec: {containers: [{name: apiserver, image: registry.k8s.io/kube-apiserver:v1.29.3}]}
            """], test: self)
        try importPaths([folder.path], cluster: "c", into: database)
        let workloads = try strings(database, "SELECT kind || '/' || namespace || '/' || name || ' pods=' || pods_observed || ' top=' || (resource_id IS NOT NULL) FROM workload ORDER BY 1")
        XCTAssertEqual(workloads, [
            "CronJob/shop/nightly pods=1 top=1",
            "Pod/kube-system/kube-apiserver-node1 pods=1 top=1",
            "ReplicaSet/shop/web-7d9f pods=2 top=0",
        ])
    }

    func testObjectsWithoutNamespaceTakeTheImportNamespaceAndClusterScopedOnesNone() throws {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["chart.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: fast}
            provisioner: rancher.io/local-path
            ---
            # values.yaml-like document: not an object
            replicaCount: 3
            """], test: self)
        let summary = try importPaths([folder.path], cluster: "c", into: database, namespace: "payments")
        XCTAssertEqual(try strings(database, "SELECT kind || ':' || namespace FROM resource ORDER BY kind"), ["ConfigMap:payments", "StorageClass:"])
        XCTAssertEqual(summary.notices.count, 1)
        XCTAssertEqual(summary.notices.first?.line, 11)
    }

    func testANewerDatabaseIsRefused() throws {
        let folder = try temporaryFolder(self)
        let path = folder.appendingPathComponent("future.db").path
        do {
            let database = try AppDatabase.open(path: path)
            try database.writer.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')") }
        }
        XCTAssertThrowsError(try AppDatabase.open(path: path)) { error in
            XCTAssertTrue("\(error)".contains("newer eksodus"), "\(error)")
        }
    }

    func testMigrationsAreNumberedAndAppliedInOrder() throws {
        let files = AppDatabase.migrationFiles
        XCTAssertFalse(files.isEmpty)
        // Four digits and a name; numbers strictly increase (a branch may leave a gap that another fills).
        let numbers = files.map { Int($0.identifier.prefix(4)) ?? 0 }
        for file in files { XCTAssertNotNil(file.identifier.range(of: #"^[0-9]{4}_[a-z0-9_]+$"#, options: .regularExpression), file.identifier) }
        XCTAssertEqual(numbers.first, 1)
        XCTAssertEqual(numbers, numbers.sorted())
        XCTAssertEqual(Set(numbers).count, numbers.count)
        let database = try AppDatabase.inMemory()
        let applied = try strings(database, "SELECT identifier FROM grdb_migrations")
        XCTAssertEqual(applied, files.map(\.identifier))
    }
}
