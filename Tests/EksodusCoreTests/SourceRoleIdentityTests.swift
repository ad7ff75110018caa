import Foundation
import XCTest
@testable import EksodusCore

/// A kube2iam/kiam role ARN keeps its account and path, and a source IRSA role (`eks.amazonaws.com/role-arn`) never goes
/// over as it is: the commands read exactly the annotated role, run in bash against stub `aws` that answer for the wrong
/// account, nothing, or the right role.
final class SourceRoleIdentityTests: XCTestCase {
    let reference = try! ReferenceData.embedded()
    let attacker = "arn:aws:iam::999999999999:role/some/path/attacker"

    func entry(kube2iam: String? = nil, irsa: String? = nil) -> IdentityPlan.Entry {
        IdentityPlan.Entry(cluster: "src", namespace: "shop", workload: "Deployment/shop/web", serviceAccount: "web", roleName: "src-shop-web",
                           mechanism: IdentityPlan.podIdentity, reason: "r", evidence: "e", annotation: nil, sourceRole: kube2iam,
                           dedicatedServiceAccount: false, sourceIRSARole: irsa, permittedRoles: ".*")
    }

    func testRoleReferencesKeepAccountAndPathAndRefuseJunk() throws {
        let role = try XCTUnwrap(IdentityPlan.RoleReference(attacker))
        XCTAssertEqual(role.account, "999999999999")
        XCTAssertEqual(role.path, "/some/path/")
        XCTAssertEqual(role.name, "attacker")
        XCTAssertEqual(role.arn, attacker)
        XCTAssertEqual(IdentityPlan.RoleReference("acme-payments-kms")?.account, nil)
        XCTAssertEqual(IdentityPlan.RoleReference("team/acme")?.path, "/team/")
        for junk in ["arn:aws:iam::99999:role/x", "x'; rm -rf / #", "arn:aws:iam::999999999999:role/a b", "", "arn:aws:iam::999999999999:user/x"] {
            XCTAssertNil(IdentityPlan.RoleReference(junk), junk)
        }
    }

