import Foundation
import XCTest
@testable import EksodusCore

/// Imports every entry of ../shared/fixtures and compares with its EXPECTED.json (computed by the fixtures'
/// own counting script): objects after list expansion, per-kind counts, distinct image references as written,
/// PersistentVolumeClaims and volumeClaimTemplates; per entry and per file.
final class FixtureImportTests: XCTestCase {
    struct Expectation {
        var objects: Int
        var kinds: [String: Int]
        var images: Set<String>
        var pvc: Int
        var vct: Int
    }

    func expectations(_ folder: URL) throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: folder.appendingPathComponent("EXPECTED.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    }

    func expectation(_ json: [String: Any]) throws -> Expectation {
        var kinds: [String: Int] = [:]
        for (kind, value) in try XCTUnwrap(json["kinds"] as? [String: Int]) {
            // A trailing '*' marks a kind inferred from a typed list: the object still has that kind.
            kinds[kind.hasSuffix("*") ? String(kind.dropLast()) : kind, default: 0] += value
        }
        return Expectation(
            objects: try XCTUnwrap(json["objects"] as? Int),
            kinds: kinds,
            images: Set(json["images"] as? [String] ?? []),
            pvc: json["pvc"] as? Int ?? 0,
            vct: json["vct"] as? Int ?? 0
        )
    }

    func readKinds(_ database: AppDatabase, importID: Int64) throws -> [String: Int] {
        let text = try strings(database, "SELECT kinds FROM import WHERE id = ?", [importID]).first ?? "{}"
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Int])
    }

    func testEveryEntryMatchesExpectedCounts() throws {
        let folder = try requireFixtures()
        let all = try expectations(folder)
        XCTAssertGreaterThanOrEqual(all.count, 14)
        let database = try AppDatabase.inMemory()
        for entry in all.keys.sorted() {
            let json = try XCTUnwrap(all[entry]?["aggregate"] as? [String: Any])
            let expected = try expectation(json)
            let summary = try importPaths([folder.appendingPathComponent(entry).path], cluster: entry, into: database)
            XCTAssertEqual(summary.objectsRead, expected.objects, "\(entry): objects read")
            XCTAssertEqual(try readKinds(database, importID: summary.importID), expected.kinds, "\(entry): kinds")
            let images = try strings(database, """
                SELECT DISTINCT i.reference FROM container c JOIN image i ON i.id = c.image_id
                JOIN resource r ON r.id = c.resource_id JOIN cluster k ON k.id = r.cluster_id WHERE k.name = ?
                """, [entry])
            XCTAssertEqual(Set(images), expected.images, "\(entry): distinct images")
            XCTAssertEqual(summary.kinds["PersistentVolumeClaim"] ?? 0, expected.pvc, "\(entry): PVCs read")
            let templates = try count(database, """
                SELECT count(*) FROM volume v JOIN resource r ON r.id = v.resource_id JOIN cluster k ON k.id = r.cluster_id
                WHERE k.name = ? AND v.source = 'template'
                """, [entry])
            XCTAssertEqual(templates, expected.vct, "\(entry): volumeClaimTemplates")
        }
    }

    func testEveryFileMatchesItsExpectedCounts() throws {
        let folder = try requireFixtures()
        let all = try expectations(folder)
        let database = try AppDatabase.inMemory()
        var checked = 0
        for entry in all.keys.sorted() {
            let perFile = try XCTUnwrap(all[entry]?["per_file"] as? [String: [String: Any]])
            for file in perFile.keys.sorted() {
                let expected = try expectation(try XCTUnwrap(perFile[file]))
                let cluster = "f\(checked)"
                let summary = try importPaths([folder.appendingPathComponent(entry).appendingPathComponent(file).path], cluster: cluster, into: database)
                XCTAssertEqual(summary.objectsRead, expected.objects, "\(entry)/\(file): objects")
                XCTAssertEqual(try readKinds(database, importID: summary.importID), expected.kinds, "\(entry)/\(file): kinds")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 150)
    }

    func testRepeatedObjectsAreCountedAsReadAndKeptOnce() throws {
        let folder = try requireFixtures()
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.appendingPathComponent("08-sock-shop-2018-old-apis").path], cluster: "old", into: database)
        XCTAssertEqual(summary.objectsRead, 96)
        // Namespace sock-shop twice, Deployments user, payment and catalogue twice (manifests/ and manifests-jaeger/).
        XCTAssertEqual(summary.objectsStored, 92)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE kind = 'Deployment' AND namespace = 'sock-shop' AND name = 'user'"), 1)
        // The later reading wins: manifests-jaeger/ sorts after manifests/.
        let source = try strings(database, "SELECT source_file FROM resource WHERE kind = 'Deployment' AND name = 'user'")
        XCTAssertTrue(source.first?.hasSuffix("manifests-jaeger/user-dep.yaml") == true, "\(source)")
    }

    func testCraneExportFoldsPodsAndReplicaSetsIntoTheirOwners() throws {
        let folder = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([folder.appendingPathComponent("13-crane-export-wordpress").path], cluster: "crane", into: database)
        let workloads = try strings(database, "SELECT kind || '/' || name FROM workload ORDER BY 1")
        XCTAssertEqual(workloads, ["Deployment/wordpress", "Deployment/wordpress-mysql", "Job/wordpress-install"])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload_member"), 8, "3 workloads + 2 ReplicaSets + 3 Pods")
        // managedFields never reach the inventory, nor status, but a Service's or Ingress's load balancer (who serves it today).
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE body LIKE '%managedFields%' OR (body LIKE '%\"status\":%' AND kind NOT IN ('Service', 'Ingress'))"), 0)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE kind IN ('Service', 'Ingress') AND body LIKE '%\"status\":%' AND body NOT LIKE '%\"status\":{\"loadBalancer\":%'"), 0)
    }

    func testOpenShiftListsKeepDeploymentConfigsAsWorkloads() throws {
        let folder = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([folder.appendingPathComponent("11-openshift-oc-list-exports").path], cluster: "ocp", into: database)
        let kinds = try strings(database, "SELECT DISTINCT kind FROM workload ORDER BY 1")
        XCTAssertTrue(kinds.contains("DeploymentConfig"), "\(kinds)")
        // ReplicationControllers owned by a DeploymentConfig are not workloads of their own.
        let owned = try count(database, """
            SELECT count(*) FROM workload w JOIN resource r ON r.id = w.resource_id WHERE r.owner_kind = 'DeploymentConfig'
            """)
        XCTAssertEqual(owned, 0)
    }
}
