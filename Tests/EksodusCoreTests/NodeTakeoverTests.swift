import Foundation
import XCTest
@testable import EksodusCore

/// A tenant's ways to take over a node: each is a finding, and convert never writes the workload (or the field) to EKS.
final class NodeTakeoverTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func convert(_ manifests: String) throws -> (TransitionPlan, [String: String]) {
        let folder = try writeManifests(["in.yaml": manifests], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var files: [String: String] = [:]
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where ["yaml", "md"].contains(url.pathExtension) {
            files[String(url.path.dropFirst(out.path.count + 1))] = try String(contentsOf: url, encoding: .utf8)
        }
        return (plan, files)
    }

    func objects(_ files: [String: String]) throws -> [ManifestNode] {
        try files.filter { $0.key.hasSuffix(".yaml") && !$0.key.hasSuffix("kustomization.yaml") }.flatMap { try ManifestText.objects($0.value, name: $0.key) }
    }

    func written(_ files: [String: String], _ name: String) throws -> [ManifestNode] {
        try objects(files).filter { $0["metadata", "name"]?.string == name }
    }

    func changes(_ files: [String: String]) -> String {
        files.filter { $0.key.hasSuffix("CHANGES.md") }.map(\.value).joined(separator: "\n")
    }

    static func deployment(_ name: String, namespace: String = "tenant", kind: String = "Deployment", pod: String, template: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: \(kind)
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}\(template)}
            spec:
              containers: [{name: app, image: "busybox:1.36"}]
        \(pod)
        ---

        """
    }

    func testHostRootRuntimeSocketsAndSystemNodeTolerationsAreBlockersAndHeldOut() throws {
        let manifests = [
            Self.deployment("root", pod: "      volumes: [{name: host, hostPath: {path: /}}]"),
            Self.deployment("sneaky", pod: "      volumes: [{name: host, hostPath: {path: \"/var/lib/../../etc/\"}}]"),
            Self.deployment("cri", kind: "DaemonSet", pod: "      volumes: [{name: sock, hostPath: {path: /run/containerd/containerd.sock}}]"),
            Self.deployment("crio", pod: "      volumes: [{name: sock, hostPath: {path: /var/run/crio/crio.sock, type: Socket}}]"),
            Self.deployment("kubelet", pod: "      volumes: [{name: k, hostPath: {path: /var/lib/kubelet}}]"),
            Self.deployment("everywhere", pod: "      tolerations: [{operator: Exists}]"),
            Self.deployment("logs", pod: "      volumes: [{name: logs, hostPath: {path: /var/log}}, {name: tz, hostPath: {path: /etc/localtime}}]"),
            Self.deployment("spot", pod: "      tolerations: [{key: spot, operator: Equal, value: \"true\", effect: NoSchedule}]"),
        ].joined()
        let (plan, files) = try convert(manifests)
        let findings = plan.assessment.allFindings.filter { $0.namespace == "tenant" }
        func ids(_ name: String) -> Set<String> { Set(findings.filter { $0.name == name && $0.severity == .blocker }.map(\.checkID)) }
        XCTAssertEqual(ids("root"), ["SEC011"])
        XCTAssertEqual(ids("sneaky"), ["SEC011"], "a path that resolves to /etc")
        XCTAssertEqual(ids("cri"), ["SEC011"])
        XCTAssertEqual(ids("crio"), ["SEC011"])
        XCTAssertEqual(ids("kubelet"), ["SEC011"])
        XCTAssertEqual(ids("everywhere"), ["SEC012"])
        XCTAssertFalse(findings.contains { ["logs", "spot"].contains($0.name) && ["SEC011", "SEC012"].contains($0.checkID) })
        XCTAssertFalse(findings.contains { $0.checkID.hasPrefix("SEC01") && $0.system }, "a tenant namespace is no system one")

        let notes = changes(files)
        for name in ["root", "sneaky", "cri", "crio", "kubelet", "everywhere"] {
            XCTAssertEqual(try written(files, name).filter { $0["kind"]?.string != "ServiceAccount" }.count, 0, "\(name) was written")
            XCTAssertTrue(notes.contains("/\(name) not written (held: it would take over its EKS node"), "\(name):\n\(notes)")
        }
        XCTAssertTrue(notes.contains("toleration {operator: Exists} admits it to the system node group"), notes)
        XCTAssertEqual(try written(files, "logs").filter { $0["kind"]?.string == "Deployment" }.count, 1, "a /var/log mount is no takeover")
        XCTAssertEqual(try written(files, "spot").filter { $0["kind"]?.string == "Deployment" }.count, 1)
    }

    func testWeakenedPodSecurityAndSystemPriorityAreWarnings() throws {
        let manifests = [
            Self.deployment("seccomp", pod: "      securityContext: {seccompProfile: {type: Unconfined}}"),
            Self.deployment("root", pod: "      securityContext: {runAsUser: 0}"),
            Self.deployment("rootok", pod: "      securityContext: {runAsUser: 0, runAsNonRoot: true}"),
            Self.deployment("apparmor", pod: "", template: ", annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}"),
            Self.deployment("critical", pod: "      priorityClassName: system-cluster-critical"),
            Self.deployment("dns", namespace: "kube-system", pod: "      priorityClassName: system-cluster-critical"),
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: unmasked, namespace: tenant}
            spec:
              containers: [{name: app, image: "busybox:1.36", securityContext: {procMount: Unmasked, allowPrivilegeEscalation: true}}]
            ---

            """,
        ].joined()
        let (plan, files) = try convert(manifests)
        let findings = plan.assessment.allFindings
        func found(_ id: String, _ name: String) -> [Finding] { findings.filter { $0.checkID == id && $0.name == name } }
        XCTAssertEqual(found("SEC014", "seccomp").map(\.severity), [.warning])
        XCTAssertTrue(found("SEC014", "seccomp").first?.message.contains("seccompProfile Unconfined") ?? false)
        XCTAssertEqual(found("SEC014", "root").map(\.severity), [.warning])
        XCTAssertTrue(found("SEC014", "rootok").isEmpty)
        XCTAssertEqual(found("SEC014", "apparmor").map(\.field), ["spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]"])
        let unmasked = try XCTUnwrap(found("SEC014", "unmasked").first)
        XCTAssertTrue(unmasked.message.contains("procMount Unmasked") && unmasked.message.contains("allowPrivilegeEscalation true"), unmasked.message)
        XCTAssertEqual(found("SEC015", "critical").map(\.severity), [.warning])
        XCTAssertTrue(found("SEC015", "dns").isEmpty, "kube-system's own")
        // Warnings only: written.
        XCTAssertEqual(try written(files, "seccomp").filter { $0["kind"]?.string == "Deployment" }.count, 1)
    }

    func testServiceExternalIPsAreABlockerAndDropped() throws {
        let (plan, files) = try convert("""
            apiVersion: v1
            kind: Service
            metadata: {name: mitm, namespace: tenant}
            spec: {selector: {app: x}, ports: [{port: 443}], externalIPs: [10.0.0.53, 52.94.76.10]}

            """)
        let finding = try XCTUnwrap(plan.assessment.allFindings.first { $0.checkID == "SEC013" && $0.name == "mitm" })
        XCTAssertEqual(finding.severity, .blocker)
        XCTAssertTrue(finding.message.contains("10.0.0.53"), finding.message)
        let service = try XCTUnwrap(try written(files, "mitm").first { $0["kind"]?.string == "Service" })
        XCTAssertNil(service["spec", "externalIPs"], "CVE-2020-8554 carried to EKS")
        XCTAssertTrue(changes(files).contains("spec.externalIPs"), changes(files))
    }

    /// What the assessment sets apart (a component EKS replaces, like SEC002's and SEC003's) is reported apart; the team's
    /// own add-on in kube-system is migrated, so its finding counts and convert holds it.
    func testSetApartComponentsAreReportedApartAndKubeSystemAddOnsAreNot() throws {
        let proxy = Self.deployment("kube-proxy", namespace: "kube-system", kind: "DaemonSet", pod: "      volumes: [{name: root, hostPath: {path: /}}]")
            .replacingOccurrences(of: "busybox:1.36", with: "registry.k8s.io/kube-proxy:v1.29.0")
        let (plan, files) = try convert(proxy + Self.deployment("agent", namespace: "kube-system", kind: "DaemonSet", pod: "      volumes: [{name: root, hostPath: {path: /}}]"))
        let replaced = try XCTUnwrap(plan.assessment.allFindings.first { $0.checkID == "SEC011" && $0.name == "kube-proxy" })
        XCTAssertTrue(replaced.system)
        let addOn = try XCTUnwrap(plan.assessment.allFindings.first { $0.checkID == "SEC011" && $0.name == "agent" })
        XCTAssertFalse(addOn.system)
        XCTAssertEqual(addOn.severity, .blocker)
        XCTAssertTrue(try written(files, "agent").filter { $0["kind"]?.string == "DaemonSet" }.isEmpty)
        XCTAssertTrue(changes(files).contains("DaemonSet kube-system/agent not written (held"), changes(files))
    }

    func testTheSystemTaintIsTheComputePlans() {
        let taint = ComputePlan.systemTaint
        XCTAssertEqual([taint.key, taint.value, taint.effect], [SystemNodeTaint.system.key, SystemNodeTaint.system.value, SystemNodeTaint.system.effect])
    }

    func testHostPathsResolveAsTheKubeletDoes() {
        for path in ["/", "//", "/etc/", "/./etc", "/home/user", "/proc/1/root", "/var/run", "/run/containerd/containerd.sock", "/srv/../etc/kubernetes"] {
            XCTAssertTrue(NodeTakeover.isSensitive(path), path)
        }
        for path in ["/var/log", "/etc/localtime", "/data/app", "/var/lib/app", "relative/etc", "/etcetera"] {
            XCTAssertFalse(NodeTakeover.isSensitive(path), path)
        }
    }
}
