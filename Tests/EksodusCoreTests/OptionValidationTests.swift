import Foundation
import XCTest
@testable import EksodusCore

/// `--target-version` against the EKS calendar, and the free-text options that reach reports, YAML and shell.
final class OptionValidationTests: XCTestCase {
    private func day(_ text: String) -> Date { Timestamp.parse(text)! }

    func testATargetVersionEKSNeverHadIsRefusedNamingTheKnownOnes() throws {
        let reference = try ReferenceData.embedded()
        let newest = try XCTUnwrap(reference.eksVersions.map(\.version).max())
        let oldest = try XCTUnwrap(reference.eksVersions.map(\.version).min())
        let released = try XCTUnwrap(reference.eksVersions.first { $0.version == newest }?.released)
        let fresh = day(released), stale = day(released).addingTimeInterval(200 * 86_400)
        for version in ["1.99", "2.0", "1.\(newest.minor + 2)", "1.\(oldest.minor - 1)", "1.0"] {
            XCTAssertThrowsError(try TargetVersionChoice.checked(version, reference: reference, on: stale), version) { error in
                XCTAssertTrue("\(error)".hasPrefix("--target-version \(KubernetesVersion(version)!)"), "\(error)")
                XCTAssertTrue("\(error)".contains(newest.description) && "\(error)".contains(oldest.description), "the known versions are named: \(error)")
            }
        }
        for text in ["1.35abc", "1.35 && id", "latest", "", "1", "1.3x5", "v1.35\n"] {
            XCTAssertThrowsError(try TargetVersionChoice.checked(text, reference: reference, on: stale), text.debugDescription) { error in
                XCTAssertTrue("\(error)".hasPrefix("--target-version must look like 1.35"), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
        }
        XCTAssertEqual(try TargetVersionChoice.checked(newest.description, reference: reference, on: fresh), newest)
        XCTAssertEqual(try TargetVersionChoice.checked("v\(newest).0", reference: reference, on: fresh), newest)
        // One past the newest: only once the calendar is stale, when EKS has likely released it.
        let next = "1.\(newest.minor + 1)"
        XCTAssertThrowsError(try TargetVersionChoice.checked(next, reference: reference, on: fresh)) { error in
            XCTAssertTrue("\(error)".contains("150 days"), "how to go beyond the calendar is said: \(error)")
        }
        XCTAssertEqual(try TargetVersionChoice.checked(next, reference: reference, on: stale), KubernetesVersion(next))
    }

    func testFreeTextOptionsRefuseEveryCharacterThatBreaksALine() {
        for bad in ["a\nb", "a\rb", "a\tb", "a\u{0}b", "a\u{1B}[31mb", "a\u{7F}", "a\u{85}b", "a\u{2028}b", "a\u{202E}b", "a\u{200B}b", "\u{FEFF}a"] {
            XCTAssertThrowsError(try FreeTextOption.check(bad, option: "--name"), bad.debugDescription) { error in
                XCTAssertTrue("\(error)".hasPrefix("--name must not hold control"), "\(error)")
                XCTAssertFalse("\(error)".contains("\n") || "\(error)".contains("\r"), "the message stays on its line: \(error)")
            }
        }
        for good in ["default", "wave 2 (prod)", "Ümlaut-plan", "migrated/", "waiting for Direct Connect: ticket #42", "日本"] {
            XCTAssertNoThrow(try FreeTextOption.check(good, option: "--name"), good)
        }
        XCTAssertNoThrow(try FreeTextOption.check(nil, option: "--note"))
        XCTAssertThrowsError(try FreeTextOption.check("x\ny", option: "--note")) { XCTAssertTrue("\($0)".hasSuffix("holds U+000A"), "\($0)") }
    }
}

/// The same refusals through the built binary: exit non-zero, the reason on standard error, nothing planned.
extension CommandLineTests {
    func testPlanRefusesAnUnknownTargetVersionAndAControlCharacterInItsName() throws {
        let folder = try demoFolder()
        let base = ["plan", "--region", "eu-west-1", "--account-id", "123456789012", "--db", "eksodus.db"]
        let version = try eksodus(base + ["--target-version", "1.99"], in: folder)
        XCTAssertNotEqual(version.status, 0)
        XCTAssertTrue(version.stderr.contains("--target-version 1.99 is not an EKS version"), version.stderr)
        XCTAssertEqual(version.stdout, "")
        let name = try eksodus(base + ["--target-version", "1.35", "--name", "x\n# injected"], in: folder)
        XCTAssertNotEqual(name.status, 0)
        XCTAssertTrue(name.stderr.contains("--name must not hold control"), name.stderr)
        let plans = try eksodus(["plan", "--plan", "x\n# injected", "--db", "eksodus.db"], in: folder)
        XCTAssertNotEqual(plans.status, 0, "no plan of that name was stored")
        let assess = try eksodus(["assess", "--target-version", "1.99", "--db", "eksodus.db"], in: folder)
        XCTAssertNotEqual(assess.status, 0)
        XCTAssertTrue(assess.stderr.contains("is not an EKS version"), assess.stderr)
        let note = try eksodus(["cutover", "block", "plan:landing-zone", "--note", "ok\n2026-01-01 alice done", "--db", "eksodus.db"], in: folder)
        XCTAssertNotEqual(note.status, 0)
        XCTAssertTrue(note.stderr.contains("--note must not hold control"), note.stderr)
    }

    func testAFileURIDatabaseIsRefusedByTheCommands() throws {
        let folder = try temporaryFolder(self)
        let manifests = try writeManifests(["ns.yaml": "{apiVersion: v1, kind: Namespace, metadata: {name: shop}}"], test: self)
        for arguments in [["inventory", "clusters", "--db", "file:x.db?mode=memory"], ["import", manifests.path, "--cluster", "c", "--db", "file:x.db"]] {
            let run = try eksodus(arguments, in: folder)
            XCTAssertNotEqual(run.status, 0, "\(arguments)")
            XCTAssertTrue(run.stderr.contains("SQLite would read as a URI"), run.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".std") }, [])
    }
}
