import Foundation
import XCTest
@testable import EksodusCore

/// Keeping a role of another account under IRSA: the new cluster's issuer gets an OIDC provider in the role's account
/// (reused when there), the role's trust policy names that provider for the ServiceAccount, and every IAM call goes through
/// that account's profile (`SOURCE_PROFILE_<account>`). Run in bash against a stub `aws` that keeps IAM's state in files.
final class CrossAccountIRSATests: XCTestCase {
    let foreign = "arn:aws:iam::999999999999:role/team/payments"
    let issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"

    func entry(kube2iam: String? = nil, irsa: String? = nil) -> IdentityPlan.Entry {
        IdentityPlan.Entry(cluster: "src", namespace: "shop", workload: "Deployment/shop/web", serviceAccount: "web", roleName: "src-shop-web",
                           mechanism: IdentityPlan.irsa, reason: "r", evidence: "e", annotation: nil, sourceRole: kube2iam,
                           dedicatedServiceAccount: false, sourceIRSARole: irsa, permittedRoles: kube2iam == nil ? nil : "^arn:aws:iam::999999999999:role/team/")
    }

    /// The decisions to keep `foreign` for shop/web, and the role account's profile.
    func keep(_ entry: IdentityPlan.Entry) -> [String: String] {
        [SourceRoleTrust.keepVariable(role: foreign, entry: entry): "yes", "SOURCE_PROFILE_999999999999": "acct-b"]
    }

    func keepLines(_ entry: IdentityPlan.Entry) -> [String] {
        let commands = IdentityCommands.commands([entry], region: "eu-west-1", accountID: "123456789012").commands
        guard let start = commands.firstIndex(where: { $0.hasPrefix("# shellcheck disable=SC2016  # jq") }) else { return [] }
        return [RunbookLibrary.load] + Array(commands[start...])
    }

