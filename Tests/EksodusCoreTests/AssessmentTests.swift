import Foundation
import XCTest
@testable import EksodusCore

final class AssessmentTests: XCTestCase {
    func assess(_ paths: [String], target: String, settings: AssessmentSettings = AssessmentSettings()) throws -> AssessmentResult {
        let database = try AppDatabase.inMemory()
        try importPaths(paths, cluster: "c", into: database)
        return try Assessor(database: database, reference: try ReferenceData.embedded(), settings: settings)
            .run(target: try XCTUnwrap(KubernetesVersion(target)), now: fixedNow)
    }

    func testSockShop2018DeploymentsAndDaemonSetsAreBlockersNamingAppsV1() throws {
        let fixtures = try requireFixtures()
        let folder = fixtures.appendingPathComponent("08-sock-shop-2018-old-apis")
        let result = try assess([folder.path], target: "1.33")
        let findings = result.allFindings.filter { $0.checkID == "API001" }
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        let expected = try strings(database, """
            SELECT kind || '/' || namespace || '/' || name FROM resource WHERE api_version = 'extensions/v1beta1' AND kind IN ('Deployment', 'DaemonSet') ORDER BY 1
            """)
        XCTAssertEqual(expected.count, 27, "the distinct extensions/v1beta1 Deployments and DaemonSets of the entry")
        let flagged = findings.filter { ["Deployment", "DaemonSet"].contains($0.kind) }
        XCTAssertEqual(Set(flagged.map { "\($0.kind)/\($0.namespace)/\($0.name)" }), Set(expected))
        for finding in flagged {
            XCTAssertEqual(finding.severity, .blocker)
            XCTAssertTrue(finding.message.contains("use apps/v1"), finding.message)
        }
    }

    func testFlannelPodSecurityPolicyIsFlagged() throws {
        let fixtures = try requireFixtures()
        let result = try assess([fixtures.appendingPathComponent("09-flannel-2019-old-apis").path], target: "1.33")
        let psp = result.allFindings.filter { $0.checkID == "API003" }
        XCTAssertEqual(psp.map(\.kind), ["PodSecurityPolicy"])
        XCTAssertEqual(psp.first?.severity, .blocker)
    }

