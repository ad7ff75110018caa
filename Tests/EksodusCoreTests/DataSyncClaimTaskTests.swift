import Foundation
import XCTest
@testable import EksodusCore

/// Each claim DataSync copies gets a task of its own that the runbook creates and reads back: the NFS export its source
/// PV mounts (through the team's agent) to its own EFS access point, the ARNs kept in the claim's own files. The live
/// pass verifies ONLY_FILES_TRANSFERRED, the final pass POINT_IN_TIME_CONSISTENT, and both must read back SUCCESS.
/// The demo's prod/shop/media-upload (PV on nas01.acme.internal:/exports/media) is the case; the lines run in bash
/// against stand-in kubectl and aws answering from the environment, in a folder of their own.
final class DataSyncClaimTaskTests: XCTestCase {
    private let key = "prod/shop/media-upload"
    private let source = "arn:aws:datasync:eu-west-1:123456789012:location/loc-00000000000000001"
    private let destination = "arn:aws:datasync:eu-west-1:123456789012:location/loc-00000000000000002"
    private let task = "arn:aws:datasync:eu-west-1:123456789012:task/task-00000000000000001"

    private var good: [String: String] {
        ["DATASYNC_AGENT_ARN": "arn:aws:datasync:eu-west-1:123456789012:agent/agent-00000000000000001", "AGENT_STATUS": "ONLINE",
         "SRC_PV": "media-pv", "CSI_DRIVER": "", "NFS_SERVER_ANSWER": "nas01.acme.internal", "NFS_PATH_ANSWER": "/exports/media", "NFS_SUBDIR_ANSWER": "",
         "SRC_ARN": source, "PVC": "pvc-123", "HANDLE": "fs-0abc::fsap-0def",
         "FS_ARN": "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0abc",
         "AP_ARN": "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0def", "AP_INFO": "/dynamic/pvc-123\t50001\t50001",
         "MOUNT_TARGET": "fsmt-1\tsubnet-1", "GROUPS_ANSWER": "sg-1\tsg-2", "DST_ARN": destination, "TASK_ARN": task,
         "TASK_READ": "\(source)\t\(destination)\tAVAILABLE", "DEST_AP": "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0def",
         "OWNERS": "NONE\tNONE", "EXEC_STATUS": "SUCCESS", "EXEC_JSON": execution(mode: DataSyncClaimTask.liveVerifyMode)]
    }

    private func execution(mode: String, verify: String = "SUCCESS", failed: Int = 0) -> String {
        "{\"Status\":\"SUCCESS\",\"Options\":{\"VerifyMode\":\"\(mode)\"},\"Result\":{\"VerifyStatus\":\"\(verify)\"},\"FilesFailed\":{\"Transfer\":\(failed)},\"FilesTransferred\":3,\"EstimatedFilesToTransfer\":3}"
    }

