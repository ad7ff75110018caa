import Foundation
import XCTest
@testable import EksodusCore

/// A `converted/` tree checked into a repository can carry symbolic links: convert never writes through one (a link to
/// ~/.bashrc where a workload's file goes had the manifest, with a hostile probe path, written into the shell's start file).
final class ConvertOutputLinksTests: XCTestCase {
    func testALinkWhereAFileGoesIsReplacedAndALinkedFolderIsRefused() throws {
        let folder = try temporaryFolder(self)
        var run = Demo(folder: folder, now: fixedNow)
        run.tracksProgress = false
        let demo = try run.run()
        let database = try AppDatabase.open(path: demo.databasePath)
        let estates = try database.writer.read { try Estate.load($0) }
        let out = folder.appendingPathComponent("again")
        let convert = ConvertedManifests(plan: demo.plan, reference: try ReferenceData.embedded())
        _ = try convert.write(estates: estates, to: out)
        let victim = folder.appendingPathComponent("victim.txt")
        try "untouched\n".write(to: victim, atomically: true, encoding: .utf8)
        let workloads = try XCTUnwrap(FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String]).filter { $0.contains("/workloads/") && $0.hasSuffix(".yaml") && !$0.hasSuffix("kustomization.yaml") }
        let target = out.appendingPathComponent(try XCTUnwrap(workloads.sorted().first))
        try FileManager.default.removeItem(at: target)
        try FileManager.default.createSymbolicLink(at: target, withDestinationURL: victim)
        _ = try convert.write(estates: estates, to: out)
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "untouched\n", "written through the link")
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: target.path), "the link is replaced by the file")

        // A linked folder: nothing is written, and nothing is made inside the link's target.
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let cluster = out.appendingPathComponent("prod")
        try FileManager.default.removeItem(at: cluster)
        try FileManager.default.createSymbolicLink(at: cluster, withDestinationURL: elsewhere)
        XCTAssertThrowsError(try convert.write(estates: estates, to: out)) { error in
            XCTAssertTrue("\(error)".contains("is a symbolic link"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path), [])
    }
}
