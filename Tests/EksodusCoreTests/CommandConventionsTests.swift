import Foundation
import XCTest
@testable import EksodusCore

/// The smaller conventions: settings typos reported with their line, explain's diff, templates export, the audit actor.
final class CommandConventionsTests: XCTestCase {
    func testUnknownSettingsKeysAreReportedWithFileAndLine() throws {
        let folder = try writeManifests([".eksodus.yaml": """
            minimumReplicas: 3
            systemNamespace: [monitoring]
            ignore:
              - check: AVL004
                namspace: batch
            """], test: self)
        let path = folder.appendingPathComponent(".eksodus.yaml").path
        let settings = try AssessmentSettings.load(path: path)
        XCTAssertEqual(settings.minimumReplicas, 3)
        XCTAssertEqual(settings.warnings, [
            "\(path):2: unknown key systemNamespace, ignored (did you mean systemNamespaces?)",
            "\(path):5: unknown key namspace, ignored (did you mean namespace?)",
        ])
        let clean = try writeManifests(["s.yaml": "minimumReplicas: 2\nignore:\n  - check: AVL004\n    cluster: prod\n"], test: self)
        XCTAssertEqual(try AssessmentSettings.load(path: clean.appendingPathComponent("s.yaml").path).warnings, [])
    }

    func testExplainShowsTheExamplesAsADiff() throws {
        let check = try XCTUnwrap(CheckCatalog.check(id: "SEC004"))
        let lines = CheckCatalog.explanation(check).split(separator: "\n").map(String.init)
        let removed = lines.filter { $0.hasPrefix("-") }, added = lines.filter { $0.hasPrefix("+") }
        XCTAssertFalse(removed.isEmpty)
        XCTAssertTrue(removed.contains { $0.contains("docker.sock") }, "the line the check finds is marked -")
        XCTAssertFalse(added.contains { $0.contains("docker.sock") })
        // Lines both examples share are kept once, unmarked.
        XCTAssertTrue(lines.contains { $0.hasPrefix(" ") && $0.contains("kind:") })
        XCTAssertEqual(LineDiff.lines(from: "a\nb\nc\n", to: "a\nx\nc\n"), [" a", "-b", "+x", " c"])
        XCTAssertEqual(LineDiff.lines(from: "same", to: "same"), [" same"])
    }

    func testTemplatesExportWritesEveryBundledTemplateAndTheirVariablesAreDocumented() throws {
        let folder = try temporaryFolder(self).appendingPathComponent("team")
        let written = try ReportRenderer.exportTemplates(to: folder)
        let names = written.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted()
        XCTAssertEqual(names, ["README.md", "assessment.md.mustache", "cutover.md.mustache", "images.md.mustache", "page.html.mustache", "plan.md.mustache"])
        XCTAssertThrowsError(try ReportRenderer.exportTemplates(to: folder), "a team's copies are not overwritten") { error in
            XCTAssertTrue("\(error)".contains("--force"), "\(error)")
        }
        XCTAssertNoThrow(try ReportRenderer.exportTemplates(to: folder, overwrite: true))
        // Every variable a bundled template reads is named in the README.
        let readme = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        for template in ReportRenderer.bundledTemplates {
            let tags = try NSRegularExpression(pattern: #"\{\{\{?[#^/&]?\s*([A-Za-z][A-Za-z0-9]*)\s*\}?\}\}"#)
            let text = template.text
            let names = Set(tags.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } })
            XCTAssertGreaterThan(names.count, 2, template.file)
            for name in names.sorted() {
                // A value is written `name`, a section `name/`.
                XCTAssertTrue(readme.contains("`\(name)`") || readme.contains("`\(name)/`"), "\(template.file) uses \(name), which Templates/README.md does not name")
            }
        }
    }

    func testReportRefusesAMissingTemplatesFolderAndAnUnknownClusterAndWritesNothing() throws {
        let folder = try temporaryFolder(self)
        var run = Demo(folder: folder.appendingPathComponent("demo"), now: fixedNow)
        run.tracksProgress = false
        let database = try AppDatabase.open(path: try run.run().databasePath)
        let out = folder.appendingPathComponent("out")
        XCTAssertThrowsError(try ReportRenderer(database: database, templates: folder.appendingPathComponent("nope").path, now: fixedNow)
            .write(.all, format: .markdown, to: out)) { error in
            XCTAssertTrue("\(error)".contains("no such folder"), "\(error)")
        }
        XCTAssertThrowsError(try ReportRenderer(database: database, cluster: "prdo", now: fixedNow).write(.plan, format: .markdown, to: out)) { error in
            XCTAssertTrue("\(error)".contains("no cluster named 'prdo'"), "\(error)")
        }
        XCTAssertThrowsError(try ReportRenderer(database: database, plan: "nope", now: fixedNow).write(.cutover, format: .markdown, to: out))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused report leaves no folder and no empty file")
    }

    func testTheActorFallsBackFromEKSODUSACTORToTheLoginNameToTheOSUser() {
        XCTAssertEqual(CutoverTracker.actor(environment: ["EKSODUS_ACTOR": "alice", "USER": "bob"]), "alice")
        XCTAssertEqual(CutoverTracker.actor(environment: ["EKSODUS_ACTOR": " ", "USER": "bob"]), "bob")
        XCTAssertEqual(CutoverTracker.actor(environment: ["LOGNAME": "carol"]), "carol")
        XCTAssertEqual(CutoverTracker.actor(environment: [:]), OSUser.name ?? "unknown")
        XCTAssertNotNil(OSUser.name, "the test runs as a user the system knows")
    }

    func testSuggestionsAreForTyposOnly() {
        XCTAssertEqual(EditDistance.suggestion(for: "asess", among: ["assess", "import", "plan"]), "assess")
        XCTAssertEqual(EditDistance.suggestion(for: "lst", among: ["list", "log", "show"]), "list")
        XCTAssertNil(EditDistance.suggestion(for: "frobnicate", among: ["assess", "import", "plan"]))
        XCTAssertEqual(EditDistance.between("kitten", "sitting"), 3)
    }
}
