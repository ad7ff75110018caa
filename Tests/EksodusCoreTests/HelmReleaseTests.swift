import Foundation
import XCTest
@testable import EksodusCore

final class HelmReleaseTests: XCTestCase {
    static let valuesCanary = "values-canary-7f3a"
    static let manifestCanary = "manifest-canary-91bd"

    /// A Helm 3 release Secret as Helm writes it: data.release is the Secret's base64 of Helm's base64 of gzipped JSON.
    func releaseSecret(name: String, namespace: String, revision: Int, manifest: String, chartVersion: String = "1.2.0",
                       status: String = "deployed") throws -> String {
        let release: [String: Any] = [
            "name": name, "namespace": namespace, "version": revision,
            "info": ["status": status, "notes": "see \(Self.manifestCanary)"],
            "chart": ["metadata": ["name": "shop-api", "version": chartVersion, "appVersion": "2.4"], "values": ["image": "api:2"]],
            "config": ["database": ["password": Self.valuesCanary]],
            "manifest": manifest,
        ]
        let json = try JSONSerialization.data(withJSONObject: release)
        // The release's name is read from its payload; a Secret named after a hostile one (`it's`) is no name the API
        // server stores, and the import would refuse it (ImportValidationTests), so that Secret is named apart.
        let helmEncoded = Data(try gzip(Array(json), test: self)).base64EncodedString()
        let data = Data(helmEncoded.utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Secret
            type: helm.sh/release.v1
            metadata:
              name: sh.helm.release.v1.\(DNSLabel.isSubdomain(name) ? name : "n" + ShortHash.hex(name)).v\(revision)
              namespace: \(namespace)
              labels: {name: \(name), owner: helm, status: deployed, version: "\(revision)"}
            data:
              release: \(data)

            """
    }

    let oldManifest = """
        ---
        # Source: shop-api/templates/deployment.yaml
        apiVersion: extensions/v1beta1
        kind: Deployment
        metadata:
          name: shop-api
          annotations: {note: \(manifestCanary)}
        spec:
          template: {spec: {containers: [{name: api, image: api:2}]}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: shop-api}
        """

    func assess(_ database: AppDatabase, target: String) throws -> [Finding] {
        try Assessor(database: database, reference: try ReferenceData.embedded(), settings: AssessmentSettings())
            .run(target: try XCTUnwrap(KubernetesVersion(target)), now: fixedNow).allFindings.filter { $0.checkID == "API008" }
    }

    func testAHelm3ReleaseSecretIsRecordedAndItsManifestAssessedWithoutKeepingValuesOrManifest() throws {
        let current = oldManifest.replacingOccurrences(of: "extensions/v1beta1", with: "apps/v1")
        let folder = try writeManifests([
            "v1.yaml": try releaseSecret(name: "shop", namespace: "shop", revision: 1, manifest: current, chartVersion: "1.0.0"),
            "v2.yaml": try releaseSecret(name: "shop", namespace: "shop", revision: 2, manifest: oldManifest),
        ], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        let rows = try strings(database, """
            SELECT namespace || ' ' || name || ' ' || helm_major || ' ' || chart || ' ' || chart_version || ' ' || app_version || ' ' ||
              status || ' ' || revision FROM helm_release
            """)
        XCTAssertEqual(rows, ["shop shop 3 shop-api 1.2.0 2.4 deployed 2"], "one release, at its latest revision")
        let everything = try dump(database)
        XCTAssertFalse(everything.contains(Self.valuesCanary), "values never stored")
        XCTAssertFalse(everything.contains(Self.manifestCanary), "manifest text never stored")

        let findings = try assess(database, target: "1.16")
        XCTAssertEqual(findings.map { "\($0.namespace) \($0.kind) \($0.name) \($0.severity)" }, ["shop Deployment shop/shop-api blocker"])
        let message = try XCTUnwrap(findings.first?.message)
        XCTAssertTrue(message.contains("Helm release shop (shop-api-1.2.0)"), message)
        XCTAssertTrue(message.contains("extensions/v1beta1"), message)
        XCTAssertTrue(message.contains("removed in Kubernetes 1.16"), message)
        XCTAssertTrue(message.contains("apps/v1"), message)
        XCTAssertEqual(try assess(database, target: "1.8").count, 0, "not yet deprecated on 1.8")
    }

    func testAReleaseSecretThatCannotBeDecodedIsRecordedFromItsLabels() throws {
        let folder = try writeManifests(["r.yaml": """
            apiVersion: v1
            kind: Secret
            type: helm.sh/release.v1
            metadata: {name: sh.helm.release.v1.web.v4, namespace: web, labels: {name: web, owner: helm, status: failed, version: "4"}}
            data: {release: bm90IGd6aXA=}
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT name || ' ' || status || ' ' || revision FROM helm_release"), ["web failed 4"])
    }

    /// pluto's e2e case 01_helm-detect-3: `pluto detect-helm --target-versions k8s=v1.16.0` lists
    /// test/test-helm3chart-v1beta1, Deployment extensions/v1beta1, replacement apps/v1, removed and deprecated, in both
    /// namespaces default and demo2, and not test/test-helm3chart (apps/v1); on 1.15 the same two are deprecated, not removed.
    func testPlutoHelm3AssetsGiveWhatPlutoDetects() throws {
        let fixtures = try requireFixtures()
        let assets = fixtures.deletingLastPathComponent().appendingPathComponent("reference/pluto/e2e/tests/assets/helm3")
        guard FileManager.default.fileExists(atPath: assets.path) else { throw XCTSkip("pluto's e2e assets are not beside the fixtures") }
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([assets.path], cluster: "c", into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM helm_release"), 3)
        XCTAssertEqual(summary.helmReleases, 3)
        XCTAssertTrue(ImportReport.text(summary).contains("Helm releases: 3"), ImportReport.text(summary))
        let listing = try InventoryQuery(cluster: "c").table(.helm, in: database)
        XCTAssertEqual(listing.rows.map { $0.prefix(9).map(\.display).joined(separator: " ") }, [
            "c default test 3 helm3chart 0.1.0 1.16.0 deployed 2",
            "c demo2 demo2 3 basic-demo 0.3.3 1.0 deployed 1",
            "c demo2 test 3 helm3chart 0.1.0 1.16.0 deployed 1",
        ])

        let removed = try assess(database, target: "1.16")
        XCTAssertEqual(Set(removed.map { "\($0.namespace) \($0.name) \($0.kind) \($0.severity)" }),
                       ["default test/test-helm3chart-v1beta1 Deployment blocker", "demo2 test/test-helm3chart-v1beta1 Deployment blocker"])
        for finding in removed {
            XCTAssertTrue(finding.message.contains("as extensions/v1beta1, removed in Kubernetes 1.16"), finding.message)
            XCTAssertTrue(finding.message.contains("apps/v1"), finding.message)
        }
        XCTAssertFalse(removed.contains { $0.name == "test/test-helm3chart" })

        let deprecated = try assess(database, target: "1.15")
        XCTAssertEqual(Set(deprecated.map { "\($0.namespace) \($0.name) \($0.severity)" }),
                       ["default test/test-helm3chart-v1beta1 warning", "demo2 test/test-helm3chart-v1beta1 warning"])
    }

    /// A Helm 2 release ConfigMap: base64 of a gzipped hapi.release.Release protobuf, written here field by field.
    func testAHelm2ReleaseConfigMapIsDecodedFromItsProtobuf() throws {
        func field(_ number: Int, _ bytes: [UInt8]) -> [UInt8] { [UInt8(number << 3 | 2), UInt8(bytes.count)] + bytes }
        func text(_ number: Int, _ value: String) -> [UInt8] { field(number, Array(value.utf8)) }
        let manifest = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: legacy-web}\n"
        let metadata = text(1, "legacy") + text(4, "0.9.1") + text(13, "3.1")
        let release = text(1, "legacy") + field(2, field(1, [0x08, 0x01])) + field(3, field(1, metadata)) + text(5, manifest)
            + [0x38, 0x07] + text(8, "web")
        let data = Data(try gzip(release, test: self)).base64EncodedString()
        let folder = try writeManifests(["cm.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: legacy.v7, namespace: kube-system, labels: {NAME: legacy, OWNER: TILLER, STATUS: DEPLOYED, VERSION: "7"}}
            data: {release: \(data)}
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, """
            SELECT namespace || ' ' || name || ' ' || helm_major || ' ' || chart || ' ' || chart_version || ' ' || app_version || ' ' ||
              status || ' ' || revision FROM helm_release
            """), ["web legacy 2 legacy 0.9.1 3.1 deployed 7"])
        XCTAssertEqual(try assess(database, target: "1.22").map { "\($0.kind) \($0.name)" }, ["Ingress legacy/legacy-web"])
    }

    /// The plan re-installs each release on EKS with the values read from the source: at its chart version when the
    /// manifest is current, at a chart version to choose when it renders a removed API version. Names are shell-quoted.
    func testThePlanReinstallsEachReleaseWithItsSourceValues() throws {
        let current = oldManifest.replacingOccurrences(of: "extensions/v1beta1", with: "apps/v1")
        let folder = try writeManifests([
            "old.yaml": try releaseSecret(name: "shop", namespace: "shop", revision: 2, manifest: oldManifest),
            "new.yaml": try releaseSecret(name: "it's", namespace: "web", revision: 5, manifest: current, chartVersion: "3.0.1"),
            "dns.yaml": try releaseSecret(name: "coredns", namespace: "kube-system", revision: 1, manifest: current),
            "gone.yaml": try releaseSecret(name: "gone", namespace: "shop", revision: 4, manifest: oldManifest, status: "uninstalled"),
            "live.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: coredns, namespace: kube-system, annotations: {meta.helm.sh/release-name: coredns}}
                spec: {selector: {matchLabels: {k8s-app: kube-dns}}, template: {metadata: {labels: {k8s-app: kube-dns}}, spec: {containers: [{name: coredns, image: coredns/coredns:1.11.1}]}}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: shop-api, namespace: shop}
                spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api, app.kubernetes.io/instance: shop}}, spec: {containers: [{name: api, image: api:2}]}}}
                """,
        ], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let items = plan.items.filter { $0.step == .helm }
        XCTAssertEqual(items.map(\.keyText), ["plan:helm:src/kube-system/coredns", "plan:helm:src/shop/gone", "plan:helm:src/shop/shop", "plan:helm:src/web/it's"])
        let gone = items[1]
        XCTAssertTrue(gone.title.contains("it is uninstalled on the source"), gone.title)
        XCTAssertEqual(gone.commands, [])
        XCTAssertEqual(try assess(database, target: "1.33").map(\.name), ["shop/shop-api"], "an uninstalled release's manifest is not assessed")
        XCTAssertEqual(plan.items.filter { $0.keyText.hasPrefix("plan:helm:") }.count, 4)
        let dns = try XCTUnwrap(items.first)
        XCTAssertTrue(dns.title.hasPrefix("Leave Helm release kube-system/coredns"), dns.title)
        XCTAssertEqual(dns.commands, [], "EKS provides CoreDNS: nothing to re-install")
        // A release running a workload that moves installs in that workload's wave; its removed API versions make the
        // chart version a decision ahead of it.
        XCTAssertTrue(items[2].title.hasPrefix("Choose the chart version Helm release shop/shop"), items[2].title)
        XCTAssertTrue(items[2].evidence.contains("renders removed API versions (Deployment shop-api)"), items[2].evidence)
        let old = try XCTUnwrap(plan.items.first { $0.keyText == "helm-install:src/shop/shop" })
        XCTAssertTrue(old.evidence.hasPrefix("runs Deployment/shop/shop-api; "), old.evidence)
        XCTAssertEqual(old.commands.first, "(umask 077 && helm get values 'shop' -n 'shop' --kube-context \"$SOURCE_CONTEXT\" -o yaml > 'values-src-shop-shop.yaml')",
                       "the values (often passwords) are the operator's alone")
        let install = try XCTUnwrap(old.commands.firstIndex { $0.hasPrefix("helm upgrade --install") })
        XCTAssertTrue(old.commands[(install + 1)...].contains { $0.hasPrefix("rm -f 'values-src-shop-shop.yaml'") }, "and removed after the install")
        XCTAssertTrue(old.commands.contains { $0.hasPrefix("helm upgrade --install") && $0.contains("--version \"$CHART_VERSION\"") }, "\(old.commands)")
        XCTAssertTrue(old.prerequisites.map(\.description).contains("plan:platform:src"))
        XCTAssertTrue(old.prerequisites.map(\.description).contains("plan:helm:src/shop/shop"))
        let new = try XCTUnwrap(items.last)
        XCTAssertEqual(new.commands.first { $0.hasPrefix("helm upgrade --install") }, "helm upgrade --install 'it'\\''s' 'shop-api' --repo \"$CHART_REPO\" --version '3.0.1' -n 'web' --create-namespace --kube-context \"$EKS_CONTEXT\" -f '" + ShellQuote.fileName(["values", "src", "web", "it's"]) + "'")
        XCTAssertEqual(new.rollbackCommands, ["helm uninstall 'it'\\''s' -n 'web' --kube-context \"$EKS_CONTEXT\""])
    }

    /// A Secret that claims to be a Helm release but names it with terminal escapes is not one; rendered objects
    /// with such names are left out of what is kept.
    func testReleaseAndObjectNamesThatAreNotPrintableAreDropped() throws {
        let manifest = oldManifest + "\n---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: \"web\\e[31m\"}\n"
        let folder = try writeManifests([
            "bad.yaml": try releaseSecret(name: "bad", namespace: "shop", revision: 1, manifest: manifest),
            "worse.json": #"{"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1", "metadata": {"name": "x", "namespace": "shop", "labels": {"name": "shop\u001b[2J"}}, "data": {"release": "bm9wZQ=="}}"#,
        ], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT name FROM helm_release"), ["bad"])
        XCTAssertEqual(try strings(database, "SELECT manifest_objects FROM helm_release"),
                       [#"[{"apiVersion":"extensions/v1beta1","kind":"Deployment","namespace":"shop","name":"shop-api"},{"apiVersion":"v1","kind":"Service","namespace":"shop","name":"shop-api"}]"#])
    }

    /// A release or chart version that starts with `-` would be read by helm as an option (`--post-renderer=/tmp/x` runs a
    /// program): such values are not kept, so no plan command carries them.
    func testNamesThatReadAsHelmOptionsAreDropped() throws {
        let folder = try writeManifests([
            "opt.yaml": try releaseSecret(name: "ok", namespace: "shop", revision: 1, manifest: oldManifest, chartVersion: "--post-renderer=/tmp/x"),
        ], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT name FROM helm_release"), ["ok"])
        XCTAssertFalse(try strings(database, "SELECT coalesce(chart_version, '') FROM helm_release").contains { $0.hasPrefix("-") })
    }

    /// A merging import keeps releases it did not read again; `--replace` keeps only this export's.
    func testReplaceKeepsOnlyTheReleasesOfThisExport() throws {
        let current = oldManifest.replacingOccurrences(of: "extensions/v1beta1", with: "apps/v1")
        let both = try writeManifests([
            "a.yaml": try releaseSecret(name: "a", namespace: "shop", revision: 1, manifest: current),
            "b.yaml": try releaseSecret(name: "b", namespace: "shop", revision: 1, manifest: current),
        ], test: self)
        let one = try writeManifests(["a.yaml": try releaseSecret(name: "a", namespace: "shop", revision: 2, manifest: current)], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([both.path], cluster: "c", into: database)
        try importPaths([one.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT name || ' ' || revision FROM helm_release ORDER BY name"), ["a 2", "b 1"])
        try Importer(database: database, workers: 2).run(ImportRequest(paths: [one.path], cluster: "c", replace: true, now: fixedNow))
        XCTAssertEqual(try strings(database, "SELECT name || ' ' || revision FROM helm_release ORDER BY name"), ["a 2"])
    }
}
