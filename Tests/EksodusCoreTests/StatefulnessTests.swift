import Foundation
import XCTest
@testable import EksodusCore

/// What an EKS migration engineer expects of the stateful/stateless call: it follows the data, never the kind.
final class StatefulnessTests: XCTestCase {
    func plan(_ paths: [String], cluster: String = "src") throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        try importPaths(paths, cluster: cluster, into: database)
        let request = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    func profile(_ label: String, in plan: TransitionPlan) throws -> WorkloadProfile {
        for cluster in plan.assessment.clusters {
            if let workload = cluster.workloads.first(where: { $0.label == label }) { return try XCTUnwrap(cluster.profiles[workload.id]) }
        }
        return try XCTUnwrap(nil as WorkloadProfile?, "no workload \(label) among \(labels(plan))")
    }

    func labels(_ plan: TransitionPlan) -> [String] { plan.assessment.clusters.flatMap(\.workloads).map(\.label) }

    /// Online Boutique's redis-cart keeps the carts on an emptyDir: stateful, a data-loss finding, a stateful node group,
    /// and neither Fargate nor Spot.
    func testARedisOnEmptyDirIsStatefulWithADataLossFindingAndStaysOffFargateAndSpot() throws {
        let fixtures = try requireFixtures()
        let plan = try plan([fixtures.appendingPathComponent("01-gcp-online-boutique").path])
        XCTAssertTrue(labels(plan).contains("Deployment/default/redis-cart"), "\(labels(plan))")
        let redis = try profile("Deployment/default/redis-cart", in: plan)
        XCTAssertTrue(redis.stateful)
        XCTAssertTrue(redis.statefulReason?.contains("emptyDir redis-data") == true, redis.statefulReason ?? "")
        let finding = try XCTUnwrap(plan.assessment.allFindings.first { $0.checkID == "STO008" && $0.name == "redis-cart" })
        XCTAssertEqual(finding.field, "spec.template.spec.volumes[redis-data].emptyDir")
        let compute = try XCTUnwrap(plan.compute.first)
        XCTAssertFalse(compute.fargateProfiles.contains { $0.namespaces.contains("default") }, "\(compute.fargateProfiles.map(\.namespaces))")
        XCTAssertTrue(compute.nodeGroups.contains { $0.name == "stateful" || $0.name.hasPrefix("stateful-") }, "\(compute.nodeGroups.map(\.name))")
        // Its data gets a gp3 claim on EKS and Redis replication, not a file copy.
        let data = try XCTUnwrap(plan.storage.entries.first { $0.owner == "Deployment/redis-cart" })
        XCTAssertEqual(data.source, "emptyDir")
        XCTAssertEqual(data.targetClass, StoragePlan.gp3)
        XCTAssertTrue(data.copyMethod.contains("REPLICAOF"), data.copyMethod)
        // The other Boutique services run no data store.
        XCTAssertEqual(plan.assessment.allFindings.filter { $0.checkID == "STO008" }.map(\.name), ["redis-cart"])
    }

    /// Argo CD's application controller is a StatefulSet for its stable identity, with no claim and no data mount.
    func testAStatefulSetWithoutClaimsOrDataIsStateless() throws {
        let fixtures = try requireFixtures()
        let plan = try plan([fixtures.appendingPathComponent("07-argocd-install").path])
        let controller = try profile("StatefulSet/default/argocd-application-controller", in: plan)
        XCTAssertFalse(controller.stateful, controller.statefulReason ?? "")
        XCTAssertNil(controller.statefulReason)
    }

