import Foundation
import XCTest
@testable import EksodusCore

/// The demo's cert-manager v1.9.1 moves to a maintained release on EKS: its release decision applies that release's CRDs
/// (the one patch release every cert-manager image in the converted file names) and reads their version back, run in bash
/// with a stub `kubectl`; the table's patch releases and CRD URL are checked when it is read.
final class ControllerCRDsTests: XCTestCase {
    func decision() throws -> PlanItem {
        try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.key.step == .release && $0.title.contains("cert-manager") }, "no release decision")
    }

    /// `kubectl` on EKS: apply logs its arguments (or fails with `applyFails`), `get crd` prints `label` as the CRD's version.
    /// `helmOwned`: the CRDs exist, written by Helm's field manager, so a server-side apply that does not force conflicts
    /// fails as the API server would.
    static func kubectl(label: String = "v1.21.2", applyFails: Bool = false, getFails: Bool = false, helmOwned: Bool = false) -> String {
        """
        [ "$1 $2" = "--context eks" ] || exit 1
        case "$3" in
          apply) echo "$*" >> apply.log; \(applyFails ? "exit 1" : "true"); \(helmOwned ? "case \" $* \" in *' --force-conflicts '*) ;; *) echo 'error: Apply failed with 1 conflict: conflict with \"helm\"' >&2; exit 1 ;; esac" : "true") ;;
          get) [ "$*" = "--context eks get crd certificates.cert-manager.io -o jsonpath={.metadata.labels.app\\.kubernetes\\.io/version}" ] || exit 1; \(getFails ? "exit 1" : "printf '%s' '\(label)'") ;;
          *) exit 1 ;;
        esac
        """
    }

    /// Runs the decision's commands in a folder holding the converted file with `images`, `kubectl` stubbed.
    /// `resources`: other converted files of the cluster (`support/issuer.yaml`: its text).
    func run(_ images: [String], kubectl: String = kubectl(), folder: URL? = nil, resources: [String: String] = [:], pipefail: Bool = false) throws -> (status: Int32, folder: URL) {
        let item = try decision()
        let folder = try folder ?? temporaryFolder(self)
        let path = try XCTUnwrap(item.commands.first?.firstMatch(of: /^test -s '([^']+)'/)?.1)
        let file = folder.appendingPathComponent(String(path))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ("kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n" + images.map { "      - name: c\n        image: \($0)\n" }.joined())
            .write(to: file, atomically: true, encoding: .utf8)
        let cluster = folder.appendingPathComponent(String(path.split(separator: "/").prefix(2).joined(separator: "/")))
        for (name, text) in resources {
            let url = cluster.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let stub = bin.appendingPathComponent("kubectl")
        try ("#!/bin/bash\n" + kubectl + "\n").write(to: stub, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        let script = "set -e\ncd " + ShellQuote.word(folder.path) + "\n" + item.commands.joined(separator: "\n")
        let status = try GateShell.run(script, environment: ["PATH": bin.path + ":/usr/bin:/bin"], pipefail: pipefail).status
        return (status, folder)
    }

    static let controller = "quay.io/jetstack/cert-manager-controller", webhook = "quay.io/jetstack/cert-manager-webhook"

    func testTheDecisionAppliesTheReleasesCRDsAndReadsTheirVersionBackAgainAndAgain() throws {
        for pipefail in [false, true] {
            let first = try run(["\(Self.controller):v1.21.2", "'\(Self.webhook):v1.21.2'"], pipefail: pipefail)
            XCTAssertEqual(first.status, 0)
            // Server-side apply of the release's own CRD manifest: a second run applies the same and passes the same.
            XCTAssertEqual(try run(["\(Self.controller):v1.21.2", "\(Self.webhook):v1.21.2"], folder: first.folder, pipefail: pipefail).status, 0, "re-run")
            let applied = try String(contentsOf: first.folder.appendingPathComponent("apply.log"), encoding: .utf8)
            XCTAssertEqual(applied, String(repeating: "--context eks apply --server-side --force-conflicts --field-manager=eksodus -f https://github.com/cert-manager/cert-manager/releases/download/v1.21.2/cert-manager.crds.yaml\n", count: 2))
        }
        // CRDs a Helm release (or an earlier client-side apply) wrote: the apply takes them over instead of stopping on a conflict.
        XCTAssertEqual(try run(["\(Self.controller):v1.21.2"], kubectl: Self.kubectl(helmOwned: true)).status, 0, "Helm-owned CRDs")
        // Its rollback never deletes the CRDs: that would delete every Certificate and Issuer on EKS.
        let item = try decision()
        XCTAssertTrue(item.rollbackCommands.isEmpty && item.rollback.contains("CRDs applied to EKS stay there"), item.rollback)
        // Another maintained release the team chose: its own CRDs, not the table's newest.
        let older = try run(["\(Self.controller):v1.20.2", "\(Self.webhook):v1.20.2"], kubectl: Self.kubectl(label: "v1.20.2"))
        XCTAssertEqual(older.status, 0)
        XCTAssertTrue(try String(contentsOf: older.folder.appendingPathComponent("apply.log"), encoding: .utf8).contains("/download/v1.20.2/cert-manager.crds.yaml"))
        // A tag without its `v` still names the release's download, which has one.
        XCTAssertEqual(try run(["\(Self.controller):1.21.2"]).status, 0)
    }

    func testTheCRDGateFailsOnAnOldMissingOrUnreadableVersion() throws {
        let images = ["\(Self.controller):v1.21.2", "\(Self.webhook):v1.21.2"]
        let cases: [(String, String)] = [
            ("the source's CRDs left in place", Self.kubectl(label: "v1.9.1")),
            ("another patch of the release", Self.kubectl(label: "v1.21.0")),
            ("a CRD with no version label", Self.kubectl(label: "")),
            ("no such CRD (kubectl fails)", Self.kubectl(getFails: true)),
            ("the apply fails", Self.kubectl(applyFails: true)),
            ("kubectl fails", "exit 1"),
        ]
        for (why, kubectl) in cases {
            for pipefail in [false, true] {
                XCTAssertNotEqual(try run(images, kubectl: kubectl, pipefail: pipefail).status, 0, why)
            }
        }
    }

    func testImagesAtMoreOrNoPatchReleaseStopBeforeAnyApply() throws {
        let cases: [(String, [String])] = [
            ("two patch releases", ["\(Self.controller):v1.21.2", "\(Self.webhook):v1.21.0"]),
            ("two releases", ["\(Self.controller):v1.21.2", "\(Self.webhook):v1.20.2"]),
            ("a release with no patch", ["\(Self.controller):v1.21"]),
        ]
        for (why, images) in cases {
            for pipefail in [false, true] {
                let result = try run(images, pipefail: pipefail)
                XCTAssertNotEqual(result.status, 0, why)
                XCTAssertFalse(FileManager.default.fileExists(atPath: result.folder.appendingPathComponent("apply.log").path), why)
            }
        }
        // A hostile tag brings nothing but its version to the command line.
        let hostile = try run(["\(Self.controller):v1.21.2$(touch pwned)", "\(Self.webhook):v1.21.2;touch pwned"])
        XCTAssertEqual(hostile.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: hostile.folder.appendingPathComponent("pwned").path))
    }

    func testIssuersAndCertificatesAtARetiredAPIVersionStopTheDecision() throws {
        let images = ["\(Self.controller):v1.21.2"]
        func issuer(_ apiVersion: String) -> [String: String] {
            ["support/issuer.yaml": "apiVersion: \(apiVersion)\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\n"]
        }
        for retired in ["cert-manager.io/v1alpha2", "'cert-manager.io/v1beta1'", "\"acme.cert-manager.io/v1alpha3\"", "certmanager.k8s.io/v1alpha1"] {
            let result = try run(images, resources: issuer(retired))
            XCTAssertNotEqual(result.status, 0, retired)
            XCTAssertFalse(FileManager.default.fileExists(atPath: result.folder.appendingPathComponent("apply.log").path), retired)
        }
        for current in ["cert-manager.io/v1", "acme.cert-manager.io/v1", "example.com/v1alpha2"] {
            XCTAssertEqual(try run(images, resources: issuer(current)).status, 0, current)
        }
        // A Certificate's text that only mentions an old version is no apiVersion line.
        XCTAssertEqual(try run(images, resources: ["support/notes.yaml": "metadata:\n  annotations: {note: 'was cert-manager.io/v1alpha2'}\n"]).status, 0)
    }

    func testTheTableKeepsItsVersionsAndURLPlain() throws {
        let table = try XCTUnwrap(try ReferenceData.embedded().controllers.first { $0.name == "cert-manager" })
        XCTAssertEqual(table.patches[KubernetesVersion(major: 1, minor: 21)], "v1.21.2")
        XCTAssertEqual(table.crds?.check, "certificates.cert-manager.io")
        XCTAssertEqual(table.crdManifest("v1.21.2"), "https://github.com/cert-manager/cert-manager/releases/download/v1.21.2/cert-manager.crds.yaml")
        func read(_ row: String) throws -> [ReferenceData.ControllerSupport] {
            try ReferenceData.controllerSupport(try XCTUnwrap(try parseObjects("controllers:\n- " + row).first?["controllers"]?.items))
        }
        let crds = #"crds: {check: certificates.cert-manager.io, manifest: "https://example.com/{version}/crds.yaml"}"#
        XCTAssertEqual(try read("{name: c, releases: [{release: \"1.21\", kubernetes: \"1.33-1.36\", patch: v1.21.2}], \(crds)}").first?.patches.count, 1)
        for bad in ["\"v1.21.2; rm -rf /\"", "\"v1.21.2\\n\"", "v1.20.2", "latest", "\"$(id)\"", "v1.21"] {
            XCTAssertThrowsError(try read("{name: c, releases: [{release: \"1.21\", kubernetes: \"1.33-1.36\", patch: \(bad)}]}"), bad)
        }
        for bad in [#"{check: "x; id", manifest: "https://e.com/{version}"}"#, #"{check: c.io, manifest: "http://e.com/{version}"}"#,
                    #"{check: c.io, manifest: "https://e.com/$(id)/{version}"}"#, #"{check: c.io, manifest: "https://e.com/crds.yaml"}"#, "{check: c.io}"] {
            XCTAssertThrowsError(try read("{name: c, releases: [], crds: \(bad)}"), bad)
        }
        XCTAssertThrowsError(try read("{name: c, releases: [], retiredAPIVersions: [\"x.io/v1; id\"]}"))
        XCTAssertEqual(table.retiredAPIVersions.first, "certmanager.k8s.io/v1alpha1")
    }
}
