import XCTest
@testable import EksodusCore

/// PLT007: a controller release outside the Kubernetes range its maintainers support (cert-manager's "Supported Releases").
final class ControllerReleaseSupportTests: XCTestCase {
    func certManager() throws -> ReferenceData.ControllerSupport {
        try XCTUnwrap(try ReferenceData.embedded().controllers.first { $0.name == "cert-manager" })
    }

    func testTheTableReadsCertManagersPublishedRanges() throws {
        let table = try certManager()
        let nine = try XCTUnwrap(table.range(ofTag: "v1.9.1"))
        XCTAssertEqual([nine.first, nine.last].map(\.description), ["1.20", "1.24"])
        XCTAssertEqual(table.range(ofTag: "1.12.3")?.last.description, "1.32", "1.12 was the long-supported release")
        XCTAssertNil(table.range(ofTag: "latest"))
        XCTAssertNil(table.range(ofTag: "v2.0.0"), "a release newer than the table is not judged")
        XCTAssertEqual(table.releases(supporting: try XCTUnwrap(KubernetesVersion("1.33"))).map(\.description), ["1.21", "1.20", "1.19", "1.18", "1.17"])
        XCTAssertTrue(table.runs("jetstack/cert-manager-webhook"))
        XCTAssertFalse(table.runs("acme/not-cert-manager-controller-proxy"))
    }

    /// The demo's prod cluster runs cert-manager v1.9.1: on EKS 1.33 that release is out of its maintainers' support,
    /// and the finding names the releases that support the target.
    func testTheDemosCertManagerIsFlaggedWithTheReleasesThatSupportTheTarget() throws {
        let plan = try DemoPlanOnce.plan()
        let findings = plan.assessment.clusters.flatMap(\.findings).filter { $0.checkID == "PLT007" }
        let flagged = try XCTUnwrap(findings.first { $0.message.contains("cert-manager 1.9") }, "\(findings.map(\.message))")
        XCTAssertTrue(flagged.message.contains("supports Kubernetes 1.20–1.24, not EKS \(plan.request.target)"), flagged.message)
        for release in try self.certManager().releases(supporting: plan.request.target) {
            XCTAssertTrue(flagged.message.contains(release.description), flagged.message)
        }
        XCTAssertEqual(flagged.severity, .warning)
    }

    /// The range's ends count as supported; a digest-only image has no release to judge; a public fixture without
    /// cert-manager (Argo CD's install) gets no finding.
    func testTheRangesEndsAreSupportedAndOnlyATaggedReleaseIsJudged() throws {
        let folder = try temporaryFolder(self)
        let manifest = folder.appendingPathComponent("cert-manager.yaml")
        func findings(_ image: String, target: String) throws -> [Finding] {
            try """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: cert-manager, namespace: cert-manager}
                spec:
                  selector: {matchLabels: {app: cert-manager}}
                  template:
                    metadata: {labels: {app: cert-manager}}
                    spec: {containers: [{name: controller, image: '\(image)'}]}
                """.write(to: manifest, atomically: true, encoding: .utf8)
            return try planImported([manifest.path], target: try XCTUnwrap(KubernetesVersion(target))).plan.assessment.clusters.flatMap(\.findings).filter { $0.checkID == "PLT007" }
        }
        XCTAssertTrue(try findings("quay.io/jetstack/cert-manager-controller:v1.12.9", target: "1.32").isEmpty, "1.32 is 1.12's last")
        XCTAssertEqual(try findings("quay.io/jetstack/cert-manager-controller:v1.12.9", target: "1.33").count, 1)
        XCTAssertTrue(try findings("quay.io/jetstack/cert-manager-controller@sha256:" + String(repeating: "a", count: 64), target: "1.33").isEmpty)
        guard let fixtures = fixturesFolder() else { throw XCTSkip("../shared/fixtures is not here") }
        let argo = try planImported([fixtures.appendingPathComponent("07-argocd-install").path], target: try XCTUnwrap(KubernetesVersion("1.33"))).plan
        XCTAssertFalse(argo.assessment.clusters.flatMap(\.findings).contains { $0.checkID == "PLT007" })
    }
}
