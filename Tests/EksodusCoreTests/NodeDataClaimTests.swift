import Foundation
import XCTest
@testable import EksodusCore

/// Node-local data moved so that the EKS copy uses it: convert mounts the claim the node copy fills (from the stored plan),
/// the copy looks on every node the data may be on, copies again after the source's last run, and its rollback says what
/// becomes of the claim and its EBS volume. On the demo's CronJob batch/db-backup (hostPath /srv/backup-scratch) and on
/// the shared fixtures' hostPath volumes.
extension RunbookSafetyTests {
    private static let demoCronJob = "converted/prod/wave-2/workloads/cronjob-batch-db-backup.yaml"
    private static let demoClaimName = NodeDataClaim.name(kind: "CronJob", namespace: "batch", workload: "db-backup", volume: "scratch")
    private static let demoClaim = "converted/prod/wave-2/support/persistentvolumeclaim-batch-\(demoClaimName).yaml"

    private func podSpec(ofCronJob node: ManifestNode) throws -> ManifestNode {
        try XCTUnwrap(node["spec", "jobTemplate", "spec", "template", "spec"])
    }

    /// The claim the data item fills is the one the converted CronJob mounts, under the hostPath volume's own name.
    func testTheConvertedCronJobMountsTheClaimItsNodeCopyFills() throws {
        let (plan, folder) = try demo()
        let cronJob = try XCTUnwrap(try ManifestText.objects(try String(contentsOf: folder.appendingPathComponent(Self.demoCronJob), encoding: .utf8)).first)
        let spec = try podSpec(ofCronJob: cronJob)
        let volume = try XCTUnwrap(spec["volumes"]?.items.first { $0["name"]?.string == "scratch" })
        XCTAssertNil(volume["hostPath"], "\(volume)")
        let claimName = try XCTUnwrap(volume["persistentVolumeClaim", "claimName"]?.string)
        XCTAssertEqual(spec["containers"]?.items.first?["volumeMounts"]?.items.first?["name"]?.string, "scratch")
        // Beside it in the same wave folder, in support/ (applied before the data item runs) and in its kustomization.
        let claim = try XCTUnwrap(try ManifestText.objects(try String(contentsOf: folder.appendingPathComponent(Self.demoClaim), encoding: .utf8)).first)
        XCTAssertEqual(claim["kind"]?.string, "PersistentVolumeClaim")
        XCTAssertEqual(claim["metadata", "name"]?.string, claimName)
        XCTAssertEqual(claim["metadata", "namespace"]?.string, "batch")
        XCTAssertEqual(claim["spec", "storageClassName"]?.string, "gp3")
        XCTAssertEqual(claim["spec", "accessModes"]?.items.compactMap(\.string), ["ReadWriteOnce"])
        let kustomization = try String(contentsOf: folder.appendingPathComponent("converted/prod/wave-2/support/kustomization.yaml"), encoding: .utf8)
        XCTAssertTrue(kustomization.contains(String(Self.demoClaim.split(separator: "/").last ?? "")), kustomization)
        // ReadWriteOnce and single-AZ are said where the engineer reads them.
        let changes = try String(contentsOf: folder.appendingPathComponent("converted/prod/wave-2/CHANGES.md"), encoding: .utf8)
        XCTAssertTrue(changes.contains("concurrencyPolicy: Forbid") && changes.contains("one Availability Zone"), changes)
        // The data item's copy pod mounts exactly that claim.
        let data = try item("data:prod/batch/db-backup", in: plan)
        let run = try XCTUnwrap(data.commands.first { $0.contains(" run eksodus-copy-") }, "\(data.commands)")
        let overrides = try json(try XCTUnwrap(run.components(separatedBy: "--overrides=").last?.components(separatedBy: "  #").first?
            .trimmingCharacters(in: CharacterSet(charactersIn: "' "))))
        let volumes = (overrides["spec"] as? [String: Any])?["volumes"] as? [[String: Any]] ?? []
        XCTAssertEqual(volumes.compactMap { ($0["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String }, [claimName])
        // ReadWriteOnce: the copy pod lets go of it before anything of the workload mounts it.
        XCTAssertTrue(data.commands.last { !$0.hasPrefix("#") }?.contains("delete \"$COPY_POD\" --wait") == true, "\(data.commands)")
        XCTAssertTrue(try bashParses(data.commands + data.rollbackCommands))
    }

    /// convert follows the storage plan read back from the store: without its node copy, the hostPath stays and no claim is written.
    func testConvertTakesTheClaimsFromTheStoredPlan() throws {
        let (_, folder) = try demo()
        let database = try AppDatabase.open(path: folder.appendingPathComponent("eksodus.db").path)
        let estates = try database.writer.read { try Estate.load($0, cluster: "prod") }
        var stored = try PlanStore.load(database)
        func converted(_ plan: TransitionPlan) throws -> (spec: ManifestNode, claimWritten: Bool) {
            let out = try temporaryFolder(self)
            _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: estates, to: out, wave: 2)
            let text = try String(contentsOf: out.appendingPathComponent("prod/wave-2/workloads/cronjob-batch-db-backup.yaml"), encoding: .utf8)
            return (try podSpec(ofCronJob: try XCTUnwrap(try ManifestText.objects(text).first)),
                    FileManager.default.fileExists(atPath: out.appendingPathComponent(String(Self.demoClaim.dropFirst("converted/".count))).path))
        }
        let asStored = try converted(stored)
        XCTAssertNotNil(asStored.spec["volumes"]?.items.first?["persistentVolumeClaim"], "\(asStored.spec)")
        XCTAssertTrue(asStored.claimWritten)
        stored.storage.entries.removeAll { $0.owner == "CronJob/db-backup" && $0.source == "hostPath" }
        let withoutCopy = try converted(stored)
        XCTAssertEqual(withoutCopy.spec["volumes"]?.items.first?["hostPath", "path"]?.string, "/srv/backup-scratch")
        XCTAssertFalse(withoutCopy.claimWritten)
    }

    /// The nodes come from the CronJob's own pods (through its Jobs), every node it can land on is checked, several holders
    /// are a decision, and the copy takes each chosen node in order.
    func testTheCopyFindsEveryNodeThatHoldsTheData() throws {
        let data = try item("data:prod/batch/db-backup", in: try demo().plan)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/jq") else { throw XCTSkip("jq is not installed") }
        let recent = try XCTUnwrap(data.commands.first { $0.contains("get jobs,pods -o json") }, "\(data.commands)")
        let listing = """
            {"kind": "List", "items": [
              {"kind": "Job", "metadata": {"name": "db-backup-1", "ownerReferences": [{"kind": "CronJob", "name": "db-backup"}]}},
              {"kind": "Job", "metadata": {"name": "db-backup-2", "ownerReferences": [{"kind": "CronJob", "name": "db-backup"}]}},
              {"kind": "Job", "metadata": {"name": "other-1", "ownerReferences": [{"kind": "CronJob", "name": "other"}]}},
              {"kind": "Pod", "metadata": {"creationTimestamp": "2026-01-02T03:00:00Z", "ownerReferences": [{"kind": "Job", "name": "db-backup-2"}]}, "spec": {"nodeName": "node-b"}},
              {"kind": "Pod", "metadata": {"creationTimestamp": "2026-01-01T03:00:00Z", "ownerReferences": [{"kind": "Job", "name": "db-backup-1"}]}, "spec": {"nodeName": "node-a"}},
              {"kind": "Pod", "metadata": {"creationTimestamp": "2026-01-01T04:00:00Z", "ownerReferences": [{"kind": "Job", "name": "other-1"}]}, "spec": {"nodeName": "node-c"}}
            ]}
            """
        XCTAssertEqual(try bash("kubectl() { printf '%s' \(ShellQuote.word(listing)); }\n" + recent),
                       "2026-01-01T03:00:00Z node-a\n2026-01-02T03:00:00Z node-b\n")
        // Every node is looked at, the path quoted for the node's shell.
        let look = try XCTUnwrap(data.commands.first { $0.hasPrefix("for node in $NODES") })
        XCTAssertEqual(try bash("NODES='node-a node-b'; ssh() { echo \"$1\"; }\n" + look), "== node-a\nnode-a\n== node-b\nnode-b\n")
        XCTAssertTrue(data.commands.contains { $0.contains("SEVERAL hold it: DECIDE which copy is the truth") }, "\(data.commands)")
        // Unset, the node list stops the item; set, the copy reads every node in the order decided.
        let gate = try XCTUnwrap(data.commands.first { $0.contains("${SOURCE_NODES:?") })
        XCTAssertNotEqual(try bashStatus("unset SOURCE_NODES\n" + gate), 0)
        let copy = try XCTUnwrap(data.commands.first { $0.contains("for SOURCE_NODE in $SOURCE_NODES") && $0.contains("tar -C") })
        XCTAssertEqual(try bash("SOURCE_NODES='node-a node-b'; ssh() { echo \"$1\"; }; kubectl() { cat; }\n" + copy), "node-a\nnode-b\n")
    }

    /// After the source is suspended and its last Job has finished, the claims are emptied and filled again, then let go
    /// (ReadWriteOnce) before the EKS CronJob is unsuspended.
    func testTheNodeDataIsCopiedAgainAfterTheSourcesLastRun() throws {
        let plan = try demo().plan
        let final = try item("data-verify:prod/batch/db-backup", in: plan)
        XCTAssertEqual(final.waitsFor, ["suspend-source:prod/batch/db-backup"])
        XCTAssertTrue(try item("enable:prod/batch/db-backup", in: plan).waitsFor.contains(final.keyText))
        let empty = try XCTUnwrap(final.commands.firstIndex { $0.contains("find /data/0 -mindepth 1 -delete") }, "\(final.commands)")
        let copy = try XCTUnwrap(final.commands.firstIndex { $0.contains("for SOURCE_NODE in $SOURCE_NODES") && $0.contains("tar -C /data/0 -xf -") })
        let release = try XCTUnwrap(final.commands.firstIndex { $0.contains("delete \"$COPY_POD\"") })
        XCTAssertTrue(empty < copy && copy < release, "\(final.commands)")
        XCTAssertEqual(final.commands.first { !$0.hasPrefix(". ") }, CronJobIdle.gate(Kubectl.source("batch"), ref: "'cronjob/db-backup'") + "  # its last run has finished writing", "waits for the last Job first")
        XCTAssertTrue(try bashParses(final.commands + final.rollbackCommands))
    }

    /// The copy's rollback keeps the claim by default and, to abandon the move, deletes claim, PV and EBS volume: the gp3
    /// class reclaims with Retain, so the claim alone would leave a billed volume behind.
    func testTheCopysRollbackSaysWhatBecomesOfTheClaimAndItsVolume() throws {
        let data = try item("data:prod/batch/db-backup", in: try demo().plan)
        XCTAssertTrue(StoragePlan.storageClassManifests.contains("reclaimPolicy: Retain"))
        let rollback = data.rollbackCommands
        let claimName = NodeDataClaim.name(kind: "CronJob", namespace: "batch", workload: "db-backup", volume: "scratch")
        let order = ["delete 'pod/eksodus-copy-db-backup'", "-o jsonpath='{.spec.volumeName}'", "delete 'pvc/\(claimName)'", "delete pv \"$PV\"", "aws ec2 delete-volume --volume-id \"$VOLUME_ID\""]
            .map { needle in rollback.firstIndex { $0.contains(needle) } }
        XCTAssertFalse(order.contains(nil), "\(rollback)")
        XCTAssertEqual(order.compactMap { $0 }, order.compactMap { $0 }.sorted(), "\(rollback)")
        XCTAssertTrue(rollback.contains { $0.contains("KEEP the claims") && $0.contains("Retain") }, "\(rollback)")
        // A claim that never bound has no volume: nothing is deleted by an empty id.
        let deletes = rollback.filter { $0.contains("delete pv") || $0.contains("delete-volume") }.joined(separator: "\n")
        XCTAssertEqual(try bash("PV=; VOLUME_ID=; kubectl() { echo kubectl; }; aws() { echo aws; }\n" + deletes), "")
    }

    /// The shared fixtures' hostPath volumes are node agents' (a DaemonSet's container log folders, a 100-replica
    /// ReplicationController's /dev, /proc, /usr): none is one pod's data, so none becomes a claim and none is copied.
    func testFixtureNodeAgentsKeepTheirHostPaths() throws {
        for fixture in ["08-sock-shop-2018-old-apis", "14-messy-tabs-crlf"] {
            let database = try AppDatabase.inMemory()
            try importPaths([try requireFixtures().appendingPathComponent(fixture).path], cluster: "src", into: database)
            let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
                .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
            XCTAssertTrue(NodeDataClaim.planned(plan.storage, cluster: "src").isEmpty, fixture)
            let out = try temporaryFolder(self)
            _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
            var hostPaths = 0
            for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where url.pathExtension == "yaml" {
                let text = try String(contentsOf: url, encoding: .utf8)
                XCTAssertFalse(url.lastPathComponent.hasPrefix("persistentvolumeclaim-") && text.contains("node copy"), url.path)
                hostPaths += text.components(separatedBy: "hostPath:").count - 1
            }
            // A privileged agent on the host's /proc, /dev or runtime socket is held out of conversion (SEC011, a node takeover
            // the team decides on); the others keep their hostPath volumes as they were.
            let held = plan.assessment.clusters.flatMap(\.findings).contains { $0.checkID == "SEC011" }
            XCTAssertTrue(hostPaths > 0 || held, "\(fixture): its hostPath volumes are written as they were, or the agent is held")
            XCTAssertFalse(plan.items.contains { $0.commands.contains { $0.contains("eksodus-copy-") } }, fixture)
        }
    }

    /// The same fixture, its ReplicationController made one pod writing to a data folder: the claim replaces that volume
    /// (only that one: /dev and /proc stay), and the copy finds the nodes of the pods it owns directly.
    func testAFixtureWorkloadWritingToTheNodeGetsItsClaim() throws {
        let source = try String(contentsOf: try requireFixtures().appendingPathComponent("14-messy-tabs-crlf/sysdig-rc-crlf.yaml"), encoding: .utf8)
        let edited = source.replacingOccurrences(of: "replicas: 100", with: "replicas: 1")
            .replacingOccurrences(of: "path: /usr", with: "path: /srv/agent-data")
            .replacingOccurrences(of: "name: usr-vol\r\n          readOnly: true", with: "name: usr-vol\r\n          readOnly: false")
        XCTAssertNotEqual(edited, source)
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["sysdig-rc-crlf.yaml": edited], test: self).path], cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let claims = NodeDataClaim.planned(plan.storage, cluster: "src")["ReplicationController/default/sysdig-agent"] ?? []
        XCTAssertEqual(claims.map(\.volume), ["usr-vol"])
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        // The agent is privileged on the host's /proc and /dev: convert holds it (SEC011) until the team decides.
        guard let workload = FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)?.compactMap({ $0 as? URL })
            .first(where: { $0.lastPathComponent.hasPrefix("replicationcontroller-") }) else {
            XCTAssertTrue(plan.assessment.clusters.flatMap(\.findings).contains { $0.checkID == "SEC011" }, "not written, and not held either")
            return
        }
        let spec = try XCTUnwrap(try ManifestText.objects(try String(contentsOf: workload, encoding: .utf8)).first?["spec", "template", "spec"])
        let volumes = Dictionary(uniqueKeysWithValues: (spec["volumes"]?.items ?? []).compactMap { volume in volume["name"]?.string.map { ($0, volume) } })
        XCTAssertEqual(volumes["usr-vol"]?["persistentVolumeClaim", "claimName"]?.string, claims.first?.name)
        XCTAssertEqual(volumes["dev-vol"]?["hostPath", "path"]?.string, "/dev")
        let claimFile = workload.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("support/persistentvolumeclaim-default-\(try XCTUnwrap(claims.first?.name)).yaml")
        XCTAssertTrue(FileManager.default.fileExists(atPath: claimFile.path), claimFile.path)
        let data = try XCTUnwrap(plan.items.first { $0.keyText.hasPrefix("data:") && $0.keyText.hasSuffix("/sysdig-agent") }, "\(plan.items.map(\.keyText))")
        let recent = try XCTUnwrap(data.commands.first { $0.contains("get pods -o json") }, "\(data.commands)")
        XCTAssertTrue(recent.contains("--arg kind 'ReplicationController'"), recent)
        XCTAssertFalse(data.commands.joined().contains("/dev'"), "\(data.commands)")
        // Once deployed, the data is checked as the workload mounts it (the copy pod is gone by then).
        let verify = try XCTUnwrap(plan.items.first { $0.keyText.hasPrefix("data-verify:") && $0.keyText.hasSuffix("/sysdig-agent") })
        XCTAssertTrue(verify.commands.contains { $0.contains("-c 'sysdig-agent' -- du -s '/host/usr'") }, "\(verify.commands)")
        XCTAssertFalse(verify.commands.contains { $0.contains("$COPY_POD") }, "\(verify.commands)")
        XCTAssertTrue(try bashParses(data.commands + data.rollbackCommands))
    }