    /// IAM: `providers` the role account's OIDC provider ARNs, `trust.json` the role's trust policy; every call logged.
    func stubAWS(_ folder: URL) throws -> URL {
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let aws = """
            #!/bin/bash
            echo "$*" >> calls.log
            profile=; args=(); while [ $# -gt 0 ]; do if [ "$1" = --profile ]; then profile=$2; shift 2; else args+=("$1"); shift; fi; done
            set -- "${args[@]}"
            case "$1 $2" in
              "eks describe-cluster") [ -z "$profile" ] && echo '\(issuer)' ;;
              "iam list-open-id-connect-providers") [ "$profile" = acct-b ] || exit 254; touch providers; jq -Rn '{OpenIDConnectProviderList: [inputs | {Arn: .}]}' < providers ;;
              "iam create-open-id-connect-provider") [ "$profile" = acct-b ] || exit 254
                url=$4; arn="arn:aws:iam::999999999999:oidc-provider/${url#https://}"; echo "$arn" >> providers; echo "$arn" ;;
              "iam get-role") [ "$profile" = acct-b ] && cat trust.json ;;
              "iam update-assume-role-policy") [ "$profile" = acct-b ] || exit 254; printf '%s\\n' "$6" > trust.json ;;
              *) exit 1 ;;
            esac
            """
        try aws.write(to: bin.appendingPathComponent("aws"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("aws").path)
        let trust = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::999999999999:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/OLD"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/OLD:sub": "system:serviceaccount:shop:web"}}}}"#
        try trust.write(to: folder.appendingPathComponent("trust.json"), atomically: true, encoding: .utf8)
        return bin
    }

    func run(_ lines: [String], in folder: URL, _ environment: [String: String]) throws -> Int32 {
        let bin = try stubAWS(folder)
        return try GateShell.run("set -e\ncd " + ShellQuote.word(folder.path) + "\n" + lines.joined(separator: "\n"),
                                 environment: RunbookLibraryFile.environment(["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "EKS_CLUSTER": "new"].merging(environment) { $1 })).status
    }

    func statements(_ folder: URL) throws -> [[String: Any]] {
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("trust.json"))) as? [String: Any])
        return try XCTUnwrap(document["Statement"] as? [[String: Any]])
    }

    func testTheRolesAccountGetsItsOwnProviderOnceAndTheTrustPolicyNamesIt() throws {
        for entry in [entry(irsa: foreign), entry(kube2iam: foreign)] {
            let lines = keepLines(entry)
            XCTAssertFalse(lines.isEmpty, "a keep step for \(entry.inheritedRole?.origin ?? "")")
            let folder = try temporaryFolder(self)
            let keep = keep(entry)
            XCTAssertEqual(try run(lines, in: folder, keep), 0)
            XCTAssertEqual(try run(lines, in: folder, keep), 0, "re-runnable")
            let calls = try String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(calls.filter { $0.contains("create-open-id-connect-provider") }.count, 1, "created once, then reused: \(calls)")
            XCTAssertTrue(calls.filter { $0.hasPrefix("iam") }.allSatisfy { $0.contains("--profile acct-b") }, "every IAM call in the role's account: \(calls)")
            XCTAssertTrue(calls.contains { $0.contains("create-open-id-connect-provider --profile acct-b --url \(issuer) --client-id-list sts.amazonaws.com") }, "\(calls)")
            let all = try statements(folder)
            XCTAssertEqual(all.count, 2, "the old statement kept, one added however often it runs: \(all)")
            let added = try XCTUnwrap(all.last)
            let host = String(issuer.dropFirst("https://".count))
            XCTAssertEqual((added["Principal"] as? [String: String])?["Federated"], "arn:aws:iam::999999999999:oidc-provider/\(host)", "the provider of the role's account")
            XCTAssertEqual((added["Condition"] as? [String: [String: String]])?["StringEquals"], [host + ":sub": "system:serviceaccount:shop:web", host + ":aud": "sts.amazonaws.com"])
        }
    }

    func testAnExistingProviderIsReusedAndNothingRunsUndecidedOrWithoutTheProfile() throws {
        let irsa = entry(irsa: foreign)
        let lines = keepLines(irsa)
        var folder = try temporaryFolder(self)
        _ = try stubAWS(folder)
        try "arn:aws:iam::999999999999:oidc-provider/\(issuer.dropFirst("https://".count))\n".write(to: folder.appendingPathComponent("providers"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(lines, in: folder, keep(irsa)), 0)
        var calls = try String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8)
        XCTAssertFalse(calls.contains("create-open-id-connect-provider"), calls)
        XCTAssertEqual(try statements(folder).count, 2)
        // Not decided (the old global flag decides nothing): nothing is asked of AWS. Decided without the profile: the line
        // stops before any call.
        for environment in [[:], ["EKSODUS_KEEP_SOURCE_ROLES": "yes", "SOURCE_PROFILE_999999999999": "acct-b"], [SourceRoleTrust.keepVariable(role: foreign, entry: irsa): "yes"]] {
            folder = try temporaryFolder(self)
            let status = try run(lines + ["touch after"], in: folder, environment)
            calls = (try? String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8)) ?? ""
            XCTAssertEqual(calls, "", "\(environment)")
            XCTAssertEqual(status == 0, environment["SOURCE_PROFILE_999999999999"] != nil || environment.isEmpty, "\(environment)")
        }
        // No issuer (the cluster is not there yet): it stops.
        folder = try temporaryFolder(self)
        XCTAssertNotEqual(try run(lines, in: folder, keep(irsa).merging(["EKS_CLUSTER": ""]) { $1 }), 0)
    }

    func testOnlyTwelveDigitsBecomeAVariableName() {
        XCTAssertEqual(IdentityCommands.profileVariable("999999999999"), "SOURCE_PROFILE_999999999999")
        for junk in ["99999999999", "9999999999999", "99999999999x", "$(id)123456", "", "１２３４５６７８９０１２"] {
            XCTAssertNil(IdentityCommands.profileVariable(junk), junk)
        }
        // A same-account source IRSA role keeps its step, without a profile; a same-account kube2iam role gets none.
        XCTAssertTrue(keepLines(entry(irsa: "arn:aws:iam::123456789012:role/old-web")).contains { $0.contains("eksodus_irsa_trust '' 'old-web' 'shop' 'web'") })
        XCTAssertTrue(keepLines(entry(kube2iam: "arn:aws:iam::123456789012:role/web")).isEmpty)
    }

    func testTheKeepStepPassesShellcheck() throws {
        guard let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("shellcheck is not installed")
        }
        let lines = IdentityCommands.commands([entry(irsa: foreign), entry(kube2iam: foreign)], region: "eu-west-1", accountID: "123456789012").commands
        let file = try temporaryFolder(self).appendingPathComponent("identity.sh")
        try (["#!/usr/bin/env bash", RunbookLibrary.text] + lines).joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try GateShell.run(ShellQuote.word(shellcheck) + " --exclude=SC1090 " + ShellQuote.word(file.path))  // SC1090: the library is at the top
        XCTAssertEqual(result.status, 0, result.output)
    }
}
