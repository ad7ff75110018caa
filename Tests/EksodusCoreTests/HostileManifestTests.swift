import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// Manifests written to hurt the reader: each is refused with its place, or read with a bounded warning, never followed.
final class HostileManifestTests: XCTestCase {
    private struct NotRefused: Error { var objects: Int }

    private func syntaxError(_ text: String) throws -> ManifestSyntaxError {
        do {
            throw NotRefused(objects: try parseObjects(text).count)
        } catch let error as ManifestSyntaxError {
            return error
        }
    }

    /// Imports `text` into a database that already holds one import, and checks the failed import left it as it was.
    private func importFailure(_ text: String) throws -> String {
        let database = try AppDatabase.inMemory()
        let good = try writeManifests(["good.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\n"], test: self)
        try importPaths([good.path], cluster: "c", into: database)
        let before = try dump(database)
        let bad = try writeManifests(["bad.yaml": text], test: self)
        var message = ""
        XCTAssertThrowsError(try importPaths([bad.path], cluster: "c", into: database)) { message = "\($0)" }
        XCTAssertEqual(try dump(database), before, "a refused import leaves the inventory unchanged")
        return message
    }

    func testDeepFlowSequencesGiveTheDepthErrorWithTheirPlace() throws {
        let depth = 100_000
        let error = try syntaxError("kind: x\nspec: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n")
        XCTAssertEqual(error.line, 2)
        XCTAssertEqual(error.column, 7 + ManifestStreamReader.maxDepth - 1, "the first bracket past the limit")
        XCTAssertEqual(error.message, "nesting deeper than \(ManifestStreamReader.maxDepth) levels")
    }

