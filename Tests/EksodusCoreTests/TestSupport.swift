import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// The shared fixtures folder (`../shared/fixtures` beside the repository, or $EKSODUS_FIXTURES), or nil when absent.
func fixturesFolder() -> URL? {
    if let override = ProcessInfo.processInfo.environment["EKSODUS_FIXTURES"] {
        return URL(fileURLWithPath: override)
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder = root.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    return FileManager.default.fileExists(atPath: folder.appendingPathComponent("EXPECTED.json").path) ? folder : nil
}

func requireFixtures() throws -> URL {
    guard let folder = fixturesFolder() else { throw XCTSkip("../shared/fixtures is not beside this checkout") }
    return folder
}

/// A fresh temporary folder, removed when the test ends.
func temporaryFolder(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Writes `files` (relative path → text) under a new temporary folder and returns it.
func writeManifests(_ files: [String: String], test: XCTestCase) throws -> URL {
    let folder = try temporaryFolder(test)
    for (path, text) in files {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return folder
}

/// Parses YAML text into objects the way the importer does.
func parseObjects(_ text: String, file: String = "test.yaml") throws -> [ManifestNode] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-parse-\(UUID().uuidString).yaml")
    try text.write(to: folder, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = try ByteSource.open(path: folder.path, hasher: nil)
    let reader = ManifestStreamReader(reader: YAMLEventReader(file: file, source: source))
    var objects: [ManifestNode] = []
    try reader.read { objects.append($0.node) }
    return objects
}

/// Every row of every inventory table, as text: two equal dumps mean two equal databases.
func dump(_ database: AppDatabase) throws -> String {
    try database.writer.read { db in
        var out = ""
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for table in tables {
            out += "## \(table)\n"
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY 1") { out += row.description + "\n" }
        }
        return out
    }
}

func count(_ database: AppDatabase, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
    try database.writer.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
}

func strings(_ database: AppDatabase, _ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
    try database.writer.read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
}

let fixedNow = Date(timeIntervalSince1970: 1_790_000_000)

/// `validates: false` imports what no API server would hold, as a forged or hand-edited inventory holds it
/// (`Importer.validatesObjects`): for the tests that prove quoting downstream holds on its own.
@discardableResult
func importPaths(_ paths: [String], cluster: String, into database: AppDatabase, namespace: String = "default", validates: Bool = true) throws -> ImportSummary {
    var importer = Importer(database: database, workers: 2)
    importer.validatesObjects = validates
    return try importer.run(ImportRequest(paths: paths, cluster: cluster, defaultNamespace: namespace, now: fixedNow))
}

/// Imports `paths` as cluster `src` into a fresh in-memory inventory and plans it for `target` (eu-west-1, a fixed account and time).
func planImported(_ paths: [String], target: KubernetesVersion = KubernetesVersion(major: 1, minor: 35), validates: Bool = true) throws -> (plan: TransitionPlan, database: AppDatabase) {
    let database = try AppDatabase.inMemory()
    try importPaths(paths, cluster: "src", into: database, validates: validates)
    let request = PlanRequest(target: target, region: "eu-west-1", accountID: "123456789012", now: fixedNow)
    return (try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request), database)
}

extension PlanItem {
    /// The keys it waits for, as the database stores them.
    var waitsFor: [String] { prerequisites.map(\.description) }
}

/// Every prerequisite of a plan exists and comes before the item that waits for it (the items' order is topological,
/// which a cycle makes impossible).
func assertPrerequisitesAcyclic(_ plan: TransitionPlan, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    let keys = Set(plan.items.map(\.keyText))
    var position: [String: Int] = [:]
    for (index, item) in plan.items.enumerated() { position[item.keyText] = index }
    for item in plan.items {
        for prerequisite in item.waitsFor {
            XCTAssertTrue(keys.contains(prerequisite), "\(label): \(item.key) waits for a missing \(prerequisite)", file: file, line: line)
            // Items come in a topological order: a prerequisite always comes first, which a cycle makes impossible.
            XCTAssertLessThan(position[prerequisite] ?? Int.max, position[item.keyText] ?? 0,
                              "\(label): \(item.key) waits for \(prerequisite), which comes later (a cycle?)", file: file, line: line)
        }
    }
}

/// RFC 4180, by scalar.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = [], record: [String] = [], field = ""
    var quoted = false, afterQuote = false
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
        let scalar = scalars[index]
        if quoted {
            if scalar == "\"" {
                if index + 1 < scalars.count && scalars[index + 1] == "\"" { field += "\""; index += 1 } else { quoted = false; afterQuote = true }
            } else {
                field.unicodeScalars.append(scalar)
            }
        } else if scalar == "\"" && field.isEmpty && !afterQuote {
            quoted = true
        } else if scalar == "," {
            record.append(field); field = ""; afterQuote = false
        } else if scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n" {
            record.append(field); records.append(record); record = []; field = ""; afterQuote = false
            index += 1
        } else {
            field.unicodeScalars.append(scalar)
        }
        index += 1
    }
    return records
}
