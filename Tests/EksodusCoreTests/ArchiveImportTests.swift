import Foundation
import XCTest
@testable import EksodusCore

/// Tar archives written byte by byte (ustar headers with their checksum), so the tests control every header field.
struct TarBuilder {
    private(set) var bytes: [UInt8] = []

    /// `declaredSize` is written in GNU base-256, as tar does for sizes beyond 8 GiB.
    mutating func add(_ path: String, _ data: [UInt8], type: UInt8 = UInt8(ascii: "0"), declaredSize: Int64? = nil) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
        }
        put(path, at: 0, width: 100)
        put("0000644", at: 100, width: 8)
        put("0000000", at: 108, width: 8)
        put("0000000", at: 116, width: 8)
        put(String(data.count, radix: 8).leftPadded(to: 11), at: 124, width: 12)
        if let declaredSize {
            for index in 124..<136 { header[index] = 0 }
            header[124] = 0x80
            for index in 0..<8 { header[135 - index] = UInt8(truncatingIfNeeded: declaredSize >> (8 * index)) }
        }
        put("00000000000", at: 136, width: 12)
        header[156] = type
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        for index in 148..<156 { header[index] = 32 }
        let sum = header.reduce(0) { $0 + Int($1) }
        put(String(sum, radix: 8).leftPadded(to: 6) + "\0 ", at: 148, width: 8)
        bytes += header + data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    mutating func finish() { bytes += [UInt8](repeating: 0, count: 1024) }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// gzip from the system (as Velero's own archives are written by Go's gzip): the reader is tested against another writer.
func gzip(_ bytes: [UInt8], test: XCTestCase) throws -> [UInt8] {
    let folder = try temporaryFolder(test)
    let input = folder.appendingPathComponent("in")
    try Data(bytes).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", "-c", input.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
    return Array(output)
}

final class ArchiveImportTests: XCTestCase {
    /// The fixture's objects laid out as Velero 1.4+ writes them, with the folder each belongs in.
    func veleroMembers(_ fixture: URL) throws -> [(path: String, json: String)] {
        var members: [(String, String)] = []
        for file in try ManifestSources.expand([fixture.path]) {
            for object in try parseObjects(try String(contentsOfFile: file, encoding: .utf8)) {
                let kind = try XCTUnwrap(object["kind"]?.string)
                let apiVersion = try XCTUnwrap(object["apiVersion"]?.string)
                let group = KubernetesKinds.group(ofAPIVersion: apiVersion)
                let version = apiVersion.split(separator: "/").last.map(String.init) ?? apiVersion
                let resource = kind.lowercased() + "s" + (group.isEmpty ? "" : "." + group)
                let name = try XCTUnwrap(object["metadata", "name"]?.string)
                let scope = KubernetesKinds.clusterScoped.contains(kind)
                    ? "cluster" : "namespaces/" + (object["metadata", "namespace"]?.string ?? "default")
                members.append(("resources/\(resource)/\(version)-preferredversion/\(scope)/\(name).json", JSONWriter.string(object)))
            }
        }
        return members
    }

