import Foundation
import XCTest
@testable import EksodusCore

/// A non-root workload's copy pods write its claim as it does: a Bitnami PostgreSQL StatefulSet (pod fsGroup 1001 with
/// fsGroupChangePolicy Always, container runAsUser/runAsGroup 1001) gets base-backup pods running as 1001 with its
/// fsGroup, non-root, nothing added; a root workload keeps the root copy with its five capabilities. The overrides are
/// read as bash hands them to `kubectl run` (CopyPodSecurityTests' stub), then parsed.
final class CopyPodIdentityTests: XCTestCase {
    static let bitnami = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: orders-db, namespace: shop}
        spec:
          replicas: 1
          serviceName: orders-db-hl
          selector: {matchLabels: {app: orders-db}}
          template:
            metadata: {labels: {app: orders-db}}
            spec:
              securityContext: {fsGroup: 1001, fsGroupChangePolicy: Always, runAsUser: 0}
              containers:
              - name: metrics
                image: 'bitnami/postgres-exporter:0.15.0'
                securityContext: {runAsUser: 5000}
              - name: postgresql
                image: 'bitnami/postgresql:16.4.0'
                securityContext: {runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, allowPrivilegeEscalation: false}
                env: [{name: PGDATA, value: /bitnami/postgresql/data}]
                ports: [{containerPort: 5432, name: tcp-postgresql}]
                volumeMounts: [{name: data, mountPath: /bitnami/postgresql}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 8Gi}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: orders-db, namespace: shop}
        spec: {selector: {app: orders-db}, ports: [{port: 5432, targetPort: 5432}]}
        """

    func basebackups(_ manifest: String) throws -> [String] {
        let folder = try writeManifests(["db.yaml": manifest], test: self)
        let plan = try planImported([folder.path]).plan
        return plan.items.flatMap { $0.commands + $0.rollbackCommands }.filter { $0.contains("run \(PostgresStandby.pod) ") }
    }

    func testABitnamiBaseBackupPodRunsAsThePostgresUserWithItsFSGroup() throws {
        let lines = try basebackups(Self.bitnami)
        XCTAssertEqual(lines.count, 2, "the standby's build on EKS and the rollback's rebuild on the source")
        for line in lines {
            let (spec, _) = try overrides(of: line)
            let pod = try XCTUnwrap(spec["securityContext"] as? [String: Any], line)
            XCTAssertEqual(pod["fsGroup"] as? Int, 1001, "the kubelet gives the empty claim to group 1001, group-writable")
            XCTAssertEqual(pod["fsGroupChangePolicy"] as? String, "Always")
            XCTAssertEqual(pod["runAsUser"] as? Int, 1001, "the postgresql container's uid overrides the pod's 0")
            XCTAssertEqual(pod["runAsGroup"] as? Int, 1001)
            XCTAssertEqual(pod["runAsNonRoot"] as? Bool, true)
            XCTAssertEqual((pod["seccompProfile"] as? [String: Any])?["type"] as? String, "RuntimeDefault")
            let container = try XCTUnwrap((spec["containers"] as? [[String: Any]])?.first)
            let security = try XCTUnwrap(container["securityContext"] as? [String: Any])
            XCTAssertEqual(security["runAsUser"] as? Int, 1001)
            XCTAssertEqual(security["runAsGroup"] as? Int, 1001)
            XCTAssertEqual(security["runAsNonRoot"] as? Bool, true)
            XCTAssertEqual(security["allowPrivilegeEscalation"] as? Bool, false)
            XCTAssertEqual((security["capabilities"] as? [String: Any])?["drop"] as? [String], ["ALL"])
            XCTAssertNil((security["capabilities"] as? [String: Any])?["add"], "a non-root process has no use of added capabilities")
            XCTAssertEqual((container["volumeMounts"] as? [[String: Any]])?.first?["mountPath"] as? String, "/bitnami/postgresql")
            XCTAssertFalse(line.contains("# decision:"))
        }
    }

    /// The same StatefulSet as root (no runAsUser anywhere, no fsGroup) keeps the root copy as before.
    func testARootWorkloadKeepsTheRootCopy() throws {
        let root = Self.bitnami.replacingOccurrences(of: "securityContext: {fsGroup: 1001, fsGroupChangePolicy: Always, runAsUser: 0}", with: "securityContext: {}")
            .replacingOccurrences(of: "securityContext: {runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, allowPrivilegeEscalation: false}", with: "securityContext: {allowPrivilegeEscalation: false}")
        let lines = try basebackups(root)
        XCTAssertEqual(lines.count, 2)
        for line in lines {
            try assertRootCopy(line, capabilities: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"], readOnlyRoot: false)
            let (spec, _) = try overrides(of: line)
            XCTAssertEqual(spec["securityContext"] as? NSDictionary, ["seccompProfile": ["type": "RuntimeDefault"]] as NSDictionary)
        }
    }

    /// Hostile values never reach the JSON: a policy the API does not know and a uid out of range are left out.
    func testOnlyKnownValuesAreCarried() throws {
        let manifest = try XCTUnwrap(StoredJSONReader.value(#"{"kind":"Deployment","spec":{"template":{"spec":{"securityContext":{"fsGroup":99999999999,"fsGroupChangePolicy":"Always\"}","runAsUser":-1},"containers":[{"name":"a"}]}}}}"#))
        let identity = try XCTUnwrap(CopyPodSecurity.Identity.of(manifest, kind: "Deployment", containers: []))
        XCTAssertEqual(identity, CopyPodSecurity.Identity())
        XCTAssertTrue(CopyPodSecurity.Identity.decisions(identity).isEmpty, "a root copy, as before")
        let imageUser = try XCTUnwrap(CopyPodSecurity.Identity.of(StoredJSONReader.value(#"{"spec":{"template":{"spec":{"containers":[{"name":"a","securityContext":{"runAsNonRoot":true}}]}}}}"#), kind: "Deployment", containers: []))
        XCTAssertTrue(imageUser.runsAsRoot && imageUser.nonRootImageUser)
        XCTAssertTrue(CopyPodSecurity.Identity.decisions(imageUser).first?.hasPrefix("# decision: the workload runs as its image's non-root user") == true)
        var withGroup = imageUser
        withGroup.fsGroup = 1001
        XCTAssertTrue(CopyPodSecurity.Identity.decisions(withGroup).isEmpty, "its fsGroup makes the claim writable to it")
        XCTAssertEqual(CopyPodSecurity.Identity.decisions(nil), [CopyPodSecurity.Identity.unknown])
        XCTAssertNil(CopyPodSecurity.Identity.of(StoredJSONReader.value(#"{"kind":"Deployment","metadata":{"name":"a"}}"#), kind: "Deployment", containers: []),
                     "no pod template kept: unknown, which the copy says as a decision")
    }
}

/// A node-local CronJob that runs as uid 1000 with fsGroup 2000: its copy pod runs as 1000 with that fsGroup, `tar`
/// leaves the files to it (`-o`), and the final copy empties the claim without reading the volume's root-owned lost+found.
final class NodeCopyIdentityTests: XCTestCase {
    static let cronJob = """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: db-backup, namespace: batch}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  securityContext: {runAsUser: 1000, fsGroup: 2000, fsGroupChangePolicy: OnRootMismatch}
                  containers:
                  - name: backup
                    image: 'busybox:1.36'
                    volumeMounts: [{name: scratch, mountPath: /backup}]
                  volumes:
                  - name: scratch
                    hostPath: {path: /srv/backup-scratch}
        """

    func testTheCopyPodRunsAsTheJobsUser() throws {
        let folder = try writeManifests(["job.yaml": Self.cronJob], test: self)
        let commands = try planImported([folder.path]).plan.items.flatMap { $0.commands + $0.rollbackCommands }
        let runs = commands.filter { $0.contains(" run eksodus-copy-") }
        XCTAssertFalse(runs.isEmpty, "the node-data copy and the final copy")
        for line in runs {
            let (spec, _) = try overrides(of: line)
            let pod = try XCTUnwrap(spec["securityContext"] as? [String: Any])
            XCTAssertEqual(pod["runAsUser"] as? Int, 1000)
            XCTAssertNil(pod["runAsGroup"], "none given: the image's group")
            XCTAssertEqual(pod["fsGroup"] as? Int, 2000)
            XCTAssertEqual(pod["fsGroupChangePolicy"] as? String, "OnRootMismatch")
            let security = try XCTUnwrap((spec["containers"] as? [[String: Any]])?.first?["securityContext"] as? [String: Any])
            XCTAssertEqual(security["runAsNonRoot"] as? Bool, true)
            XCTAssertEqual(security["readOnlyRootFilesystem"] as? Bool, true)
            XCTAssertNil((security["capabilities"] as? [String: Any])?["add"])
        }
        // The copy in bash against stubs: the pod's tar is asked not to restore owners (it could not, as uid 1000).
        let copy = try XCTUnwrap(commands.first { $0.hasPrefix("( set -o pipefail; for SOURCE_NODE in") })
        let folderURL = try temporaryFolder(self), log = folderURL.appendingPathComponent("kubectl.log")
        let stub = """
            ssh() { printf 'tar-stream'; }
            kubectl() { printf '%s\\n' "$*" >> "$LOG"; cat >/dev/null; }
            SOURCE_NODES='node-a node-b'
            """
        let result = try GateShell.run(stub + "\n" + copy, environment: ["LOG": log.path])
        XCTAssertEqual(result.status, 0)
        let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(calls.count, 2, "one tar per node")
        XCTAssertTrue(calls.allSatisfy { $0.hasSuffix("tar -C /data/0 -oxf -") }, calls.joined(separator: "\n"))
        let empty = try XCTUnwrap(commands.first { $0.contains("-- find /data/0 -mindepth 1") })
        XCTAssertTrue(empty.contains("-maxdepth 1 ! -name lost+found -exec rm -rf {} +"), empty)
    }
}

/// The non-root copies' runbooks (the Bitnami standby, the node-local CronJob) pass shellcheck as the demo's does.
final class CopyPodIdentityShellcheckTests: XCTestCase {
    func testTheNonRootCopiesPassShellcheck() throws {
        guard let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("shellcheck is not installed (.ci/run installs it)")
        }
        let folder = try writeManifests(["db.yaml": CopyPodIdentityTests.bitnami, "job.yaml": NodeCopyIdentityTests.cronJob], test: self)
        let plan = try planImported([folder.path]).plan
        let file = try temporaryFolder(self).appendingPathComponent("runbook.sh")
        let lines = ["#!/usr/bin/env bash", plan.runbookLibrary] + plan.items.flatMap { item in
            [item.commands, item.rollbackCommands].filter { !$0.isEmpty }.flatMap { ["(", ":"] + $0 + [")"] }
        }
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shellcheck)
        process.arguments = ["--exclude=SC2030,SC2031,SC1090", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, report)
    }
}
