import Foundation
import XCTest
@testable import EksodusCore

/// A manifest never grants an IAM role: a tenant's ServiceAccount annotated with an admin role (or a pod with a kube2iam
/// role) gets neither that role's permissions copied nor the role's trust edited, unless the source already granted it.
/// Run in bash against a stub `aws` whose get-role answers the ARN and a trust policy of the test's choosing.
final class IdentityTrustGateTests: XCTestCase {
    let admin = "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"
    let provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/SRC"
    let host = "oidc.eks.eu-west-1.amazonaws.com/id/SRC"

    func entry(irsa: String? = nil, kube2iam: String? = nil, permitted: String? = nil, allowed: String? = nil) -> IdentityPlan.Entry {
        IdentityPlan.Entry(cluster: "c1", namespace: "evil", workload: "Deployment/evil/grab", serviceAccount: "grab", roleName: "c1-evil-grab",
                           mechanism: IdentityPlan.irsa, reason: "r", evidence: "e", annotation: nil, sourceRole: kube2iam,
                           dedicatedServiceAccount: false, sourceIRSARole: irsa, permittedRoles: permitted, allowedRoles: allowed)
    }

    /// A trust policy with one web-identity statement of `principal` and `condition` (nil: none).
    func trust(principal: [String: String], condition: [String: [String: String]]?) throws -> String {
        var statement: [String: Any] = ["Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRoleWithWebIdentity"]
        if let condition { statement["Condition"] = condition }
        return String(decoding: try JSONSerialization.data(withJSONObject: ["Version": "2012-10-17", "Statement": [statement]]), as: UTF8.self)
    }

