import Foundation
import XCTest
@testable import EksodusCore

/// Every EKS group the compute plan makes but `general` is tainted, and fixture 04 has no stateless workload, so no
/// `general`: Velero's server and node-agent, and the source pods a restore brings back, must be told where they may run.
final class VeleroPlacementTests: XCTestCase {
    func fixture04() throws -> TransitionPlan {
        try planImported([try requireFixtures().appendingPathComponent("04-k8s-examples-mysql-wordpress-pd").path]).plan
    }

    func testTheEKSVeleroRunsOnTheSystemGroupAndItsNodeAgentOnEveryGroup() throws {
        let plan = try fixture04()
        XCTAssertFalse(try XCTUnwrap(plan.compute.first).nodeGroups.contains { $0.taints.isEmpty }, "no untainted group: the case this is for")
        let commands = try XCTUnwrap(plan.items.first { $0.key.description == "plan:backup:src" }).commands
        func index(_ what: String, _ test: (String) -> Bool) throws -> Int { try XCTUnwrap(commands.firstIndex(where: test), "\(what): \(commands.joined(separator: "\n"))") }
        let install = try index("EKS install") { $0.hasPrefix("velero install --kubecontext \"$EKS_CONTEXT\"") }
        XCTAssertFalse(commands[install].contains("--wait"), "its server cannot be ready before it tolerates a taint: \(commands[install])")
        let server = try index("server placed") { $0.contains("-n 'velero' patch deployment velero") }
        XCTAssertTrue(commands[server].contains(#"{"key":"CriticalAddonsOnly","operator":"Equal","value":"true","effect":"NoSchedule"}"#), commands[server])
        XCTAssertTrue(commands[server].contains(#""nodeSelector":{"role":"system"}"#), commands[server])
        XCTAssertTrue(plan.compute[0].nodeGroups.contains { $0.labels["role"] == "system" && $0.taints == [ComputePlan.systemTaint] }, "the group it selects")
        let agent = try index("node-agent placed") { $0.contains("-n 'velero' patch daemonset node-agent") }
        XCTAssertTrue(commands[agent].contains(#"[{"operator":"Exists"}]"#), commands[agent])
        let rollout = try index("server waited for") { $0.contains("-n 'velero' rollout status deployment/velero") }
        let location = try index("EKS location checked") { $0.contains("\"$EKS_CONTEXT\" -n 'velero' get backupstoragelocations") }
        XCTAssertEqual([install, server, agent, rollout, location], [install, server, agent, rollout, location].sorted())
        let sourceInstall = try index("source install") { $0.hasPrefix("velero install --kubecontext \"$SOURCE_CONTEXT\"") }
        XCTAssertTrue(commands[sourceInstall].contains("--wait"), "the source's nodes are not tainted by the plan")
    }

    /// The restore's modifiers, read back as Velero reads the ConfigMap: one data key, JSON, each patch value JSON.
    func testTheRestoredWordPressPodsGetTheStatefulGroupsTolerationAndLabel() throws {
        let plan = try fixture04()
        let commands = try XCTUnwrap(plan.items.first { $0.key.step == .data && $0.key.description.hasSuffix("/default/wordpress") }).commands
        let create = try XCTUnwrap(commands.firstIndex { $0.contains("create configmap 'eksodus-default-wordpress-placement'") }, commands.joined(separator: "\n"))
        let restore = try XCTUnwrap(commands.firstIndex { $0.hasPrefix("velero --kubecontext \"$EKS_CONTEXT\" restore create") })
        XCTAssertLessThan(create, restore)
        XCTAssertTrue(commands[create].hasPrefix("kubectl --context \"$EKS_CONTEXT\" -n 'velero' "), commands[create])
        XCTAssertTrue(commands[create - 1].contains("delete configmap 'eksodus-default-wordpress-placement' --ignore-not-found"), "re-runnable: \(commands[create - 1])")
        XCTAssertTrue(commands[restore].contains("--resource-modifier-configmap 'eksodus-default-wordpress-placement'"), commands[restore])
        let printed = try GateShell.run(#"kubectl() { for a in "$@"; do case $a in --from-literal=*) printf '%s\n' "${a#--from-literal=}" ;; esac; done; }; "# + commands[create])
        XCTAssertEqual(printed.status, 0)
        let literal = printed.output.trimmingCharacters(in: .newlines)
        XCTAssertTrue(literal.hasPrefix("placement.json="), literal)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(literal.dropFirst("placement.json=".count).utf8)) as? [String: Any])
        XCTAssertEqual(document["version"] as? String, "v1")
        let rule = try XCTUnwrap((document["resourceModifierRules"] as? [[String: Any]])?.first)
        let conditions = try XCTUnwrap(rule["conditions"] as? [String: Any])
        XCTAssertEqual(conditions["groupResource"] as? String, "pods")
        XCTAssertEqual(conditions["namespaces"] as? [String], ["default"])
        var values: [String: Any] = [:]
        for patch in try XCTUnwrap(rule["patches"] as? [[String: String]]) {
            XCTAssertEqual(patch["operation"], "add")
            let value = try XCTUnwrap(patch["value"])
            XCTAssertTrue(value.hasPrefix("[") || value.hasPrefix("{"), "Velero reads it as JSON only then: \(value)")
            values[try XCTUnwrap(patch["path"])] = try JSONSerialization.jsonObject(with: Data(value.utf8))
        }
        XCTAssertEqual(values["/spec/tolerations"] as? [[String: String]], [["key": "stateful", "operator": "Equal", "value": "true", "effect": "NoSchedule"]])
        XCTAssertEqual(values["/spec/nodeSelector"] as? [String: String], ["role": "stateful"])
        let undo = try XCTUnwrap(plan.items.first { $0.key.step == .data && $0.key.description.hasSuffix("/default/wordpress") }).rollbackCommands
        XCTAssertTrue(undo.contains { $0.contains("delete configmap 'eksodus-default-wordpress-placement' --ignore-not-found") }, undo.joined(separator: "\n"))
    }

    func testASourceOnlyNodeLabelIsDroppedAndAPodThatFitsEKSGetsNoModifier() throws {
        let (_, database) = try planImported([try requireFixtures().appendingPathComponent("04-k8s-examples-mysql-wordpress-pd").path])
        var workload = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first?.workloads.first { $0.name == "wordpress" })
        workload.nodeSelector = [:]
        XCTAssertNil(VeleroCopy(workload: workload, placement: "general").restoredPodModifiers, "untainted group, nothing to drop")
        workload.nodeSelector = ["disktype": "ssd", "kubernetes.io/arch": "amd64"]
        let modifiers = try XCTUnwrap(VeleroCopy(workload: workload, placement: "general").restoredPodModifiers)
        XCTAssertTrue(modifiers.contains(#""path":"/spec/nodeSelector","value":"{\"kubernetes.io/arch\":\"amd64\"}""#), modifiers)
        XCTAssertFalse(modifiers.contains("tolerations"), modifiers)
        let spot = try XCTUnwrap(VeleroCopy(workload: workload, placement: "spot").restoredPodModifiers)
        XCTAssertTrue(spot.contains(#"\"key\":\"spot\""#), spot)
    }
}
