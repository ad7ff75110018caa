import Foundation
import XCTest
@testable import EksodusCore

/// The image plan an ECR engineer would sign: copies pinned by digest, one pull-through rule per real upstream with the
/// secret or role it needs, the first-pull permissions stated, and no image made of an empty string.
final class ImageAdviceTests: XCTestCase {
    func plan(_ files: [String: String]) throws -> (TransitionPlan, AppDatabase) {
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(files, test: self).path], cluster: "src", into: database)
        let request = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return (try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request), database)
    }

    func deployment(_ name: String, containers: [(String, String)]) -> String {
        CheckSupport.deployment(name, pod: "      containers:\n" + containers.map { "      - {name: \($0.0), image: '\($0.1)'}" }.joined(separator: "\n"))
    }

    func testCopiesArePinnedByTheDigestResolvedAtCopyTimeAndTheReportSaysWhich() throws {
        let folder = try temporaryFolder(self)
        let demo = try Demo(folder: folder, now: fixedNow).run()
        let script = demo.plan.images.script(generatedAt: "2026-11-22T00:00:00Z")
        XCTAssertTrue(script.contains("digest=$(skopeo inspect \"${tls_flags[@]}\" --format '{{.Digest}}' \"docker://${source}:${reference}\")"))
        XCTAssertTrue(script.contains("skopeo copy --all --preserve-digests \"${copy_tls_flags[@]}\" \"docker://${source}@${digest}\""))
        let crane = demo.plan.images.script(tool: .crane, generatedAt: "2026-11-22T00:00:00Z")
        XCTAssertTrue(crane.contains("digest=$(crane digest \"${tls_flags[@]}\" \"${source}:${reference}\")"))
        XCTAssertTrue(crane.contains("crane copy \"${copy_tls_flags[@]}\" \"${source}@${digest}\""))
        // The manifest's digest is used as is; a tag is resolved.
        XCTAssertTrue(script.contains("copy_image 'harbor.acme.internal/shop/payments' 'sha256:4c1f0e2d9b8a7c6e5f4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a21'"))
        XCTAssertTrue(script.contains("copy_image 'harbor.acme.internal/shop/cart' '2.4.0'"))
        let report = try String(contentsOf: folder.appendingPathComponent("reports/images.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("| image | method | ecr repository | target | tag | digest |"), report)
        let payments = try XCTUnwrap(report.split(separator: "\n").first { $0.contains("payments:3.8.2@sha256") })
        XCTAssertTrue(payments.contains("| 3\\.8\\.2 | sha256:4c1f0e2d") || payments.contains("| 3.8.2 | sha256:4c1f0e2d"), String(payments))
        let cart = try XCTUnwrap(report.split(separator: "\n").first { $0.hasPrefix("| harbor.acme.internal/shop/cart:2.4.0") })
        XCTAssertTrue(cart.contains("resolved at copy time"), String(cart))
    }

    /// Two registries whose names differ past ECR's 30-character prefix each get a rule of their own: a shared prefix sent
    /// payments to whichever registry the rule named first (the attacker's `…weu000`).
    func testLookalikeAzureRegistriesGetTheirOwnPullThroughRules() throws {
        let (plan, _) = try plan(["apps.yaml": [
            deployment("payments", containers: [("payments", "contosoprodregistryweu001.azurecr.io/shop/payments:3.9.0")]),
            deployment("helper", containers: [("helper", "contosoprodregistryweu000.azurecr.io/tools/helper:1")]),
        ].joined(separator: "\n---\n")])
        let byImage = Dictionary(uniqueKeysWithValues: plan.images.entries.map { ($0.image.repository, $0) })
        let payments = try XCTUnwrap(byImage["shop/payments"]), helper = try XCTUnwrap(byImage["tools/helper"])
        XCTAssertEqual(payments.method, .pullThroughCache)
        XCTAssertEqual(helper.method, .pullThroughCache)
        let paymentsPrefix = try XCTUnwrap(payments.pullThroughPrefix), helperPrefix = try XCTUnwrap(helper.pullThroughPrefix)
        XCTAssertNotEqual(paymentsPrefix, helperPrefix)
        for prefix in [paymentsPrefix, helperPrefix] {
            XCTAssertLessThanOrEqual(prefix.count, 30, prefix)
            XCTAssertEqual(ECRRepositoryName.make(prefix), prefix, "a prefix ECR accepts")
        }
        XCTAssertTrue(payments.targetReference.hasSuffix("/\(paymentsPrefix)/shop/payments:3.9.0"), payments.targetReference)
        XCTAssertTrue(helper.targetReference.hasSuffix("/\(helperPrefix)/tools/helper:1"), helper.targetReference)
        let rules = plan.images.script(generatedAt: "2026-11-22T00:00:00Z").split(separator: "\n").filter { $0.hasPrefix("ensure_pull_through_rule ") }
        XCTAssertEqual(rules.count, 2)
        XCTAssertTrue(rules.contains { $0.hasPrefix("ensure_pull_through_rule '\(paymentsPrefix)' 'contosoprodregistryweu001.azurecr.io' ") }, "\(rules)")
        XCTAssertTrue(rules.contains { $0.hasPrefix("ensure_pull_through_rule '\(helperPrefix)' 'contosoprodregistryweu000.azurecr.io' ") }, "\(rules)")
    }

    /// Should two upstreams still meet on one prefix (a hand-written table row, a hash collision), neither is migrated
    /// through it and the script writes no rule for it.
    func testTwoUpstreamsOnOnePrefixAreRefused() throws {
        func entry(_ image: String, _ upstream: String) -> ImageMigration.Entry {
            ImageMigration.Entry(image: ImageReference(image), sourceClass: "public-cached", method: .pullThroughCache, repository: "p/x",
                                 targetReference: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/p/x:1", pullThroughPrefix: "p", upstreamURL: upstream,
                                 needsCredentials: false, workloads: ["w"], clusters: ["c1"], warnings: [])
        }
        let entries = ImageMigration.refusingSharedPrefixes([entry("a.example/x:1", "a.example"), entry("b.example/x:1", "b.example"),
                                                             entry("a.example/y:1", "a.example")])
        XCTAssertEqual(entries.map(\.method), [.rejected, .rejected, .rejected])
        XCTAssertTrue(entries[0].warnings.first?.contains("a.example, b.example") == true, "\(entries[0].warnings)")
        let alone = ImageMigration.refusingSharedPrefixes([entry("a.example/x:1", "a.example"), entry("a.example/y:1", "a.example")])
        XCTAssertEqual(alone.map(\.method), [.pullThroughCache, .pullThroughCache])
        let images = ImageMigration(region: "eu-west-1", accountID: "123456789012", prefix: "", entries: [entry("a.example/x:1", "a.example"),
                                                                                                         entry("b.example/x:1", "b.example")])
        XCTAssertFalse(images.script(generatedAt: "2026-11-22T00:00:00Z").contains("ensure_pull_through_rule 'p'"))
    }

    func testPullThroughRulesPerAzureRegistryAndForAnotherAccountsECRWithTheirCredentialsAndPermissions() throws {
        let (plan, _) = try plan(["apps.yaml": [
            deployment("web", containers: [("web", "acme.azurecr.io/shop/web:1.4.0"), ("api", "contoso.azurecr.io/api:2.0.1")]),
            deployment("jobs", containers: [("jobs", "210987654321.dkr.ecr.us-east-1.amazonaws.com/team/jobs:5.2.0"),
                                            ("sync", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/sync:1.0.0"),
                                            ("local", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/local:1.0.0")]),
        ].joined(separator: "\n---\n")])
        let byImage = Dictionary(uniqueKeysWithValues: plan.images.entries.map { ($0.image.repository, $0) })
        XCTAssertEqual(byImage["shop/web"]?.upstreamURL, "acme.azurecr.io")
        XCTAssertEqual(byImage["api"]?.upstreamURL, "contoso.azurecr.io")
        XCTAssertEqual(byImage["team/jobs"]?.method, .pullThroughCache)
        XCTAssertEqual(byImage["team/jobs"]?.needsRole, true)
        XCTAssertEqual(byImage["team/sync"]?.method, .pullThroughCache)
        XCTAssertEqual(byImage["team/sync"]?.needsRole, false, "same account, other Region: no role")
        XCTAssertEqual(byImage["team/local"]?.method, ImageMigration.Method.none, "already in the target registry")
        let script = plan.images.script(generatedAt: "2026-11-22T00:00:00Z")
        let rules = script.split(separator: "\n").filter { $0.hasPrefix("ensure_pull_through_rule ") }.map(String.init)
        XCTAssertEqual(rules, [
            "ensure_pull_through_rule 'azure-acme' 'acme.azurecr.io' 'ecr-pullthroughcache/azure-acme' 'ECR_PTC_AZURE_ACME_USERNAME' 'ECR_PTC_AZURE_ACME_TOKEN'",
            "ensure_pull_through_rule 'azure-contoso' 'contoso.azurecr.io' 'ecr-pullthroughcache/azure-contoso' 'ECR_PTC_AZURE_CONTOSO_USERNAME' 'ECR_PTC_AZURE_CONTOSO_TOKEN'",
            "ensure_pull_through_rule 'ecr-123456789012-use1' '123456789012.dkr.ecr.us-east-1.amazonaws.com'",
            "ensure_pull_through_rule 'ecr-210987654321-use1' '210987654321.dkr.ecr.us-east-1.amazonaws.com' '' '' '' 'ECR_PTC_ECR_210987654321_USE1_ROLE_ARN'",
        ])
        XCTAssertEqual(byImage["shop/web"]?.targetReference, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/azure-acme/shop/web:1.4.0")
        // The first pull through the cache imports the image and creates its repository: the script and the plan say so.
        for permission in ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"] {
            XCTAssertTrue(script.split(separator: "\n").contains { $0.hasPrefix("#") && $0.contains(permission) }, permission)
            XCTAssertTrue(plan.items.first { $0.keyText == "plan:ecr" }?.evidence.contains(permission) == true, permission)
        }
        XCTAssertFalse(script.contains("<name>"))
        let file = try temporaryFolder(self).appendingPathComponent("images.sh")
        try script.write(to: file, atomically: true, encoding: .utf8)
        if let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: shellcheck)
            process.arguments = [file.path]
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "shellcheck")
        }
    }

    func testAContainerWithAnEmptyImageIsABlockerAndNeverAnImage() throws {
        let (plan, database) = try plan(["app.yaml": deployment("web", containers: [("web", "quay.io/acme/web:1.0.0"), ("sidecar", "")])])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM image WHERE trim(reference) = ''"), 0)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM container WHERE name = 'sidecar' AND image_id IS NULL"), 1)
        let finding = try XCTUnwrap(plan.assessment.allFindings.first { $0.checkID == "IMG006" })
        XCTAssertEqual(finding.severity, .blocker)
        XCTAssertEqual(finding.field, "spec.template.spec.containers[sidecar].image")
        XCTAssertEqual(plan.images.entries.map(\.image.original), ["quay.io/acme/web:1.0.0"])
        XCTAssertTrue(plan.items.contains { $0.keyText.hasPrefix("images:src:wave-") && $0.title.contains("the 1 images") }, "\(plan.items.map(\.title))")
    }
}

