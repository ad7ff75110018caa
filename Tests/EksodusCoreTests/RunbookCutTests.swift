@testable import EksodusCore
import XCTest

/// On a large plan the reports' runbook shows each section's first steps and each step's first commands, and says where
/// the rest is; `runbook.csv` holds every step, in the runbook's order, with all its commands. A small plan is shown whole.
final class RunbookCutTests: XCTestCase {
    func items(_ count: Int, commands: Int) -> [PlanItem] {
        (0..<count).map { index in
            PlanItem(key: .workload(.deploy, PlanItemKey.Workload(cluster: "c", namespace: "ns", name: "app-\(index)")), title: "Deploy app-\(index)", clusterID: 1, wave: 1 + index % 2,
                     workloadID: Int64(index), prerequisites: (0..<12).map { .wave(.images, cluster: "c", $0) }, evidence: String(repeating: "e", count: 900),
                     rollback: "undo", commands: (0..<commands).map { "kubectl apply -f app-\(index)-\($0).yaml" }, rollbackCommands: ["kubectl delete x"])
        }
    }

    func testALargePlansRunbookIsCutAndTheDetailFileHoldsEveryStep() throws {
        let large = items(ReportDetail.fullRunbookItems + 200, commands: 15)
        let built = RunbookSections.build(RunbookSections.sections(large, clusterNames: [1: "c"]), states: [:], file: "runbook.csv")
        XCTAssertEqual(built.count, 2, "one section per wave")
        for section in built {
            let steps = try XCTUnwrap(section["steps"] as? [[String: Any]])
            XCTAssertEqual(steps.count, ReportDetail.stepLimit)
            let more = try XCTUnwrap(section["more"] as? String)
            XCTAssertTrue(more.contains("of \(large.count / 2) steps") && more.contains("[runbook.csv](runbook.csv)"), more)
            let commands = try XCTUnwrap(steps.first?["commands"] as? String)
            XCTAssertEqual(commands.components(separatedBy: "kubectl apply").count - 1, ReportDetail.listLimit)
            XCTAssertTrue(commands.contains("of 15 commands"), commands)
            XCTAssertTrue((steps.first?["waitsFor"] as? String ?? "").contains("… 2 more"))
            XCTAssertLessThan((steps.first?["evidence"] as? String ?? "").count, 500)
        }
        let sections = RunbookSections.sections(large, clusterNames: [1: "c"])
        let records = parseCSV(String(decoding: RunbookSections.csv(sections, states: [:]), as: UTF8.self))
        let header = try XCTUnwrap(records.first)
        let rows = records.dropFirst()
        XCTAssertEqual(rows.count, large.count, "every step is in the detail file")
        XCTAssertTrue(rows.allSatisfy { $0.count == header.count })
        let key = try XCTUnwrap(header.firstIndex(of: "key")), commands = try XCTUnwrap(header.firstIndex(of: "commands"))
        XCTAssertEqual(rows.map { $0[key] }, sections.flatMap(\.items).map(\.keyText), "in runbook order")
        XCTAssertEqual(rows.first?[commands].split(separator: "\n").count, 15, "with all its commands")
        XCTAssertEqual(rows.first?[commands], large.first?.commands.joined(separator: "\n"))
    }

    /// A step's commands reach `runbook.csv` as one field, written line by line: byte for byte the field of the joined
    /// text, whatever the lines hold (quotes, commas, a formula's first byte, controls, an empty first line).
    func testLinesFieldIsTheJoinedTextsField() {
        let lines = ["", "=cmd", "say \"hi\", then", "-5", "@x", "\u{1B}[31m", "a\r", "\u{202E}evil", "é 中文", "plain", "\tx"]
        var cases: [[String]] = [[], [""], ["-5"], ["=1+1"], ["plain"]]
        for first in lines { for second in lines { cases.append([first, second]) } }
        cases.append(lines)
        for lines in cases {
            var joined: [UInt8] = [], streamed: [UInt8] = []
            CSVField.append(lines.joined(separator: "\n"), to: &joined)
            CSVField.append(lines: lines, to: &streamed)
            XCTAssertEqual(String(decoding: streamed, as: UTF8.self), String(decoding: joined, as: UTF8.self), "\(lines)")
        }
    }

    func testASmallPlansRunbookIsWhole() throws {
        let small = items(300, commands: 15)
        let built = RunbookSections.build(RunbookSections.sections(small, clusterNames: [1: "c"]), states: [:], file: "runbook.csv")
        XCTAssertEqual(built.compactMap { ($0["steps"] as? [[String: Any]])?.count }.reduce(0, +), small.count)
        XCTAssertNil(built.first?["more"])
        let commands = try XCTUnwrap((built.first?["steps"] as? [[String: Any]])?.first?["commands"] as? String)
        XCTAssertEqual(commands.components(separatedBy: "kubectl apply").count - 1, 15)
    }
}
