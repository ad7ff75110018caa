import Foundation
import XCTest
@testable import EksodusCore

/// Walks every check's own examples: each triggering manifest is found by its check, each non-triggering one is not.
final class CheckCatalogTests: XCTestCase {
    func testCheckIDsAreUniqueAndWellFormed() {
        let ids = CheckCatalog.all.map(\.info.id)
        XCTAssertEqual(Set(ids).count, ids.count, "duplicate check IDs")
        for check in CheckCatalog.all {
            let info = check.info
            XCTAssertNotNil(info.id.range(of: "^[A-Z]{3}[0-9]{3}$", options: .regularExpression), info.id)
            XCTAssertFalse(info.title.isEmpty || info.rationale.isEmpty || info.remediation.isEmpty, info.id)
            XCTAssertFalse(info.triggering.isEmpty, "\(info.id) has no triggering example")
            XCTAssertFalse(info.nonTriggering.isEmpty, "\(info.id) has no non-triggering example")
        }
    }

    func testEveryCheckFindsItsTriggeringExamplesAndNothingInTheOthers() throws {
        let reference = try ReferenceData.embedded()
        for check in CheckCatalog.all {
            for (index, example) in check.info.triggering.enumerated() {
                let findings = try run(check, on: example, reference: reference, label: "\(check.info.id) triggering #\(index + 1)")
                XCTAssertFalse(findings.filter { $0.checkID == check.info.id }.isEmpty, "\(check.info.id) triggering example #\(index + 1) found nothing")
            }
            for (index, example) in check.info.nonTriggering.enumerated() {
                let findings = try run(check, on: example, reference: reference, label: "\(check.info.id) non-triggering #\(index + 1)")
                XCTAssertTrue(findings.isEmpty, "\(check.info.id) non-triggering example #\(index + 1) found: \(findings.map(\.message))")
            }
        }
    }

    /// Imports one example into a fresh inventory and runs one check on it. A first line `# target: 1.29` sets the target version.
    func run(_ check: any Check, on example: String, reference: ReferenceData, label: String) throws -> [Finding] {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["example.yaml": example], test: self)
        let summary = try importPaths([folder.path], cluster: "example", into: database)
        XCTAssertTrue(summary.notices.isEmpty, "\(label): \(summary.notices)")
        var target = KubernetesVersion(major: 1, minor: 33)
        if example.hasPrefix("# target:"), let line = example.split(separator: "\n").first,
           let version = KubernetesVersion(String(line.dropFirst("# target:".count))) {
            target = version
        }
        let context = CheckContext(target: target, date: "2026-11-22", reference: reference)
        let estate = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)
        return check.run(estate, context)
    }

    func testExplainPrintsRationaleRemediationAndExamples() throws {
        let check = try XCTUnwrap(CheckCatalog.check(id: "sec004"))
        let text = CheckCatalog.explanation(check)
        XCTAssertTrue(text.hasPrefix("SEC004: Docker socket mounted"))
        XCTAssertTrue(text.contains("containerd"))
        XCTAssertTrue(text.contains("/var/run/docker.sock"))
    }

    func testExplainShowsEachOtherExampleAsTheLinesItChanges() throws {
        let check = try XCTUnwrap(CheckCatalog.check(id: "IMG001"))
        let text = CheckCatalog.explanation(check)
        let first = try XCTUnwrap(check.info.triggering.first), passing = try XCTUnwrap(check.info.nonTriggering.first)
        XCTAssertTrue(text.contains("Not found in (- the first example, + this one):"))
        let changed = first.split(separator: "\n").filter { !passing.split(separator: "\n").contains($0) }
        for line in changed { XCTAssertTrue(text.contains("    - " + line), "the line that makes the difference is marked: \(line)") }
        // The first example's unchanged opening lines are not repeated in the diffs.
        XCTAssertEqual(text.components(separatedBy: "    apiVersion: apps/v1").count - 1, 1, text)
    }

    func testLineDiffKeepsBothSidesInOrder() {
        let old = "a\nb\nc\nd\ne\nf\ng", new = "a\nb\nC\nd\ne\nf\ng\nh"
        XCTAssertEqual(LineDiff.lines(from: old, to: new, context: 1), ["  …", "  b", "- c", "+ C", "  d", "  …", "  g", "+ h"])
        XCTAssertEqual(LineDiff.lines(from: "x", to: "x"), ["  …"])
        // Every check's examples: the shared and removed lines rebuild the first, the shared and added lines the other.
        for check in CheckCatalog.all {
            guard let first = check.info.triggering.first else { continue }
            for other in check.info.triggering.dropFirst() + check.info.nonTriggering {
                let diff = LineDiff.lines(from: first, to: other, context: 1_000)
                XCTAssertEqual(diff.filter { !$0.hasPrefix("+") }.map { String($0.dropFirst(2)) }.joined(separator: "\n"), first, check.info.id)
                XCTAssertEqual(diff.filter { !$0.hasPrefix("-") }.map { String($0.dropFirst(2)) }.joined(separator: "\n"), other, check.info.id)
            }
        }
    }
}
