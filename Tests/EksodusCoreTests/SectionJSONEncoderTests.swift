import Foundation
import XCTest
@testable import EksodusCore

/// The plan's sections are stored as JSONEncoder with sorted keys writes them, whichever encoder wrote them: a stored plan
/// reads back the same, and a re-plan of an unchanged estate stores the same bytes.
final class SectionJSONEncoderTests: XCTestCase {
    enum Kind: String, Codable { case plain, odd = "odd/kind" }

    struct Inner: Codable, Equatable {
        var b: Int
        var a: String?
        var Z: Bool
    }

    struct Sample: Codable, Equatable {
        var zeta = "z"
        var alpha = -42
        var names = ["", "slash/and\\back", "quote\"d", "line\nbreak\r\t\u{08}\u{0C}", "\u{01}\u{1F}\u{7F}", "é ünï 🚀 \u{85}\u{2028}\u{FEFF}"]
        var kind = Kind.odd
        var kinds: [Kind] = [.plain, .odd]
        var inner = Inner(b: 1, a: nil, Z: true)
        var inners = [Inner(b: 2, a: "x", Z: false), Inner(b: 3, a: "", Z: true)]
        var absent: String? = nil
        var present: Int? = 0
        var empty: [Inner] = []
        var counts = ["b": 2, "a": 1, "B": 3, "é": 4, "_": 5, "a/b": 6]
        var byNumber = [10: "ten", 2: "two"]
        var nested = [[1, 2], [], [3]]
        var big = UInt64.max
        var small = Int8.min
        var version = KubernetesVersion(major: 1, minor: 33)
    }

    func assertAsJSONEncoder<Value: Encodable>(_ value: Value, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
        let written = String(decoding: try SectionJSONEncoder.encode(value), as: UTF8.self)
        XCTAssertEqual(written, expected, label, file: file, line: line)
    }

    func testWritesWhatJSONEncoderWrites() throws {
        try assertAsJSONEncoder(Sample(), "sample")
        try assertAsJSONEncoder([Sample(), Sample()], "list of samples")
        try assertAsJSONEncoder(["k": Sample()], "dictionary of samples")
        try assertAsJSONEncoder("top/level", "a string alone")
    }

    /// Floating point and dates JSONEncoder writes its own way: refused, for the caller to use JSONEncoder.
    func testRefusesWhatItDoesNotFollow() {
        struct Measured: Encodable { var share = 0.5 }
        struct Dated: Encodable { var now = Date(timeIntervalSinceReferenceDate: 1) }
        struct Bytes: Encodable { var data = Data([1, 2]) }
        XCTAssertThrowsError(try SectionJSONEncoder.encode(Measured()))
        XCTAssertThrowsError(try SectionJSONEncoder.encode(Dated()))
        XCTAssertThrowsError(try SectionJSONEncoder.encode(Bytes()))
    }

    /// Every section of plans made from the real-world fixtures.
    func testPlanSectionsOfTheFixturesAsJSONEncoder() throws {
        let fixtures = try requireFixtures()
        for name in ["02-sock-shop", "04-k8s-examples-mysql-wordpress-pd", "07-argocd-install", "11-openshift-oc-list-exports"] {
            let folder = fixtures.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.path) else { continue }
            let database = try AppDatabase.inMemory()
            _ = try importPaths([folder.path], cluster: "c", into: database)
            let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
                .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
            XCTAssertFalse(plan.network.entries.isEmpty && plan.storage.entries.isEmpty && plan.images.entries.isEmpty, name)
            try assertAsJSONEncoder(plan.images, "\(name) images")
            try assertAsJSONEncoder(plan.storage, "\(name) storage")
            try assertAsJSONEncoder(plan.network, "\(name) network")
            try assertAsJSONEncoder(plan.identity, "\(name) identity")
            try assertAsJSONEncoder(plan.compute, "\(name) compute")
            try assertAsJSONEncoder(plan.waves, "\(name) waves")
            try assertAsJSONEncoder(plan.dependencies, "\(name) dependencies")
            try assertAsJSONEncoder(plan.cycles, "\(name) cycles")
        }
    }
}
