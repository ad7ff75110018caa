import XCTest
@testable import EksodusCore

/// A workload with data of its own switches in one shift: by then its source copy is frozen or promoted away, and a share
/// left on the source would fail its writes or fork its data (fixture 04's WordPress, a LoadBalancer Service over a claim).
/// A stateless one keeps the weighted steps (fixture 01's frontend).
final class StatefulSwitchTests: XCTestCase {
    func shifts(_ item: PlanItem) -> [String] {
        item.commands.filter { $0.hasPrefix("eksodus_dns_shift ") }.map { $0.split(separator: " ")[2].description }
    }

    func testTheStatefulWordPressSwitchesInOneShiftAndTheStatelessFrontendInSteps() throws {
        let fixtures = try requireFixtures()
        let wordpress = try planImported([fixtures.appendingPathComponent("04-k8s-examples-mysql-wordpress-pd").path]).plan
        let traffic = try XCTUnwrap(wordpress.items.first { $0.key.step == .traffic && $0.key.description.hasSuffix("/default/wordpress") })
        XCTAssertEqual(shifts(traffic), ["0", "100"], traffic.commands.joined(separator: "\n"))
        XCTAssertTrue(traffic.title.hasSuffix("to EKS in one shift (its data lives on one side at a time)"), traffic.title)
        XCTAssertTrue(traffic.commands.contains(TrafficCommands.oneStepNote))
        XCTAssertFalse(traffic.commands.contains { $0.contains("HOLD_SECONDS") }, "nothing holds between 0 and 100 %")
        XCTAssertEqual(traffic.rollbackCommands.filter { $0.hasPrefix("eksodus_dns_switch_back ") }.count, 1)

        let boutique = try planImported([fixtures.appendingPathComponent("01-gcp-online-boutique").path]).plan
        let frontend = try XCTUnwrap(boutique.items.first { $0.key.step == .traffic && $0.key.description.hasSuffix("/default/frontend") })
        XCTAssertEqual(shifts(frontend), ["0", "10", "50", "100"], frontend.commands.joined(separator: "\n"))
        XCTAssertTrue(frontend.title.contains("in steps (weighted DNS records, 10%, 50%, 100%)"), frontend.title)
    }
}