    /// Runs `lines` under bash -e with a stub `aws` answering `getRole` to get-role and logging every call; status and log.
    func run(_ lines: [String], getRole: String, environment: [String: String] = [:]) throws -> (status: Int32, calls: String) {
        let folder = try temporaryFolder(self)
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("calls.log")
        let stub = "#!/bin/bash\necho \"$*\" >> \(ShellQuote.word(log.path))\ncase \"$*\" in *get-role*) \(getRole) ;; esac\n"
        try stub.write(to: bin.appendingPathComponent("aws"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("aws").path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", "-c", lines.joined(separator: "\n")]
        process.environment = RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin"].merging(environment) { $1 })
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    func testACrossAccountKube2iamRoleIsReadOnlyInItsOwnAccount() throws {
        let commands = IdentityCommands.commands([entry(kube2iam: attacker)], region: "eu-west-1", accountID: "123456789012").commands
        let reads = commands.filter { !$0.contains("create-policy") }
        XCTAssertTrue(reads.contains { $0.contains("# decision: cross-account") && $0.contains("account 999999999999") }, "\(reads)")
        XCTAssertFalse(reads.contains { $0.contains("list-attached-role-policies --role-name") }, "never read in the operator's account: \(reads)")
        // No profile of 999999999999: the gate stops before any role is listed.
        var result = try run(reads, getRole: "echo arn:aws:iam::123456789012:role/attacker")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.calls.contains("list-attached-role-policies"), result.calls)
        // A profile whose get-role answers another role (a same-named role of the operator's account, an empty answer): stops.
        for answer in ["echo arn:aws:iam::123456789012:role/attacker", "echo arn:aws:iam::999999999999:role/attacker", "true", "exit 254"] {
            result = try run(reads, getRole: answer, environment: ["SOURCE_PROFILE_999999999999": "source"])
            XCTAssertNotEqual(result.status, 0, answer)
            XCTAssertFalse(result.calls.contains("list-attached-role-policies"), answer)
        }
        result = try run(reads, getRole: "echo \(attacker)", environment: ["SOURCE_PROFILE_999999999999": "source"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.calls.contains("iam list-attached-role-policies --profile source --role-name attacker"), result.calls)
    }

    func testASameAccountRoleIsReadOnlyWhenGetRoleAnswersItsExactARN() throws {
        let arn = "arn:aws:iam::123456789012:role/team/web-s3"
        let reads = IdentityCommands.commands([entry(kube2iam: arn)], region: "eu-west-1", accountID: "123456789012").commands.filter { !$0.contains("create-policy") }
        XCTAssertFalse(reads.contains { $0.contains("--profile") })
        XCTAssertNotEqual(try run(reads, getRole: "echo arn:aws:iam::123456789012:role/web-s3").status, 0, "another path is another role")
        XCTAssertNotEqual(try run(reads, getRole: "exit 254").status, 0)
        let ok = try run(reads, getRole: "echo \(arn)")
        XCTAssertEqual(ok.status, 0)
        XCTAssertTrue(ok.calls.contains("iam list-attached-role-policies --role-name web-s3"), ok.calls)
    }

    func testAHostileRoleAnnotationIsAFailingDecisionNeverACommand() throws {
        let reads = IdentityCommands.commands([entry(kube2iam: "x'; touch /tmp/pwned #\n$(id)")], region: "eu-west-1", accountID: "123456789012").commands
            .filter { !$0.contains("create-policy") }
        XCTAssertTrue(reads.allSatisfy { !$0.contains("\n") })
        let result = try run(reads, getRole: "true")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.calls, "")
    }

    /// On manifests: a source IRSA annotation becomes a SEC010 finding, an identity entry that takes the role's
    /// permissions, and a converted ServiceAccount without it.
    func testASourceIRSARoleIsFoundCarriedOverAndDropped() throws {
        let manifests = """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: web
              namespace: shop
              annotations: {eks.amazonaws.com/role-arn: "\(attacker)"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {serviceAccountName: web, containers: [{name: web, image: "nginx:1.27"}]}
            """
        let folder = try writeManifests(["in.yaml": manifests], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let findings = try Assessor(database: database, reference: reference).run(target: KubernetesVersion(major: 1, minor: 35), now: fixedNow).allFindings
        let finding = try XCTUnwrap(findings.first { $0.checkID == "SEC010" })
        XCTAssertTrue(finding.message.contains("999999999999"), finding.message)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let entry = try XCTUnwrap(plan.identity.entries.first { $0.workload == "Deployment/shop/web" })
        XCTAssertEqual(entry.sourceIRSARole, attacker)
        let item = try XCTUnwrap(plan.items.first { $0.keyText == "plan:identity:src" })
        XCTAssertTrue(item.evidence.contains("cross-account: account 999999999999"), item.evidence)
        XCTAssertTrue(item.commands.contains { $0.contains("# decision: cross-account source IRSA role") }, "\(item.commands)")
        XCTAssertTrue(item.commands.contains { $0.contains("update-assume-role-policy \"${profile[@]}\" --role-name \"$2\"") && $0.contains("oidc.issuer") }, "\(item.commands)")
        XCTAssertTrue(item.commands.contains { $0.contains("eksodus_irsa_trust \"${SOURCE_PROFILE_999999999999:?") && $0.contains("'attacker' 'shop' 'web'") }, "\(item.commands)")
        // The cross-account role is never listed in the operator's own account: every read names its account's profile.
        XCTAssertTrue(item.commands.filter { $0.contains("list-attached-role-policies") }.allSatisfy { $0.contains("SOURCE_PROFILE_999999999999") }, "\(item.commands)")
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var texts: [String] = []
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where url.pathExtension == "yaml" {
            texts.append(try String(contentsOf: url, encoding: .utf8))
        }
        let copied = texts.joined(separator: "\n").split(separator: "\n").filter { $0.contains("999999999999") && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        XCTAssertTrue(copied.isEmpty, "the source IRSA role is never copied (only named in a comment): \(copied)")
    }
}
