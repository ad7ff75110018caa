import Foundation
import XCTest
@testable import EksodusCore

/// A `spec.timeZone` the manifest names is not taken on trust: one that is no IANA name (the API server refuses it, and a
/// hostile one could carry anything) keeps the time-zone decision open and is a TODO in convert, never "proven".
final class CronJobZoneValidationTests: XCTestCase {
    func testAZoneThatIsNoIANANameKeepsTheDecisionOpen() throws {
        func cron(_ name: String, zone: String) -> String {
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: \(name), namespace: jobs}
            spec:
              schedule: "0 3 * * *"
              timeZone: \(zone)
              jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: run, image: "busybox:1.36"}]}}}}
            """
        }
        for (zone, valid) in [("\"Asia/Seoul\"", true), ("\"../../etc/passwd\\n$(touch /tmp/x)\"", false), ("\"Mars/Olympus\"", false)] {
            let folder = try writeManifests(["jobs.yaml": cron("nightly", zone: zone)], test: self)
            let (plan, database) = try planImported([folder.path], target: KubernetesVersion(major: 1, minor: 33))
            let decision = try XCTUnwrap(plan.items.first { $0.keyText == "plan:cron-time-zone:src" })
            XCTAssertEqual(decision.provenDone, valid, zone)
            XCTAssertFalse(decision.evidence.contains("passwd") || decision.evidence.contains("Olympus"), "the value itself is not repeated: \(decision.evidence)")
            if !valid { XCTAssertTrue(decision.evidence.contains("CronJob/jobs/nightly"), decision.evidence) }
            let out = folder.appendingPathComponent("converted")
            _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
            let changes = try (FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix("CHANGES.md") }
                .map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }.joined()
            XCTAssertEqual(changes.contains("is not an IANA time zone name"), !valid, zone)
        }
    }
}