    func testVeleroBackupTarballImportsStreamedLikeTheFixtureFolder() throws {
        let fixtures = try requireFixtures()
        let expected = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("EXPECTED.json")))
            as? [String: Any])?["02-sock-shop"] as? [String: Any])
        let aggregate = try XCTUnwrap(expected["aggregate"] as? [String: Any])
        let members = try veleroMembers(fixtures.appendingPathComponent("02-sock-shop"))
        var tar = TarBuilder()
        tar.add("metadata/version", Array("1.1.0".utf8))
        for member in members { tar.add(member.path, Array(member.json.utf8)) }
        tar.finish()
        let folder = try temporaryFolder(self)
        let archive = folder.appendingPathComponent("backup.tar.gz")
        try Data(try gzip(tar.bytes, test: self)).write(to: archive)

        let database = try AppDatabase.inMemory()
        let summary = try importPaths([archive.path], cluster: "velero", into: database)
        XCTAssertEqual(summary.objectsRead, aggregate["objects"] as? Int)
        XCTAssertEqual(summary.kinds, aggregate["kinds"] as? [String: Int])
        XCTAssertEqual(summary.files, 1)
        XCTAssertEqual(summary.bytes, try Data(contentsOf: archive).count, "the archive's bytes, read once")
        let sources = try strings(database, "SELECT source_file FROM resource WHERE kind = 'Deployment' AND name = 'carts'")
        XCTAssertEqual(sources, [archive.path + ":resources/deployments.apps/v1-preferredversion/namespaces/sock-shop/carts.json"])

        // The same layout extracted to a folder reads the same objects.
        let extracted = try writeManifests(Dictionary(uniqueKeysWithValues: members.map { ($0.path, $0.json) }), test: self)
        let folderDatabase = try AppDatabase.inMemory()
        let folderSummary = try importPaths([extracted.path], cluster: "velero", into: folderDatabase)
        XCTAssertEqual(folderSummary.kinds, summary.kinds)
        XCTAssertEqual(try count(folderDatabase, "SELECT count(*) FROM resource"), try count(database, "SELECT count(*) FROM resource"))
    }

    /// Before Kubernetes 1.16 a DaemonSet is served under extensions and apps, and Velero stores both; with
    /// EnableAPIGroupVersions it stores every served version too. The inventory holds one object, as read from apps'
    /// preferred version, whatever order the archive holds the copies in.
    func testAnObjectUnderTwoGroupsAndVersionsIsOneObjectFromThePreferredCopy() throws {
        func daemonSet(_ apiVersion: String) -> String {
            #"{"apiVersion":"\#(apiVersion)","kind":"DaemonSet","metadata":{"name":"fluentd","namespace":"logging"},"spec":{"template":{"spec":{"containers":[{"name":"f","image":"fluentd:1"}]}}}}"#
        }
        let copies = [
            ("resources/daemonsets.extensions/v1beta1-preferredversion/namespaces/logging/fluentd.json", daemonSet("extensions/v1beta1")),
            ("resources/daemonsets.apps/v1-preferredversion/namespaces/logging/fluentd.json", daemonSet("apps/v1")),
            ("resources/daemonsets.apps/v1beta2/namespaces/logging/fluentd.json", daemonSet("apps/v1beta2")),
        ]
        for order in [copies, copies.reversed()] {
            var tar = TarBuilder()
            for (path, json) in order { tar.add(path, Array(json.utf8)) }
            tar.finish()
            let archive = try temporaryFolder(self).appendingPathComponent("backup.tar")
            try Data(tar.bytes).write(to: archive)
            let database = try AppDatabase.inMemory()
            let summary = try importPaths([archive.path], cluster: "c", into: database)
            XCTAssertEqual(try strings(database, "SELECT api_version FROM resource WHERE kind = 'DaemonSet'"), ["apps/v1"])
            XCTAssertTrue(summary.notices.contains { $0.message.contains("2 copies of Velero objects") }, "\(summary.notices)")

            let folder = try writeManifests(Dictionary(uniqueKeysWithValues: order.map { ($0.0, $0.1) }), test: self)
            let folderDatabase = try AppDatabase.inMemory()
            let folderSummary = try importPaths([folder.path], cluster: "c", into: folderDatabase)
            XCTAssertEqual(try strings(folderDatabase, "SELECT api_version FROM resource WHERE kind = 'DaemonSet'"), ["apps/v1"])
            XCTAssertTrue(folderSummary.warnings.contains { $0.contains("2 copies of Velero objects") }, "\(folderSummary.warnings)")
        }
    }

    func testLinksAndDirectoriesAreSkippedAndLongNamesRead() throws {
        let longName = "resources/configmaps/namespaces/shop/" + String(repeating: "c", count: 150) + ".json"
        let json = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"shop"}}"#
        var tar = TarBuilder()
        tar.add("resources/", [], type: UInt8(ascii: "5"))
        tar.add("resources/link.json", [], type: UInt8(ascii: "2"))
        tar.add("././@LongLink", Array(longName.utf8) + [0], type: UInt8(ascii: "L"))
        tar.add(String(longName.prefix(100)), Array(json.utf8))
        tar.finish()
        let archive = try temporaryFolder(self).appendingPathComponent("bundle.tgz")
        try Data(try gzip(tar.bytes, test: self)).write(to: archive)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([archive.path], cluster: "c", into: database)
        XCTAssertEqual(summary.objectsRead, 1)
        XCTAssertEqual(try strings(database, "SELECT source_file FROM resource"), [archive.path + ":" + longName])
    }

    /// Each hostile archive stops the import with an error naming the archive (and the member, when there is one),
    /// and leaves the inventory as it was.
    func testHostileArchivesAreRefusedAndLeaveTheInventoryUnchanged() throws {
        let good = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"shop"}}"#
        func tar(_ build: (inout TarBuilder) -> Void) -> [UInt8] {
            var builder = TarBuilder()
            builder.add("resources/configmaps/namespaces/shop/a.json", Array(good.utf8))
            build(&builder)
            builder.finish()
            return builder.bytes
        }
        let folder = try temporaryFolder(self)
        let complete = try gzip(tar { _ in }, test: self)
        var cases: [(name: String, bytes: [UInt8], expected: [String])] = [
            ("climbing.tar", tar { $0.add("resources/../../etc/x.json", Array(good.utf8)) }, ["climbing.tar:resources/../../etc/x.json", "'..'"]),
            ("absolute.tar", tar { $0.add("/etc/x.json", Array(good.utf8)) }, ["absolute.tar:/etc/x.json", "absolute path"]),
            ("escape.tar", tar { $0.add("resources/a\u{1B}[2J.json", Array(good.utf8)) }, ["escape.tar:resources/a\\u{1B}", "control characters"]),
            ("huge.tar", tar { $0.add("resources/x.json", [], declaredSize: 1 << 50) }, ["huge.tar:resources/x.json", "declares"]),
            ("cut.tar.gz", Array(complete.prefix(complete.count / 2)), ["cut.tar.gz", "truncated"]),
            ("shortmember.tar", Array(tar { $0.add("resources/configmaps/namespaces/shop/b.json", Array(good.utf8)) }.dropLast(1024 + 500)),
             ["shortmember.tar:resources/configmaps/namespaces/shop/b.json", "ends inside"]),
            ("garbage.tar.gz", [0x1f, 0x8b] + [UInt8](repeating: 0x55, count: 600), ["garbage.tar.gz", "not valid gzip"]),
            ("badjson.tar", tar { $0.add("resources/configmaps/namespaces/shop/b.json", Array(#"{"kind": ["#.utf8)) },
             ["badjson.tar:resources/configmaps/namespaces/shop/b.json:2:1:", "expected node content"]),
            ("checksum.tar", Array(repeating: UInt8(ascii: "x"), count: 1024), ["checksum.tar", "checksum"]),
        ]
        // 64 MiB of zeros in one member compresses about a thousand times: far beyond what an export expands to.
        var bomb = TarBuilder()
        bomb.add("resources/configmaps/namespaces/shop/bomb.json", [UInt8](repeating: 0, count: 64 << 20))
        bomb.finish()
        cases.append(("bomb.tar.gz", try gzip(bomb.bytes, test: self), ["bomb.tar.gz", "decompression bomb"]))

        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["a.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"], test: self).path],
                        cluster: "c", into: database)
        let before = try dump(database)
        for hostile in cases {
            let path = folder.appendingPathComponent(hostile.name)
            try Data(hostile.bytes).write(to: path)
            XCTAssertThrowsError(try importPaths([path.path], cluster: "c", into: database), hostile.name) { error in
                let text = "\(error)"
                for part in hostile.expected { XCTAssertTrue(text.contains(part), "\(hostile.name): \(text)") }
            }
            XCTAssertEqual(try dump(database), before, "\(hostile.name) left the inventory as it was")
        }
    }

    /// Archives with bytes flipped in their headers and pax records are read or refused, never a crash or a hang.
    func testMutatedArchivesAreReadOrRefused() throws {
        let json = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"shop"}}"#
        var tar = TarBuilder()
        tar.add("PaxHeaders/a.json", Array("35 path=resources/x/cluster/a.json\n".utf8), type: UInt8(ascii: "x"))
        tar.add("a.json", Array(json.utf8))
        tar.add("././@LongLink", Array("resources/configmaps/namespaces/shop/b.json\0".utf8), type: UInt8(ascii: "L"))
        tar.add("b.json", Array(json.replacingOccurrences(of: #""name":"a""#, with: #""name":"b""#).utf8))
        tar.finish()
        let folder = try temporaryFolder(self)
        let intact = folder.appendingPathComponent("intact.tar")
        try Data(tar.bytes).write(to: intact)
        let names = try AppDatabase.inMemory()
        try importPaths([intact.path], cluster: "c", into: names)
        XCTAssertEqual(try strings(names, "SELECT source_file FROM resource ORDER BY 1"),
                       [intact.path + ":resources/configmaps/namespaces/shop/b.json", intact.path + ":resources/x/cluster/a.json"],
                       "the pax path and the GNU long name name the members")
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> Int {  // a fixed sequence, so a failure repeats
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return Int(truncatingIfNeeded: seed & 0x7fff_ffff)
        }
        var read = 0, refused = 0
        for round in 0..<300 {
            var bytes = tar.bytes
            for _ in 0..<(1 + next() % 4) {
                // Mostly header blocks (0, 1024, 2048, 3072) and the pax record, where parsing decides.
                let block = [0, 512, 1024, 1536, 2048, 2560][next() % 6]
                bytes[block + next() % 512] = UInt8(next() % 256)
            }
            let path = folder.appendingPathComponent("m\(round).tar")
            try Data(bytes).write(to: path)
            let database = try AppDatabase.inMemory()
            do {
                try importPaths([path.path], cluster: "c", into: database)
                read += 1
            } catch {
                XCTAssertTrue("\(error)".contains("m\(round).tar"), "\(error)")
                refused += 1
            }
        }
        XCTAssertGreaterThan(read, 0)
        XCTAssertGreaterThan(refused, 0)
    }
}
