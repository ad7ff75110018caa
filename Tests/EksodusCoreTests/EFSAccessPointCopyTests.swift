import Foundation
import XCTest
@testable import EksodusCore

/// A claim the EFS CSI driver provisioned is an access point rooted at its own 700 directory with an enforced user:
/// DataSync must write through that access point, without the source's owners, or the pod cannot see or write the files.
/// The demo's prod/shop/media-upload (an RWX claim moved to EFS) is the case the review found.
final class EFSAccessPointCopyTests: XCTestCase {
    private let accessPoint = "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0def"

    func testTheCopyChecksItsDestinationFirstAndTheVerifyChecksOwnersThroughThePod() throws {
        let plan = try DemoPlanOnce.plan()
        let data = try XCTUnwrap(plan.items.first { $0.keyText == "data:prod/shop/media-upload" })
        let start = try XCTUnwrap(data.commands.firstIndex { $0.contains("start-task-execution") })
        let destination = try XCTUnwrap(data.commands.firstIndex { $0.contains("describe-location-efs") })
        XCTAssertLessThan(destination, start, "the destination is checked before the first pass")
        XCTAssertTrue(data.commands.contains { $0.contains("get pvc 'media-uploads'") }, data.commands.joined(separator: "\n"))
        let verify = try XCTUnwrap(plan.items.first { $0.keyText == "data-verify:prod/shop/media-upload" })
        XCTAssertTrue(verify.commands.contains { $0.contains("find . -type f | wc -l") }, "the file count through the pods stays")
        XCTAssertTrue(verify.commands.contains { $0.contains("! -uid") && $0.contains("'/srv/media'") }, verify.commands.joined(separator: "\n"))
    }

    func testTheDestinationGateFailsOnEveryWrongOrMissingAnswer() throws {
        let gate = try demoLines("data:prod/shop/media-upload").joined(separator: "\n")
        let good = ["PVC": "pvc-123", "HANDLE": "fs-0abc::fsap-0def", "AP_INFO": "/dynamic/pvc-123\t50001\t50001",
                    "DEST_AP": accessPoint, "OWNERS": "NONE\tNONE"]
        XCTAssertEqual(try run(gate, good).status, 0, "the task writes through the claim's access point without owners")
        let wrong: [(String, String)] = [
            ("PVC", ""),                                          // not bound
            ("HANDLE", "fs-0abc"), ("HANDLE", "fs-0abc:/data:"), ("HANDLE", ""),  // static or no volume: no access point
            ("AP_INFO", "None\tNone\tNone"), ("AP_INFO", ""), ("AP_INFO", "/dynamic/pvc-123\tNone\t50001"),
            ("DEST_AP", "None"), ("DEST_AP", "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0def9"),
            ("DEST_AP", ""),                                      // a location on the file system's root
            ("OWNERS", "INT_VALUE\tINT_VALUE"), ("OWNERS", "NONE\tINT_VALUE"), ("OWNERS", ""),
            ("AWS_FAILS", "1"),
        ]
        for (name, value) in wrong {
            XCTAssertNotEqual(try run(gate, good.merging([name: value]) { _, new in new }).status, 0, "\(name)=\(value)")
        }
    }

    func testTheOwnershipCheckFailsOnFilesOfAnotherUser() throws {
        let check = try demoLines("data-verify:prod/shop/media-upload").joined(separator: "\n")
        let mount = try temporaryFolder(self)
        try "x".write(to: mount.appendingPathComponent("upload.jpg"), atomically: true, encoding: .utf8)
        let me = String(getuid()), group = String(getgid())
        let base = ["PVC": "pvc-123", "HANDLE": "fs-0abc::fsap-0def", "MOUNT": mount.path]
        XCTAssertEqual(try run(check, base.merging(["AP_INFO": "/dynamic/pvc-123\t\(me)\t\(group)"]) { _, new in new }).status, 0)
        XCTAssertNotEqual(try run(check, base.merging(["AP_INFO": "/dynamic/pvc-123\t50001\t\(group)"]) { _, new in new }).status, 0, "another owner")
        XCTAssertNotEqual(try run(check, base.merging(["AP_INFO": "/dynamic/pvc-123\t\(me)\t50001"]) { _, new in new }).status, 0, "another group")
        XCTAssertNotEqual(try run(check, base.merging(["AP_INFO": "/dynamic/pvc-123\t\(me)\t\(group)", "EXEC_FAILS": "1"]) { _, new in new }).status, 0, "no pod")
    }

    /// The item's lines that work on the access point (they set and use EFS_… variables), in their order.
    private func demoLines(_ key: String) throws -> [String] {
        let item = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == key })
        let lines = item.commands.filter { $0.contains("EFS_") }
        XCTAssertGreaterThanOrEqual(lines.count, 4, item.commands.joined(separator: "\n"))
        return lines
    }

    /// Stand-ins answering from the environment: kubectl (the claim's PV, its handle, exec run locally in MOUNT) and aws.
    private func run(_ script: String, _ answers: [String: String]) throws -> (status: Int32, output: String) {
        let bin = try temporaryFolder(self)
        let stubs = [
            "kubectl": """
                case "$*" in
                  *"get pvc"*) printf '%s' "$PVC" ;;
                  *"get pv "*) printf '%s' "$HANDLE" ;;
                  *" exec "*) [ -z "$EXEC_FAILS" ] || exit 1; while [ "$1" != -- ]; do shift; done; shift; shift; shift
                    script=$(printf '%s' "$1" | sed "s#'/srv/media'#'$MOUNT'#"); shift; exec sh -c "$script" "$@" ;;
                  *) exit 3 ;;
                esac
                """,
            "aws": """
                [ -z "$AWS_FAILS" ] || exit 255
                case "$*" in
                  *describe-access-points*) printf '%s\\n' "$AP_INFO" ;;
                  *"describe-task "*DestinationLocationArn*) echo arn:aws:datasync:eu-west-1:123456789012:location/loc-1 ;;
                  *"describe-task "*Options*) printf '%s\\n' "$OWNERS" ;;
                  *describe-location-efs*) printf '%s\\n' "$DEST_AP" ;;
                  *) exit 3 ;;
                esac
                """,
        ]
        for (name, body) in stubs {
            let url = bin.appendingPathComponent(name)
            try "#!/bin/sh\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
            XCTAssertEqual(chmod(url.path, 0o755), 0)
        }
        // The claim's task and destination as an earlier run (or an engineer) left them: the checks read them back.
        let folder = try temporaryFolder(self)
        for what in ["task", "destination"] {
            try "arn:aws:datasync:eu-west-1:123456789012:\(what)-1\n".write(to: folder.appendingPathComponent(ShellQuote.fileName(["datasync", "prod", "shop", "media-uploads", what], suffix: ".arn")),
                                                                            atomically: true, encoding: .utf8)
        }
        let environment = ["PATH": bin.path + ":/usr/bin:/bin",
                           "PVC": "", "HANDLE": "", "AP_INFO": "", "DEST_AP": "", "OWNERS": "", "MOUNT": "/nonexistent", "AWS_FAILS": "", "EXEC_FAILS": ""]
        // Each line is run on its own, as an engineer runs it, until the first that fails.
        let lines = "cd " + ShellQuote.word(folder.path) + " || exit 9\n" + script.split(separator: "\n").map { "{ " + $0 + "\n} || exit $?" }.joined(separator: "\n")
        return try GateShell.run(lines, environment: environment.merging(answers) { _, new in new })
    }
}
