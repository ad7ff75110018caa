import Foundation
import XCTest
@testable import EksodusCore

/// Files the runbook writes (DNS state, Velero and Helm values names, node copies) are named from manifest names: distinct
/// names give distinct files. Joined with `-`, cluster `c1` + host `a-b.example.com` and cluster `c1-a` + host
/// `b.example.com` had shared one DNS state file, so one switch deleted and re-created the other's record.
final class RunbookFileNamesTests: XCTestCase {
    func testDistinctPartsNeverShareAFileName() {
        let collisions: [([String], [String])] = [
            (["c1", "a-b.example.com"], ["c1-a", "b.example.com"]),
            (["eksodus", "a", "b-c"], ["eksodus", "a-b", "c"]),
            (["c1", "a-shop", "deployment", "web"], ["c1-a", "shop", "deployment", "web"]),
            (["values", "c", "it's"], ["values", "c", "it_s"]),
            (["x", ""], ["x-", ""]),
            (["-f"], ["_-f"]),
        ]
        for (one, other) in collisions {
            XCTAssertNotEqual(ShellQuote.fileName(one), ShellQuote.fileName(other), "\(one) / \(other)")
        }
        // Parts that cannot be confused keep their plain, readable name.
        XCTAssertEqual(ShellQuote.fileName(["values", "prod", "shop", "shop"]), "values-prod-shop-shop.yaml")
        XCTAssertEqual(ShellQuote.fileName(["onprem-00"]), "onprem-00.yaml")
        for name in [ShellQuote.fileName(["c1", "a-b.example.com"]), ShellQuote.fileName(["-f"]), ShellQuote.fileName([String(repeating: "x", count: 300)])] {
            XCTAssertFalse(name.hasPrefix("-"))
            XCTAssertLessThanOrEqual(name.utf8.count, 120)
            XCTAssertTrue(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }, name)
        }
    }

    func testTheDemosRunbookNamesEachDNSStateFileOnce() throws {
        let plan = try DemoPlanOnce.plan()
        var owners: [String: Set<String>] = [:]
        for item in plan.items where item.key.step == .dnsTTL {
            for command in item.commands {
                for match in command.matches(of: /'([^'\/]+\.dns-record\.json)'/) { owners[String(match.1), default: []].insert(item.keyText) }
            }
        }
        XCTAssertFalse(owners.isEmpty)
        for (file, items) in owners { XCTAssertEqual(items.count, 1, "\(file) is written by \(items.sorted())") }
    }
}
