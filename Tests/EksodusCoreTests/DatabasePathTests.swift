import XCTest
@testable import EksodusCore

/// `--db` (and `$EKSODUS_DB`) is a file path. SQLite reads a name starting with `file:` as a URI whose options
/// (`mode=memory`, `vfs=`, `immutable=1`, `nolock=1`) change what is opened and how it is locked
/// (https://www.sqlite.org/uri.html), so such a name is refused before SQLite sees it.
final class DatabasePathTests: XCTestCase {
    func testAFileURIIsRefusedByEveryOpenAndCreatesNothing() throws {
        let folder = try temporaryFolder(self)
        for uri in ["file:\(folder.path)/x.db", "file:\(folder.path)/x.db?mode=memory", "file:\(folder.path)/z.db?immutable=1"] {
            for open in [{ try AppDatabase.open(path: uri) }, { try AppDatabase.openReadOnly(path: uri) }] as [() throws -> AppDatabase] {
                XCTAssertThrowsError(try open(), uri) { error in
                    XCTAssertTrue("\(error)".contains("URI"), "\(error)")
                    XCTAssertTrue("\(error)".contains("./"), "the message says how to name such a file: \(error)")
                }
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [], "nothing was created")
    }

    func testAFileWhoseNameStartsWithFileIsOpenedByItsPath() throws {
        let folder = try temporaryFolder(self)
        let path = folder.appendingPathComponent("file:x.db").path
        _ = try AppDatabase.open(path: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "an absolute path holding file: is a path")
        _ = try AppDatabase.openReadOnly(path: path)
    }
}
