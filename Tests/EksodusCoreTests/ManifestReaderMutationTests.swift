import Foundation
import XCTest
@testable import EksodusCore

/// A deterministic mutation fuzzer in the test suite: manifests (a few written here, plus the shared fixtures when
/// present) are damaged in ways attackers and broken exports do — flipped bytes, cuts, control characters, deep
/// nesting, anchors and aliases, document markers — and every result must be read or refused with a
/// ManifestSyntaxError, never crash. `fuzz/run.sh` runs the coverage-guided libFuzzer version of the same target.
final class ManifestReaderMutationTests: XCTestCase {
    static let iterations = 1500
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    static let seeds = [
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, labels: &labels {app: web}}
        spec:
          selector: {matchLabels: *labels}
          template:
            metadata: {labels: *labels}
            spec:
              containers:
              - {name: web, image: "nginx:1.25", env: [{name: A, value: "1"}]}
        status: {replicas: 1}
        """,
        """
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: v}}
        - apiVersion: v1
          kind: Secret
          metadata: {name: s, annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}}
          data: {password: cGFzcw==}
        """,
        #"{"kind": "ServiceList", "apiVersion": "v1", "items": [{"metadata": {"name": "x"}, "spec": {"ports": [{"port": 80}]}}]}"#,
        "base: &b {a: 1, b: [1, 2]}\n---\nkind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {<<: *b, c: *b}\n--- 42\n",
    ]

    /// splitmix64: the same sequence on every machine, so a failure names a reproducible iteration.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments: [String] = [
        "[", "{", "]", "}", "&a ", "*a", "<<: *a\n", "&a [*a, *a, *a]", "\n---\n", "\n...\n", ": ", "- ", "\"", "'", "\\",
        "\u{0}", "\u{7}", "\t", "\r", "\u{FEFF}", "\u{85}", "%YAML 1.1\n", "!!binary ", "? ", "|\n", ">-\n", "#", "kind: 5\n",
        "metadata: {name: {a: 1}}\n", "items: [", "kind: List\n", "\u{FFFF}", "\u{1F600}",
    ]

    static func mutate(_ input: [UInt8], _ random: inout Generator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0 where !bytes.isEmpty:
                let index = min(at, bytes.count - 1)
                bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1:
                bytes.removeSubrange(at...)
            case 2:
                bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
            case 3:
                bytes.insert(contentsOf: Array(fragments.randomElement(using: &random)!.utf8), at: at)
            case 4:
                let depth = Int.random(in: 1...2000, using: &random)
                let open = Bool.random(using: &random) ? "[" : "{a: "
                bytes.insert(contentsOf: Array(String(repeating: open, count: depth).utf8), at: at)
            case 5 where at < bytes.count:
                let end = min(bytes.count, at + Int.random(in: 1...64, using: &random))
                bytes.insert(contentsOf: Array(bytes[at..<end]), at: end)
            default:
                let end = min(bytes.count, at + Int.random(in: 0...16, using: &random))
                bytes.removeSubrange(at..<end)
            }
        }
        return bytes
    }

    /// What the fuzz target checks: the input is read (and its objects written as the bodies an import stores) or refused.
    static func assertReadOrRefused(_ bytes: [UInt8], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            for object in try ManifestText.objects(bytes: bytes) {
                _ = JSONWriter.string(object)
                _ = ObjectExtractor().extract(object, line: 1)
            }
        } catch is ManifestSyntaxError {
        } catch {
            XCTFail("\(label): \(type(of: error)) \(error) instead of a ManifestSyntaxError", file: file, line: line)
        }
    }

    func testMutatedManifestsAreReadOrRefused() throws {
        var inputs = Self.seeds.map { Array($0.utf8) }
        if let fixtures = fixturesFolder(), let files = FileManager.default.enumerator(atPath: fixtures.path) {
            let manifests = files.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
            for path in manifests.prefix(40) {
                guard let data = FileManager.default.contents(atPath: fixtures.appendingPathComponent(path).path) else { continue }
                inputs.append(Array(data.prefix(16 << 10)))
            }
        }
        var random = Generator(state: 12)
        for iteration in 0..<Self.iterations {
            let seed = inputs[iteration % inputs.count]
            Self.assertReadOrRefused(Self.mutate(seed, &random), "iteration \(iteration)")
        }
    }

    func testNestedComplexKeysAreRefusedNotDoubledUntilMemoryRunsOut() throws {
        let data = try Data(contentsOf: Self.regressions.appendingPathComponent("nested-complex-keys.yaml"))
        XCTAssertThrowsError(try ManifestText.objects(String(decoding: data, as: UTF8.self))) { error in
            XCTAssertTrue("\(error)".contains("a mapping key longer than 4096 bytes"), "\(error)")
        }
        // A small complex key is still read, as its JSON text.
        let objects: [ManifestNode] = try ManifestText.objects("{? {a: 1} : x}")
        XCTAssertEqual(objects.first?[#"{"a":1}"#]?.string, "x")
    }

    func testFuzzRegressionsAreReadOrRefused() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.regressions.path).filter { !$0.hasPrefix(".") && $0 != "README.md" }
        XCTAssertFalse(files.isEmpty, "the regression inputs are kept in \(Self.regressions.path)")
        for name in files.sorted() {
            let data = try Data(contentsOf: Self.regressions.appendingPathComponent(name))
            Self.assertReadOrRefused(Array(data), name)
        }
    }
}
