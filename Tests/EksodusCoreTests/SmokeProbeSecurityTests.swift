import XCTest
@testable import EksodusCore

/// Every smoke probe pod must be admitted by a namespace that enforces Pod Security "restricted": the overrides its
/// `kubectl run` passes, as bash hands them over, are a strategic merge that makes the pod non-root with no privilege
/// escalation, no capability, the RuntimeDefault seccomp profile and a read-only root file system, and lets it run on the
/// tainted system group.
final class SmokeProbeSecurityTests: XCTestCase {
    /// A `kubectl` that writes the value of `--overrides` to `$OVERRIDES` and of `--override-type` to `$TYPE`.
    static let kubectl = """
        kubectl() {
          for argument in "$@"; do
            case "$argument" in
              --overrides=*) printf '%s' "${argument#--overrides=}" > "$OVERRIDES" ;;
              --override-type=*) printf '%s' "${argument#--override-type=}" > "$TYPE" ;;
            esac
          done
        }
        """

    func testEveryProbePodOfTheDemoPassesTheRestrictedPodSecurityStandard() throws {
        let runs = try DemoPlanOnce.plan().items.filter { $0.step == .smoke }.flatMap(\.commands).filter { $0.hasPrefix("eksodus_probe ") }
        XCTAssertGreaterThan(runs.count, 2)
        let folder = try temporaryFolder(self)
        let overrides = folder.appendingPathComponent("overrides.json"), type = folder.appendingPathComponent("type")
        for line in runs {
            try? FileManager.default.removeItem(at: overrides)
            let result = try GateShell.run(Self.kubectl + "\n" + RunbookLibrary.load + "\n" + line, environment: ["OVERRIDES": overrides.path, "TYPE": type.path])
            XCTAssertEqual(result.status, 0, line)
            XCTAssertEqual(try String(contentsOf: type, encoding: .utf8), "strategic", "a JSON merge would replace the containers: \(line)")
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: overrides)) as? [String: Any], line)
            XCTAssertEqual(object["apiVersion"] as? String, "v1")
            let spec = try XCTUnwrap(object["spec"] as? [String: Any])
            let pod = try XCTUnwrap(spec["securityContext"] as? [String: Any])
            XCTAssertEqual(pod["runAsNonRoot"] as? Bool, true, line)
            XCTAssertNotEqual(try XCTUnwrap(pod["runAsUser"] as? Int, "an image whose user is root would be refused"), 0)
            XCTAssertEqual((pod["seccompProfile"] as? [String: Any])?["type"] as? String, "RuntimeDefault")
            // It may run on the system group: where every workload is stateful, every EKS group is tainted.
            let taint = ComputePlan.systemTaint
            XCTAssertEqual(spec["tolerations"] as? [[String: String]], [["key": taint.key, "operator": "Equal", "value": taint.value, "effect": taint.effect]], line)
            let containers = try XCTUnwrap(spec["containers"] as? [[String: Any]])
            XCTAssertEqual(containers.count, 1)
            XCTAssertEqual(containers[0]["name"] as? String, SmokeProbe.podName, "merged into kubectl run's own container, which has the pod's name")
            let container = try XCTUnwrap(containers[0]["securityContext"] as? [String: Any])
            XCTAssertEqual(container["allowPrivilegeEscalation"] as? Bool, false)
            XCTAssertEqual(container["readOnlyRootFilesystem"] as? Bool, true)
            XCTAssertEqual((container["capabilities"] as? [String: Any])?["drop"] as? [String], ["ALL"])
            // A writable HOME on the read-only root: an emptyDir the pod declares.
            let mount = try XCTUnwrap((containers[0]["volumeMounts"] as? [[String: Any]])?.first)
            XCTAssertTrue((spec["volumes"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == mount["name"] as? String && $0["emptyDir"] != nil })
        }
    }
}
