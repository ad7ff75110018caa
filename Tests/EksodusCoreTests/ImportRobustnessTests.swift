import Foundation
import XCTest
@testable import EksodusCore

/// Hostile folders and repeated objects: link loops, FIFOs, files named twice, the same object in two places.
final class ImportRobustnessTests: XCTestCase {
    static func deployment(_ name: String, image: String) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: shop}
        spec: {template: {spec: {containers: [{name: app, image: \(image)}]}}}

        """
    }

    func link(_ path: URL, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path.path, withDestinationPath: destination)
    }

    func testASymlinkLoopReadsEachFileOnce() throws {
        let folder = try writeManifests(["a.yaml": Self.deployment("a", image: "nginx"), "sub/b.yaml": Self.deployment("b", image: "redis")], test: self)
        try link(folder.appendingPathComponent("sub/loop"), to: "..")
        let files = try ManifestSources.expand([folder.path])
        XCTAssertEqual(files.map { URL(fileURLWithPath: $0).lastPathComponent }, ["a.yaml", "b.yaml"])

        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(summary.files, 2)
        XCTAssertEqual(summary.objectsRead, 2)
        XCTAssertEqual(summary.warnings, [])
    }

    func testTwoSymlinkLoopsFinishAndALinkToAFileIsReadOnce() throws {
        let folder = try writeManifests(["x/a.yaml": Self.deployment("a", image: "nginx"), "y/b.yaml": Self.deployment("b", image: "redis")], test: self)
        try link(folder.appendingPathComponent("x/to-y"), to: "../y")
        try link(folder.appendingPathComponent("y/to-x"), to: "../x")
        try link(folder.appendingPathComponent("y/self"), to: ".")
        try link(folder.appendingPathComponent("y/same-as-a.yaml"), to: "../x/a.yaml")
        let finished = expectation(description: "expand finishes")
        let files = Locked<[String]>([])
        DispatchQueue.global().async {
            files.value = (try? ManifestSources.expand([folder.path])) ?? []
            finished.fulfill()
        }
        wait(for: [finished], timeout: 30)
        XCTAssertEqual(files.value.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted(), ["a.yaml", "b.yaml"])
    }

    func testAFileGivenTwiceOrReachedTwiceIsReadOnce() throws {
        let folder = try writeManifests(["a.yaml": Self.deployment("a", image: "nginx")], test: self)
        let file = folder.appendingPathComponent("a.yaml").path
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([file, file, folder.path, folder.path + "/"], cluster: "c", into: database)
        XCTAssertEqual(summary.files, 1)
        XCTAssertEqual(summary.objectsRead, 1)
        XCTAssertEqual(summary.warnings, [], "reading one file twice is not a duplicate object")
    }

    func testAFIFOInAFolderIsSkippedWithAWarning() throws {
        let folder = try writeManifests(["a.yaml": Self.deployment("a", image: "nginx")], test: self)
        let fifo = folder.appendingPathComponent("stuck.yaml").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let finished = expectation(description: "import finishes")
        let result = Locked<Result<ImportSummary, Error>?>(nil)
        DispatchQueue.global().async {
            result.value = Result { try importPaths([folder.path], cluster: "c", into: try AppDatabase.inMemory()) }
            finished.fulfill()
        }
        if XCTWaiter().wait(for: [finished], timeout: 30) != .completed {
            // The importer opened the FIFO and waits for a writer: give it one so the test ends.
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            wait(for: [finished], timeout: 10)
            XCTFail("the import waited on a FIFO")
            return
        }
        let summary = try XCTUnwrap(result.value).get()
        XCTAssertEqual(summary.files, 1)
        XCTAssertEqual(summary.objectsRead, 1)
        XCTAssertEqual(summary.warnings, ["skipping FIFO \(fifo): only regular files are read"])
    }

    /// A name that is not UTF-8 (a Latin-1 folder `\xe9quipe/`) cannot be opened under the name Foundation lists: the import
    /// stops naming it, and a `--replace` import deletes nothing, instead of leaving its objects out and their workloads gone.
    func testANameThatIsNotUTF8StopsTheImportAndReplaceDeletesNothing() throws {
        let folder = try writeManifests(["a.yaml": Self.deployment("a", image: "nginx")], test: self)
        func rawPath(_ parent: URL, _ name: [UInt8]) -> [CChar] { (Array(parent.path.utf8) + [UInt8(ascii: "/")] + name + [0]).map { CChar(bitPattern: $0) } }
        let team: [UInt8] = [0xE9] + Array("quipe".utf8)
        XCTAssertEqual(mkdir(rawPath(folder, team), 0o755), 0)
        let inner = Array(folder.path.utf8) + [UInt8(ascii: "/")] + team + Array("/b.yaml".utf8)
        let fd = open(inner.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let text = Array(Self.deployment("b", image: "nginx").utf8)
        XCTAssertEqual(write(fd, text, text.count), text.count)
        close(fd)

        let database = try AppDatabase.inMemory()
        let clean = try writeManifests(["a.yaml": Self.deployment("a", image: "nginx"), "b.yaml": Self.deployment("b", image: "nginx")], test: self)
        try importPaths([clean.path], cluster: "c", into: database)
        let before = try database.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM workload") }
        XCTAssertThrowsError(try Importer(database: database, workers: 2).run(ImportRequest(paths: [folder.path], cluster: "c", replace: true, now: fixedNow))) { error in
            XCTAssertEqual("\(error)", "\(folder.path): '\\xe9quipe' has a name that is not UTF-8, so its objects cannot be read; rename it (convmv -f latin1 -t utf8) and import again")
        }
        XCTAssertEqual(try database.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM workload") }, before)

        // A manifest file's name counts too; a file that is no manifest does not stop anything.
        let files = try writeManifests(["a.yaml": Self.deployment("a", image: "nginx")], test: self)
        let notes = open(rawPath(files, Array("notes".utf8) + [0xFF] + Array(".txt".utf8)), O_WRONLY | O_CREAT, 0o644)
        close(notes)
        XCTAssertEqual(try ManifestSources.expand([files.path]).count, 1)
        let broken = open(rawPath(files, [0xFF, 0xFE] + Array(".yaml".utf8)), O_WRONLY | O_CREAT, 0o644)
        close(broken)
        XCTAssertThrowsError(try ManifestSources.expand([files.path])) { error in
            XCTAssertTrue("\(error)".contains("'\\xff\\xfe.yaml' has a name that is not UTF-8"), "\(error)")
        }
    }

    func testADuplicateObjectWarnsNamingBothPlacesAndTheWinner() throws {
        let folder = try writeManifests([
            "a.yaml": Self.deployment("web", image: "nginx:1") + "---\n" + Self.deployment("api", image: "api:1"),
            "b.yaml": "# the same Deployment again\n" + Self.deployment("web", image: "nginx:2"),
        ], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        let a = folder.appendingPathComponent("a.yaml").path, b = folder.appendingPathComponent("b.yaml").path
        XCTAssertEqual(summary.warnings, ["Deployment shop/web is defined twice, at \(a):1 and at \(b):2; keeping \(b):2, read later"])
        XCTAssertEqual(summary.objectsRead, 3)
        XCTAssertEqual(summary.objectsStored, 2)
        XCTAssertEqual(try strings(database, "SELECT source_file || ':' || source_line FROM resource WHERE name = 'web'"), ["\(b):2"])
        XCTAssertEqual(try strings(database, "SELECT i.reference FROM container c JOIN image i ON i.id = c.image_id JOIN resource r ON r.id = c.resource_id WHERE r.name = 'web'"),
                       ["nginx:2"])

        // Importing again replaces the earlier import's objects: that is not a duplicate.
        XCTAssertEqual(try importPaths([b], cluster: "c", into: database).warnings, [])
    }

    func testAnOwnershipCycleFoldsIntoOneWorkload() throws {
        func replicaSet(_ name: String, owner: String) -> String {
            """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: \(name), namespace: shop, ownerReferences: [{kind: ReplicaSet, name: \(owner), controller: true}]}
            spec: {template: {spec: {containers: [{name: app, image: nginx}]}}}

            """
        }
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: a-1, namespace: shop, ownerReferences: [{kind: ReplicaSet, name: a, controller: true}]}
            spec: {containers: [{name: app, image: nginx}]}
            """
        let folder = try writeManifests(["cycle.yaml": [replicaSet("a", owner: "b"), replicaSet("b", owner: "a"), pod].joined(separator: "---\n")], test: self)
        let database = try AppDatabase.inMemory()
        try Importer(database: database, workers: 1).run(ImportRequest(paths: [folder.path], cluster: "c", now: fixedNow))
        XCTAssertEqual(try strings(database, "SELECT kind || '/' || name || ' pods=' || pods_observed FROM workload"), ["ReplicaSet/a pods=1"])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload_member"), 3)
    }

    func testManyDuplicatesAreListedUpToALimitAndCounted() throws {
        let count = InventoryWriter.maxListedDuplicates + 5
        let text = (0..<count).map { Self.deployment("web-\($0)", image: "nginx") }.joined(separator: "---\n")
        let folder = try writeManifests(["a.yaml": text, "b.yaml": text], test: self)
        let summary = try importPaths([folder.path], cluster: "c", into: try AppDatabase.inMemory())
        XCTAssertEqual(summary.warnings.count, InventoryWriter.maxListedDuplicates + 1)
        XCTAssertEqual(summary.warnings.last, "5 more object(s) are defined twice; the later reading of each is kept")
    }
}

/// A value shared with a background thread in a test.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
