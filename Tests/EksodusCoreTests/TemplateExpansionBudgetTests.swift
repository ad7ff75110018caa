import Foundation
import XCTest
@testable import EksodusCore

/// What parameter substitution adds is bounded for the whole import, not per Template: many small templates, each
/// just under a per-template limit, would otherwise turn a few megabytes of export into gigabytes of inventory.
final class TemplateExpansionBudgetTests: XCTestCase {
    /// A template whose one ConfigMap repeats a 64 KiB parameter `references` times.
    func template(_ name: String, references: Int) -> String {
        let value = String(repeating: "x", count: 64 << 10)
        return """
            apiVersion: template.openshift.io/v1
            kind: Template
            metadata: {name: \(name), namespace: apps}
            parameters: [{name: BIG, value: \(value)}]
            objects:
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: \(name)}, data: {list: [\(Array(repeating: "\"${BIG}\"", count: references).joined(separator: ", "))]}}
            """
    }

    func testManyTemplatesInOneFileOrSeveralShareOneBudget() throws {
        // Each template adds 8 MiB: a quarter of the budget. Ten of them, in one file and in two, may not all expand.
        let perTemplate = (TemplateExpansion.maxAddedBytes / 4) / (64 << 10)
        let templates = (0..<10).map { template("t\($0)", references: perTemplate) }
        for files in [["all.yaml": templates.joined(separator: "\n---\n")],
                      ["a.yaml": templates[..<5].joined(separator: "\n---\n"), "b.yaml": templates[5...].joined(separator: "\n---\n")]] {
            let database = try AppDatabase.inMemory()
            let summary = try importPaths([try writeManifests(files, test: self).path], cluster: "ocp", into: database)
            let expanded = try count(database, "SELECT count(*) FROM resource WHERE kind = 'ConfigMap'")
            XCTAssertGreaterThan(expanded, 0, "templates within the budget expand")
            XCTAssertLessThan(expanded, 5, "\(files.keys.sorted()): \(expanded) templates of 8 MiB each expanded")
            XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE kind = 'Template'"), 10, "every template itself is kept")
            XCTAssertTrue(summary.notices.contains { $0.message.contains("more than \(TemplateExpansion.maxAddedBytes >> 20) MiB") }, "\(summary.notices)")
        }
    }
}