    func testTheDataStepCreatesTheClaimsOwnTaskFromItsNFSExportToItsAccessPointThenRunsIt() throws {
        let folder = try temporaryFolder(self)
        let run = try runLines(try lines("data:" + key), good, in: folder)
        XCTAssertEqual(run.status, 0, run.log)
        let claim = DataSyncClaimTask(cluster: "prod", workload: try demoWorkload(), claim: "media-uploads", mountPath: "/srv/media", efs: nil)
        for (what, arn) in [("source", source), ("destination", destination), ("task", task)] {
            let kept = try String(contentsOf: folder.appendingPathComponent(claim.stateFile(what)), encoding: .utf8)
            XCTAssertEqual(kept, arn + "\n", "the \(what) ARN is kept in the claim's own file")
        }
        XCTAssertTrue(run.log.contains("create-location-nfs --server-hostname nas01.acme.internal --subdirectory /exports/media --on-prem-config AgentArns=arn:aws:datasync:eu-west-1:123456789012:agent/agent-00000000000000001"), run.log)
        XCTAssertTrue(run.log.contains("--access-point-arn arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0def --in-transit-encryption TLS1_2"), run.log)
        XCTAssertTrue(run.log.contains(#""SubnetArn":"arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1","SecurityGroupArns":["arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1","arn:aws:ec2:eu-west-1:123456789012:security-group/sg-2"]"#), run.log)
        XCTAssertTrue(run.log.contains("create-task --source-location-arn \(source) --destination-location-arn \(destination)"), run.log)
        XCTAssertTrue(run.log.contains("Uid=NONE,Gid=NONE") && run.log.contains("PreserveDeletedFiles=REMOVE"), run.log)
        XCTAssertTrue(run.log.contains("start-task-execution --task-arn \(task) --override-options VerifyMode=ONLY_FILES_TRANSFERRED"), run.log)

        // A re-run reuses the kept task and locations: nothing is created twice.
        let again = try runLines(try lines("data:" + key), good, in: folder)
        XCTAssertEqual(again.status, 0, again.log)
        XCTAssertFalse(again.log.contains("create-"), again.log)
    }

    /// A re-run during a long pass finds the task QUEUED or RUNNING (its execution under way): the read-back accepts it, so
    /// the pass step can wait for that execution, instead of telling the operator to delete the task file.
    func testTheTaskReadBackAcceptsATaskWhoseExecutionIsUnderWay() throws {
        for status in ["QUEUED", "RUNNING"] {
            let run = try runLines(try lines("data:" + key), good.merging(["TASK_READ": "\(source)\t\(destination)\t\(status)"]) { _, new in new },
                                   in: try temporaryFolder(self))
            XCTAssertEqual(run.status, 0, "\(status)\n\(run.log)")
            XCTAssertFalse(run.log.contains("delete the file to make a new one"), run.log)
        }
    }

    func testTheDataStepFailsOnEveryWrongOrMissingAnswer() throws {
        let wrong: [(String, String)] = [
            ("DATASYNC_AGENT_ARN", ""), ("AGENT_STATUS", "OFFLINE"), ("AGENT_STATUS", ""),
            ("SRC_PV", ""), ("CSI_DRIVER", "cephfs.csi.ceph.com"), ("NFS_SERVER_ANSWER", ""), ("NFS_PATH_ANSWER", "exports/media"), ("NFS_PATH_ANSWER", ""),
            ("SRC_ARN", ""), ("FS_ARN", "None"), ("AP_ARN", "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0other"),
            ("MOUNT_TARGET", "None\tNone"), ("MOUNT_TARGET", ""), ("GROUPS_ANSWER", ""), ("DST_ARN", ""), ("TASK_ARN", ""),
            ("TASK_READ", "\(source)\t\(destination)\tUNAVAILABLE"), ("TASK_READ", "\(destination)\t\(destination)\tAVAILABLE"), ("TASK_READ", ""), ("TASK_READ", "\(source)\t\(destination)\tCREATING"),
            ("TASK_READ", "\(source)\t\(destination)"), ("TASK_READ", "\(source)\t\(destination)x\tAVAILABLE"),
            ("DEST_AP", "None"), ("OWNERS", "INT_VALUE\tINT_VALUE"),
            ("EXEC_STATUS", "ERROR"), ("EXEC_STATUS", ""), ("EXEC_JSON", ""), ("EXEC_JSON", execution(mode: "NONE")),
            ("EXEC_JSON", execution(mode: DataSyncClaimTask.liveVerifyMode, verify: "ERROR")), ("EXEC_JSON", execution(mode: DataSyncClaimTask.liveVerifyMode, failed: 2)),
            ("AWS_FAILS", "1"),
        ]
        let data = try lines("data:" + key)
        for (name, value) in wrong {
            let run = try runLines(data, good.merging([name: value]) { _, new in new }, in: try temporaryFolder(self))
            XCTAssertNotEqual(run.status, 0, "\(name)=\(value)\n\(run.log)")
        }
    }

    func testTheFinalPassRunsTheSameTaskWithAPointInTimeVerification() throws {
        let promote = try lines("promote:" + key)
        let folder = try temporaryFolder(self)
        let claim = DataSyncClaimTask(cluster: "prod", workload: try demoWorkload(), claim: "media-uploads", mountPath: "/srv/media", efs: nil)
        XCTAssertNotEqual(try runLines(promote, good, in: folder).status, 0, "no task file: the data step did not run")
        try (task + "\n").write(to: folder.appendingPathComponent(claim.stateFile("task")), atomically: true, encoding: .utf8)
        var answers = good
        XCTAssertNotEqual(try runLines(promote, answers, in: folder).status, 0, "a pass verified only on the files it moved is not the final proof")
        answers["EXEC_JSON"] = execution(mode: DataSyncClaimTask.finalVerifyMode)
        let run = try runLines(promote, answers, in: folder)
        XCTAssertEqual(run.status, 0, run.log)
        XCTAssertTrue(run.log.contains("start-task-execution --task-arn \(task) --override-options VerifyMode=POINT_IN_TIME_CONSISTENT"), run.log)
        answers["EXEC_JSON"] = execution(mode: DataSyncClaimTask.finalVerifyMode, verify: "ERROR")
        XCTAssertNotEqual(try runLines(promote, answers, in: folder).status, 0, "the verification found a difference")
    }

    func testEveryClaimHasItsOwnFilesAndNoLineNamesOneTaskForAll() throws {
        let workload = try demoWorkload()
        let files = ["media-uploads", "thumbnails", "a b;rm -rf ~"].map { DataSyncClaimTask(cluster: "prod", workload: workload, claim: $0, mountPath: "/x", efs: nil).stateFile("task") }
        XCTAssertEqual(Set(files).count, 3, "\(files)")
        XCTAssertTrue(files.allSatisfy { !$0.contains(" ") && !$0.contains(";") && !$0.contains("/") }, "\(files)")
        XCTAssertNotEqual(DataSyncClaimTask(cluster: "staging", workload: workload, claim: "media-uploads", mountPath: "/x", efs: nil).stateFile("task"),
                          DataSyncClaimTask(cluster: "prod", workload: workload, claim: "media-uploads", mountPath: "/x", efs: nil).stateFile("task"), "two clusters' claims of one name")
        let all = try DemoPlanOnce.plan().items.flatMap { $0.commands + $0.rollbackCommands }
        XCTAssertFalse(all.contains { $0.contains("DATASYNC_TASK_ARN") }, "no task shared by every claim")
        let rollback = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "data:" + key }).rollbackCommands
        XCTAssertTrue(rollback.contains { $0.contains("delete-task") } && rollback.contains { $0.contains("delete-location") }, "\(rollback)")
    }

