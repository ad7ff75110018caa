import Foundation
import XCTest
@testable import EksodusCore

/// `plan:storage` makes the EFS file system its efs class names, and applies the class only once it names it: run here,
/// line by line as an engineer would (stopping at the first failure), against a stand-in `aws` that keeps what it made.
extension PlatformItemsTests {
    private static let fileSystem = "fs-0123456789abcdef0"

    /// Runs the item's commands under `set -e` in `folder`, with `converted/prod/storageclasses.yaml` as eksodus convert
    /// writes it (unless `classFile` is given); the status, and every aws and kubectl call.
    private func runStorage(_ item: PlanItem, in folder: URL, failing: String = "", empty: String = "", classFile: String? = nil)
        throws -> (status: Int32, calls: [String], applied: String?) {
        let classes = folder.appendingPathComponent("converted/prod/storageclasses.yaml")
        try FileManager.default.createDirectory(at: classes.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: classes.path) || classFile != nil {
            try (classFile ?? StoragePlan.storageClassManifests(efs: true)).write(to: classes, atomically: true, encoding: .utf8)
        }
        let state = folder.appendingPathComponent("state", isDirectory: true)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        // FAILING / EMPTY name one "service operation" that exits 255 / answers nothing.
        let aws = #"""
            state=$STUB_STATE; echo "aws $*" >> "$state/calls"
            call="$1 $2"
            [ "$call" = "$FAILING" ] && exit 255
            [ "$call" = "$EMPTY" ] && exit 0
            case "$call" in
              "eks describe-cluster") echo vpc-0abc ;;
              "ec2 describe-vpcs") echo 10.1.0.0/16 ;;
              "ec2 describe-subnets") printf 'subnet-a\tsubnet-b\tsubnet-c\n' ;;
              "ec2 describe-security-groups")
                if [[ " $* " == *" --group-ids "* ]]; then cat "$state/rules" 2>/dev/null || echo
                elif [ -f "$state/sg" ]; then cat "$state/sg"; else echo None; fi ;;
              "ec2 create-security-group") echo sg-0123 > "$state/sg"; cat "$state/sg" ;;
              "ec2 authorize-security-group-ingress") echo 10.1.0.0/16 > "$state/rules" ;;
              "efs describe-file-systems")
                if [[ " $* " == *" --creation-token "* ]]; then cat "$state/fs" 2>/dev/null || echo None; else echo available; fi ;;
              "efs create-file-system") echo fs-0123456789abcdef0 > "$state/fs"; cat "$state/fs" ;;
              "efs describe-mount-targets")
                if [[ "$*" == *length* ]]; then echo 0; else paste -sd '\t' "$state/mounts" 2>/dev/null || echo; fi ;;
              "efs create-mount-target")
                while [ $# -gt 0 ]; do [ "$1" = --subnet-id ] && echo "$2" >> "$state/mounts"; shift; done ;;
            esac
            """#
        let kubectl = #"""
            echo "kubectl $*" >> "$STUB_STATE/calls"
            if [ "$3" = apply ]; then cp "$5" "$STUB_STATE/applied.yaml"
            elif [ "$4" = storageclass ] && [ "${5:-}" = efs ]; then sed -n 's/^  fileSystemId: //p' "$STUB_STATE/applied.yaml"; fi
            """#
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        // sleep: the waits for "available" spin through their tries at once.
        for (name, body) in ["aws": aws, "kubectl": kubectl, "eksodus": "exit 3", "sleep": "exit 0"] {
            let url = bin.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", "-o", "pipefail", "-c", "EKS_CONTEXT=eks\n" + item.commands.joined(separator: "\n")]
        process.currentDirectoryURL = folder
        process.environment = RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin", "HOME": folder.path, "STUB_STATE": state.path, "FAILING": failing, "EMPTY": empty])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let calls = (try? String(contentsOf: state.appendingPathComponent("calls"), encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        return (process.terminationStatus, calls, try? String(contentsOf: state.appendingPathComponent("applied.yaml"), encoding: .utf8))
    }

    func testTheEFSClassIsAppliedOnlyOnceItNamesTheFileSystemMadeForIt() throws {
        let (plan, _) = try Self.demo.get()
        let storage = try item(plan, "plan:storage:prod")
        let folder = try temporaryFolder(self)
        let first = try runStorage(storage, in: folder)
        XCTAssertEqual(first.status, 0, first.calls.joined(separator: "\n"))
        let applied = try XCTUnwrap(first.applied, "the class file was applied")
        XCTAssertTrue(applied.contains("  fileSystemId: \(Self.fileSystem)\n"), applied)
        XCTAssertFalse(applied.contains(StoragePlan.fileSystemPlaceholder), applied)
        let create = try XCTUnwrap(first.calls.first { $0.hasPrefix("aws efs create-file-system") })
        XCTAssertTrue(create.contains("--encrypted"), create)
        XCTAssertTrue(first.calls.contains { $0.hasPrefix("aws ec2 authorize-security-group-ingress") && $0.contains("--protocol tcp --port 2049 --cidr 10.1.0.0/16") },
                      "NFS from the VPC: \(first.calls)")
        let mounts = first.calls.filter { $0.hasPrefix("aws efs create-mount-target") }
        XCTAssertEqual(mounts.count, 3, "one mount target per private subnet")
        XCTAssertTrue(mounts.allSatisfy { $0.contains("--security-groups sg-0123") }, "\(mounts)")

        // Again: everything is found, nothing is made twice.
        let second = try runStorage(storage, in: folder)
        XCTAssertEqual(second.status, 0)
        XCTAssertEqual(second.calls.dropFirst(first.calls.count).filter { $0.contains(" create-") || $0.contains(" authorize-") }, [])
    }

    func testTheStorageItemStopsBeforeTheApplyWhenAWSFailsOrAnswersNothing() throws {
        let (plan, _) = try Self.demo.get()
        let storage = try item(plan, "plan:storage:prod")
        for operation in ["eks describe-cluster", "ec2 describe-vpcs", "ec2 describe-subnets", "ec2 create-security-group", "efs create-file-system",
                          "efs describe-file-systems", "efs describe-mount-targets", "efs create-mount-target"] {
            // A create-mount-target that exits 0 made its mount target: only its failure counts.
            for (failing, empty) in [(operation, ""), ("", operation)] where !(failing.isEmpty && operation == "efs create-mount-target") {
                let run = try runStorage(storage, in: try temporaryFolder(self), failing: failing, empty: empty)
                XCTAssertNotEqual(run.status, 0, "\(operation) \(failing.isEmpty ? "answered nothing" : "failed"): \(run.calls)")
                XCTAssertNil(run.applied, "no class applied after \(operation) \(failing.isEmpty ? "answered nothing" : "failed")")
            }
        }
        // A class file naming another file system is never applied: the live class could not be updated afterwards.
        let other = StoragePlan.storageClassManifests(efs: true).replacingOccurrences(of: StoragePlan.fileSystemPlaceholder, with: "fs-0aaaaaaaaaaaaaaaa")
        let stale = try runStorage(storage, in: try temporaryFolder(self), classFile: other)
        XCTAssertNotEqual(stale.status, 0)
        XCTAssertNil(stale.applied)
    }

    func testAClusterWithoutSharedClaimsGetsNoEFSClassAndNoWaveAppliesTheClasses() throws {
        let (plan, folder) = try Self.demo.get()
        let staging = try item(plan, "plan:storage:staging")
        XCTAssertFalse(staging.commands.contains { $0.contains("aws efs") }, "\(staging.commands)")
        let stagingClasses = try String(contentsOf: folder.appendingPathComponent("converted/staging/storageclasses.yaml"), encoding: .utf8)
        XCTAssertFalse(stagingClasses.contains("efs.csi.aws.com"), "staging has no EFS driver: \(stagingClasses)")
        let prodClasses = try String(contentsOf: folder.appendingPathComponent("converted/prod/storageclasses.yaml"), encoding: .utf8)
        XCTAssertTrue(prodClasses.contains("fileSystemId: \(StoragePlan.fileSystemPlaceholder)"), prodClasses)
        // One source: no wave's files carry a StorageClass, so no wave apply meets an immutable class with other parameters.
        let converted = folder.appendingPathComponent("converted")
        let waveFiles = (FileManager.default.enumerator(atPath: converted.path)?.allObjects as? [String] ?? []).filter { $0.contains("/wave-") && $0.hasSuffix(".yaml") }
        XCTAssertFalse(waveFiles.isEmpty)
        for file in waveFiles {
            let text = try String(contentsOf: converted.appendingPathComponent(file), encoding: .utf8)
            XCTAssertFalse(text.contains("kind: StorageClass"), file)
        }
    }
}
