import Foundation
import XCTest
@testable import EksodusCore

/// A DeploymentConfig's counts are written into the Deployment only as the API takes them: replicas an int32, maxSurge
/// and maxUnavailable an integer or a percentage (Kubernetes API reference, DeploymentSpec, RollingUpdateDeployment).
/// Anything else would make kubectl refuse the whole file; it becomes a TODO instead.
final class DeploymentConfigFieldTypesTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func convertedDeployment(replicas: String, maxSurge: String, maxUnavailable: String, validates: Bool = true) throws -> (spec: ManifestNode, changes: String) {
        let config = """
            apiVersion: apps.openshift.io/v1
            kind: DeploymentConfig
            metadata: {name: dc, namespace: shop}
            spec:
              replicas: \(replicas)
              selector: {app: dc}
              strategy: {type: Rolling, rollingParams: {maxSurge: \(maxSurge), maxUnavailable: \(maxUnavailable)}}
              template:
                metadata: {labels: {app: dc}}
                spec: {containers: [{name: dc, image: 'quay.io/shop/dc:1.0'}]}
            """
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["dc.yaml": config], test: self).path], cluster: "ocp", into: database, validates: validates)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        var spec: ManifestNode?, changes = ""
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where ["yaml", "md"].contains(url.pathExtension) {
            let text = try String(contentsOf: url, encoding: .utf8)
            if url.lastPathComponent == "CHANGES.md" { changes += text }
            if url.lastPathComponent.hasPrefix("deploymentconfig-"), let object = try ManifestText.objects(text, name: url.path).first { spec = object["spec"] }
        }
        return (try XCTUnwrap(spec), changes)
    }

    func testCountsOfTheWrongTypeBecomeTodosNotInvalidFields() throws {
        let good = try convertedDeployment(replicas: "3", maxSurge: "25%", maxUnavailable: "0")
        XCTAssertEqual(good.spec["replicas"]?.int, 3)
        XCTAssertEqual(good.spec["strategy", "rollingUpdate", "maxSurge"]?.string, "25%")
        XCTAssertEqual(good.spec["strategy", "rollingUpdate", "maxUnavailable"]?.int, 0)

        // The import refuses a replicas that is no int32 (ImportValidationTests); convert still copes with an inventory
        // that holds one (forged, or imported without that check).
        XCTAssertThrowsError(try convertedDeployment(replicas: #""three; rm -rf /""#, maxSurge: "1", maxUnavailable: "0"))
        let bad = try convertedDeployment(replicas: #""three; rm -rf /""#, maxSurge: #""a\"b\n]]><script>""#, maxUnavailable: "-5", validates: false)
        XCTAssertNil(bad.spec["replicas"], "\(bad.spec)")
        XCTAssertNil(bad.spec["strategy", "rollingUpdate"], "\(bad.spec)")
        XCTAssertEqual(bad.spec["strategy", "type"]?.string, "RollingUpdate")
        for field in ["replicas", "maxSurge", "maxUnavailable"] {
            XCTAssertTrue(bad.changes.contains("DeploymentConfig shop/dc: \(field) "), "no TODO for \(field): \(bad.changes)")
        }
    }
}