    /// The promotion's rollback copies EKS's writes back before the source scales up: a task of its own from the claim's
    /// EFS location to its NFS one (the data step's locations, the other way round), a live pass, EKS stopped and read
    /// back stopped, then a POINT_IN_TIME_CONSISTENT pass; any wrong, empty or failed answer stops it before the source
    /// takes writes again.
    func testThePromotionsRollbackCopiesEKSsWritesBackThroughItsOwnTaskBeforeTheSourceScalesUp() throws {
        let rollback = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "promote:" + key }).rollbackCommands.filter { !$0.hasPrefix("#") }
        let claim = DataSyncClaimTask(cluster: "prod", workload: try demoWorkload(), claim: "media-uploads", mountPath: "/srv/media", efs: nil)
        let back = "arn:aws:datasync:eu-west-1:123456789012:task/task-00000000000000009"
        var answers = good
        answers["TASK_ARN"] = back
        answers["TASK_READ"] = "\(destination)\t\(source)\tAVAILABLE"
        answers["EKS_PODS_ANSWER"] = "0 "
        answers["EXEC_JSON_FINAL"] = execution(mode: DataSyncClaimTask.finalVerifyMode)
        func folder() throws -> URL {
            let folder = try temporaryFolder(self)
            for (what, arn) in [("source", source), ("destination", destination)] {
                try (arn + "\n").write(to: folder.appendingPathComponent(claim.stateFile(what)), atomically: true, encoding: .utf8)
            }
            return folder
        }
        let scaleUp = "kubectl --context src -n shop scale deployment/media-upload --replicas=2"
        let here = try folder()
        let run = try runLines(rollback, answers, in: here)
        XCTAssertEqual(run.status, 0, run.log)
        XCTAssertTrue(run.log.contains("create-task --source-location-arn \(destination) --destination-location-arn \(source)"), "EFS back to NFS: \(run.log)")
        XCTAssertEqual(try String(contentsOf: here.appendingPathComponent(claim.stateFile("return-task")), encoding: .utf8), back + "\n", "its own task file")
        XCTAssertNotEqual(claim.stateFile("return-task"), claim.stateFile("task"))
        let order = ["start-task-execution --task-arn \(back) --override-options VerifyMode=ONLY_FILES_TRANSFERRED", "kubectl --context eks -n shop scale deployment/media-upload --replicas=0",
                     "start-task-execution --task-arn \(back) --override-options VerifyMode=POINT_IN_TIME_CONSISTENT", scaleUp]
        let positions = try order.map { try XCTUnwrap(run.log.range(of: $0), "\($0)\n\(run.log)").lowerBound }
        XCTAssertEqual(positions, positions.sorted(), "live pass, EKS stopped, final verified pass, then the source: \(run.log)")
        XCTAssertFalse(run.log.contains("--task-arn \(task)"), "the forward task copies the other way")

        let wrong: [(String, String)] = [("EKS_PODS_ANSWER", "2 2"), ("EKS_PODS_ANSWER", "0 1"), ("EKS_PODS_ANSWER", ""), ("KUBECTL_FAILS", "1"),
                                         ("TASK_READ", "\(source)\t\(destination)\tAVAILABLE"), ("TASK_READ", ""), ("TASK_ARN", ""), ("AWS_FAILS", "1"),
                                         ("EXEC_JSON_FINAL", execution(mode: DataSyncClaimTask.finalVerifyMode, verify: "ERROR")),
                                         ("EXEC_JSON_FINAL", execution(mode: DataSyncClaimTask.liveVerifyMode)), ("EXEC_JSON_FINAL", "")]
        for (name, value) in wrong {
            let failed = try runLines(rollback, answers.merging([name: value]) { _, new in new }, in: try folder())
            XCTAssertNotEqual(failed.status, 0, "\(name)=\(value)\n\(failed.log)")
            XCTAssertFalse(failed.log.contains(scaleUp), "the source stays stopped: \(name)=\(value)")
        }
        let none = try runLines(rollback, answers, in: try temporaryFolder(self))
        XCTAssertNotEqual(none.status, 0, "no locations kept: the data step never ran")
        XCTAssertFalse(none.log.contains(scaleUp))
    }

    /// A workload of the demo's name (shop/media-upload), for the claims' file names.
    private func demoWorkload() throws -> Estate.Workload {
        let manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: media-upload, namespace: shop}
            spec:
              selector: {matchLabels: {app: media}}
              template:
                metadata: {labels: {app: media}}
                spec: {containers: [{name: media, image: nginx:1.27}]}
            """
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["media.yaml": manifest], test: self).path], cluster: "prod", into: database)
        let estate = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)
        return try XCTUnwrap(estate.workloads.first { $0.name == "media-upload" })
    }

    /// The item's lines, without comments.
    private func lines(_ key: String) throws -> [String] {
        let item = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == key }, key)
        return item.commands.filter { !$0.hasPrefix("#") }
    }

    /// Runs the lines one by one in `folder` until the first that fails; `log` holds every aws call and what it printed.
    private func runLines(_ lines: [String], _ answers: [String: String], in folder: URL) throws -> (status: Int32, log: String) {
        let bin = try temporaryFolder(self)
        let log = bin.appendingPathComponent("calls.log")
        let stubs = [
            "kubectl": """
                case "$*" in
                  *" scale "*) echo "kubectl $*" >> "$CALLS" ;;
                  *"{.spec.replicas} {.status.replicas}"*) [ -z "${KUBECTL_FAILS:-}" ] || exit 1; printf '%s' "$EKS_PODS_ANSWER" ;;
                  *"--context src"*"get pvc"*) printf '%s' "$SRC_PV" ;;
                  *"--context src"*"get pv "*"csi.driver"*) printf '%s' "$CSI_DRIVER" ;;
                  *"--context src"*"get pv "*"nfs.server"*) printf '%s' "$NFS_SERVER_ANSWER" ;;
                  *"--context src"*"get pv "*"nfs.path"*) printf '%s' "$NFS_PATH_ANSWER" ;;
                  *"--context src"*"get pv "*"subdir"*) printf '%s' "$NFS_SUBDIR_ANSWER" ;;
                  *"get pvc"*) printf '%s' "$PVC" ;;
                  *"get pv "*) printf '%s' "$HANDLE" ;;
                  *) exit 3 ;;
                esac
                """,
            "aws": """
                echo "aws $*" >> "$CALLS"
                [ -z "$AWS_FAILS" ] || exit 255
                case "$*" in
                  *describe-agent*) printf '%s\\n' "$AGENT_STATUS" ;;
                  *create-location-nfs*) printf '%s\\n' "$SRC_ARN" ;;
                  *describe-file-systems*) printf '%s\\n' "$FS_ARN" ;;
                  *describe-access-points*AccessPointArn*) printf '%s\\n' "$AP_ARN" ;;
                  *describe-access-points*) printf '%s\\n' "$AP_INFO" ;;
                  *describe-mount-targets*) printf '%s\\n' "$MOUNT_TARGET" ;;
                  *describe-mount-target-security-groups*) printf '%s\\n' "$GROUPS_ANSWER" ;;
                  *create-location-efs*) printf '%s\\n' "$DST_ARN" ;;
                  *create-task*) printf '%s\\n' "$TASK_ARN" ;;
                  *"describe-task "*"[SourceLocationArn"*) printf '%s\\n' "$TASK_READ" ;;
                  *"describe-task "*DestinationLocationArn*) echo "$DST_ARN" ;;
                  *"describe-task "*Options*) printf '%s\\n' "$OWNERS" ;;
                  *describe-location-efs*) printf '%s\\n' "$DEST_AP" ;;
                  *list-task-executions*) echo '{"TaskExecutions": []}' ;;
                  *start-task-execution*) case "$*" in *POINT_IN_TIME*) echo final > "$CALLS.mode" ;; *) echo live > "$CALLS.mode" ;; esac; echo arn:aws:datasync:eu-west-1:123456789012:task/task-00000000000000001/execution/exec-00000000000000001 ;;
                  *describe-task-execution*"--query Status"*) printf '%s\\n' "$EXEC_STATUS" ;;
                  *describe-task-execution*) if [ -n "${EXEC_JSON_FINAL:-}" ] && grep -q final "$CALLS.mode"; then printf '%s' "$EXEC_JSON_FINAL"; else printf '%s' "$EXEC_JSON"; fi ;;
                  *) exit 3 ;;
                esac
                """,
        ]
        for (name, body) in stubs {
            let url = bin.appendingPathComponent(name)
            try "#!/bin/bash\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
            XCTAssertEqual(chmod(url.path, 0o755), 0)
        }
        let environment = ["PATH": bin.path + ":/usr/bin:/bin", "CALLS": log.path, "DATASYNC_WAIT_SECONDS": "0", "AWS_FAILS": ""].merging(answers) { _, new in new }
        let script = "cd " + ShellQuote.word(folder.path) + " || exit 9\n" + lines.map { "{ " + $0 + "\n} || exit $?" }.joined(separator: "\n")
        let status = try GateShell.run(script, environment: environment).status
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
