import Foundation
import XCTest
@testable import EksodusCore

/// `assess -o sarif` as GitHub code scanning takes it: valid SARIF 2.1.0, a location on every result, URIs relative to the root.
final class SARIFTests: XCTestCase {
    /// The demo's inventory assessed for Kubernetes 1.20 (past EKS support: findings about whole clusters besides those about
    /// objects), rendered with the demo folder as the SARIF root (the sample manifests lie inside it).
    func sarif(anchor: String? = nil, maximumResults: Int = 25_000) throws -> (text: String, folder: URL) {
        let folder = try temporaryFolder(self).resolvingSymlinksInPath()
        var run = Demo(folder: folder, now: fixedNow)
        run.tracksProgress = false
        let demo = try run.run()
        let database = try AppDatabase.open(path: demo.databasePath)
        let result = try Assessor(database: database, reference: try ReferenceData.embedded()).run(target: KubernetesVersion(major: 1, minor: 20), now: fixedNow)
        let options = SARIFLog.Options(root: folder, anchor: anchor, clusterFiles: try SARIFLog.clusterFiles(database), workingDirectory: folder,
                                       maximumResults: maximumResults)
        return (SARIFLog(result, options: options).json, folder)
    }

    func testEveryResultHasARelativeLocationInsideTheRoot() throws {
        let (text, folder) = try sarif()
        let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(log["version"] as? String, "2.1.0")
        let run = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first)
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        XCTAssertGreaterThan(results.count, 10)
        var clusterLevel = 0
        for result in results {
            let location = try XCTUnwrap((result["locations"] as? [[String: Any]])?.first, "\(result)")
            let physical = try XCTUnwrap(location["physicalLocation"] as? [String: Any])
            let artifact = try XCTUnwrap(physical["artifactLocation"] as? [String: Any])
            let uri = try XCTUnwrap(artifact["uri"] as? String)
            XCTAssertEqual(artifact["uriBaseId"] as? String, "%SRCROOT%", uri)
            XCTAssertFalse(uri.hasPrefix("/") || uri.contains("..") || uri.contains("://"), uri)
            let path = folder.appendingPathComponent(uri.removingPercentEncoding ?? uri).path
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "\(uri) is not a file under the root")
            XCTAssertGreaterThanOrEqual(((physical["region"] as? [String: Any])?["startLine"] as? Int) ?? 0, 1)
            if ((result["message"] as? [String: Any])?["text"] as? String)?.contains("anchored at") == true { clusterLevel += 1 }
        }
        XCTAssertGreaterThan(clusterLevel, 0, "the demo's target-version findings are about whole clusters and still get a location")
        let base = try XCTUnwrap((run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"] as? [String: Any])
        XCTAssertEqual(base["uri"] as? String, folder.absoluteString.hasSuffix("/") ? folder.absoluteString : folder.absoluteString + "/")
    }

    func testAStatedAnchorLocatesClusterLevelFindings() throws {
        let (text, _) = try sarif(anchor: "versions.env")
        let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let results = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let anchored = results.filter { ((($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String == "versions.env" }
        XCTAssertFalse(anchored.isEmpty)
        XCTAssertTrue(anchored.allSatisfy { $0["ruleId"] as? String == "PLT001" || (($0["message"] as? [String: Any])?["text"] as? String)?.contains("anchored at versions.env") == true })
    }

    /// GitHub rejects a run of more than 25,000 results outright; past the limit the least severe go, and the run says so.
    func testPastTheResultLimitTheMostSevereStayAndTheRunSaysHowManyWent() throws {
        func results(_ text: String) throws -> (results: [[String: Any]], run: [String: Any]) {
            let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let run = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first)
            return (try XCTUnwrap(run["results"] as? [[String: Any]]), run)
        }
        let all = try results(try sarif().text)
        XCTAssertNil(all.run["invocations"], "under the limit nothing is left out")
        let errors = all.results.filter { $0["level"] as? String == "error" }
        XCTAssertFalse(errors.isEmpty)
        XCTAssertGreaterThan(all.results.count, errors.count + 1)
        let limit = errors.count + 1
        let capped = try results(try sarif(maximumResults: limit).text)
        XCTAssertEqual(capped.results.count, limit)
        XCTAssertEqual(capped.results.filter { $0["level"] as? String == "error" }.count, errors.count, "every error stays")
        let notes = try XCTUnwrap((capped.run["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"] as? [[String: Any]])
        let text = try XCTUnwrap((notes.first?["message"] as? [String: Any])?["text"] as? String)
        XCTAssertTrue(text.hasPrefix("\(all.results.count - limit) of \(all.results.count) results are left out"), text)
    }

    func testAFileOutsideTheRootKeepsAnAbsoluteURI() {
        let artifact = SARIFLog.artifact("/elsewhere/a b.yaml", root: URL(fileURLWithPath: "/repo"), from: URL(fileURLWithPath: "/repo"))
        XCTAssertEqual(artifact.uri, "file:///elsewhere/a%20b.yaml")
        XCTAssertNil(artifact.uriBaseId)
        let inside = SARIFLog.artifact("exports/prod #1/deploy.yaml", root: URL(fileURLWithPath: "/repo"), from: URL(fileURLWithPath: "/repo"))
        XCTAssertEqual(inside.uri, "exports/prod%20%231/deploy.yaml")
    }

    /// Validates against the OASIS schema kept in Tests/EksodusCoreTests/Schemas (see PROVENANCE.md there), with Python's
    /// jsonschema when it is installed.
    func testValidatesAgainstTheSARIF210Schema() throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Schemas/sarif-schema-2.1.0.json")
        XCTAssertTrue(FileManager.default.fileExists(atPath: schema.path))
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import jsonschema"]
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { throw XCTSkip("python3 is not installed") }
        check.waitUntilExit()
        guard check.terminationStatus == 0 else { throw XCTSkip("Python jsonschema is not installed") }
        let (text, folder) = try sarif(maximumResults: 5)  // capped: its invocation notice is validated too
        let file = folder.appendingPathComponent("eksodus.sarif")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let validate = Process()
        validate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        validate.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            errors = list(jsonschema.Draft4Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
            for error in errors[:5]: print(list(error.absolute_path), error.message)
            sys.exit(1 if errors else 0)
            """, schema.path, file.path]
        let output = Pipe()
        validate.standardOutput = output
        try validate.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        validate.waitUntilExit()
        XCTAssertEqual(validate.terminationStatus, 0, report)
        // The validator is not a yes-man: a result without a message breaks the schema.
        let broken = text.replacingOccurrences(of: "\"message\" :", with: "\"messages\" :").replacingOccurrences(of: "\"message\":", with: "\"messages\":")
        try broken.write(to: file, atomically: true, encoding: .utf8)
        let again = Process()
        again.executableURL = validate.executableURL
        again.arguments = validate.arguments
        again.standardOutput = FileHandle.nullDevice
        try again.run()
        again.waitUntilExit()
        XCTAssertNotEqual(again.terminationStatus, 0)
    }
}