    func testDeepMappingsAndBareArraysGiveTheDepthError() throws {
        let depth = 100_000
        let mappings = String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)
        XCTAssertTrue(try syntaxError(mappings).message.hasPrefix("nesting deeper than"))
        let array = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        XCTAssertTrue(try syntaxError(array).message.hasPrefix("nesting deeper than"))
        XCTAssertTrue(try importFailure(mappings).contains("bad.yaml:1:"))
    }

    func testNestingJustUnderTheLimitIsRead() throws {
        let depth = ManifestStreamReader.maxDepth - 1  // the object's own mapping is the first level
        let text = "apiVersion: v1\nkind: X\nspec: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        XCTAssertEqual(try parseObjects(text).count, 1)
    }

    func testDepthReachedThroughAliasesIsRefused() throws {
        let half = ManifestStreamReader.maxDepth / 2 + 10
        let open = String(repeating: "[", count: half), close = String(repeating: "]", count: half)
        let text = "kind: x\nfirst: &deep \(open)1\(close)\nsecond: \(open)*deep\(close)\n"
        let error = try syntaxError(text)
        XCTAssertEqual(error.line, 3)
        XCTAssertTrue(error.message.contains("through alias *deep"), error.message)
    }

    func testBillionLaughsIsRefusedBeforeExpanding() throws {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  l0: &l0 \"lol\"\n"
        for level in 1...9 {
            text += "  l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        let error = try syntaxError(text)
        XCTAssertTrue(error.message.hasPrefix("too many aliases"), error.message)
        XCTAssertLessThan(error.line, 14, "refused while the levels are read, before the last one")
        XCTAssertTrue(try importFailure(text).contains("too many aliases"))
    }

    func testLinearAliasBombIsRefused() throws {
        let items = (0..<1000).map { "v\($0)" }.joined(separator: ", ")
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\nbase: &base [\(items)]\ncopies:\n"
            + String(repeating: "- *base\n", count: 10_000)
        XCTAssertTrue(try syntaxError(text).message.hasPrefix("too many aliases"))
        XCTAssertTrue(try importFailure(text).contains("bad.yaml:"))
    }

    func testAliasesRepeatingLongTextAreRefused() throws {
        let long = String(repeating: "x", count: 1 << 20)
        let text = "kind: x\nbase: &text \"\(long)\"\ncopies: [" + Array(repeating: "*text", count: 20).joined(separator: ", ") + "]\n"
        let error = try syntaxError(text)
        XCTAssertTrue(error.message.hasPrefix("too many aliases") && error.message.contains("bytes of text"), error.message)
    }

    func testOrdinaryAliasesAndMergeKeysStillRead() throws {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: shared, labels: &labels {app: web, tier: front}}
            data:
              copies: [\(Array(repeating: "*labels", count: 50).joined(separator: ", "))]
              merged: {<<: [*labels, {app: other, extra: yes}], tier: back}
            """
        let object = try XCTUnwrap(try parseObjects(text).first)
        XCTAssertEqual(object["data", "copies"]?.items.count, 50)
        XCTAssertEqual(JSONWriter.string(try XCTUnwrap(object["data", "merged"])), #"{"tier":"back","app":"web","extra":"yes"}"#)
    }

    func testIdentifyingFieldsThatAreNotStringsAreSkippedWithAWarning() throws {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["odd.yaml": """
            apiVersion: v1
            kind: 5
            metadata: {name: five}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: {a: 1}}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: listed, namespace: [x]}
            ---
            apiVersion: true
            kind: ConfigMap
            metadata: {name: flag}
            ---
            apiVersion: v1
            kind: "5"
            metadata: {name: "007"}
            """], test: self)
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT kind || '/' || name FROM resource"), ["5/007"], "quoted numbers are strings")
        XCTAssertEqual(summary.notices.map(\.description), [
            "\(folder.path)/odd.yaml:1: an object whose kind is the number 5, not a string; skipped",
            "\(folder.path)/odd.yaml:5: an object whose metadata.name is a mapping, not a string; skipped",
            "\(folder.path)/odd.yaml:9: an object whose metadata.namespace is a list, not a string; skipped",
            "\(folder.path)/odd.yaml:13: an object whose apiVersion is the boolean true, not a string; skipped",
        ])
    }

    func testDuplicateKeysWarnAndKeepTheLastValue() throws {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["dup.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels: {app: one, app: two}
            data:
              mode: first
            data:
              mode: second
            """], test: self)
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(summary.notices.map(\.description), [
            "\(folder.path)/dup.yaml:5: duplicate key \"app\"; the last value is kept",
            "\(folder.path)/dup.yaml:8: duplicate key \"data\"; the last value is kept",
        ])
        XCTAssertEqual(summary.objectsRead, 1)
        XCTAssertFalse(ImportReport.text(summary).contains("Skipped"), "a warning is not a skipped document")
        let body = try XCTUnwrap(try strings(database, "SELECT body FROM resource").first)
        XCTAssertEqual(body.components(separatedBy: "\"app\"").count, 2, body)
        XCTAssertEqual(body.components(separatedBy: "\"data\"").count, 2, body)
        XCTAssertTrue(body.contains(#""labels":{"app":"two"}"#) && body.contains(#""data":{"mode":"second"}"#), body)
    }

    func testAMappingWithManyKeysFindsDuplicatesPastItsIndexThreshold() throws {
        let keys = (0..<100).map { "k\($0): \($0)" } + ["k3: last", "k99: last"]
        let object = try XCTUnwrap(try parseObjects("kind: x\ndata: {\(keys.joined(separator: ", "))}\n").first)
        XCTAssertEqual(object["data"]?.entries.count, 100)
        XCTAssertEqual(object["data", "k3"]?.string, "last")
        XCTAssertEqual(object["data"]?.entries[3].key, "k3", "a repeated key keeps its first place")
    }

    func testManyNonObjectDocumentsPrintABoundedNumberOfWarnings() throws {
        let database = try AppDatabase.inMemory()
        let count = 100_000
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: real}\n"
        for index in 0..<count { text += index % 2 == 0 ? "--- 42\n" : "--- \"text\"\n" }
        let folder = try writeManifests(["noise.yaml": text], test: self)
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        let path = "\(folder.path)/noise.yaml"
        XCTAssertEqual(summary.notices.count, SampledNotices.kept + 1)
        XCTAssertEqual(summary.notices.first?.description, "\(path):4: a document that is a scalar, not a mapping; skipped")
        XCTAssertEqual(summary.notices.last?.description, "… and \(count - SampledNotices.kept) more documents that are not Kubernetes objects in \(path)")
        XCTAssertTrue(ImportReport.text(summary).contains("Skipped \(count) document(s)"), ImportReport.text(summary))
        XCTAssertEqual(summary.objectsRead, 1)
    }

    func testSkippedDocumentsFromReaderAndExtractorAreSampledInLineOrder() throws {
        let database = try AppDatabase.inMemory()
        var text = ""
        for index in 0..<20 { text += index % 2 == 0 ? "--- {replicaCount: \(index)}\n" : "--- \(index)\n" }
        let folder = try writeManifests(["mixed.yaml": text], test: self)
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(summary.notices.prefix(SampledNotices.kept).map(\.line), [1, 2, 3, 4, 5])
        XCTAssertEqual(summary.notices.reduce(0) { $0 + $1.skipped }, 20)
    }
}
