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
}
