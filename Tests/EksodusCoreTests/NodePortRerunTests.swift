import Foundation
import XCTest
@testable import EksodusCore

/// The demo's grafana NodePort switch and its rollback run a second time, as they do on migration night when a later line
/// failed: EC2 answers the pods' rule with InvalidPermission.Duplicate (the rule is there) and the revoke with
/// InvalidPermission.NotFound (it is gone). Exactly those pass; any other EC2 error still stops the step.
extension NodePortSwitchTests {
    /// The CLI on a service error: `An error occurred (CODE) when calling OPERATION: message` on stderr, status 254.
    static func errorText(_ code: String, _ operation: String, _ message: String) -> String {
        "An error occurred (\(code)) when calling the \(operation) operation: \(message)"
    }

    static func awsError(_ code: String, _ operation: String, _ message: String) -> String {
        "echo '\(errorText(code, operation, message))' >&2; exit 254"
    }

    static let duplicate = awsError("InvalidPermission.Duplicate", "AuthorizeSecurityGroupIngress",
                                    #"the specified rule "peer: 192.168.10.0/24, TCP, from port: 3000, to port: 3000, ALLOW" already exists"#)

    func testTheSwitchRunsAgainWhenThePodsRuleIsThereAlready() throws {
        let lines = try grafana().commands
        // The first run adds the rule; the second meets EC2's Duplicate, as the real API answers, and still runs to its end.
        let onceThenDuplicate = #"if [ -s rules.log ]; then "# + Self.duplicate + #"; fi; echo "$*" >> rules.log"#
        for pipefail in [false, true] {
            let folder = try temporaryFolder(self)
            let stubs = ["aws": Self.aws(authorize: onceThenDuplicate), "kubectl": Self.kubectl(), "nc": "exit 0"]
            XCTAssertEqual(try run(lines + ["touch first"], stubs: stubs, in: folder, pipefail: pipefail), 0)
            XCTAssertEqual(try run(lines + ["touch second"], stubs: stubs, in: folder, pipefail: pipefail), 0, "a re-run passes the Duplicate")
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("second").path))
            let asked = try String(contentsOf: folder.appendingPathComponent("rules.log"), encoding: .utf8)
            XCTAssertEqual(asked.split(separator: "\n").count, 1, "the second run asked EC2 and was told the rule exists: \(asked)")
        }
    }

    func testOnlyTheDuplicateErrorPassesTheRule() throws {
        let lines = try grafana().commands
        let cases: [(String, String)] = [
            ("not allowed", Self.awsError("UnauthorizedOperation", "AuthorizeSecurityGroupIngress", "You are not authorized to perform this operation.")),
            ("no such group", Self.awsError("InvalidGroup.NotFound", "AuthorizeSecurityGroupIngress", "The security group sg-0pods does not exist")),
            ("the group is full", Self.awsError("RulesPerSecurityGroupLimitExceeded", "AuthorizeSecurityGroupIngress", "The maximum number of rules per security group has been reached.")),
            ("a failure with no message", "exit 255"),
            // The code on stdout is not the CLI's error: only stderr counts.
            ("Duplicate printed on stdout", "echo '(InvalidPermission.Duplicate)'; exit 254"),
            ("a message that only names the code in its text", "echo 'not InvalidPermission.Duplicate' >&2; exit 254"),
        ]
        for (why, authorize) in cases {
            for pipefail in [false, true] {
                let folder = try temporaryFolder(self)
                let stubs = ["aws": Self.aws(authorize: authorize), "kubectl": Self.kubectl(), "nc": "exit 0"]
                XCTAssertNotEqual(try run(lines + ["touch after"], stubs: stubs, in: folder, pipefail: pipefail), 0, why)
                XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("after").path), why)
            }
        }
        // The Duplicate on stderr passes on its own, too (not only after a first run).
        XCTAssertEqual(try run(lines, stubs: ["aws": Self.aws(authorize: Self.duplicate), "kubectl": Self.kubectl(), "nc": "exit 0"], in: try temporaryFolder(self)), 0)
    }

    static let notFound = errorText("InvalidSecurityGroupRuleId.NotFound", "RevokeSecurityGroupIngress",
                                   "The security group rule ID 'sgr-0abc' does not exist")

    func testTheRollbackRunsAgainOnceTheRuleIsGone() throws {
        let rollback = try grafana().rollbackCommands
        let gone = Self.rules(Self.othersRules)
        let again: [(String, String)] = [
            ("an earlier run revoked it: nothing of eksodus's left, EC2 not asked", Self.revokingAWS(before: gone, after: gone)),
            ("the rule went between the read and the revoke", Self.revokingAWS(error: Self.notFound)),
        ]
        for (why, aws) in again {
            for pipefail in [false, true] {
                let folder = try temporaryFolder(self)
                XCTAssertEqual(try run(rollback + ["touch after"], stubs: ["aws": aws, "kubectl": Self.kubectl()], in: folder, pipefail: pipefail), 0, why)
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("after").path), why)
            }
        }
        let stops: [(String, String)] = [
            ("NotFound but the rule is read back", Self.revokingAWS(error: Self.notFound, after: Self.rules([Self.rule("sgr-0abc")]))),
            ("NotFound and the group cannot be read", Self.revokingAWS(group: "", error: Self.notFound)),
            ("no such group", Self.revokingAWS(error: Self.errorText("InvalidGroup.NotFound", "RevokeSecurityGroupIngress", "The security group sg-0pods does not exist"))),
            ("not allowed", Self.revokingAWS(error: Self.errorText("UnauthorizedOperation", "RevokeSecurityGroupIngress", "You are not authorized to perform this operation."))),
            ("a message that only names the code in its text", Self.revokingAWS(error: "InvalidSecurityGroupRuleId.NotFound")),
        ]
        for (why, aws) in stops {
            for pipefail in [false, true] {
                XCTAssertNotEqual(try run(rollback + ["touch after"], stubs: ["aws": aws, "kubectl": Self.kubectl()], in: try temporaryFolder(self), pipefail: pipefail), 0, why)
            }
        }
    }
}
