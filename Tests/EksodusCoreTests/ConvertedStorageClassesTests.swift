import Foundation
import XCTest
@testable import EksodusCore

/// Every converted cluster carries the StorageClasses its claims name, and no claim keeps a source class the beta annotation
/// would still choose over `spec.storageClassName`.
final class ConvertedStorageClassesTests: XCTestCase {
    /// Fixtures without Secrets get no secret store: their classes file was written inside the stores' block and went missing.
    func testEveryClusterGetsItsStorageClassesFileWithOrWithoutSecretStores() throws {
        let fixtures = try requireFixtures()
        let convert = ConvertTests(name: "helper", testClosure: { _ in })
        for fixture in ["04-k8s-examples-mysql-wordpress-pd", "05-k8s-examples-cassandra", "10-k8s-examples-intree-storage"] {
            let (plan, out, files) = try convert.convert([fixtures.appendingPathComponent(fixture).path])
            let classes = try XCTUnwrap(files["src/" + StoragePlan.classFileName], "\(fixture): no \(StoragePlan.classFileName) in \(files.keys.sorted())")
            let names = Set(try ManifestText.objects(classes).filter { $0["kind"]?.string == "StorageClass" }.compactMap { $0["metadata", "name"]?.string })
            let claimed = Set(plan.storage.entries.filter { $0.cluster == "src" }.compactMap { $0.targetClass.split(separator: " ").first.map(String.init) })
            XCTAssertFalse(claimed.isEmpty, fixture)
            XCTAssertTrue(claimed.isSubset(of: names), "\(fixture): claims name \(claimed.sorted()), the file holds \(names.sorted())")
            try? FileManager.default.removeItem(at: out)
        }
    }

    /// Fixture 05's claim template carries `volume.beta.kubernetes.io/storage-class: fast`, which Kubernetes honours over
    /// `storageClassName`: the claim asked for a class EKS has not and never bound.
    func testTheBetaStorageClassAnnotationIsDroppedWhereTheClassIsRewritten() throws {
        let fixtures = try requireFixtures()
        let convert = ConvertTests(name: "helper", testClosure: { _ in })
        let key = "volume.beta.kubernetes.io/storage-class"
        XCTAssertTrue(try String(contentsOf: fixtures.appendingPathComponent("05-k8s-examples-cassandra/cassandra-statefulset.yaml"), encoding: .utf8).contains(key))
        let (_, _, files) = try convert.convert([fixtures.appendingPathComponent("05-k8s-examples-cassandra").path])
        let objects = try convert.objects(files)
        let cassandra = try XCTUnwrap(objects.first { $0["kind"]?.string == "StatefulSet" })
        let templates = try XCTUnwrap(cassandra["spec", "volumeClaimTemplates"]?.items)
        XCTAssertFalse(templates.isEmpty)
        for template in templates {
            XCTAssertNil(template["metadata", "annotations"]?[key], "the beta annotation would override the plan's class")
            XCTAssertEqual(template["spec", "storageClassName"]?.string, "gp3")
        }
        let claims = objects.filter { $0["kind"]?.string == "PersistentVolumeClaim" } + objects.flatMap { $0["spec", "volumeClaimTemplates"]?.items ?? [] }
        XCTAssertFalse(claims.contains { $0["metadata", "annotations"]?[key] != nil }, "no converted claim keeps the source class")
        XCTAssertTrue(files.filter { $0.key.hasSuffix("CHANGES.md") }.values.contains { $0.contains(key) && $0.contains("dropped") })
    }
}
