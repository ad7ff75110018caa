import XCTest
@testable import EksodusCore

final class ManifestStreamReaderTests: XCTestCase {
    func testMultiDocumentYAMLWithCommentsEmptyAndNullDocuments() throws {
        let objects = try parseObjects("""
            # a licence header, which parses as an empty document
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            ---
            ---
            null
            ---
            ~
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: b
            ...
            """)
        XCTAssertEqual(objects.map { $0["metadata", "name"]?.string }, ["a", "b"])
    }

    func testAnchorsAliasesAndMergeKeys() throws {
        let objects = try parseObjects("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: &labels {app: web, tier: front}
            spec:
              selector:
                matchLabels: *labels
              template:
                metadata:
                  labels:
                    <<: *labels
                    tier: edge
            """)
        let deployment = try XCTUnwrap(objects.first)
        XCTAssertEqual(deployment["spec", "selector", "matchLabels"]?.stringMap, ["app": "web", "tier": "front"])
        XCTAssertEqual(deployment["spec", "template", "metadata", "labels"]?.stringMap, ["app": "web", "tier": "edge"])
    }

    func testCRLFAndTrailingTabs() throws {
        let text = "apiVersion: v1\r\nkind: Service\t\r\nmetadata:\t\r\n  name: crlf\t\t\r\nspec:\r\n  ports:\r\n  - port: 80\t\r\n"
        let objects = try parseObjects(text)
        XCTAssertEqual(objects.first?["metadata", "name"]?.string, "crlf")
        XCTAssertEqual(objects.first?["spec", "ports"]?.items.first?["port"]?.int, 80)
    }

    func testJSONObjectAndList() throws {
        let objects = try parseObjects("""
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"}, "status": {"phase": "Running"}},
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p2"}}
            ], "metadata": {}}
            """, file: "pods.json")
        XCTAssertEqual(objects.map { $0["metadata", "name"]?.string }, ["p1", "p2"])
        XCTAssertNil(objects.first?["status"], "status is not kept")
    }

    func testListKindAfterItemsAsKubectlWritesIt() throws {
        let objects = try parseObjects("""
            apiVersion: v1
            items:
            - apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: api
                managedFields:
                - manager: kubectl
                annotations:
                  kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Secret","data":{"password":"c2VjcmV0"}}'
                  team: payments
            - apiVersion: v1
              kind: Service
              metadata: {name: api}
            kind: List
            metadata:
              resourceVersion: ""
            """)
        XCTAssertEqual(objects.map { $0["kind"]?.string }, ["Deployment", "Service"])
        XCTAssertNil(objects[0]["metadata", "managedFields"])
        XCTAssertEqual(objects[0]["metadata", "annotations"]?.stringMap, ["team": "payments"])
    }

    func testTypedListItemsTakeKindAndAPIVersionFromTheList() throws {
        let objects = try parseObjects("""
            apiVersion: apps/v1
            items:
            - metadata: {name: one}
            - metadata: {name: two}
            kind: DeploymentList
            """)
        XCTAssertEqual(objects.map { $0["kind"]?.string }, ["Deployment", "Deployment"])
        XCTAssertEqual(objects.map { $0["apiVersion"]?.string }, ["apps/v1", "apps/v1"])
    }

    func testSyntaxErrorNamesFileLineAndColumn() throws {
        XCTAssertThrowsError(try parseObjects("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: broken
            data:
              key: "unterminated
            """, file: "broken.yaml")) { error in
            let syntax = error as? ManifestSyntaxError
            XCTAssertEqual(syntax?.file, "broken.yaml")
            XCTAssertEqual(syntax?.line, 6)
            XCTAssertTrue(syntax?.description.hasPrefix("broken.yaml:6:") == true, String(describing: error))
        }
        XCTAssertThrowsError(try parseObjects("a: b\n  c: d\n", file: "indent.yaml")) { error in
            XCTAssertEqual((error as? ManifestSyntaxError)?.line, 2)
        }
    }

    func testAliasToUnknownAnchorIsAnError() throws {
        XCTAssertThrowsError(try parseObjects("apiVersion: v1\nkind: ConfigMap\nmetadata: *nowhere\n"))
    }
}
