import Foundation
import XCTest
@testable import EksodusCore

/// Reports of a fixed inventory (the bundled sample at a fixed time) against committed expected files.
/// Regenerate them with EKSODUS_UPDATE_SNAPSHOTS=1 swift test --filter ReportTests, and review the diff.
final class ReportTests: XCTestCase {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    func sampleRenderer(templates: String? = nil) throws -> ReportRenderer {
        let folder = try temporaryFolder(self)
        let demo = try Demo(folder: folder, now: fixedNow).run()
        return ReportRenderer(database: try AppDatabase.open(path: demo.databasePath), templates: templates, now: fixedNow)
    }

    func testReportsMatchTheCommittedSnapshots() throws {
        let renderer = try sampleRenderer()
        let update = ProcessInfo.processInfo.environment["EKSODUS_UPDATE_SNAPSHOTS"] == "1"
        for format in ReportRenderer.Format.allCases {
            for report in try renderer.render(.all, format: format) {
                let expected = Self.snapshots.appendingPathComponent(report.file)
                if update {
                    try Data(report.text.utf8).write(to: expected)
                    continue
                }
                let committed = try String(contentsOf: expected, encoding: .utf8)
                if committed != report.text {
                    let mismatch = zip(committed.split(separator: "\n", omittingEmptySubsequences: false), report.text.split(separator: "\n", omittingEmptySubsequences: false))
                        .enumerated().first { $0.element.0 != $0.element.1 }
                    XCTFail("\(report.file) differs from its snapshot at line \((mismatch?.offset ?? -1) + 1): \(mismatch.map { "\($0.element.0) ≠ \($0.element.1)" } ?? "length")")
                }
            }
        }
    }

    func testReportsAreDeterministicAndCarryNoLocalPaths() throws {
        let renderer = try sampleRenderer()
        let first = try renderer.render(.all, format: .markdown)
        let second = try renderer.render(.all, format: .markdown)
        XCTAssertEqual(first.map(\.text), second.map(\.text))
        for report in first {
            XCTAssertFalse(report.text.contains(FileManager.default.temporaryDirectory.path), "\(report.file) names a local path")
            XCTAssertTrue(report.text.contains("2026-09-21"), "\(report.file) carries the injected time")
        }
    }

    func testEveryMermaidBlockParses() throws {
        let renderer = try sampleRenderer()
        var blocks = 0
        for report in try renderer.render(.all, format: .markdown) {
            for block in Self.mermaidBlocks(report.text) {
                blocks += 1
                XCTAssertNil(Self.mermaidProblem(block), "\(report.file): \(Self.mermaidProblem(block) ?? "")\n\(block)")
            }
        }
        XCTAssertGreaterThanOrEqual(blocks, 2, "the plan's waves and the cutover's progress")
        // The checker itself catches an edge to an undeclared node and an unknown diagram type.
        XCTAssertNotNil(Self.mermaidProblem("flowchart LR\n  a[\"A\"]\n  a --> b"))
        XCTAssertNotNil(Self.mermaidProblem("chart LR\n  a --> a"))
    }

    static func mermaidBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```mermaid" { current = [] } else if current != nil, line == "```" {
                blocks.append((current ?? []).joined(separator: "\n"))
                current = nil
            } else if current != nil { current?.append(line) }
        }
        return blocks
    }

    /// nil when the diagram's type is known and (for flowcharts) every edge names declared nodes.
    static func mermaidProblem(_ block: String) -> String? {
        let lines = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let header = lines.first?.split(separator: " ").first else { return "empty diagram" }
        switch header {
        case "pie":
            for line in lines.dropFirst() where line.range(of: #"^"[^"]+"\s*:\s*[0-9]+$"#, options: .regularExpression) == nil {
                return "bad pie slice: \(line)"
            }
            return nil
        case "flowchart", "graph":
            var declared: Set<String> = []
            var edges: [(String, String)] = []
            for line in lines.dropFirst() {
                if line == "end" { continue }
                if line.hasPrefix("subgraph ") {
                    declared.insert(String(line.dropFirst(9).prefix { $0 != "[" && $0 != " " }))
                    continue
                }
                if let arrow = line.range(of: " --> ") {
                    edges.append((String(line[..<arrow.lowerBound]), String(line[arrow.upperBound...])))
                    continue
                }
                guard let open = line.firstIndex(of: "["), line.hasSuffix("]") else { return "unreadable line: \(line)" }
                declared.insert(String(line[..<open]))
            }
            for (from, to) in edges where !declared.contains(from) || !declared.contains(to) {
                return "edge \(from) --> \(to) names an undeclared node"
            }
            return nil
        default:
            return "unknown diagram type \(header)"
        }
    }

    func testHTMLIsSelfContainedWithATableOfContents() throws {
        let renderer = try sampleRenderer()
        for report in try renderer.render(.all, format: .html) {
            XCTAssertTrue(report.text.hasPrefix("<!DOCTYPE html>"))
            XCTAssertTrue(report.text.contains("<nav><strong>Contents</strong>"))
            XCTAssertFalse(report.text.contains("<script"), "\(report.file) loads a script")
            XCTAssertFalse(report.text.contains("<link"), "\(report.file) loads a stylesheet")
            XCTAssertFalse(report.text.contains("src=\"http"), report.file)
            XCTAssertTrue(report.text.contains("<table>"), report.file)
        }
        let plan = try XCTUnwrap(try renderer.render(.plan, format: .html).first)
        XCTAssertTrue(plan.text.contains("<figure class=\"diagram\">\n<svg "), "the diagrams are drawn, not shown as Mermaid source")
        XCTAssertTrue(plan.text.contains("<input type=\"checkbox\" disabled checked>"), "task lists show the tracked state")
    }

    func testATeamTemplateReplacesTheBundledOneAndTheRestFallBack() throws {
        let folder = try temporaryFolder(self)
        try "{{% CONTENT_TYPE: TEXT}}\n# Our images ({{count}})\n".write(to: folder.appendingPathComponent("images.md.mustache"), atomically: true, encoding: .utf8)
        let renderer = try sampleRenderer(templates: folder.path)
        let reports = try renderer.render(.all, format: .markdown)
        XCTAssertTrue(reports.first { $0.file == "images.md" }?.text.hasPrefix("# Our images (") == true)
        XCTAssertTrue(reports.first { $0.file == "plan.md" }?.text.hasPrefix("# Transition plan") == true)
    }

    func testPlanChecklistReflectsTrackedState() throws {
        let renderer = try sampleRenderer()
        let plan = try XCTUnwrap(try renderer.render(.plan, format: .markdown).first).text
        XCTAssertTrue(plan.contains("- [x] `plan:landing-zone`"), "done items are ticked")
        XCTAssertTrue(plan.contains("- [ ] `plan:cluster:prod`"), "blocked items are not")
        XCTAssertTrue(plan.contains("_(blocked)_"))
    }
}
