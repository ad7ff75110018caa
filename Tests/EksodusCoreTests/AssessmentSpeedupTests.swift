import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// What the assessment's shortcuts must not change: the bodies it skips, the labels it reads straight, the findings'
/// order, and the CHECK constraints it turns off while storing.
final class AssessmentSpeedupTests: XCTestCase {
    /// Each finding as text, for comparing runs (Finding is not Equatable).
    func described(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.checkID)|\($0.severity)|\($0.kind)/\($0.namespace)/\($0.name)|\($0.field)|\($0.message)" }
    }

    func testEveryCheckFindsTheSameWithOnlyTheBodiesItDeclares() throws {
        let reference = try ReferenceData.embedded()
        var compared = 0
        for check in CheckCatalog.all {
            for example in check.info.triggering + check.info.nonTriggering {
                let database = try AppDatabase.inMemory()
                try importPaths([try writeManifests(["example.yaml": example], test: self).path], cluster: "example", into: database)
                var target = KubernetesVersion(major: 1, minor: 33)
                if example.hasPrefix("# target:"), let line = example.split(separator: "\n").first,
                   let version = KubernetesVersion(String(line.dropFirst("# target:".count))) {
                    target = version
                }
                let context = CheckContext(target: target, date: "2026-11-22", reference: reference)
                let full = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)
                let declared = try XCTUnwrap(try database.writer.read { try Estate.load($0, bodies: check.bodies) }.first)
                XCTAssertEqual(described(check.run(declared, context)), described(check.run(full, context)), "\(check.info.id) reads a body it does not declare")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 100)
    }

    func testOnlyTheSelectedBodiesAreLoaded() throws {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["objects.yaml": """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80}], selector: {app: web}}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            data: {mode: fast}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: notes, namespace: shop}
            data: {hostAliases: "not a workload's"}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: with-alias, namespace: shop}
            spec: {hostAliases: [{ip: 10.0.0.1, hostnames: [db.corp]}], containers: [{name: app, image: 'app:1'}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: plain, namespace: shop}
            spec: {containers: [{name: app, image: 'app:1'}]}
            """], test: self)
        try importPaths([folder.path], cluster: "c", into: database)
        let bodies = Estate.Bodies(kinds: ["Service"], workloadsContaining: ["\"hostAliases\""])
        let some = try XCTUnwrap(try database.writer.read { try Estate.load($0, bodies: bodies) }.first)
        let all = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)
        func body(_ estate: Estate, _ name: String) -> String? { estate.resources.first { $0.name == name }?.bodyText }
        XCTAssertEqual(some.resources.map(\.name), all.resources.map(\.name), "the same resources in the same order")
        for name in ["web", "with-alias"] {
            XCTAssertEqual(body(some, name), body(all, name))
            XCTAssertNotEqual(body(some, name), "{}")
        }
        XCTAssertEqual(body(some, "settings"), "{}")
        XCTAssertEqual(body(some, "plain"), "{}")
        XCTAssertEqual(body(some, "notes"), "{}", "only workloads' bodies are searched")
        XCTAssertTrue(try XCTUnwrap(body(all, "notes")).contains("\"hostAliases\""))
        XCTAssertTrue(try XCTUnwrap(body(all, "settings")).contains("fast"))
    }

    func testFlatLabelMapsReadStraightAgreeWithTheGeneralReader() {
        let texts = [#"{"app":"web"}"#, #"{"a":"1","b":"two","a":"3"}"#, #"{"k":"line\nbreak","u":"\u00e9t\u00e9"}"#, #"{"x":"é","y":""}"#,
                     #"{"n":5}"#, #"{"n":null,"s":"x"}"#, #"{"nested":{"a":"b"}}"#, #"{"a":"b",}"#, #"{ "a":"b"}"#, "{}", #"{"a":"b"}x"#]
        for text in texts {
            let general = StoredJSONReader.value(text).map(\.stringMap)
            if let straight = StoredJSONReader.stringMap(text) {
                XCTAssertEqual(straight, general, text)
            }
            if let general { XCTAssertEqual(Estate.stringMap(text), general, text) }
        }
        XCTAssertEqual(StoredJSONReader.stringMap(#"{"a":"1","a":"2"}"#), ["a": "2"], "a repeated key keeps its last value")
        XCTAssertNil(StoredJSONReader.stringMap(#"{"n":5}"#), "a number takes the general reader")
    }

    func testFindingsAreOrderedAsSortingByTheirKeysDirectly() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("08-sock-shop-2018-old-apis").path, fixtures.appendingPathComponent("01-gcp-online-boutique").path],
                        cluster: "c", into: database)
        let result = try Assessor(database: database, reference: try ReferenceData.embedded())
            .run(target: try XCTUnwrap(KubernetesVersion("1.33")), now: fixedNow)
        var generator = SystemRandomNumberGenerator()
        let shuffled = result.allFindings.shuffled(using: &generator)
        XCTAssertGreaterThan(shuffled.count, 50)
        // Put in order in place, by swaps along the permutation's cycles: a shuffle has long cycles and fixed points both.
        var ordered = shuffled
        Assessor.putInOrder(&ordered)
        XCTAssertEqual(described(ordered), described(shuffled.sorted { $0.order < $1.order }))
        XCTAssertEqual(described(result.allFindings), described(result.allFindings.sorted { $0.order < $1.order }))
    }

    func testCheckConstraintsAreBackOnAfterAnAssessmentIsStored() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("08-sock-shop-2018-old-apis").path], cluster: "c", into: database)
        let result = try Assessor(database: database, reference: try ReferenceData.embedded())
            .run(target: try XCTUnwrap(KubernetesVersion("1.33")), now: fixedNow)
        let stored = try database.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM finding") }
        XCTAssertEqual(stored, result.allFindings.count)
        XCTAssertThrowsError(try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO finding (assessment_id, check_id, severity, category, cluster_id, namespace, kind, name, field, message)
                SELECT ?, 'API001', 'catastrophic', 'api', cluster_id, '', 'Pod', 'x', '', '' FROM resource LIMIT 1
                """, arguments: [result.assessmentID])
        }, "a severity outside the CHECK list is refused again")
    }
}