    func testAControllerStatefulSetAloneGetsNoPerZoneStatefulGroups() throws {
        let folder = try writeManifests(["controller.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: controller, namespace: ops}
            spec:
              serviceName: controller
              replicas: 1
              selector: {matchLabels: {app: controller}}
              template:
                metadata: {labels: {app: controller}}
                spec:
                  containers:
                  - {name: controller, image: 'quay.io/acme/controller:1.4.2', resources: {requests: {cpu: 250m, memory: 256Mi}}}
                  volumes: [{name: tmp, emptyDir: {}}]
            """], test: self)
        let plan = try plan([folder.path])
        XCTAssertFalse(try profile("StatefulSet/ops/controller", in: plan).stateful)
        XCTAssertFalse(try XCTUnwrap(plan.compute.first).nodeGroups.contains { $0.name.hasPrefix("stateful-") })
        XCTAssertFalse(plan.items.contains { $0.keyText.hasPrefix("data:") })
    }

    /// Sysdig's agent ships as a ReplicationController and as a DaemonSet with the same host mounts (the Docker socket,
    /// /dev, /proc, /boot, /lib/modules, /usr read-only): node system files, no data, so both are stateless.
    func testAReplicationControllerAndADaemonSetWithTheSameHostMountsAreJudgedAlike() throws {
        let fixtures = try requireFixtures()
        let plan = try plan([fixtures.appendingPathComponent("14-messy-tabs-crlf").path])
        let rc = try profile("ReplicationController/default/sysdig-agent", in: plan)
        let ds = try profile("DaemonSet/default/sysdig-agent", in: plan)
        XCTAssertEqual(rc.stateful, ds.stateful)
        XCTAssertFalse(rc.stateful, rc.statefulReason ?? "")
        XCTAssertFalse(plan.assessment.allFindings.contains { $0.checkID == "STO004" && $0.name == "sysdig-agent" })
    }

    /// Writable data under /srv makes either kind stateful; CA bundles, scratch space and sockets make neither.
    func testHostPathDataIsJudgedByPathForEveryKindAndCopiedFromTheNodeNotByVelero() throws {
        func pod(_ kind: String, _ name: String, volumes: String, mounts: String) -> String {
            """
            apiVersion: \(kind == "DaemonSet" ? "apps/v1" : "v1")
            kind: \(kind)
            metadata: {name: \(name), namespace: edge}
            spec:
              selector: \(kind == "DaemonSet" ? "{matchLabels: {app: \(name)}}" : "{app: \(name)}")
              template:
                metadata: {labels: {app: \(name)}}
                spec:
                  containers:
                  - name: agent
                    image: 'quay.io/acme/agent:2.0.1'
                    volumeMounts: \(mounts)
                  volumes: \(volumes)
            """
        }
        let data = "[{name: spool, hostPath: {path: /srv/spool}}]"
        let dataMounts = "[{name: spool, mountPath: /spool}]"
        let system = "[{name: certs, hostPath: {path: /etc/ssl/certs}}, {name: pki, hostPath: {path: /etc/pki}}, {name: scratch, hostPath: {path: /tmp}}, {name: containerd, hostPath: {path: /run/containerd/containerd.sock}}, {name: config, hostPath: {path: /opt/agent}}]"
        let systemMounts = "[{name: certs, mountPath: /etc/ssl/certs}, {name: pki, mountPath: /etc/pki}, {name: scratch, mountPath: /tmp}, {name: containerd, mountPath: /run/containerd.sock}, {name: config, mountPath: /etc/agent, readOnly: true}]"
        let folder = try writeManifests(["agents.yaml": [
            pod("ReplicationController", "rc-data", volumes: data, mounts: dataMounts), pod("DaemonSet", "ds-data", volumes: data, mounts: dataMounts),
            pod("ReplicationController", "rc-system", volumes: system, mounts: systemMounts), pod("DaemonSet", "ds-system", volumes: system, mounts: systemMounts),
        ].joined(separator: "\n---\n")], test: self)
        let plan = try plan([folder.path])
        for name in ["ReplicationController/edge/rc-data", "DaemonSet/edge/ds-data"] {
            let profile = try profile(name, in: plan)
            XCTAssertTrue(profile.stateful, name)
            XCTAssertEqual(profile.statefulReason, "node-local data at /srv/spool", name)
            // Velero's file-system backup does not read hostPath volumes: the data is copied from the node.
            let item = try XCTUnwrap(plan.items.first { $0.keyText == "data:src/edge/\(name.split(separator: "/").last ?? "")" }, name)
            XCTAssertTrue(item.title.contains("copy from the node"), item.title)
            XCTAssertFalse(item.title.contains("Velero file-system backup (kopia)"), item.title)
        }
        for name in ["ReplicationController/edge/rc-system", "DaemonSet/edge/ds-system"] {
            let profile = try profile(name, in: plan)
            XCTAssertFalse(profile.stateful, "\(name): \(profile.statefulReason ?? "")")
        }
        let warned = Set(plan.assessment.allFindings.filter { $0.checkID == "STO004" }.map(\.name))
        XCTAssertEqual(warned, ["rc-data", "ds-data"])
    }

    /// A Job reading a Deployment's claim (and a CronJob, which sorts before it) waits for that Deployment's data item.
    func testABatchJobSharingAClaimGetsNoSecondReplicationItem() throws {
        let folder = try writeManifests(["shared.yaml": """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: reports, namespace: office}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 50Gi}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: reports-web, namespace: office}
            spec:
              replicas: 1
              selector: {matchLabels: {app: reports-web}}
              template:
                metadata: {labels: {app: reports-web}}
                spec:
                  containers: [{name: web, image: 'quay.io/acme/reports-web:3.1.0', volumeMounts: [{name: data, mountPath: /data}]}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: reports}}]
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: reports-rebuild, namespace: office}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: rebuild, image: 'quay.io/acme/reports-tools:3.1.0', volumeMounts: [{name: data, mountPath: /data}]}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: reports}}]
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: reports-prune, namespace: office}
            spec:
              schedule: "0 4 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: prune, image: 'quay.io/acme/reports-tools:3.1.0', volumeMounts: [{name: data, mountPath: /data}]}]
                      volumes: [{name: data, persistentVolumeClaim: {claimName: reports}}]
            """], test: self)
        let plan = try plan([folder.path])
        XCTAssertEqual(plan.items.filter { $0.keyText.hasPrefix("data:") }.map(\.keyText), ["data:src/office/reports-web"])
        let web = try XCTUnwrap(plan.assessment.clusters.first?.workloads.first { $0.name == "reports-web" })
        XCTAssertEqual(plan.storage.entries.filter { $0.name == "reports" }.map(\.workloadID), [web.id], "the Deployment decides the copy method")
        for batch in ["reports-rebuild", "reports-prune"] {
            let deploy = try XCTUnwrap(plan.items.first { $0.keyText == "deploy:src/office/\(batch)" }, batch)
            XCTAssertTrue(deploy.waitsFor.contains("data:src/office/reports-web"), "\(batch): \(deploy.prerequisites)")
        }
    }
}