    func testInTreeProvisionersAreFlaggedWithTheirEKSTarget() throws {
        let fixtures = try requireFixtures()
        let result = try assess([fixtures.appendingPathComponent("10-k8s-examples-intree-storage").path], target: "1.33")
        let flagged = result.allFindings.filter { $0.checkID == "STO001" }
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("10-k8s-examples-intree-storage").path], cluster: "c", into: database)
        let provisioners = try strings(database, "SELECT DISTINCT provisioner FROM storage_class ORDER BY 1")
        XCTAssertFalse(provisioners.isEmpty)
        for provisioner in provisioners {
            let matching = flagged.filter { $0.message.contains(provisioner) }
            XCTAssertFalse(matching.isEmpty, "\(provisioner) not flagged")
            XCTAssertTrue(matching.allSatisfy { $0.message.contains("on EKS use E") }, "\(matching.map(\.message))")
        }
    }

    /// pluto's e2e expectations (e2e/tests/00_static_files.yaml) on its own assets, as eksodus findings.
    func testPlutoStaticFileExpectations() throws {
        let fixtures = try requireFixtures()
        let assets = fixtures.deletingLastPathComponent().appendingPathComponent("reference/pluto/e2e/tests/assets")
        func apiFindings(_ path: String, _ target: String) throws -> [Finding] {
            try assess([assets.appendingPathComponent(path).path], target: target).allFindings.filter { $0.checkID == "API001" || $0.checkID == "API002" }
        }
        // --target-versions k8s=v1.15.0: utilities Deployment extensions/v1beta1 → apps/v1, removed false, deprecated true (exit 2).
        let at115 = try apiFindings("", "1.15")
        let utilities = at115.filter { $0.name == "utilities" && $0.kind == "Deployment" }
        XCTAssertFalse(utilities.isEmpty)
        XCTAssertTrue(utilities.allSatisfy { $0.checkID == "API002" && $0.message.contains("extensions/v1beta1") && $0.message.contains("apps/v1") })
        // -r (removed only) at 1.15: nothing.
        XCTAssertTrue(at115.filter { $0.checkID == "API001" }.isEmpty)
        // non-deprecated at 1.16: nothing; deprecated116 at 1.8: nothing.
        XCTAssertTrue(try apiFindings("non-deprecated", "1.16").isEmpty)
        XCTAssertTrue(try apiFindings("deprecated116", "1.8").isEmpty)
        // Default target (pluto's k8s v1.25.0): removed true, deprecated true (exit 3).
        let at125 = try apiFindings("deprecated116", "1.25")
        XCTAssertEqual(at125.map(\.checkID), ["API001"])
        XCTAssertTrue(at125[0].message.contains("removed in Kubernetes 1.16"))
        // A List with a deprecated and a current Deployment: only the deprecated one.
        let list = try apiFindings("list", "1.15")
        XCTAssertEqual(Set(list.map(\.name)), ["utilities"])
        XCTAssertTrue(list.allSatisfy { $0.checkID == "API002" })
    }

    func testIgnoresByAnnotationAndSettings() throws {
        let folder = try writeManifests(["app.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
              annotations: {eksodus.io/ignore: "AVL004, IMG001"}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: nginx}]
            """], test: self)
        let plain = try assess([folder.path], target: "1.33")
        XCTAssertFalse(plain.allFindings.contains { $0.checkID == "AVL004" || $0.checkID == "IMG001" })
        XCTAssertEqual(plain.clusters[0].ignored, 2)
        XCTAssertTrue(plain.allFindings.contains { $0.checkID == "AVL001" })

        let settingsFile = try temporaryFolder(self).appendingPathComponent(".eksodus.yaml")
        try "minimumReplicas: 3\nignore:\n  - check: AVL001\n    namespace: shop\n".write(to: settingsFile, atomically: true, encoding: .utf8)
        let settings = try AssessmentSettings.load(path: settingsFile.path)
        XCTAssertEqual(settings.minimumReplicas, 3)
        let configured = try assess([folder.path], target: "1.33", settings: settings)
        XCTAssertFalse(configured.allFindings.contains { $0.checkID == "AVL001" })

        try "ignore: [{check: NOPE01}]\n".write(to: settingsFile, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try AssessmentSettings.load(path: settingsFile.path))
    }

    /// kube-system holds what EKS replaces (set apart) and what the team installed (migrated, so it counts).
    func testOnlyWhatEKSReplacesIsSetApartInKubeSystem() throws {
        let folder = try writeManifests(["system.yaml": """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: kube-proxy, namespace: kube-system}
            spec:
              selector: {matchLabels: {k8s-app: kube-proxy}}
              template:
                metadata: {labels: {k8s-app: kube-proxy}}
                spec:
                  containers: [{name: kube-proxy, image: 'registry.k8s.io/kube-proxy:v1.24.17', securityContext: {privileged: true}}]
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: kube-system}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  containers: [{name: agent, image: 'registry.k8s.io/agent:1.0', securityContext: {privileged: true}}]
                  volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]
            """], test: self)
        let result = try assess([folder.path], target: "1.35")
        let blockers = result.allFindings.filter { $0.severity == .blocker }
        let proxy = result.allFindings.filter { $0.name == "kube-proxy" }
        XCTAssertTrue(proxy.contains { $0.checkID == "SEC001" }, "privileged: \(proxy.map(\.checkID))")
        XCTAssertTrue(proxy.allSatisfy(\.system), "kube-proxy is EKS's own: its findings are set apart")
        XCTAssertEqual(Set(blockers.map(\.name)), ["agent"])
        XCTAssertTrue(blockers.allSatisfy { !$0.system }, "a team's agent in kube-system is migrated: it counts")
        XCTAssertEqual(result.exitCode(failOn: .blocker), 3)
        XCTAssertTrue(AssessmentOutput.summary(result).contains("Replaced by EKS or in system namespaces (reported apart)"))
        let replaced = result.allFindings.filter { $0.checkID == "PLT002" }
        XCTAssertEqual(replaced.map(\.name), ["kube-proxy"])
        XCTAssertTrue(replaced.first?.message.contains("EKS kube-proxy add-on") ?? false)
    }

    func testExitCodesFollowFailOn() throws {
        let folder = try writeManifests(["app.yaml": """
            apiVersion: extensions/v1beta1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec: {template: {spec: {containers: [{name: web, image: 'nginx:1.27'}]}}}
            """], test: self)
        let result = try assess([folder.path], target: "1.33")
        XCTAssertEqual(result.exitCode(failOn: nil), 0)
        XCTAssertEqual(result.exitCode(failOn: .blocker), 3)
        let deprecatedOnly = try writeManifests(["class.yaml": """
            apiVersion: storage.k8s.io/v1beta1
            kind: VolumeAttributesClass
            metadata: {name: fast}
            driverName: ebs.csi.aws.com
            """], test: self)
        let warningsOnly = try assess([deprecatedOnly.path], target: "1.35")
        XCTAssertEqual(warningsOnly.allFindings.map(\.checkID), ["API002"])
        XCTAssertEqual(warningsOnly.exitCode(failOn: .blocker), 0)
        XCTAssertEqual(warningsOnly.exitCode(failOn: .warning), 2)
    }

    func testFindingsAreStoredSortedAndReproducible() throws {
        let fixtures = try requireFixtures()
        let first = try assess([fixtures.appendingPathComponent("02-sock-shop").path], target: "1.33")
        let second = try assess([fixtures.appendingPathComponent("02-sock-shop").path], target: "1.33")
        XCTAssertEqual(AssessmentOutput.json(first), AssessmentOutput.json(second))
        let orders = first.allFindings.map(\.order)
        XCTAssertTrue(zip(orders, orders.dropFirst()).allSatisfy { $0 <= $1 })
        let sarif = AssessmentOutput.sarif(first)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(sarif.utf8)))
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(AssessmentOutput.json(first).utf8)))
        // user-db is a MongoDB Deployment without volumes; carts-db likewise: stateless, and Fargate-eligible.
        let cluster = first.clusters[0]
        let userDB = try XCTUnwrap(cluster.workloads.first { $0.name == "user-db" })
        XCTAssertEqual(cluster.profiles[userDB.id]?.stateful, false)
    }
}
