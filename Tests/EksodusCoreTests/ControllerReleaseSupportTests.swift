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
        XCTAssertEqual(table.releases(supporting: try XCTUnwrap(KubernetesVersion("1.33")), on: "2026-12-01").map(\.description), ["1.21", "1.20"],
                       "1.19 reached its end of life on 2026-07-08: only maintained releases are recommended")
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
        let maintained = try self.certManager().releases(supporting: plan.request.target, on: String(Timestamp.string(fixedNow).prefix(10)))
        XCTAssertFalse(maintained.isEmpty)
        XCTAssertTrue(flagged.message.hasSuffix("maintained releases that do: " + maintained.map(\.description).joined(separator: ", ") + " (https://cert-manager.io/docs/releases/)"), flagged.message)
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

    /// The deploy of the demo's cert-manager waits for a release decision whose check reads the converted file: it passes only
    /// once every cert-manager image there names a maintained release that supports the target.
    func testTheDemosCertManagerDeployWaitsForAReleaseDecisionThatReadsTheConvertedFile() throws {
        let plan = try DemoPlanOnce.plan()
        let decision = try XCTUnwrap(plan.items.first { $0.key.step == .release && $0.title.contains("cert-manager") }, "no release decision")
        let deploy = try XCTUnwrap(plan.items.first { $0.key.step == .deploy && $0.key.scope == decision.key.scope })
        XCTAssertTrue(deploy.prerequisites.contains(decision.key), "\(deploy.prerequisites)")
        let path = try XCTUnwrap(decision.commands.first?.firstMatch(of: /^test -s '([^']+)'/)?.1)
        let folder = try temporaryFolder(self)
        let file = folder.appendingPathComponent(String(path))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        func status(_ images: [String]?) throws -> Int32 {
            try? FileManager.default.removeItem(at: file)
            if let images {
                try ("kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n" + images.map { "      - name: c\n        image: \($0)\n" }.joined())
                    .write(to: file, atomically: true, encoding: .utf8)
            }
            // The release check alone; the CRD lines after it run against a stub kubectl in ControllerCRDsTests.
            let check = decision.commands.prefix { !$0.hasPrefix("{ CRD_RELEASE=") }
            return try GateShell.run("set -e\ncd " + ShellQuote.word(folder.path) + "\n" + check.joined(separator: "\n")).status
        }
        let newest = try XCTUnwrap(try self.certManager().releases(supporting: plan.request.target, on: String(Timestamp.string(fixedNow).prefix(10))).first)
        XCTAssertEqual(try status(["quay.io/jetstack/cert-manager-controller:v\(newest).2"]), 0)
        XCTAssertEqual(try status(["'quay.io/jetstack/cert-manager-controller:v\(newest).2'", "quay.io/jetstack/cert-manager-webhook:v\(newest).0"]), 0, "quoted or not")
        XCTAssertNotEqual(try status(["quay.io/jetstack/cert-manager-controller:v1.9.1"]), 0, "the source's release")
        XCTAssertNotEqual(try status(["quay.io/jetstack/cert-manager-controller:v\(newest).2", "quay.io/jetstack/cert-manager-webhook:v1.9.1"]), 0, "one image left behind")
        XCTAssertNotEqual(try status(["quay.io/jetstack/cert-manager-controller@sha256:" + String(repeating: "b", count: 64)]), 0, "a digest names no release")
        XCTAssertNotEqual(try status(["quay.io/jetstack/cert-manager-controller:v\(newest)0.1"]), 0, "1.210 is not 1.21")
        XCTAssertNotEqual(try status(["nginx:1.27"]), 0, "no cert-manager image at all")
        XCTAssertNotEqual(try status(nil), 0, "no converted file")
    }
}
