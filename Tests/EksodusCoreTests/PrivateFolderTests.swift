import XCTest
@testable import EksodusCore

/// `cutover run` writes the library bash sources into a `PrivateFolder`: no other user may enter it at any moment, and a
/// file is never written through a link or over one put there first.
final class PrivateFolderTests: XCTestCase {
    func testTheFolderIsTheUsersAloneAndItsFilesAreNewOnes() throws {
        let folder = try PrivateFolder()
        defer { folder.remove() }
        let mode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o777, 0o700)
        let file = try folder.create("lib.sh", contents: Data("echo hi\n".utf8))
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "echo hi\n")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o600)
        XCTAssertThrowsError(try folder.create("lib.sh", contents: Data()), "a file already there is not written over")
        let target = folder.path + "/target"
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.sh", withDestinationPath: target)
        XCTAssertThrowsError(try folder.create("link.sh", contents: Data("x".utf8)), "a link is not followed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        let bin = try folder.folder("bin")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: bin)[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o700)
        folder.remove()
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
    }
}
