import Foundation
import XCTest
@testable import EksodusCore

/// A tenant who controls one namespace names images whose paths clean up into another team's ECR repository
/// (`shop--team` → `shop-team`, `__` → `_`, `:5000` → `-5000`, an upper-case host): each source keeps a repository of its
/// own, the script and the wave's step copy each source's bytes there, and the victim's converted manifest names its own.
final class ImageRepositoryCollisionTests: XCTestCase {
    static let victim = "harbor.acme.internal/shop-team/payments:3.9.0"
    static let lookalikes = [
        "harbor.acme.internal/shop--team/payments:3.9.0",
        "HARBOR.acme.internal/shop-team/payments:3.9.0",
        "harbor.acme.internal/shop__team/payments:3.9.0",
        "harbor.acme.internal/shop_team/payments:3.9.0",
        "harbor.acme.internal:5000/shop/payments:3.9.0",
        "harbor.acme.internal-5000/shop/payments:3.9.0",
        "[::1]:5000/payments:3.9.0",
        "1-5000.example/payments:3.9.0",
        // Docker Hub through the pull-through cache: `docker-hub/shop-team/payments` is another Hub user's repository.
        "docker.io/shop--team/payments:3.9.0",
    ]

    static let manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: payments, namespace: shop}
        spec:
          selector: {matchLabels: {app: payments}}
          template:
            metadata: {labels: {app: payments}}
            spec: {containers: [{name: app, image: '\(victim)'}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: lookalike, namespace: tenant}
        spec:
          selector: {matchLabels: {app: lookalike}}
          template:
            metadata: {labels: {app: lookalike}}
            spec:
              containers:
        \(lookalikes.enumerated().map { "      - {name: c\($0.offset), image: '\($0.element)'}" }.joined(separator: "\n"))

        """

    func testEverySourceRepositoryGetsAnECRRepositoryOfItsOwn() throws {
        let (plan, files) = try planAndConvert(Self.manifests, test: self)
        let moving = plan.images.entries.filter { $0.method == .copy || $0.method == .pullThroughCache }
        XCTAssertEqual(Set(moving.map(\.image.original)), Set([Self.victim] + Self.lookalikes), "every image moves: \(plan.images.entries.map { ($0.image.original, $0.method, $0.warnings) })")
        var owner: [String: String] = [:]
        for entry in moving {
            let source = entry.image.registry + "/" + entry.image.repository
            if let other = owner[entry.repository] { XCTFail("\(source) and \(other) share \(entry.repository)") }
            owner[entry.repository] = source
            XCTAssertNotNil(entry.repository.range(of: #"\A[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*\z"#, options: .regularExpression),
                            "an ECR name: \(entry.repository)")
            XCTAssertLessThanOrEqual(entry.repository.count, 256)
        }
        let victim = try XCTUnwrap(moving.first { $0.image.original == Self.victim })
        XCTAssertEqual(victim.repository, "migrated/harbor.acme.internal/shop-team/payments", "the victim's name, written as the source, stays readable")
        let hub = try XCTUnwrap(moving.first { $0.image.original == "docker.io/shop--team/payments:3.9.0" })
        XCTAssertEqual(hub.method, .copy, "a pull-through cache would serve docker-hub/shop-team/payments, another user's")
        XCTAssertTrue(hub.warnings.contains { $0.contains("copied instead") }, "\(hub.warnings)")
        // A name cleaning changed carries its source's hash; one written as the source (`shop_team`, `harbor.acme.internal-5000`) stays readable.
        for entry in moving where entry.method == .copy {
            let source = entry.image.registry + "/" + entry.image.repository
            let hashed = entry.repository.hasSuffix("-" + DigestHex.sha256(source, digits: 16))
            XCTAssertEqual(hashed, entry.repository != "migrated/" + source, "\(entry.image.original) → \(entry.repository)")
        }
        XCTAssertEqual(moving.filter { $0.repository.hasPrefix("migrated/harbor.acme.internal/shop-team/payments-") }.count, 2, "shop--team and HARBOR are hashed")

        // The victim's converted Deployment names the repository the script copies the victim's image to.
        let deployments = try writtenObjects(files, kind: "Deployment")
        let converted = try XCTUnwrap(deployments.first { $0["metadata", "namespace"]?.string == "shop" })
        let image = converted["spec", "template", "spec", "containers"]?.items.first?["image"]?.string
        XCTAssertEqual(image, victim.targetReference)
        XCTAssertEqual(image, plan.images.registryHost + "/migrated/harbor.acme.internal/shop-team/payments:3.9.0")

        // The script, run against stub ECR: every tag holds its own source's bytes, and the run completes.
        let stubs = try ImageScriptStubs(test: self)
        let result = try stubs.run(plan.images.script(generatedAt: "2026-12-01T00:00:00Z"))
        XCTAssertEqual(result.status, 0, result.output)
        for entry in moving where entry.method == .copy {
            let source = entry.image.registry + "/" + entry.image.repository
            XCTAssertEqual(stubs.held(plan.images.registryHost + "/" + entry.repository + ":3.9.0"), ImageScriptStubs.digest(of: source), "\(entry.repository)")
        }
        XCTAssertEqual(stubs.held(try XCTUnwrap(image)), ImageScriptStubs.digest(of: "harbor.acme.internal/shop-team/payments"),
                       "the victim's manifest pulls the victim's image")

        // The waves' images steps instead, in order, in a fresh registry: the same.
        let steps = plan.items.filter { $0.key.description.hasPrefix("images:") }.flatMap(\.commands).joined(separator: "\n")
        XCTAssertTrue(steps.contains("shop--team"), steps)
        let fresh = try ImageScriptStubs(test: self)
        let run = try fresh.run(steps)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(fresh.held(try XCTUnwrap(image)), ImageScriptStubs.digest(of: "harbor.acme.internal/shop-team/payments"), steps)
    }

    /// A readable name written to match another source's hashed one is hashed in turn; two sources never share one.
    func testANameChosenToMatchAnotherSourcesHashedNameIsHashedToo() {
        let lookalike = "harbor.acme.internal/shop--team/payments"
        let hashed = "migrated/harbor.acme.internal/shop-team/payments-" + DigestHex.sha256(lookalike, digits: 16)
        let forged = "harbor.acme.internal/shop-team/payments-" + DigestHex.sha256(lookalike, digits: 16)
        let images = ImageMigration.build(uses: [(lookalike + ":1", "tenant/a", "src"), (forged + ":1", "tenant/b", "src")],
                                          reference: try! ReferenceData.embedded(), region: "eu-west-1", accountID: "123456789012", prefix: "migrated/")
        let repositories = images.entries.map(\.repository)
        XCTAssertEqual(images.entries.map(\.method), [.copy, .copy])
        XCTAssertEqual(Set(repositories).count, 2, "\(repositories)")
        XCTAssertEqual(images.entries.first { $0.image.original == lookalike + ":1" }?.repository, hashed)
        XCTAssertNotEqual(images.entries.first { $0.image.original == forged + ":1" }?.repository, "migrated/" + forged, "\(repositories)")
    }
}
