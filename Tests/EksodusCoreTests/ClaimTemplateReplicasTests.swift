import Foundation
import XCTest
@testable import EksodusCore

/// The claims a StatefulSet's volumeClaimTemplates make (`data-db-0`, one per replica) are recognised by name, not
/// listed: a StatefulSet of two billion replicas (an int32 the API takes) made `plan` list every claim name and run
/// out of memory.
final class ClaimTemplateReplicasTests: XCTestCase {
    func statefulSet(replicas: Int) -> String {
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: shop}
        spec:
          replicas: \(replicas)
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: db, image: 'postgres:16', volumeMounts: [{name: data, mountPath: /data}]}]}
          volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}}]
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data-db-1, namespace: shop}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data-db-7, namespace: shop}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data-db-01, namespace: shop}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pv-0}
        spec: {capacity: {storage: 10Gi}, accessModes: [ReadWriteOnce], claimRef: {namespace: shop, name: data-db-0}, hostPath: {path: /data}}
        """
    }

    func plannedVolumes(replicas: Int) throws -> [String] {
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["db.yaml": statefulSet(replicas: replicas)], test: self).path], cluster: "c", into: database)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        return plan.storage.entries.map(\.name).sorted()
    }

    func testClaimsOfATemplateAreKnownByNameWhateverTheReplicas() throws {
        // data-db-1 is the template's (ordinal below 3), as pv-0 bound to data-db-0 is; data-db-7 and data-db-01 are not.
        XCTAssertEqual(try plannedVolumes(replicas: 3), ["data", "data-db-01", "data-db-7"])
        XCTAssertEqual(try plannedVolumes(replicas: 8), ["data", "data-db-01"])
        let started = Date()
        XCTAssertEqual(try plannedVolumes(replicas: 2_000_000_000), ["data", "data-db-01"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }
}
