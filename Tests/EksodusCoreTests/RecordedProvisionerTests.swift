import XCTest
@testable import EksodusCore

/// A claim whose StorageClass is not in the export is planned by the provisioner it records (fixture 13, a Crane export:
/// `volume.kubernetes.io/storage-provisioner: k8s.io/minikube-hostpath`): node-local hostPath data is copied from the node,
/// never handed to Velero, whose file-system backup skips hostPath volumes.
final class RecordedProvisionerTests: XCTestCase {
    func testFixture13sWordPressClaimIsCopiedFromTheNodeNotByVelero() throws {
        let fixture = try requireFixtures().appendingPathComponent("13-crane-export-wordpress")
        let plan = try planImported([fixture.path]).plan
        let claim = try XCTUnwrap(plan.storage.entries.first { $0.name == "wordpress-pv-claim" })
        XCTAssertEqual(claim.copyMethod, StoragePlan.nodeCopy, claim.reason)
        XCTAssertTrue(claim.reason.contains("source k8s.io/minikube-hostpath (its volume.kubernetes.io/storage-provisioner annotation: class standard is not in the export)"), claim.reason)
        let data = try XCTUnwrap(plan.items.first { $0.key.step == .data && $0.key.description.hasSuffix("/default/wordpress") })
        XCTAssertFalse(data.commands.contains { $0.contains("velero") && $0.contains("backup create") }, data.commands.joined(separator: "\n"))
        // The claim's data is read through a running source pod, which the freeze keeps, and compared file for file after the deploy.
        XCTAssertTrue(data.commands.contains { $0.hasPrefix("( set -o pipefail; kubectl --context \"$SOURCE_CONTEXT\" -n 'default' exec \"$SOURCE_POD\" -c 'wordpress' -- tar -C '/var/www/html' -cf - . | ") },
                      data.commands.joined(separator: "\n"))
        let freeze = try XCTUnwrap(plan.items.first { $0.key.step == .freeze && $0.key.description.hasSuffix("/default/wordpress") })
        XCTAssertFalse(freeze.commands.contains { $0.contains("--replicas=0") }, "a scaled-down source has no pod to read through: \(freeze.commands)")
        XCTAssertTrue(freeze.commands.contains { $0.contains("keep its pods running") }, freeze.commands.joined(separator: "\n"))
        let verify = try XCTUnwrap(plan.items.first { $0.key.step == .dataVerify && $0.key.description.hasSuffix("/default/wordpress") })
        XCTAssertTrue(verify.commands.contains { $0.contains("cd '\\''/var/www/html'\\'' && find . -type f | wc -l") && $0.contains("SOURCE_FILES") && $0.contains("EKS_FILES") },
                      verify.commands.joined(separator: "\n"))
    }

    func claim(_ name: String, class storageClass: String?, annotations: [String: String] = [:], volumeName: String? = nil) -> String {
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: \(name)
          namespace: shop
        \(annotations.isEmpty ? "" : "  annotations:\n" + annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \($0.value)" }.joined(separator: "\n"))
        spec:
          accessModes: [ReadWriteOnce]
        \(storageClass.map { "  storageClassName: \($0)" } ?? "")
        \(volumeName.map { "  volumeName: \($0)" } ?? "")
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: shop}
        spec:
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              containers: [{name: app, image: "registry.example.com/\(name):1.0", volumeMounts: [{name: data, mountPath: /data}]}]
              volumes: [{name: data, persistentVolumeClaim: {claimName: \(name)}}]
        ---

        """
    }

    func testTheRecordedProvisionerDecidesOnlyWhereTheClassIsMissing() throws {
        let ebsClass = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: ebs.csi.aws.com\n---\n"
        let hostPathVolume = """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: node-disk}
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteOnce]
              hostPath: {path: /srv/data}
              claimRef: {namespace: shop, name: pinned}
            ---

            """
        let folder = try writeManifests(["estate.yaml": ebsClass + hostPathVolume
            + claim("beta", class: "gone", annotations: ["volume.beta.kubernetes.io/storage-provisioner": "microk8s.io/hostpath"])
            + claim("classed", class: "fast", annotations: ["volume.kubernetes.io/storage-provisioner": "k8s.io/minikube-hostpath"])
            + claim("pinned", class: "", volumeName: "node-disk")
            + claim("plain", class: "gone")], test: self)
        let plan = try planImported([folder.path]).plan
        func entry(_ name: String) throws -> StoragePlan.Entry { try XCTUnwrap(plan.storage.entries.first { $0.name == name }, name) }
        let beta = try entry("beta"), classed = try entry("classed"), pinned = try entry("pinned"), plain = try entry("plain")
        XCTAssertEqual(beta.copyMethod, StoragePlan.nodeCopy, "the pre-1.23 annotation counts too")
        XCTAssertTrue(beta.reason.contains("its volume.beta.kubernetes.io/storage-provisioner annotation"), beta.reason)
        XCTAssertTrue(classed.copyMethod.hasPrefix("EBS snapshot"), "the class in the export wins: \(classed.copyMethod)")
        XCTAssertFalse(classed.reason.contains("annotation"), classed.reason)
        XCTAssertEqual(pinned.copyMethod, StoragePlan.nodeCopy, "bound to a hostPath volume of the export")
        XCTAssertEqual(plain.copyMethod, StoragePlan.veleroFileSystemBackup, "nothing recorded: as before")
    }
}
