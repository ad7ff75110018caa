import XCTest
@testable import EksodusCore

/// plan:addons installs the metrics-server add-on and a Cluster Autoscaler of the target's minor on every cluster: the
/// source's copies (metrics-server, heapster, an autoscaler of another minor) are replaced, never moved beside them, where
/// two would register v1beta1.metrics.k8s.io or scale the same node groups.
final class AutoscalerComponentsTests: XCTestCase {
    static let kubeSystem = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
        spec:
          selector: {matchLabels: {k8s-app: metrics-server}}
          template:
            metadata: {labels: {k8s-app: metrics-server}}
            spec: {containers: [{name: metrics-server, image: 'registry.k8s.io/metrics-server/metrics-server:v0.6.4'}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: cluster-autoscaler, namespace: kube-system}
        spec:
          selector: {matchLabels: {app: cluster-autoscaler}}
          template:
            metadata: {labels: {app: cluster-autoscaler}}
            spec:
              containers:
              - name: cluster-autoscaler
                image: 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.24.3'
                command: [./cluster-autoscaler, --cloud-provider=gce, --nodes=1:10:pool-1]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: autoscaler-aws-cluster-autoscaler, namespace: kube-system}
        spec:
          selector: {matchLabels: {app.kubernetes.io/name: aws-cluster-autoscaler}}
          template:
            metadata: {labels: {app.kubernetes.io/name: aws-cluster-autoscaler}}
            spec: {containers: [{name: aws-cluster-autoscaler, image: 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.0'}]}
        """

    /// metrics-server's APIService, in front of a Service in front of the replaced Deployment, is no more written than they are.
    func testTheReplacedMetricsServersAPIServiceIsNotWritten() throws {
        let folder = try writeManifests(["kube-system.yaml": Self.kubeSystem + """

            ---
            apiVersion: v1
            kind: Service
            metadata: {name: metrics-server, namespace: kube-system}
            spec: {selector: {k8s-app: metrics-server}, ports: [{name: https, port: 443, targetPort: 4443}]}
            ---
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata: {name: v1beta1.metrics.k8s.io}
            spec: {group: metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true,
                   service: {name: metrics-server, namespace: kube-system}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: custom-metrics, namespace: monitoring}
            spec: {selector: {app: adapter}, ports: [{port: 443}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: adapter, namespace: monitoring}
            spec:
              selector: {matchLabels: {app: adapter}}
              template:
                metadata: {labels: {app: adapter}}
                spec: {containers: [{name: adapter, image: 'registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0'}]}
            ---
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata: {name: v1beta1.custom.metrics.k8s.io}
            spec: {group: custom.metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100, service: {name: custom-metrics, namespace: monitoring}}
            """], test: self)
        let (plan, database) = try planImported([folder.path])
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        var written: Set<String> = [], changes = ""
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! {
            if url.lastPathComponent == "CHANGES.md" { changes += try String(contentsOf: url, encoding: .utf8) }
            guard url.pathExtension == "yaml", url.lastPathComponent != "kustomization.yaml" else { continue }
            for object in try ManifestText.objects(String(contentsOf: url, encoding: .utf8)) {
                written.insert("\(object["kind"]?.string ?? "")/\(object["metadata", "name"]?.string ?? "")")
            }
        }
        XCTAssertFalse(written.contains("APIService/v1beta1.metrics.k8s.io") || written.contains("Deployment/metrics-server"), "\(written.sorted())")
        XCTAssertTrue(written.isSuperset(of: ["APIService/v1beta1.custom.metrics.k8s.io", "Deployment/adapter"]), "an API the team serves moves: \(written.sorted())")
        XCTAssertTrue(changes.contains("`APIService/v1beta1.metrics.k8s.io` not written: its Service kube-system/metrics-server fronts only workloads EKS replaces"), changes)
    }

    func testTheSourcesMetricsPipelineAndAutoscalersAreReplacedByWhatThePlanInstalls() throws {
        let fixtures = try requireFixtures()
        let folder = try writeManifests(["kube-system.yaml": Self.kubeSystem], test: self)
        let target = KubernetesVersion(major: 1, minor: 35)
        let (plan, _) = try planImported([fixtures.appendingPathComponent("08-sock-shop-2018-old-apis").path, folder.path], target: target)
        let cluster = try XCTUnwrap(plan.assessment.clusters.first)
        let moved = plan.waves.flatMap(\.workloads).map(\.label)
        for (name, image) in [("metrics-server", "metrics-server/metrics-server"), ("heapster", "google_containers/heapster-amd64"),
                              ("cluster-autoscaler", "autoscaling/cluster-autoscaler")] {
            XCTAssertFalse(moved.contains { $0.hasSuffix("/" + name) || $0.contains("cluster-autoscaler") }, "\(name) is in a wave: \(moved)")
            XCTAssertFalse(plan.images.entries.contains { $0.image.repository == image }, "\(name)'s image is copied")
            let replaced = cluster.findings.filter { $0.checkID == "PLT002" && $0.name.contains(name) }
            XCTAssertFalse(replaced.isEmpty, "\(name) is reported replaced")
            XCTAssertTrue(replaced.allSatisfy { $0.message.contains("plan:addons") }, "\(replaced.map(\.message))")
        }
        XCTAssertFalse(cluster.findings.contains { $0.checkID == "PLT003" && ($0.name.contains("metrics-server") || $0.name.contains("heapster")) },
                       "no finding offers to migrate metrics-server as it is")
        XCTAssertTrue(moved.contains { $0.hasSuffix("/front-end") } && moved.contains { $0.contains("kube-system/") && $0.contains("grafana") },
                      "the applications and the team's own kube-system tools still move: \(moved)")
        // What takes their place: the add-on, and the autoscaler of the target's minor.
        let addons = try XCTUnwrap(plan.items.first { $0.keyText == "plan:addons:src" })
        XCTAssertTrue(addons.commands.contains { $0.contains("--addon-name 'metrics-server'") })
        XCTAssertTrue(addons.commands.contains { $0.contains("autoscaler/cluster-autoscaler") && $0.contains("--set image.tag='v1.35.0'") }, "\(addons.commands)")
    }
}
