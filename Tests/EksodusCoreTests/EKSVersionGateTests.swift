import Foundation
import XCTest
@testable import EksodusCore

/// A cluster is created only on a version EKS itself lists in standard support in the region: the calendar in `data/`
/// goes stale (it knew no version newer than 1.35 when a reviewer found 1.36 out), the live list does not.
final class EKSVersionGateTests: XCTestCase {
    func testTheClusterIsCreatedOnlyWhileEKSListsItsVersionInStandardSupport() throws {
        let plan = try DemoPlanOnce.plan()
        let cluster = try XCTUnwrap(plan.items.first { $0.keyText == "plan:cluster:prod" })
        let create = try XCTUnwrap(cluster.commands.firstIndex { $0.hasPrefix("eksctl create cluster") })
        let gate = try XCTUnwrap(cluster.commands.firstIndex { $0.contains("describe-cluster-versions") && $0.contains("STANDARD_SUPPORT;") })
        XCTAssertLessThan(gate, create, "checked before the cluster is made")
        XCTAssertTrue(cluster.commands[gate].contains("--cluster-versions '\(plan.request.target)'"), cluster.commands[gate])
        let bin = try temporaryFolder(self)
        let aws = bin.appendingPathComponent("aws")
        for (answer, passes) in [("echo STANDARD_SUPPORT", true), ("echo EXTENDED_SUPPORT", false), ("echo None", false), ("true", false), ("exit 255", false)] {
            try "#!/bin/sh\n\(answer)\n".write(to: aws, atomically: true, encoding: .utf8)
            XCTAssertEqual(chmod(aws.path, 0o755), 0)
            let result = try GateShell.run(cluster.commands[gate], environment: ["PATH": bin.path + ":/usr/bin:/bin"])
            XCTAssertEqual(result.status == 0, passes, "aws answering `\(answer)`")
        }
        XCTAssertTrue(cluster.commands.contains { $0.contains("--version-status STANDARD_SUPPORT") && $0.contains("sort -V") }, "the newer versions are shown")
    }

    func testAStaleCalendarIsSaidInTheClusterItem() throws {
        let reference = try ReferenceData.embedded()
        let newest = try XCTUnwrap(reference.eksVersions.max { $0.version < $1.version })
        let released = try XCTUnwrap(CalendarDay(newest.released))
        XCTAssertNil(EKSVersionGate.staleCalendar(reference, on: CalendarDay(daysSinceEpoch: released.daysSinceEpoch + 100)))
        let stale = try XCTUnwrap(EKSVersionGate.staleCalendar(reference, on: CalendarDay(daysSinceEpoch: released.daysSinceEpoch + 200)))
        XCTAssertTrue(stale.contains("ends at \(newest.version)") && stale.contains("200 days"), stale)
    }
}
