import Foundation
import XCTest
@testable import EksodusCore

/// `plan:addons` proves the add-ons and the controller run: a DEGRADED add-on, an unread VPC id or a crash-looping controller
/// fail the step here, not later in every load balancer step.
extension PlatformItemsTests {
    func testTheAddonChecksFailUnlessEveryAddonIsActiveAndTheVPCIsRead() throws {
        let (plan, _) = try Self.demo.get()
        let addons = try item(plan, "plan:addons:prod")
        let folder = try temporaryFolder(self)
        let statusChecks = addons.commands.filter { $0.contains("describe-addon") }
        XCTAssertFalse(statusChecks.isEmpty, "\(addons.commands)")
        for check in statusChecks {
            XCTAssertEqual(try run(check, in: folder, stubs: ["aws": "echo ACTIVE"]), 0, check)
            XCTAssertNotEqual(try run(check, in: folder, stubs: ["aws": "echo DEGRADED"]), 0, check)
            XCTAssertNotEqual(try run(check, in: folder, stubs: ["aws": "true"]), 0, "no answer: \(check)")
            XCTAssertNotEqual(try run(check, in: folder, stubs: ["aws": "exit 255"]), 0, "aws failed: \(check)")
        }
        let vpc = try XCTUnwrap(addons.commands.first { $0.contains("VPC_ID=$(") }, "\(addons.commands)")
        XCTAssertEqual(try run(vpc, in: folder, stubs: ["aws": "echo vpc-0abc"]), 0)
        XCTAssertNotEqual(try run(vpc, in: folder, stubs: ["aws": "true"]), 0)
        let vpcLine = try XCTUnwrap(addons.commands.firstIndex(of: vpc))
        let install = try XCTUnwrap(addons.commands.firstIndex { $0.hasPrefix("helm upgrade --install aws-load-balancer-controller") })
        XCTAssertLessThan(vpcLine, install, "the VPC id is read before the install uses it")
        XCTAssertTrue(addons.commands[install].contains("--wait"), addons.commands[install])
        XCTAssertTrue(addons.commands.contains { $0.contains("rollout status deployment/aws-load-balancer-controller") })
    }
}
