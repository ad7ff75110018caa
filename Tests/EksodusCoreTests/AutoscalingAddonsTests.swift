import Foundation
import XCTest
@testable import EksodusCore

/// plan:addons installs what makes the demo's HPAs and node groups scale on EKS: metrics-server (an EKS add-on: EKS does
/// not deploy it) and the Cluster Autoscaler chart for the cluster's own name and Kubernetes minor, both controllers on the
/// system group; its gates fail unless the metrics API serves node metrics and the autoscaler has an available replica.
extension PlatformItemsTests {
    func testTheDemoInstallsMetricsServerAndTheClusterAutoscalerForItsClusterOnTheSystemGroup() throws {
        let (plan, _) = try Self.demo.get()
        let addons = try item(plan, "plan:addons:prod")
        let compute = try XCTUnwrap(plan.compute.first { $0.cluster == "prod" })
        XCTAssertTrue(addons.commands.contains { $0.contains("--addon-name 'metrics-server'") && $0.contains("ACTIVE") }, "\(addons.commands)")
        let config = try XCTUnwrap(try ManifestText.objects(try XCTUnwrap(try plan.eksctlConfigs().first { $0.cluster == "prod" }).yaml).first)
        XCTAssertTrue((config["addons"]?.items ?? []).contains { $0["name"]?.string == "metrics-server" }, "eksctl creates it with the cluster")

        // Each chart's line, run with a stand-in helm that records its arguments: the quoting keeps every --set whole.
        let folder = try temporaryFolder(self)
        func arguments(_ line: String) throws -> [String] {
            XCTAssertEqual(try run(line, in: folder, stubs: ["helm": "printf '%s\\n' \"$@\" > \"$HOME/args\""]), 0, line)
            return try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        let autoscaler = try XCTUnwrap(addons.commands.first { $0.hasPrefix("helm upgrade --install cluster-autoscaler autoscaler/cluster-autoscaler") }, "\(addons.commands)")
        let set = try arguments(autoscaler)
        let version = plan.request.target
        for value in ["autoDiscovery.clusterName=\(compute.eksClusterName)", "awsRegion=ap-northeast-2", "image.tag=v\(version.major).\(version.minor).0",
                      "rbac.serviceAccount.create=false", "rbac.serviceAccount.name=cluster-autoscaler", "fullnameOverride=cluster-autoscaler",
                      "tolerations[0].key=CriticalAddonsOnly", "tolerations[0].effect=NoSchedule", "nodeSelector.role=system"] {
            XCTAssertTrue(set.contains(value), "\(value) in \(set)")
        }
        XCTAssertTrue(set.contains("--wait"))
        // The autoscaler discovers exactly the groups the config tags for this cluster.
        for group in config["managedNodeGroups"]?.items ?? [] {
            XCTAssertEqual(group["tags", "k8s.io/cluster-autoscaler/\(compute.eksClusterName)"]?.string, "owned")
        }
        // The system group is what the controllers select and tolerate.
        let system = try XCTUnwrap(compute.nodeGroups.first { $0.name == "system" })
        XCTAssertEqual(system.labels["role"], "system")
        XCTAssertEqual(system.taints.map(\.key), ["CriticalAddonsOnly"])
        let controller = try arguments(try XCTUnwrap(addons.commands.first { $0.hasPrefix("helm upgrade --install aws-load-balancer-controller") }))
        XCTAssertTrue(controller.contains("tolerations[0].key=CriticalAddonsOnly") && controller.contains("nodeSelector.role=system"), "\(controller)")
        XCTAssertTrue(addons.rollbackCommands.contains { $0.hasPrefix("helm uninstall cluster-autoscaler") })
    }

    func testTheAutoscalingGatesFailUnlessNodeMetricsAreServedAndTheAutoscalerIsAvailable() throws {
        let (plan, _) = try Self.demo.get()
        let addons = try item(plan, "plan:addons:prod")
        let folder = try temporaryFolder(self)
        let metrics = try XCTUnwrap(addons.commands.first { $0.contains("get --raw /apis/metrics.k8s.io/v1beta1/nodes") }, "\(addons.commands)")
        let served = #"{"kind":"NodeMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[{"metadata":{"name":"ip-10-0-1-5"},"timestamp":"2026-12-01T10:00:00Z","window":"10s","usage":{"cpu":"120m","memory":"900Mi"}}]}"#
        XCTAssertEqual(try run(metrics, in: folder, stubs: kubectl(served)), 0, "node metrics served")
        XCTAssertNotEqual(try run(metrics, in: folder, stubs: kubectl(nil)), 0, "the API is not there")
        XCTAssertNotEqual(try run(metrics, in: folder, stubs: kubectl("")), 0, "empty answer")
        XCTAssertNotEqual(try run(metrics, in: folder, stubs: kubectl(#"{"kind":"NodeMetricsList","items":[]}"#)), 0, "no node has metrics yet")

        let available = try XCTUnwrap(addons.commands.first { $0.contains("get deployment cluster-autoscaler") }, "\(addons.commands)")
        XCTAssertEqual(try run(available, in: folder, stubs: kubectl("1")), 0)
        XCTAssertNotEqual(try run(available, in: folder, stubs: kubectl(nil)), 0, "kubectl failed")
        XCTAssertNotEqual(try run(available, in: folder, stubs: kubectl("")), 0, "no replica available (the field is absent)")
        XCTAssertNotEqual(try run(available, in: folder, stubs: kubectl("0")), 0)
        let install = try XCTUnwrap(addons.commands.firstIndex { $0.hasPrefix("helm upgrade --install cluster-autoscaler") })
        XCTAssertLessThan(install, try XCTUnwrap(addons.commands.firstIndex(of: available)), "checked after it is installed")
    }

    func testTheOptimizeItemsRunOnlyWhatThePlanInstalled() throws {
        let (plan, _) = try Self.demo.get()
        for key in ["optimize:prod:rightsize", "optimize:prod:autoscaling"] {
            let commands = try item(plan, key).commands.joined(separator: "\n")
            XCTAssertFalse(commands.contains("nodepools") || commands.contains("nodeclaims"), "Karpenter's CRDs are not installed: \(commands)")
            XCTAssertFalse(commands.contains("get vpa"), "no VPA is installed: \(commands)")
        }
        let autoscaling = try item(plan, "optimize:prod:autoscaling")
        let gate = try XCTUnwrap(autoscaling.commands.first { $0.contains("get deployment cluster-autoscaler") })
        let folder = try temporaryFolder(self)
        XCTAssertNotEqual(try run(gate, in: folder, stubs: kubectl("")), 0)
        XCTAssertEqual(try run(gate, in: folder, stubs: kubectl("2")), 0)
        XCTAssertTrue(try item(plan, "optimize:prod:rightsize").commands.contains { $0.contains("top pods -A") }, "metrics-server serves kubectl top")
    }
}