    /// A Job's pods are its own: the nodes come from them directly, narrowed by its nodeSelector.
    func testAJobsNodeDataGoesIntoItsClaimFromTheNodesOfItsOwnPods() throws {
        let plan = try plan(manifests: ["job.yaml": """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: reindex, namespace: ops}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  nodeSelector: {disk: ssd}
                  containers: [{name: reindex, image: "busybox:1.36", volumeMounts: [{name: index, mountPath: /index}]}]
                  volumes: [{name: index, hostPath: {path: /srv/index}}]
            """])
        let data = try item("data:src/ops/reindex", in: plan)
        let reindexClaim = NodeDataClaim.name(kind: "Job", namespace: "ops", workload: "reindex", volume: "index")
        let recent = try XCTUnwrap(data.commands.first { $0.contains("get pods -o json") }, "\(data.commands)")
        XCTAssertTrue(recent.contains("--arg kind 'Job' --arg owner 'reindex'"), recent)
        XCTAssertTrue(data.commands.contains { $0.contains("get nodes -l 'disk=ssd'") }, "\(data.commands)")
        XCTAssertTrue(data.commands.contains { $0.contains("\"claimName\":\"\(reindexClaim)\"") }, "\(data.commands)")
        XCTAssertNil(plan.items.first { $0.keyText == "data-verify:src/ops/reindex" }, "a finished Job has no last run to copy again")
        let claims = NodeDataClaim.planned(plan.storage, cluster: "src")["Job/ops/reindex"] ?? []
        XCTAssertEqual(claims.map(\.name), [reindexClaim])
        XCTAssertTrue(reindexClaim.hasPrefix("reindex-index-"), reindexClaim)
    }

