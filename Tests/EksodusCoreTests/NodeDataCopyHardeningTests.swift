import Foundation
import XCTest
@testable import EksodusCore

/// What a hostile hostPath must never do through the node copy: leave its quotes in the node's POSIX sh (bash's `$'…'` means
/// nothing to dash), pass for an option of tar/du/find, or ship a node system path into a claim the manifest's workload mounts.
extension RunbookSafetyTests {
    /// A CronJob writing to each of `paths` (one volume each), planned; its data step's commands.
    func nodeCopyCommands(_ paths: [String]) throws -> [String] {
        let mounts = paths.indices.map { "{name: v\($0), mountPath: /m\($0)}" }.joined(separator: ", ")
        let volumes = paths.enumerated().map { index, path in
            "{name: v\(index), hostPath: {path: \"\(path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t"))\"}}"
        }.joined(separator: ", ")
        let plan = try plan(manifests: ["job.yaml": """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: dump, namespace: ops}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: dump, image: "busybox:1.36", volumeMounts: [\(mounts)]}]
                      volumes: [\(volumes)]
            """])
        let data = try item("data:src/ops/dump", in: plan)
        return data.commands + (plan.items.first { $0.keyText == "data-verify:src/ops/dump" }?.commands ?? [])
    }

    func testAPathWithAControlByteNeverReachesTheNodeShell() throws {
        let commands = try nodeCopyCommands(["/srv/data", "/x\t';touch /tmp/pwned;#"])
        let onNode = commands.filter { $0.contains("ssh ") }
        XCTAssertFalse(onNode.isEmpty, "\(commands)")
        XCTAssertFalse(onNode.contains { $0.contains("pwned") }, "\(onNode)")
        XCTAssertTrue(commands.contains { $0.hasPrefix("# TODO volume v1") }, "\(commands)")
        let copy = try XCTUnwrap(onNode.first { $0.contains("tar -C") })
        XCTAssertEqual(try wordsOnNode(try remoteCommand(of: "SOURCE_NODES=n1\n" + copy)), ["tar", "-C", "/srv/data", "-cf", "-", "."])
    }

    func testRelativeAndOptionLikePathsAreNeverArguments() throws {
        let commands = try nodeCopyCommands(["-L", "etc/app"])
        XCTAssertFalse(commands.contains { $0.contains("ssh ") }, "\(commands)")
        // Each path is left to the engineer, in the first copy and again in the final one.
        XCTAssertEqual(Set(commands.filter { $0.hasPrefix("# TODO volume") }.map { String($0.dropFirst("# TODO volume ".count).prefix(2)) }), ["v0", "v1"], "\(commands)")
    }

    func testNodeSystemPathsAreNeverShippedIntoAClaim() throws {
        let commands = try nodeCopyCommands(["/srv/data", "/etc/kubernetes", "/var/lib/kubelet"])
        let onNode = commands.filter { $0.contains("ssh ") }.joined(separator: "\n")
        XCTAssertTrue(onNode.contains("/srv/data"), onNode)
        XCTAssertFalse(onNode.contains("/etc/kubernetes"), onNode)
        XCTAssertFalse(onNode.contains("/var/lib/kubelet"), onNode)
    }

    func testACommentCarriesNoTerminalControls() {
        let comment = ShellQuote.comment("volume \u{1B}[2K\u{1B}[1Ahidden\u{7}")
        XCTAssertFalse(comment.unicodeScalars.contains { ShellQuote.isInvisible($0) }, comment.debugDescription)
        XCTAssertTrue(comment.hasSuffix("hidden "), comment)
    }

    /// The switch's gate fails when the TTL change was never noted here (unset, the arithmetic read 0 and the wait passed).
    func testTheTTLGateFailsWhenItsTimeIsUnset() throws {
        let plan = try demo().plan
        let traffic = try XCTUnwrap(plan.items.first { $0.keyText.hasPrefix("traffic:") && $0.commands.contains { $0.hasPrefix("eksodus_dns_ttl_passed ") } })
        let gate = try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("eksodus_dns_ttl_passed ") })
        // The record file holds the old TTL; the lowering's time file is missing.
        let folder = try temporaryFolder(self)
        let record = try XCTUnwrap(traffic.commands[gate].firstMatch(of: /'([^']+\.dns-record\.json)'/)?.1)
        try #"[{"Name": "x.", "Type": "A", "TTL": 300}]"#.write(to: folder.appendingPathComponent(String(record)), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.currentDirectoryURL = folder
        process.arguments = ["-c", "TTL_LOWERED_AT=0; OLD_TTL=300\n" + RunbookLibrary.load + "\n" + traffic.commands[gate]]
        process.environment = RunbookLibraryFile.environment(ProcessInfo.processInfo.environment)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0, "the gate passed with no lowering time noted: \(traffic.commands)")
        // And with it noted just now, the old TTL (300 s) has not passed: still refused.
        try "\(Int(Date().timeIntervalSince1970))\n".write(to: folder.appendingPathComponent(String(record).replacingOccurrences(of: ".dns-record.json", with: ".ttl-lowered-at")), atomically: true, encoding: .utf8)
        let again = Process()
        again.executableURL = URL(fileURLWithPath: "/bin/bash")
        again.currentDirectoryURL = folder
        again.arguments = ["-c", RunbookLibrary.load + "\n" + traffic.commands[gate]]
        again.environment = RunbookLibraryFile.environment(ProcessInfo.processInfo.environment)
        again.standardError = FileHandle.nullDevice
        try again.run()
        again.waitUntilExit()
        XCTAssertNotEqual(again.terminationStatus, 0, "300 s have not passed since the lowering")
    }
}
