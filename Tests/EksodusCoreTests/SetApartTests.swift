import Foundation
import XCTest
@testable import EksodusCore

/// kube-system holds both what EKS provides and what teams installed; only the former is set apart.
final class SetApartTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func assessAndPlan(_ paths: [String]) throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        try importPaths(paths, cluster: "src", into: database)
        let request = PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "ap-northeast-2", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: reference).run(request)
    }

    func testFlannelIsReplacedByTheVPCCNINotMoved() throws {
        let fixtures = try requireFixtures()
        let plan = try assessAndPlan([fixtures.appendingPathComponent("09-flannel-2019-old-apis").path])
        let cluster = try XCTUnwrap(plan.assessment.clusters.first)
        let daemonSets = cluster.workloads.filter { $0.kind == "DaemonSet" }
        XCTAssertEqual(daemonSets.count, 5)
        XCTAssertTrue(daemonSets.allSatisfy { cluster.systemWorkloads.contains($0.id) }, "every flannel DaemonSet is set apart")
        let replaced = cluster.findings.filter { $0.checkID == "PLT002" }
        XCTAssertEqual(replaced.count, 5)
        XCTAssertTrue(replaced.allSatisfy { $0.message.contains("Amazon VPC CNI") }, "\(replaced.map(\.message))")
        XCTAssertTrue(plan.waves.flatMap(\.workloads).allSatisfy { !$0.label.contains("flannel") }, "no wave moves flannel")
        XCTAssertFalse(plan.images.entries.contains { $0.image.repository.hasSuffix("flannel") }, "flannel's images are not copied")
        // Its PodSecurityPolicy and ConfigMap go with it: their findings are reported apart, not counted.
        let psp = cluster.findings.filter { $0.kind == "PodSecurityPolicy" }
        XCTAssertFalse(psp.isEmpty)
        XCTAssertTrue(psp.allSatisfy(\.system))
    }

    func testTheTeamsAddOnsInKubeSystemCountAndMove() throws {
        let fixtures = try requireFixtures()
        // sock-shop 2018 installs heapster, influxdb, grafana and fluentd in kube-system; heapster is replaced by the
        // metrics-server add-on the plan installs (AutoscalerComponentsTests), the others are the team's.
        let plan = try assessAndPlan([fixtures.appendingPathComponent("08-sock-shop-2018-old-apis").path])
        let cluster = try XCTUnwrap(plan.assessment.clusters.first)
        let kubeSystem = cluster.workloads.filter { $0.namespace == "kube-system" && !$0.name.contains("heapster") }
        XCTAssertFalse(kubeSystem.isEmpty)
        XCTAssertTrue(kubeSystem.allSatisfy { !cluster.systemWorkloads.contains($0.id) }, "nothing else there is EKS's own")
        let removed = cluster.findings.filter { $0.namespace == "kube-system" && $0.checkID == "API001" && !$0.name.contains("heapster") }
        XCTAssertFalse(removed.isEmpty)
        XCTAssertTrue(removed.allSatisfy { !$0.system }, "their removed APIs are blockers that count")
        let moved = Set(plan.waves.flatMap(\.workloads).map(\.label))
        for name in ["fluentd", "influxdb", "grafana"] {
            XCTAssertTrue(moved.contains { $0.contains("kube-system/") && $0.contains(name) }, "\(name) is in a wave: \(moved.sorted())")
        }
        let alternatives = cluster.findings.filter { $0.checkID == "PLT003" }
        XCTAssertTrue(alternatives.contains { $0.name.contains("fluentd") && $0.message.contains("amazon-cloudwatch-observability") })
    }

    func testARemovedAPICronJobInKubeSystemKeepsTheClusterFromReadiness100() throws {
        let folder = try writeManifests(["kube-system.yaml": """
            apiVersion: batch/v1beta1
            kind: CronJob
            metadata: {name: descheduler, namespace: kube-system}
            spec:
              schedule: "*/10 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: descheduler, image: 'registry.k8s.io/descheduler/descheduler:v0.30.1'}]
            """], test: self)
        let plan = try assessAndPlan([folder.path])
        let cluster = try XCTUnwrap(plan.assessment.clusters.first)
        let blockers = cluster.findings.filter { $0.severity == .blocker && !$0.system }
        XCTAssertEqual(blockers.map(\.checkID), ["API001"])
        XCTAssertLessThan(cluster.readiness, 100)
        XCTAssertTrue(plan.waves.flatMap(\.workloads).contains { $0.label == "CronJob/kube-system/descheduler" })
        XCTAssertTrue(plan.images.entries.contains { $0.image.repository == "descheduler/descheduler" })
    }

    func testControlPlaneImagesOfTheSampleAreNotOnTheImageList() throws {
        let folder = try temporaryFolder(self)
        let demo = try Demo(folder: folder, now: fixedNow).run()
        let repositories = demo.plan.images.entries.map(\.image.repository)
        for component in ["kube-apiserver", "kube-proxy", "coredns", "etcd"] {
            XCTAssertFalse(repositories.contains { $0.hasSuffix(component) }, "\(component) is EKS's: \(repositories)")
        }
    }

    func testATeamsOwnEtcdOrNodeImageIsNotMistakenForEKSs() throws {
        func workload(_ name: String, _ namespace: String, _ image: String) -> Estate.Workload {
            Estate.Workload(id: 1, clusterID: 1, resourceID: nil, kind: "StatefulSet", namespace: namespace, name: name, replicas: 3, serviceAccount: nil,
                            automountToken: nil, hostNetwork: false, hostPID: false, hostIPC: false, nodeSelector: [:], affinity: nil, topologySpread: "",
                            imagePullSecrets: [], terminationGrace: nil, templateLabels: ["app": name], templateAnnotations: [:],
                            containers: [Estate.Container(role: "app", name: name, image: image, ports: .sequence([]), privileged: false, capabilitiesAdd: [],
                                                          env: .sequence([]), volumeMounts: .sequence([]), envFrom: .sequence([]), command: .sequence([]), args: .sequence([]))],
                            volumes: [], claimTemplates: [], sourceFile: nil, sourceLine: nil, annotations: [:])
        }
        XCTAssertNil(reference.component(of: workload("etcd", "shop", "quay.io/coreos/etcd:v3.5.9")))
        XCTAssertNil(reference.component(of: workload("web", "shop", "node:20-alpine")), "library/node is not calico/node")
        XCTAssertEqual(reference.component(of: workload("calico-node", "kube-system", "docker.io/calico/node:v3.27.0"))?.name, "calico")
        XCTAssertEqual(reference.component(of: workload("etcd-master-1", "kube-system", "registry.k8s.io/etcd:3.5.9-0"))?.role, .replaced)
    }
}
