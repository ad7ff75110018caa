import Foundation
import XCTest
@testable import EksodusCore

/// A `sha512:` digest is refused at plan time (copy_image returned 1 on it and `set -e` ended the script for every team),
/// and each digest-only image gets a tag of its own digest (all of them got `migrated`, so a second digest of one
/// repository met the first on an immutable tag).
final class ImageDigestTagTests: XCTestCase {
    static let first = "sha256:" + String(repeating: "1a", count: 32)
    static let second = "sha256:" + String(repeating: "2b", count: 32)
    static let images = [
        "harbor.acme.internal/tenant/odd@sha512:" + String(repeating: "ab", count: 64),
        "harbor.acme.internal/tenant/upper@sha256:" + String(repeating: "AB", count: 32),
        "harbor.acme.internal/shop/base@" + first,
        "harbor.acme.internal/shop/base@" + second,
        "harbor.acme.internal/shop/cart:2.4.0",
    ]

    func testOnlySHA256DigestsMoveAndEachDigestOnlyImageHasItsOwnTag() throws {
        let containers = Self.images.enumerated().map { "      - {name: c\($0.offset), image: '\($0.element)'}" }.joined(separator: "\n")
        let (plan, _) = try planAndConvert("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: app, namespace: shop}
            spec:
              selector: {matchLabels: {app: app}}
              template:
                metadata: {labels: {app: app}}
                spec:
                  containers:
            \(containers)

            """, test: self)
        let byImage = Dictionary(uniqueKeysWithValues: plan.images.entries.map { ($0.image.original, $0) })
        let odd = try XCTUnwrap(byImage[Self.images[0]]), upper = try XCTUnwrap(byImage[Self.images[1]])
        XCTAssertEqual(odd.method, .rejected)
        XCTAssertEqual(odd.warnings, ["not migrated: digest algorithm sha512: ECR and the copy pin sha256 digests only; pin the image by its sha256 digest"])
        XCTAssertEqual(upper.method, .rejected, "the OCI spec's sha256 is lower-case hex")
        XCTAssertEqual(byImage[Self.images[2]]?.copyTargetTag, "sha256-" + String(repeating: "1a", count: 32))
        XCTAssertEqual(byImage[Self.images[3]]?.copyTargetTag, "sha256-" + String(repeating: "2b", count: 32))

        let stubs = try ImageScriptStubs(test: self)
        let script = plan.images.script(generatedAt: "2026-12-01T00:00:00Z")
        XCTAssertFalse(script.contains("sha512"), "a refused digest never reaches the script")
        let result = try stubs.run(script)
        XCTAssertEqual(result.status, 0, result.output)
        let base = plan.images.registryHost + "/migrated/harbor.acme.internal/shop/base"
        XCTAssertEqual(stubs.held(base + ":sha256-" + String(repeating: "1a", count: 32)), Self.first)
        XCTAssertEqual(stubs.held(base + ":sha256-" + String(repeating: "2b", count: 32)), Self.second)
        XCTAssertEqual(stubs.held(plan.images.registryHost + "/migrated/harbor.acme.internal/shop/cart:2.4.0"),
                       ImageScriptStubs.digest(of: "harbor.acme.internal/shop/cart"), "the other images still move")

        // The wave's images step copies the same, on its own.
        let steps = plan.items.filter { $0.key.description.hasPrefix("images:") }.flatMap(\.commands).joined(separator: "\n")
        XCTAssertFalse(steps.contains("sha512"), steps)
        let fresh = try ImageScriptStubs(test: self)
        let run = try fresh.run(steps)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(fresh.held(base + ":sha256-" + String(repeating: "2b", count: 32)), Self.second, steps)
    }

    /// A tenant pins another build of the shop's repository under the shop's tag: the shop's tag keeps what the shop's
    /// manifest names (the source tag's bytes), the pinned image lands under its digest, and neither copy stops the run.
    func testAPinnedImageNeverTakesTheTagAnotherImageOfItsRepositoryWrites() throws {
        let old = "sha256:" + String(repeating: "0d", count: 32)
        func deployment(_ namespace: String, _ image: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: pay, namespace: \(namespace)}
            spec:
              selector: {matchLabels: {app: pay}}
              template:
                metadata: {labels: {app: pay}}
                spec: {containers: [{name: app, image: '\(image)'}]}
            """
        }
        // Planned, then read back from the store as `images` and `convert` read it.
        let reference = try ReferenceData.embedded()
        let folder = try writeManifests(["in.yaml": deployment("tenant", "harbor.acme.internal/shop/pay:3.9.0@" + old) + "\n---\n"
            + deployment("shop", "harbor.acme.internal/shop/pay:3.9.0") + "\n"], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        _ = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let plan = try PlanStore.load(database)
        XCTAssertEqual(plan.images.entries.compactMap(\.sharedTagMovedTo), ["sha256-" + String(repeating: "0d", count: 32)], "the moved tag is stored")
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        var files: [String: String] = [:]
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where url.pathExtension == "yaml" {
            files[url.path] = try String(contentsOf: url, encoding: .utf8)
        }
        let repository = plan.images.registryHost + "/migrated/harbor.acme.internal/shop/pay"
        let current = ImageScriptStubs.digest(of: "harbor.acme.internal/shop/pay")
        let images = Dictionary(try writtenObjects(files, kind: "Deployment").map {
            ($0["metadata", "namespace"]?.string ?? "", $0["spec", "template", "spec", "containers"]?.items.first?["image"]?.string ?? "")
        }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(images["shop"], repository + ":3.9.0")
        XCTAssertEqual(images["tenant"], repository + "@" + old)

        let script = try ImageScriptStubs(test: self)
        let result = try script.run(plan.images.script(generatedAt: "2026-12-01T00:00:00Z"))
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(script.held(repository + ":3.9.0"), current, "the shop's tag holds the source tag's image")
        XCTAssertEqual(script.held(repository + ":sha256-" + String(repeating: "0d", count: 32)), old)

        let steps = plan.items.filter { $0.key.description.hasPrefix("images:") }.flatMap(\.commands).joined(separator: "\n")
        let waves = try ImageScriptStubs(test: self)
        let run = try waves.run(steps)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(waves.held(repository + ":3.9.0"), current, steps)
    }
}