    /// One Deployment pod's node data in a claim: a rolling update would start the new pod before the old one lets go of
    /// the ReadWriteOnce volume, so CHANGES.md asks for Recreate; one that already recreates is left alone.
    func testADeploymentsClaimAsksForRecreate() throws {
        for (strategy, asked) in [("RollingUpdate", true), ("Recreate", false)] {
            let database = try AppDatabase.inMemory()
            try importPaths([try writeManifests(["web.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: uploads, namespace: web}
                spec:
                  replicas: 1
                  strategy: {type: \(strategy)}
                  selector: {matchLabels: {app: uploads}}
                  template:
                    metadata: {labels: {app: uploads}}
                    spec:
                      containers: [{name: app, image: "nginx:1.27", volumeMounts: [{name: files, mountPath: /files}]}]
                      volumes: [{name: files, hostPath: {path: /srv/uploads}}]
                """], test: self).path], cluster: "src", into: database)
            let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
                .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
            let out = try temporaryFolder(self)
            let written = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
            let folder = try XCTUnwrap(written.first { $0.files.contains { $0.hasPrefix("workloads/deployment-") } }?.folder)
            let changes = try String(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("CHANGES.md"), encoding: .utf8)
            XCTAssertTrue(changes.contains("claim uploads-files"), changes)
            XCTAssertEqual(changes.contains("set strategy type: Recreate"), asked, changes)
        }
    }

    /// A claim name is a DNS label whatever the workload and volume are called: it goes into a JSON override, a shell word
    /// and a file name unescaped. Names that clean up alike stay apart.
    func testClaimNamesAreDNSLabelsWhateverTheManifestSays() throws {
        let claim = { (kind: String, workload: String, volume: String) in NodeDataClaim.name(kind: kind, namespace: "ops", workload: workload, volume: volume) }
        let names = [claim("CronJob", "Dump", "out\"},{\"x"), claim("CronJob", "dump", "out-x"),
                     claim("CronJob", String(repeating: "a", count: 80), "v"), claim("CronJob", "ünï", "☃"),
                     // readable parts alike: web + cache-data and web-cache + data; one name of two kinds
                     claim("Deployment", "web", "cache-data"), claim("Deployment", "web-cache", "data"), claim("CronJob", "web", "cache-data")]
        for name in names {
            XCTAssertTrue(name.utf8.count <= 63 && !name.hasPrefix("-") && !name.hasSuffix("-")
                          && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }, name)
        }
        XCTAssertEqual(Set(names).count, names.count, "\(names)")
        XCTAssertTrue(names[1].hasPrefix("dump-out-x-"), names[1])
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
                      containers: [{name: dump, image: "busybox:1.36", volumeMounts: [{name: "Out\\"},{'x", mountPath: /out}]}]
                      volumes: [{name: "Out\\"},{'x", hostPath: {path: /srv/out}}]
            """])
        let data = try item("data:src/ops/dump", in: plan)
        let run = try XCTUnwrap(data.commands.first { $0.contains(" run eksodus-copy-") }, "\(data.commands)")
        let overrides = try json(try XCTUnwrap(run.components(separatedBy: "--overrides=").last?.components(separatedBy: "  #").first?
            .trimmingCharacters(in: CharacterSet(charactersIn: "' "))))
        let claimName = (((overrides["spec"] as? [String: Any])?["volumes"] as? [[String: Any]])?.first?["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String
        XCTAssertEqual(claimName, NodeDataClaim.name(kind: "CronJob", namespace: "ops", workload: "dump", volume: "Out\"},{'x"))
        XCTAssertTrue(try bashParses(data.commands + data.rollbackCommands))
    }

    private func bash(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private func bashStatus(_ script: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
