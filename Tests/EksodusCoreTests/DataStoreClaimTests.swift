import Foundation
import XCTest
@testable import EksodusCore

/// A database whose data has no claim (sock-shop's carts-db: `mongo` with its data in the container, /tmp on an emptyDir)
/// must not land on EKS the same way: the copy would be lost at the first pod replacement. It gets a gp3 claim at its
/// data directory (a StatefulSet a volumeClaimTemplate), and an unpinned image a TODO to pin the source's version.
final class DataStoreClaimTests: XCTestCase {
    /// The objects `convert` writes for `paths` (imported as cluster `src`), by file name, and the CHANGES.md texts.
    private func converted(_ paths: [String]) throws -> (files: [String: ManifestNode], changes: String) {
        let (plan, database) = try planImported(paths)
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        var files: [String: ManifestNode] = [:], changes = ""
        let walker = try XCTUnwrap(FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil))
        for case let url as URL in walker {
            if url.lastPathComponent == "CHANGES.md" { changes += try String(contentsOf: url, encoding: .utf8) }
            guard url.pathExtension == "yaml", url.lastPathComponent != "kustomization.yaml" else { continue }
            if let object = try ManifestText.objects(try String(contentsOf: url, encoding: .utf8)).first { files[url.lastPathComponent] = object }
        }
        return (files, changes)
    }

    private func manifest(_ body: String) throws -> String {
        try writeManifests(["db.yaml": body], test: self).path
    }

    func testSockShopsCartsDBGetsAClaimAtItsDataDirectoryAndAPinTodo() throws {
        let result = try converted([try requireFixtures().appendingPathComponent("02-sock-shop").path])
        let deployment = try XCTUnwrap(result.files["deployment-sock-shop-carts-db.yaml"])
        let pod = try XCTUnwrap(deployment["spec", "template", "spec"])
        let mounts = pod["containers"]?.items.first?["volumeMounts"]?.items ?? []
        let data = try XCTUnwrap(mounts.first { $0["mountPath"]?.string == "/data/db" }, "mongo's data directory is mounted: \(mounts)")
        let volume = try XCTUnwrap(pod["volumes"]?.items.first { $0["name"]?.string == data["name"]?.string })
        let claimName = try XCTUnwrap(volume["persistentVolumeClaim", "claimName"]?.string, "from a claim, not an emptyDir")
        XCTAssertEqual(deployment["spec", "strategy", "type"]?.string, "Recreate")
        let claim = try XCTUnwrap(result.files["persistentvolumeclaim-sock-shop-\(claimName).yaml"], "the claim is written to support/")
        XCTAssertEqual(claim["spec", "storageClassName"]?.string, "gp3")
        XCTAssertEqual(claim["spec", "accessModes"]?.items.first?.string, "ReadWriteOnce")
        XCTAssertTrue(mounts.contains { $0["mountPath"]?.string == "/tmp" }, "its scratch space stays")
        XCTAssertTrue(result.changes.contains("Deployment/sock-shop/carts-db: its mongodb image mongo names no version: pin it"), result.changes)
        XCTAssertTrue(result.changes.contains("set the size of claim \(claimName)"), result.changes)
        // Stateless neighbours are left alone.
        let frontEnd = try XCTUnwrap(result.files["deployment-sock-shop-front-end.yaml"])
        XCTAssertNil(frontEnd["spec", "template", "spec", "volumes"]?.items.first { $0["persistentVolumeClaim"] != nil })
    }

    func testAStatefulSetOnAnEmptyDirGetsAVolumeClaimTemplateInItsPlace() throws {
        let result = try converted([try manifest("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: events, namespace: shop}
            spec:
              replicas: 1
              serviceName: events
              selector: {matchLabels: {app: events}}
              template:
                metadata: {labels: {app: events}}
                spec:
                  containers: [{name: mongo, image: "mongo:7.0.12", volumeMounts: [{name: data, mountPath: /data/db}]}]
                  volumes: [{name: data, emptyDir: {}}]
            """)])
        let set = try XCTUnwrap(result.files["statefulset-shop-events.yaml"])
        let templates = set["spec", "volumeClaimTemplates"]?.items ?? []
        let template = try XCTUnwrap(templates.first, "a volumeClaimTemplate: \(set)")
        XCTAssertEqual(template["spec", "storageClassName"]?.string, "gp3")
        let name = try XCTUnwrap(template["metadata", "name"]?.string)
        let pod = try XCTUnwrap(set["spec", "template", "spec"])
        XCTAssertEqual(pod["containers"]?.items.first?["volumeMounts"]?.items.first { $0["mountPath"]?.string == "/data/db" }?["name"]?.string, name)
        XCTAssertFalse((pod["volumes"]?.items ?? []).contains { $0["emptyDir"] != nil }, "the emptyDir it replaced is gone")
        XCTAssertFalse(result.changes.contains("names no version"), "mongo:7.0.12 is pinned: \(result.changes)")
    }

    func testWhatCannotTakeOneClaimIsADecisionNotAGuess() throws {
        let result = try converted([try manifest("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cache, namespace: shop}
            spec:
              replicas: 3
              selector: {matchLabels: {app: cache}}
              template:
                metadata: {labels: {app: cache}}
                spec:
                  containers: [{name: mongo, image: "mongo:latest"}]
            """)])
        let deployment = try XCTUnwrap(result.files["deployment-shop-cache.yaml"])
        XCTAssertNil(deployment["spec", "template", "spec", "volumes"], "three replicas cannot share one EBS claim")
        XCTAssertTrue(result.changes.contains("Deployment/shop/cache: mongodb keeps its data without a claim"), result.changes)
        XCTAssertTrue(result.changes.contains("image mongo:latest names no version"), result.changes)
    }

    func testADatabaseWithItsOwnClaimIsLeftAlone() throws {
        let result = try converted([try manifest("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: orders, namespace: shop}
            spec:
              replicas: 1
              selector: {matchLabels: {app: orders}}
              template:
                metadata: {labels: {app: orders}}
                spec:
                  containers: [{name: mongo, image: "mongo:7.0.12", volumeMounts: [{name: db, mountPath: /data/db}]}]
                  volumes: [{name: db, persistentVolumeClaim: {claimName: orders-db}}]
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: orders-db, namespace: shop}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
            """)])
        let deployment = try XCTUnwrap(result.files["deployment-shop-orders.yaml"])
        XCTAssertEqual(deployment["spec", "template", "spec", "volumes"]?.items.count, 1)
        XCTAssertNil(deployment["spec", "strategy"])
        XCTAssertFalse(result.changes.contains("without a claim"), result.changes)
    }
}
