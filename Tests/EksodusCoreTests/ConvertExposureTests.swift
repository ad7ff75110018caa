import Foundation
import XCTest
@testable import EksodusCore

/// What `eksodus convert` must not carry over from a hostile export: the operator's own credentials into Secrets Manager,
/// and load balancers or class parameters that expose more than the plan decided.
final class ConvertExposureTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    /// Imports the manifests as cluster `src`, plans for 1.35 and converts; every written file's text by relative path.
    func convert(_ manifests: String) throws -> (TransitionPlan, [String: String]) {
        let folder = try writeManifests(["in.yaml": manifests], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var files: [String: String] = [:]
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where ["yaml", "md"].contains(url.pathExtension) {
            files[String(url.path.dropFirst(out.path.count + 1))] = try String(contentsOf: url, encoding: .utf8)
        }
        return (plan, files)
    }

    func objects(_ files: [String: String]) throws -> [ManifestNode] {
        try files.filter { $0.key.hasSuffix(".yaml") && !$0.key.hasSuffix("kustomization.yaml") }.flatMap { try ManifestText.objects($0.value, name: $0.key) }
    }

    /// The CHANGES.md `sh` block run by bash with a stub `aws`, the operator's AWS key and PATH in the environment and each
    /// variable the comments name set to `value of <key>`: what reaches Secrets Manager is exactly the keys' own values.
    func testSecretsManagerCommandsNeverReadTheOperatorsOwnVariables() throws {
        guard let bash = ConvertTests.which("bash"), ConvertTests.which("jq") != nil else { throw XCTSkip("bash and jq are needed") }
        let keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PATH", "GITHUB_TOKEN", "db.password", "db_password", "0"]
        let (_, files) = try convert("""
            apiVersion: v1
            kind: Secret
            metadata: {name: ci, namespace: app}
            type: Opaque
            data: {\(keys.map { "\"\($0)\": eHh4" }.joined(separator: ", "))}
            """)
        let changes = try XCTUnwrap(files.first { $0.key.hasSuffix("CHANGES.md") && $0.value.contains("create-secret") }?.value)
        let block = try XCTUnwrap(changes.components(separatedBy: "```sh\n").last?.components(separatedBy: "```").first)
        // "# VARIABLE: key KEY of SECRET" above each command names the variable per key.
        var environment = ["AWS_ACCESS_KEY_ID": "OPERATOR-KEY-ID", "AWS_SECRET_ACCESS_KEY": "OPERATOR-SECRET", "AWS_SESSION_TOKEN": "OPERATOR-TOKEN",
                           "GITHUB_TOKEN": "OPERATOR-GITHUB"]
        var variables: [String: String] = [:]
        for line in block.split(separator: "\n") where line.hasPrefix("# ") {
            let parts = line.dropFirst(2).components(separatedBy: ": key ")
            guard parts.count == 2, let key = parts[1].components(separatedBy: " of ").first else { continue }
            variables[key] = parts[0]
            environment[parts[0]] = "value of \(key)"
        }
        XCTAssertEqual(Set(variables.keys), Set(keys), block)
        XCTAssertEqual(Set(variables.values).count, keys.count, "two keys share a variable: \(variables)")
        for variable in variables.values {
            XCTAssertTrue(variable.hasPrefix("EKSODUS_SECRET_"), variable)
            XCTAssertNil(ProcessInfo.processInfo.environment[variable], "\(variable) is an ambient variable")
        }
        let stub = try temporaryFolder(self)
        let received = stub.appendingPathComponent("received")
        try Data("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '\(received.path)'\n".utf8).write(to: stub.appendingPathComponent("aws"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.appendingPathComponent("aws").path)
        environment["PATH"] = "\(stub.path):/usr/bin:/bin"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bash)
        process.arguments = ["-c", block]
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, block)
        let arguments = try String(contentsOf: received, encoding: .utf8).split(separator: "\0").map(String.init)
        let json = try XCTUnwrap(arguments.firstIndex(of: "--secret-string").map { arguments[$0 + 1] })
        let uploaded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        XCTAssertEqual(uploaded, Dictionary(uniqueKeysWithValues: keys.map { ($0, "value of \($0)") }))
        XCTAssertFalse(json.contains("OPERATOR"), json)
    }
}
