import Foundation
import XCTest
@testable import EksodusCore

/// Sonobuoy, troubleshoot and must-gather dumps of the sock-shop fixture, laid out as each tool writes them
/// (see DumpLayouts for the sources), read to the same objects as the fixture itself.
final class DumpLayoutTests: XCTestCase {
    struct Fixture {
        var objects: [ManifestNode]
        var kinds: [String: Int]
    }

    func sockShop() throws -> Fixture {
        let fixtures = try requireFixtures()
        let expected = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("EXPECTED.json")))
            as? [String: Any])?["02-sock-shop"] as? [String: Any])
        let kinds = try XCTUnwrap((expected["aggregate"] as? [String: Any])?["kinds"] as? [String: Int])
        var objects: [ManifestNode] = []
        for file in try ManifestSources.expand([fixtures.appendingPathComponent("02-sock-shop").path]) {
            objects += try parseObjects(try String(contentsOfFile: file, encoding: .utf8))
        }
        return Fixture(objects: objects, kinds: kinds)
    }

    /// A typed Go client's items: no kind, no apiVersion.
    func bareArray(_ objects: [ManifestNode]) -> String {
        JSONWriter.string(.sequence(objects.map { $0.replacing("kind", with: nil).replacing("apiVersion", with: nil) }))
    }

    func objects(_ fixture: Fixture, kind: String) -> [ManifestNode] { fixture.objects.filter { $0["kind"]?.string == kind } }

    func kinds(_ database: AppDatabase) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for kind in try strings(database, "SELECT kind FROM resource") { result[kind, default: 0] += 1 }
        return result
    }

    func testSonobuoyResourcesTakeTheirKindFromTheFileName() throws {
        let fixture = try sockShop()
        let folder = try writeManifests([
            "resources/ns/sock-shop/Deployments.json": bareArray(objects(fixture, kind: "Deployment")),
            "resources/ns/sock-shop/Services.json": bareArray(objects(fixture, kind: "Service")),
            "resources/ns/sock-shop/Events.json": #"[{"metadata": {"name": "e1"}, "reason": "Pulled"}]"#,
            "serverversion.json": #"{"major": "1", "minor": "27"}"#,
        ], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        var expected = fixture.kinds
        expected["Namespace"] = nil  // Sonobuoy's queries list no Namespaces
        XCTAssertEqual(try kinds(database), expected)
        XCTAssertEqual(try strings(database, "SELECT DISTINCT api_version FROM resource WHERE kind = 'Deployment'"), ["apps/v1"])
        XCTAssertTrue(summary.warnings.contains { $0.contains("1 files of a diagnostic dump") }, "\(summary.warnings)")
    }

    func testATroubleshootSupportBundleReadsItsClusterResourcesOnly() throws {
        let fixture = try sockShop()
        let members: [(String, String)] = [
            ("support-bundle-2026/cluster-resources/namespaces.json", bareArray(objects(fixture, kind: "Namespace"))),
            ("support-bundle-2026/cluster-resources/deployments/sock-shop.json", bareArray(objects(fixture, kind: "Deployment"))),
            ("support-bundle-2026/cluster-resources/services/sock-shop.json", bareArray(objects(fixture, kind: "Service"))),
            ("support-bundle-2026/cluster-resources/deployments-errors.json", #"{"other": "forbidden"}"#),
            ("support-bundle-2026/cluster-resources/groups.json", #"[{"name": "apps", "versions": [{"groupVersion": "apps/v1"}]}]"#),
            ("support-bundle-2026/cluster-resources/auth-cani-list/sock-shop.json", #"[{"verbs": ["get"], "resources": ["pods"]}]"#),
            ("support-bundle-2026/cluster-resources/pods/logs/sock-shop/carts/carts.json", #"{"level": "info"}"#),
            ("support-bundle-2026/version.yaml", "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundleVersion\nmetadata: {name: supportbundle}\n"),
        ]
        var tar = TarBuilder()
        for (path, text) in members { tar.add(path, Array(text.utf8)) }
        tar.finish()
        let archive = try temporaryFolder(self).appendingPathComponent("support-bundle.tar.gz")
        try Data(try gzip(tar.bytes, test: self)).write(to: archive)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([archive.path], cluster: "c", into: database)
        var expected = fixture.kinds
        expected["SupportBundleVersion"] = 1
        XCTAssertEqual(try kinds(database), expected)
        XCTAssertFalse(summary.notices.contains { $0.message.contains("not a Kubernetes object") }, "\(summary.notices)")
        XCTAssertTrue(summary.notices.contains { $0.message.contains("4 files of a diagnostic dump") }, "\(summary.notices)")
    }

    func testAMustGatherReadsEachPodOnceAndNoEvents() throws {
        let fixture = try sockShop()
        func list(_ kind: String, _ apiVersion: String, _ items: [ManifestNode]) -> String {
            JSONWriter.string(.mapping([("apiVersion", .scalar("v1", plain: false)), ("kind", .scalar(kind + "List", plain: false)),
                                        ("items", .sequence(items))]))
        }
        let pod = try XCTUnwrap(try parseObjects("apiVersion: v1\nkind: Pod\nmetadata: {name: carts-0, namespace: sock-shop}\nspec: {containers: [{name: c, image: carts:1}]}\n").first)
        let root = "must-gather.local.42/quay-io-openshift-must-gather-sha256-0"
        let folder = try writeManifests([
            "\(root)/cluster-scoped-resources/core/namespaces/sock-shop.yaml": JSONWriter.string(try XCTUnwrap(objects(fixture, kind: "Namespace").first)),
            "\(root)/namespaces/sock-shop/apps/deployments.yaml": list("Deployment", "apps/v1", objects(fixture, kind: "Deployment")),
            "\(root)/namespaces/sock-shop/core/services.yaml": list("Service", "v1", objects(fixture, kind: "Service")),
            "\(root)/namespaces/sock-shop/core/pods.yaml": list("Pod", "v1", [pod]),
            "\(root)/namespaces/sock-shop/pods/carts-0/carts-0.yaml": JSONWriter.string(pod),
            "\(root)/namespaces/sock-shop/core/events.yaml": list("Event", "v1", [try XCTUnwrap(try parseObjects("apiVersion: v1\nkind: Event\nmetadata: {name: e, namespace: sock-shop}\n").first)]),
        ], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        var expected = fixture.kinds
        expected["Pod"] = 1
        XCTAssertEqual(try kinds(database), expected)
        XCTAssertFalse(summary.warnings.contains { $0.contains("defined twice") }, "\(summary.warnings)")
    }
}