    /// Runs `lines` under bash -e; get-role answers `arn` for Role.Arn and `trust` for the trust policy. Status, calls.
    func run(_ lines: [String], arn: String, trust: String, environment: [String: String] = [:]) throws -> (status: Int32, calls: String, output: String) {
        let folder = try temporaryFolder(self)
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try trust.write(to: folder.appendingPathComponent("trust.json"), atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("calls.log")
        let stub = """
            #!/bin/bash
            echo "$*" >> \(ShellQuote.word(log.path))
            case "$*" in
              *"eks describe-cluster"*) echo https://oidc.eks.eu-west-1.amazonaws.com/id/NEW ;;
              *list-open-id-connect-providers*) echo '{"OpenIDConnectProviderList": [{"Arn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/NEW"}]}' ;;
              *"get-role"*"Role.Arn"*) echo \(ShellQuote.word(arn)) ;;
              *"get-role"*) cat \(ShellQuote.word(folder.appendingPathComponent("trust.json").path)) ;;
            esac
            """
        try stub.write(to: bin.appendingPathComponent("aws"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("aws").path)
        let result = try GateShell.run("set -e\n{\n" + lines.joined(separator: "\n") + "\n} 2>&1\n",
                                       environment: RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin", "EKS_CLUSTER": "new", "AWS_ACCOUNT_ID": "123456789012"].merging(environment) { $1 }))
        return (result.status, (try? String(contentsOf: log, encoding: .utf8)) ?? "", result.output)
    }

    func reads(_ entry: IdentityPlan.Entry) -> [String] {
        IdentityCommands.commands([entry], region: "eu-west-1", accountID: "123456789012").commands.filter { !$0.contains("create-policy") && !$0.contains("eksodus_irsa_trust") }
    }

    func testAnIRSARolesPermissionsAreReadOnlyWhenItTrustsThisExactServiceAccount() throws {
        let lines = reads(entry(irsa: admin))
        XCTAssertEqual(lines.first, RunbookLibrary.load)
        let sub = host + ":sub"
        let right = try trust(principal: ["Federated": provider], condition: ["StringEquals": [sub: "system:serviceaccount:evil:grab"]])
        let cases: [(String, String, Bool)] = [
            ("the right ServiceAccount", right, true),
            ("StringLike, matching exactly", try trust(principal: ["Federated": provider], condition: ["StringLike": [sub: "system:serviceaccount:evil:grab"]]), true),
            ("another ServiceAccount", try trust(principal: ["Federated": provider], condition: ["StringEquals": [sub: "system:serviceaccount:platform:admin"]]), false),
            ("a wildcard", try trust(principal: ["Federated": provider], condition: ["StringLike": [sub: "system:serviceaccount:*"]]), false),
            ("only an account", try trust(principal: ["AWS": "arn:aws:iam::123456789012:root"], condition: nil), false),
            ("a provider without a condition", try trust(principal: ["Federated": provider], condition: nil), false),
            ("another provider's key", try trust(principal: ["Federated": provider], condition: ["StringEquals": ["oidc.eks.eu-west-1.amazonaws.com/id/OTHER:sub": "system:serviceaccount:evil:grab"]]), false),
            ("nothing", "", false),
        ]
        for (name, policy, trusted) in cases {
            let result = try run(lines, arn: admin, trust: policy)
            XCTAssertEqual(result.status == 0, trusted, "\(name): \(result.output)")
            XCTAssertEqual(result.calls.contains("list-attached-role-policies"), trusted, "\(name): \(result.calls)")
            if !trusted { XCTAssertTrue(result.output.contains("role OrganizationAccountAccessRole does not trust ServiceAccount evil/grab") || name == "nothing", result.output) }
        }
        // The source cluster's issuer given: a statement of another cluster's provider does not count.
        XCTAssertEqual(try run(lines, arn: admin, trust: right, environment: ["SOURCE_OIDC_ISSUER": "https://\(host)"]).status, 0)
        let other = try run(lines, arn: admin, trust: right, environment: ["SOURCE_OIDC_ISSUER": "https://oidc.eks.eu-west-1.amazonaws.com/id/ELSEWHERE"])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertFalse(other.calls.contains("list-attached-role-policies"))
    }

    func testTheKeepStepNeedsItsOwnDecisionAndTheSourcesTrust() throws {
        let e = entry(irsa: admin)
        let commands = IdentityCommands.commands([e], region: "eu-west-1", accountID: "123456789012").commands
        let start = try XCTUnwrap(commands.firstIndex { $0.hasPrefix("# shellcheck disable=SC2016  # jq") })
        let keep = [RunbookLibrary.load] + commands[start...]
        let decision = SourceRoleTrust.keepVariable(role: admin, entry: e)
        XCTAssertTrue(decision.hasPrefix("EKSODUS_KEEP_ROLE_") && decision.count == "EKSODUS_KEEP_ROLE_".count + 16)
        XCTAssertTrue(commands.contains { $0.contains("\(decision)=yes") }, "the step names its decision")
        XCTAssertFalse(commands.contains { $0.contains("EKSODUS_KEEP_SOURCE_ROLES") }, "no global flag")
        XCTAssertNotEqual(decision, SourceRoleTrust.keepVariable(role: "arn:aws:iam::123456789012:role/other", entry: e), "another role, another decision")
        XCTAssertNotEqual(decision, SourceRoleTrust.keepVariable(role: admin, entry: IdentityPlan.Entry(cluster: "c1", namespace: "evil", workload: "w", serviceAccount: "other", roleName: "r", mechanism: IdentityPlan.irsa, reason: "", evidence: "", annotation: nil, sourceRole: nil)), "another ServiceAccount, another decision")
        XCTAssertTrue(commands.contains { $0.contains("aws eks describe-cluster --region 'eu-west-1' --name") }, "describe-cluster in the plan's region")
        let right = try trust(principal: ["Federated": provider], condition: ["StringEquals": [host + ":sub": "system:serviceaccount:evil:grab"]])
        let wrong = try trust(principal: ["Federated": provider], condition: ["StringEquals": [host + ":sub": "system:serviceaccount:platform:admin"]])
        // The old global flag, or another role's decision: nothing is asked of AWS.
        for environment in [["EKSODUS_KEEP_SOURCE_ROLES": "yes"], [SourceRoleTrust.keepVariable(role: "arn:aws:iam::123456789012:role/other", entry: e): "yes"]] {
            let result = try run(keep, arn: admin, trust: right, environment: environment)
            XCTAssertEqual(result.status, 0, result.output)
            XCTAssertEqual(result.calls, "", "\(environment)")
        }
        // Decided, but the role does not trust evil/grab on the source: it fails and its trust is never edited.
        var result = try run(keep, arn: admin, trust: wrong, environment: [decision: "yes"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.calls.contains("update-assume-role-policy"), result.calls)
        XCTAssertTrue(result.output.contains("a manifest cannot grant it"), result.output)
        result = try run(keep, arn: admin, trust: right, environment: [decision: "yes"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.calls.contains("update-assume-role-policy"), result.calls)
    }

    func testAKube2iamRoleNeedsTheNamespacesRestrictionToNameIt() throws {
        let role = "platform-admin"
        let cases: [(String?, String?, Bool)] = [
            (nil, nil, false),                          // no restriction in the export: a failing decision
            ("^team-evil-.*$", nil, false),              // kiam's regex of other roles
            ("^platform-admin$", nil, true),
            (nil, #"["team-evil-s3"]"#, false),          // kube2iam's list of other roles
            (nil, #"["platform-admin"]"#, true),
            ("$(touch pwned)", nil, false),              // a hostile regex is only a regex
        ]
        for (permitted, allowed, ok) in cases {
            let lines = reads(entry(kube2iam: role, permitted: permitted, allowed: allowed))
            let result = try run(lines, arn: "arn:aws:iam::123456789012:role/platform-admin", trust: "{}")
            XCTAssertEqual(result.status == 0, ok, "\(permitted ?? "-") \(allowed ?? "-"): \(result.output)")
            XCTAssertEqual(result.calls.contains("list-attached-role-policies"), ok, result.calls)
            if !ok {
                XCTAssertTrue(result.output.contains("namespace evil on the source does not permit kube2iam/kiam role platform-admin"), result.output)
                XCTAssertEqual(result.calls, "", "no AWS call before the namespace permits it")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "pwned"))
    }

    /// On manifests: the namespace's annotation reaches the entry, and the tenant's admin-role annotation is gated.
    func testAPlanOnManifestsGatesTheAnnotatedAdminRole() throws {
        let plan = try planImported([try writeManifests(["in.yaml": """
            apiVersion: v1
            kind: Namespace
            metadata: {name: evil, annotations: {iam.amazonaws.com/permitted: "^evil-"}}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: grab, namespace: evil, annotations: {eks.amazonaws.com/role-arn: "\(admin)"}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: grab, namespace: evil}
            spec:
              selector: {matchLabels: {app: grab}}
              template:
                metadata: {labels: {app: grab}}
                spec: {serviceAccountName: grab, containers: [{name: grab, image: "nginx:1.27"}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: s3, namespace: evil}
            spec:
              selector: {matchLabels: {app: s3}}
              template:
                metadata: {labels: {app: s3}, annotations: {iam.amazonaws.com/role: platform-admin}}
                spec: {serviceAccountName: s3, containers: [{name: s3, image: "nginx:1.27"}]}
            """], test: self).path]).plan
        let kube2iam = try XCTUnwrap(plan.identity.entries.first { $0.workload.hasSuffix("/s3") })
        XCTAssertEqual(kube2iam.permittedRoles, "^evil-")
        let item = try XCTUnwrap(plan.items.first { $0.keyText.hasPrefix("plan:identity:") })
        let commands = item.commands
        for role in ["OrganizationAccountAccessRole", "platform-admin"] {
            let list = try XCTUnwrap(commands.firstIndex { $0.contains("list-attached-role-policies") && $0.contains("'\(role)'") }, role)
            let gate = try XCTUnwrap(commands.firstIndex { $0.hasPrefix("eksodus_source_role_trusts") || $0.hasPrefix("eksodus_kube2iam_permitted") && $0.contains("'\(role)'") }, role)
            XCTAssertLessThan(gate, list, "the gate before the read of \(role)")
        }
        let result = try run(commands.filter { !$0.contains("create-policy") && !$0.contains("eksodus_irsa_trust") && !$0.contains("list-attached-role-policies --role-name 'OrganizationAccountAccessRole'") && !$0.contains("eksodus_source_role_trusts") },
                             arn: "arn:aws:iam::123456789012:role/platform-admin", trust: "{}")
        XCTAssertNotEqual(result.status, 0, "^evil- does not permit platform-admin")
        XCTAssertFalse(result.calls.contains("list-attached-role-policies --role-name platform-admin"), result.calls)
    }
}