final class ImagePartitionTests: XCTestCase {
    func testChinaRegionsPushToTheirOwnRegistryHost() throws {
        let reference = try ReferenceData.embedded()
        let china = ImageMigration.build(uses: [("harbor.acme.internal/shop/web:1.0", "Deployment/shop/web", "prod")], reference: reference,
                                         region: "cn-north-1", accountID: "123456789012", prefix: "migrated/")
        XCTAssertEqual(china.registryHost, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn")
        XCTAssertTrue(china.entries.allSatisfy { $0.targetReference.hasPrefix("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/") })
        XCTAssertTrue(china.script(generatedAt: "2026-12-01T00:00:00Z").contains("DNS_SUFFIX='amazonaws.com.cn'"))
        let ireland = ImageMigration.build(uses: [("nginx:1.27", "Deployment/shop/web", "prod")], reference: reference,
                                           region: "eu-west-1", accountID: "123456789012", prefix: "migrated/")
        XCTAssertEqual(ireland.registryHost, "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
    }
}

final class PullThroughNodeRoleTests: XCTestCase {
    /// The first pull through a cache rule creates the repository and imports the image with the node's role.
    func testNodeGroupsMayCreateAndImportPullThroughRepositories() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let prefixes = Set(demo.plan.images.entries.filter { $0.method == .pullThroughCache }.compactMap(\.pullThroughPrefix))
        XCTAssertFalse(prefixes.isEmpty)
        for config in try demo.plan.eksctlConfigs() {
            let root = try XCTUnwrap(try ManifestText.objects(config.yaml).first)
            for group in root["managedNodeGroups"]?.items ?? [] {
                let statement = try XCTUnwrap(group["iam", "attachPolicy", "Statement"]?.items.first, config.file)
                XCTAssertEqual(Set((statement["Action"]?.items ?? []).compactMap(\.string)), ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"])
                let resources = (statement["Resource"]?.items ?? []).compactMap(\.string)
                XCTAssertTrue(resources.allSatisfy { $0.hasPrefix("arn:aws:ecr:ap-northeast-2:123456789012:repository/") && $0.hasSuffix("/*") }, "\(resources)")
            }
        }
    }
}
