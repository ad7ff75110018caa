import Foundation
import XCTest
@testable import EksodusCore

/// eksctl run as an --admin-role-arn role makes EKS create two access entries for one principal (the creator's bootstrap
/// entry and the config's): the 409 rolls the stack back. The cluster item stops before `eksctl create` instead.
final class CreatorAccessGateTests: XCTestCase {
    func testEksctlCreateStopsWhenItRunsAsAnAdminRole() throws {
        let plan = try DemoPlanOnce.plan()
        let cluster = try XCTUnwrap(plan.items.first { $0.keyText == "plan:cluster:prod" })
        let create = try XCTUnwrap(cluster.commands.firstIndex { $0.hasPrefix("eksctl create cluster") })
        let read = try XCTUnwrap(cluster.commands.firstIndex { $0.contains("aws sts get-caller-identity") })
        XCTAssertLessThan(read, create, "checked before the cluster is made")
        let gate = cluster.commands[read]
        let bin = try temporaryFolder(self)
        let aws = bin.appendingPathComponent("aws")
        let answers: [(String, Bool)] = [
            ("echo arn:aws:sts::123456789012:assumed-role/platform-oncall/alice", false),  // the admin role, as STS names a session
            ("echo \(Demo.adminRole)", false),
            ("echo arn:aws:sts::123456789012:assumed-role/platform-oncall-ci/alice", true),  // a longer name is another role
            ("echo arn:aws:sts::123456789012:assumed-role/migration-runner/bob", true),
            ("echo arn:aws:sts::999999999999:assumed-role/platform-oncall/alice", true),     // same name, another account
            ("echo None", false), ("true", false), ("exit 255", false),
        ]
        for (answer, passes) in answers {
            try "#!/bin/sh\n\(answer)\n".write(to: aws, atomically: true, encoding: .utf8)
            XCTAssertEqual(chmod(aws.path, 0o755), 0)
            let result = try GateShell.run(gate, environment: ["PATH": bin.path + ":/usr/bin:/bin"])
            XCTAssertEqual(result.status == 0, passes, "aws answering `\(answer)`")
        }
    }

    func testARoleWithAPathIsMatchedByItsNameAsSTSReportsIt() throws {
        let patterns = try XCTUnwrap(CreatorAccessGate.callerPatterns(role: "arn:aws-cn:iam::123456789012:role/ops/team/oncall"))
        XCTAssertEqual(patterns.sessionPrefix, "arn:aws-cn:sts::123456789012:assumed-role/oncall/")
        XCTAssertNil(CreatorAccessGate.callerPatterns(role: "arn:aws:iam::123456789012:user/alice"))
        XCTAssertEqual(CreatorAccessGate.commands(admins: [], cluster: "prod"), [], "no admin roles: no collision to check")
    }
}
