import XCTest
@testable import EksodusCore

/// A converted CronJob carries the starting deadline its enable step needs, so a copy created again from the file does not
/// run every schedule it missed while suspended; a usable deadline of its own stays.
extension ConvertTests {
    private static func cronJob(_ name: String, deadline: String?) -> String {
        """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: \(name), namespace: batch}
        spec:
          schedule: "0 2 * * *"
        \(deadline.map { "  startingDeadlineSeconds: \($0)\n" } ?? "")  jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - {name: report, image: "busybox:1.36", args: [sh, -c, "echo report"]}
        """
    }

    func testConvertedCronJobsGetTheEnableStepsStartingDeadlineUnlessTheyHaveAUsableOne() throws {
        let manifests = [Self.cronJob("plain", deadline: nil), Self.cronJob("kept", deadline: "300"), Self.cronJob("tiny", deadline: "5")].joined(separator: "\n---\n")
        let (_, _, files) = try convert([try writeManifests(["batch.yaml": manifests], test: self).path])
        func deadline(_ name: String) throws -> Int? {
            let (file, text) = try XCTUnwrap(files.first { $0.key.hasSuffix("workloads/cronjob-batch-\(name).yaml") }, "\(files.keys.sorted())")
            let object = try XCTUnwrap(try ManifestText.objects(text, name: file).first)
            XCTAssertEqual(object["spec", "suspend"]?.bool, true, name)
            return object["spec", "startingDeadlineSeconds"]?.int
        }
        XCTAssertEqual(try deadline("plain"), CronJobEnable.deadline, "none: the enable step's")
        XCTAssertEqual(try deadline("kept"), 300, "its own stays")
        XCTAssertEqual(try deadline("tiny"), CronJobEnable.deadline, "under the controller's 10 s check: replaced")
        let changes = files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined()
        XCTAssertTrue(changes.contains("spec.startingDeadlineSeconds"), "the change is explained")
    }
}
