import Foundation
import XCTest
@testable import EksodusCore

/// Every deploy step applies the file convert wrote for its own workload, also when names clean up alike: `a-b/c` and
/// `a/b-c` are both `deployment-a-b-c`, and a name can be made to clean up like another's suffixed file name.
final class ConvertedFileCollisionTests: XCTestCase {
    func deployment(_ namespace: String, _ name: String) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: \(namespace)}
        spec: {replicas: 1, selector: {matchLabels: {app: \(name)}}, template: {metadata: {labels: {app: \(name)}}, spec: {containers: [{name: web, image: "nginx:1.27"}]}}}
        """
    }

    func testEachDeployStepAppliesItsOwnWorkloadsFile() throws {
        // The suffixed name `a-b/c` gets when it collides, made into a third workload's plain name.
        let forged = "b-c-" + DigestHex.sha256("Deployment/a-b/c", digits: 16)
        let workloads = [("a-b", "c"), ("a", "b-c"), ("a", forged), ("a", "plain")]
        let folder = try writeManifests(["estate.yaml": workloads.map { deployment($0.0, $0.1) }.joined(separator: "\n---\n")], test: self)
        let (plan, database) = try planImported([folder.path], target: KubernetesVersion(major: 1, minor: 33))
        let out = folder.appendingPathComponent("converted")
        _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        var files: Set<String> = []
        for (namespace, name) in workloads {
            let deploy = try XCTUnwrap(plan.items.first { $0.keyText == "deploy:src/\(namespace)/\(name)" })
            let apply = try XCTUnwrap(deploy.commands.first { $0.contains(" apply -f 'converted/") }, "\(deploy.commands)")
            let path = String(try XCTUnwrap(apply.split(separator: "'").dropFirst().first)).replacingOccurrences(of: "converted/", with: "")
            files.insert(path)
            let object = try XCTUnwrap(try parseObjects(try String(contentsOf: out.appendingPathComponent(path), encoding: .utf8)).first, path)
            XCTAssertEqual(object["metadata", "namespace"]?.string, namespace, path)
            XCTAssertEqual(object["metadata", "name"]?.string, name, "deploy:src/\(namespace)/\(name) applies \(path)")
        }
        XCTAssertEqual(files.count, workloads.count)
        XCTAssertTrue(files.contains { $0.hasSuffix("/deployment-a-plain.yaml") }, "a name nothing collides with stays plain: \(files)")
    }

    func testNamesAreDecidedByTheLabelsAloneNotByOrder() {
        let labels = ["Deployment/a-b/c", "Deployment/a/b-c", "Deployment/x/y"]
        let forward = ConvertedLayout.WorkloadFiles(labels: labels), backward = ConvertedLayout.WorkloadFiles(labels: labels.reversed())
        for label in labels { XCTAssertEqual(forward.name(for: label), backward.name(for: label)) }
        XCTAssertEqual(forward.name(for: "Deployment/x/y"), "deployment-x-y.yaml")
        XCTAssertNotEqual(forward.name(for: "Deployment/a-b/c"), "deployment-a-b-c.yaml", "neither colliding label keeps the plain name")
        XCTAssertNotEqual(forward.name(for: "Deployment/a/b-c"), "deployment-a-b-c.yaml")
        XCTAssertNotEqual(forward.name(for: "Deployment/a-b/c"), forward.name(for: "Deployment/a/b-c"))
    }
}
