import Foundation
import XCTest
@testable import EksodusCore

/// plan:access run in bash against stub `kubectl` and `aws` that log their arguments: `$NAMESPACES` is one comma-separated
/// list, checked before any use; each user has its own principal variable; a group never gets a user's ARN, only a role
/// the team decided (`GROUP_ROLE_ARN_<i>`), and stops the step until then.
final class AdminAccessGrantsTests: XCTestCase {
    static let rbac = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: ops-admins}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects:
        - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
        - {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
        - {kind: ServiceAccount, name: deployer, namespace: ci}
        """

    func access() throws -> PlanItem {
        let folder = try writeManifests(["rbac.yaml": Self.rbac], test: self)
        let plan = try planImported([folder.path]).plan
        return try XCTUnwrap(plan.items.first { $0.keyText == "plan:access:src" })
    }

    /// Runs `line` with stubs; `failing` makes that tool's calls whose arguments contain it fail. Returns the status and
    /// every call made.
    func run(_ line: String, _ environment: [String: String], failing: String = "describe-access-entry") throws -> (status: Int32, calls: String) {
        let log = try temporaryFolder(self).appendingPathComponent("calls")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let stubs = """
            kubectl() { echo "kubectl $*" >> "$LOG"; case "$*" in *\(failing)*) return 1;; esac; }
            aws() { echo "aws $*" >> "$LOG"; case "$*" in *\(failing)*) return 1;; esac; }
            """
        let result = try GateShell.run(stubs + "\n" + line, environment: environment.merging(["LOG": log.path]) { $1 })
        return (result.status, try String(contentsOf: log, encoding: .utf8))
    }

    func testNamespacesIsOneCheckedCommaSeparatedListForTheBindingsAndTheAccessScope() throws {
        let item = try access()
        let binding = try XCTUnwrap(item.commands.first { $0.contains("create rolebinding") })
        let ok = try run(binding, ["NAMESPACES": "shop,payments"])
        XCTAssertEqual(ok.status, 0, ok.calls)
        XCTAssertTrue(ok.calls.contains("-n shop create rolebinding") && ok.calls.contains("-n payments create rolebinding"), ok.calls)
        XCTAssertTrue(ok.calls.contains("--serviceaccount=ci:deployer --dry-run=client -o yaml") && ok.calls.contains("apply -f -"), "re-runnable: \(ok.calls)")
        for bad in ["", "shop payments", "shop,", ",shop", "shop,,payments", "Shop", "shop;rm", "$(id)", String(repeating: "a", count: 64)] {
            let refused = try run(binding, ["NAMESPACES": bad])
            XCTAssertNotEqual(refused.status, 0, "NAMESPACES=\(bad)")
            XCTAssertEqual(refused.calls, "", "nothing runs before NAMESPACES is valid: \(bad)")
        }
        // One namespace's binding failing fails the line, not only the last one's.
        XCTAssertNotEqual(try run(binding, ["NAMESPACES": "shop,payments"], failing: "-n shop").status, 0)

        let principal = ["NAMESPACES": "shop,payments", "PRINCIPAL_ARN_0": "arn:aws:iam::123456789012:user/alice"]
        let associate = try XCTUnwrap(item.commands.first { $0.contains("associate-access-policy") && $0.contains("PRINCIPAL_ARN_0") })
        let scoped = try run(associate, principal)
        XCTAssertEqual(scoped.status, 0, scoped.calls)
        XCTAssertTrue(scoped.calls.contains("--principal-arn arn:aws:iam::123456789012:user/alice") && scoped.calls.contains("--access-scope type=namespace,namespaces=shop,payments"), scoped.calls)
        XCTAssertEqual(try run(associate, principal.merging(["NAMESPACES": "shop payments"]) { $1 }).calls, "")
        let rollback = try XCTUnwrap(item.rollbackCommands.first { $0.contains("delete rolebinding") })
        XCTAssertEqual(try run(rollback, ["NAMESPACES": "shop,payments"]).status, 0)
        XCTAssertEqual(try run(rollback, ["NAMESPACES": "shop payments"]).calls, "")
    }

    func testAUserGetsItsOwnPrincipalAndAGroupARoleOfItsOwnOrAFailingDecision() throws {
        let item = try access()
        let userCreate = try XCTUnwrap(item.commands.first { $0.contains("create-access-entry") && $0.contains("PRINCIPAL_ARN_0") })
        XCTAssertNotEqual(try run(userCreate, [:]).status, 0, "no principal given")
        XCTAssertEqual(try run(userCreate, [:]).calls, "")
        XCTAssertNotEqual(try run(userCreate, ["PRINCIPAL_ARN_0": "arn:aws:iam::123456789012:group/ops"]).status, 0, "an IAM group is no principal")
        let created = try run(userCreate, ["PRINCIPAL_ARN_0": "arn:aws:iam::123456789012:role/alice"])
        XCTAssertEqual(created.status, 0, created.calls)
        XCTAssertTrue(created.calls.contains("aws eks create-access-entry --region eu-west-1") && created.calls.contains("--principal-arn arn:aws:iam::123456789012:role/alice"), created.calls)
        let again = try run(userCreate, ["PRINCIPAL_ARN_0": "arn:aws:iam::123456789012:role/alice"], failing: "no-such-call")
        XCTAssertEqual(again.status, 0)
        XCTAssertFalse(again.calls.contains("create-access-entry"), "a re-run finds the entry and creates none: \(again.calls)")

        // The group: a decision, never the user's variable.
        XCTAssertTrue(item.commands.contains { $0.hasPrefix("# decision: Group ops") && $0.contains("GROUP_ROLE_ARN_0") }, "\(item.commands)")
        let groupLines = item.commands.filter { $0.contains("GROUP_ROLE_ARN_0") && !$0.hasPrefix("#") }
        XCTAssertEqual(groupLines.count, 2, "\(groupLines)")
        XCTAssertFalse(groupLines.contains { $0.contains("--principal-arn \"$PRINCIPAL_ARN") }, "the user's ARN is never the group's principal")
        let groupCreate = try XCTUnwrap(groupLines.first { $0.contains("create-access-entry") })
        let role = "arn:aws:iam::123456789012:role/ops-admins"
        for (environment, why) in [([String: String](), "undecided"),
                                   (["GROUP_ROLE_ARN_0": "arn:aws:iam::123456789012:user/alice"], "a user is no group role"),
                                   (["GROUP_ROLE_ARN_0": role, "PRINCIPAL_ARN_0": role], "the user's own principal"),
                                   (["GROUP_ROLE_ARN_0": "arn:aws-cn:iam::123456789012:role/ops"], "another partition")] {
            let refused = try run(groupCreate, environment)
            XCTAssertNotEqual(refused.status, 0, why)
            XCTAssertEqual(refused.calls, "", why)
        }
        let decided = try run(groupCreate, ["GROUP_ROLE_ARN_0": role, "PRINCIPAL_ARN_0": "arn:aws:iam::123456789012:user/alice"])
        XCTAssertEqual(decided.status, 0, decided.calls)
        XCTAssertTrue(decided.calls.contains("create-access-entry --region eu-west-1") && decided.calls.contains("--principal-arn \(role)"), decided.calls)
        // Its rollback deletes the group's entry only when it is there.
        let groupRollback = try XCTUnwrap(item.rollbackCommands.first { $0.contains("GROUP_ROLE_ARN_0") })
        XCTAssertFalse(try run(groupRollback, ["GROUP_ROLE_ARN_0": role]).calls.contains("delete-access-entry"), "nothing to delete")
        XCTAssertTrue(try run(groupRollback, ["GROUP_ROLE_ARN_0": role], failing: "no-such-call").calls.contains("delete-access-entry --region eu-west-1"))
    }

    /// Users and groups are not in the demo (its runbook's shellcheck covers the ServiceAccount's lines): these are.
    func testTheAccessStepPassesShellcheck() throws {
        guard let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("shellcheck is not installed")
        }
        let item = try access()
        let file = try temporaryFolder(self).appendingPathComponent("access.sh")
        try (["#!/usr/bin/env bash", "("] + item.commands + [")", "("] + item.rollbackCommands + [")"]).joined(separator: "\n").appending("\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shellcheck)
        process.arguments = [file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, report)
    }

    func testSubjectsPastTheTenthAreNamedForADecisionNotLeftOutSilently() throws {
        let subjects = (0..<12).map { "- {kind: User, name: user-\($0), apiGroup: rbac.authorization.k8s.io}" }.joined(separator: "\n")
        let rbac = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: many-admins}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects:
            \(subjects)
            """
        let folder = try writeManifests(["rbac.yaml": rbac], test: self)
        let item = try XCTUnwrap(try planImported([folder.path]).plan.items.first { $0.keyText == "plan:access:src" })
        XCTAssertTrue(item.commands.contains { $0.contains("PRINCIPAL_ARN_9") } && !item.commands.contains { $0.contains("PRINCIPAL_ARN_10") })
        let decision = try XCTUnwrap(item.commands.first { $0.hasPrefix("# decision: ClusterRoleBinding many-admins") }, item.commands.joined(separator: "\n"))
        XCTAssertTrue(decision.contains("User user-10") && decision.contains("User user-11") && !decision.contains("user-9,"), decision)
    }

    /// A custom resource that happens to be called ClusterRoleBinding (its own group, its own schema) grants nothing on the
    /// source, so nothing replaces it: listed by kind, only the rbac.authorization.k8s.io kind counts.
    func testACustomResourceNamedClusterRoleBindingGetsNoGrant() throws {
        let fake = Self.rbac.replacingOccurrences(of: "apiVersion: rbac.authorization.k8s.io/v1", with: "apiVersion: evil.example/v1")
        let folder = try writeManifests(["rbac.yaml": fake], test: self)
        let plan = try planImported([folder.path]).plan
        XCTAssertNil(plan.items.first { $0.keyText == "plan:access:src" })
        XCTAssertNotNil(try access(), "the real one still does")
    }
}
