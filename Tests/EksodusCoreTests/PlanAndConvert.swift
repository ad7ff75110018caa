import Foundation
import XCTest
@testable import EksodusCore

/// Imports `manifests` as cluster `src`, assesses, plans and converts them: the plan and every written file's text (by
/// path under the output folder), for tests that build a plan from manifests they write.
func planAndConvert(_ manifests: String, test: XCTestCase) throws -> (plan: TransitionPlan, files: [String: String]) {
    let reference = try ReferenceData.embedded()
    let folder = try writeManifests(["in.yaml": manifests], test: test)
    let database = try AppDatabase.inMemory()
    try importPaths([folder.path], cluster: "src", into: database)
    _ = try Assessor(database: database, reference: reference).run(target: KubernetesVersion(major: 1, minor: 35), now: fixedNow)
    let plan = try TransitionPlanner(database: database, reference: reference)
        .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
    let estates = try database.writer.read { try Estate.load($0) }
    let out = try temporaryFolder(test)
    _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
    var files: [String: String] = [:]
    for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where ["yaml", "md"].contains(url.pathExtension) {
        files[String(url.path.dropFirst(out.path.count + 1))] = try String(contentsOf: url, encoding: .utf8)
    }
    return (plan, files)
}

/// The written objects of `kind` in `files`.
func writtenObjects(_ files: [String: String], kind: String) throws -> [ManifestNode] {
    try files.filter { $0.key.hasSuffix(".yaml") && !$0.key.hasSuffix("kustomization.yaml") }
        .flatMap { try ManifestText.objects($0.value, name: $0.key) }.filter { $0["kind"]?.string == kind }
}
