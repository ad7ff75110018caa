import Foundation
import XCTest
@testable import EksodusCore

/// A storage entry's reason names the class it is planned to: fixture 10's Ceph RBD claim said "→ EBS CSI io2" while
/// its target was gp3 and no io2 class was written. Every EBS target the table gives is one the plan writes.
final class StorageTargetReasonTests: XCTestCase {
    func testTheCephRBDClaimOfFixture10SaysGp3AndGp3IsWritten() throws {
        let fixtures = try requireFixtures()
        let convert = ConvertTests(name: "helper", testClosure: { _ in })
        let (plan, out, files) = try convert.convert([fixtures.appendingPathComponent("10-k8s-examples-intree-storage").path])
        defer { try? FileManager.default.removeItem(at: out) }
        let rbd = plan.storage.entries.filter { $0.reason.contains("kubernetes.io/rbd") }
        XCTAssertFalse(rbd.isEmpty, "\(plan.storage.entries.map(\.reason))")
        let classes = try XCTUnwrap(files["src/" + StoragePlan.classFileName])
        let written = Set(try ManifestText.objects(classes).filter { $0["kind"]?.string == "StorageClass" }.compactMap { $0["metadata", "name"]?.string })
        for entry in rbd {
            XCTAssertEqual(entry.targetClass, StoragePlan.gp3, entry.reason)
            XCTAssertTrue(entry.reason.contains("→ EBS CSI gp3"), entry.reason)
            XCTAssertFalse(entry.reason.contains("io2"), entry.reason)
            XCTAssertTrue(written.contains("gp3"), "\(written)")
        }
        // Every entry: an EBS type named after the arrow is the one of its target class.
        for entry in plan.storage.entries where entry.targetClass == StoragePlan.gp3 {
            for type in ["io1", "io2", "st1", "sc1"] { XCTAssertFalse(entry.reason.contains("EBS CSI \(type)"), entry.reason) }
        }
    }

    /// The table itself: no provisioner maps to an EBS type the plan never writes.
    func testEveryEBSTargetOfTheProvisionerTableIsGp3() throws {
        let table = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/storage-provisioners.yaml"), encoding: .utf8)
        for line in table.split(separator: "\n") where line.contains("target: \"EBS CSI") {
            XCTAssertTrue(line.contains("gp3"), String(line))
        }
    }
}
