import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// What a live export says beyond its objects: the API version the team applies, the nodes, the server version and
/// measured usage, and what the assessment and the compute plan make of them.
final class ClusterFactsTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func assess(_ database: AppDatabase, target: String = "1.33") throws -> [Finding] {
        try Assessor(database: database, reference: reference).run(target: try XCTUnwrap(KubernetesVersion(target)), now: fixedNow).allFindings
    }

    func computePlan(_ database: AppDatabase, landingZone: LandingZoneOptions = LandingZoneOptions()) throws -> ComputePlan {
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012",
                                  landingZone: landingZone, now: fixedNow)
        return try XCTUnwrap(try TransitionPlanner(database: database, reference: reference).run(request).compute.first)
    }

    /// A Node as `kubectl get nodes -o json` writes it (keys in kubectl's order: kind before status).
    func node(_ name: String, arch: String = "amd64", os: String = "linux", zone: String, type: String, kubelet: String = "v1.28.9",
              runtime: String = "containerd://1.7.11", cpu: String = "8", memory: String = "32386520Ki", role: String? = nil) -> String {
        let roleLabel = role.map { #", "node-role.kubernetes.io/\#($0)": """# } ?? ""
        return """
            {"apiVersion": "v1", "kind": "Node",
             "metadata": {"name": "\(name)", "uid": "\(UUID().uuidString.lowercased())",
               "labels": {"kubernetes.io/arch": "\(arch)", "kubernetes.io/os": "\(os)", "kubernetes.io/hostname": "\(name)",
                 "node.kubernetes.io/instance-type": "\(type)", "topology.kubernetes.io/region": "eu-west-1",
                 "topology.kubernetes.io/zone": "\(zone)", "team": "payments"\(roleLabel)}},
             "spec": {"providerID": "aws:///\(zone)/i-0a1b2c3d4e", "taints": [{"key": "dedicated", "value": "payments", "effect": "NoSchedule"}]},
             "status": {
               "addresses": [{"type": "InternalIP", "address": "10.0.1.17"}],
               "allocatable": {"cpu": "7910m", "ephemeral-storage": "95551679124", "memory": "31369688Ki", "pods": "58"},
               "capacity": {"cpu": "\(cpu)", "ephemeral-storage": "104845292Ki", "memory": "\(memory)", "pods": "58"},
               "conditions": [{"type": "Ready", "status": "True"}],
               "images": [{"names": ["registry.corp/payments/api@sha256:\(String(repeating: "ab", count: 32))"], "sizeBytes": 81234567}],
               "nodeInfo": {"architecture": "\(arch)", "bootID": "3f0c", "containerRuntimeVersion": "\(runtime)",
                 "kernelVersion": "6.1.94-99.176.amzn2023.\(arch == "arm64" ? "aarch64" : "x86_64")", "kubeProxyVersion": "\(kubelet)",
                 "kubeletVersion": "\(kubelet)", "machineID": "ec2a", "operatingSystem": "\(os)", "osImage": "Amazon Linux 2023.5.20240805",
                 "systemUUID": "ec2b"}}}
            """
    }

    func nodeList(_ nodes: [String]) -> String {
        #"{"apiVersion": "v1", "items": ["# + nodes.joined(separator: ",\n") + #"], "kind": "List", "metadata": {"resourceVersion": ""}}"#
    }

    func deployment(_ name: String, replicas: Int = 3, cpu: String = "250m", memory: String = "256Mi") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: shop}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              containers:
              - name: app
                image: registry.corp/shop/\(name):1.0
                resources: {requests: {cpu: \(cpu), memory: \(memory)}}
        """
    }

    // MARK: last-applied apiVersion

    func testAnAppsV1ExportWhoseLastAppliedSaysExtensionsV1beta1IsFoundAndTheAnnotationIsNotKept() throws {
        let fixture = try requireFixtures().appendingPathComponent("13-crane-export-wordpress/resources/default/Deployment_apps_v1_default_wordpress.yaml")
        let served = try String(contentsOf: fixture, encoding: .utf8)
        let appliedPrefix = #"{"apiVersion":"apps/v1","kind":"Deployment""#
        XCTAssertTrue(served.contains(appliedPrefix), "the fixture's last-applied annotation changed")
        let legacy = served.replacingOccurrences(of: appliedPrefix, with: #"{"apiVersion":"extensions/v1beta1","kind":"Deployment""#)

        for (text, expectsFinding) in [(served, false), (legacy, true)] {
            let database = try AppDatabase.inMemory()
            let folder = try writeManifests(["wordpress.yaml": text], test: self)
            try importPaths([folder.path], cluster: "src", into: database)
            let stored = try database.writer.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT r.api_version, a.api_version FROM resource r JOIN applied_api_version a ON a.resource_id = r.id
                    WHERE r.kind = 'Deployment' AND r.name = 'wordpress'
                    """)
            }
            let row = try XCTUnwrap(stored)
            XCTAssertEqual(row[0] as String, "apps/v1")
            XCTAssertEqual(row[1] as String, expectsFinding ? "extensions/v1beta1" : "apps/v1")
            // Only the version is read: the annotation (which repeats the whole object) is in no column.
            let everything = try dump(database)
            XCTAssertFalse(everything.contains("last-applied-configuration"), everything.components(separatedBy: "\n").filter { $0.contains("last-applied-configuration") }.joined(separator: "\n"))

            let findings = try assess(database, target: "1.29").filter { $0.checkID == "API007" }
            if expectsFinding {
                let finding = try XCTUnwrap(findings.first)
                XCTAssertEqual(findings.count, 1)
                XCTAssertEqual(finding.name, "wordpress")
                XCTAssertEqual(finding.kind, "Deployment")
                XCTAssertEqual(finding.severity, .blocker)
                for part in ["extensions/v1beta1", "Kubernetes 1.16", "serves apps/v1", "write it as apps/v1"] {
                    XCTAssertTrue(finding.message.contains(part), "\(part) not in: \(finding.message)")
                }
                XCTAssertEqual(finding.sourceFile, folder.appendingPathComponent("wordpress.yaml").path)
            } else {
                XCTAssertEqual(findings.map(\.message), [])
            }
        }
    }

    func testASecretsLastAppliedGivesItsVersionAndNothingElse() throws {
        let canary = "hunter2-canary-\(UUID().uuidString)"
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
              namespace: shop
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop"},"stringData":{"password":"\(canary)"}}
            type: Opaque
            data: {password: \(Data(canary.utf8).base64EncodedString())}
            """
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["secret.yaml": secret], test: self).path], cluster: "src", into: database)
        XCTAssertEqual(try database.writer.read { try String.fetchOne($0, sql: "SELECT api_version FROM applied_api_version") }, "v1")
        XCTAssertFalse(try dump(database).contains(canary))
    }

    func testAppliedVersionIsReadFromTheAnnotationsTopLevelOnly() {
        XCTAssertEqual(AppliedAPIVersion.read(#"{"apiVersion":"extensions/v1beta1","kind":"Ingress"}"#), "extensions/v1beta1")
        // Keys out of kubectl's order: the nested apiVersion (an ownerReference's) is not the object's.
        XCTAssertEqual(AppliedAPIVersion.read(#"{"metadata":{"ownerReferences":[{"apiVersion":"v9"}]},"apiVersion":"batch/v1beta1"}"#), "batch/v1beta1")
        XCTAssertNil(AppliedAPIVersion.read(#"{"kind":"Deployment"}"#))
        XCTAssertNil(AppliedAPIVersion.read(#"{"apiVersion":"apps/v1; rm -rf /"}"#))
        XCTAssertNil(AppliedAPIVersion.read("not json"))
    }

    // MARK: nodes

    func testANodeListSetsZonesInstanceTypesAndArchitectureThatTheComputePlanUses() throws {
        let zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
        let arm = nodeList(zones.enumerated().map { node("ip-10-0-\($0.offset)-17", arch: "arm64", zone: $0.element, type: "m6g.2xlarge") }
            + [node("cp-1", arch: "arm64", zone: "eu-west-1a", type: "m6g.large", role: "control-plane")])
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["nodes.json": arm, "web.yaml": deployment("web")], test: self)
        let summary = try importPaths([folder.path], cluster: "src", into: database)
        XCTAssertEqual(summary.nodes, 4)
        XCTAssertTrue(ImportReport.text(summary).contains("Cluster facts: 4 node(s)."), ImportReport.text(summary))

        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.name, n.instance_type, n.zone, n.architecture, n.operating_system, n.kubelet_version, n.container_runtime,
                  n.cpu_capacity_m, n.cpu_allocatable_m, n.memory_allocatable, n.pods_allocatable, n.taints, n.role, r.body, r.labels
                FROM node n JOIN resource r ON r.id = n.resource_id ORDER BY r.name
                """)
        }
        XCTAssertEqual(rows.count, 4)
        let first = try XCTUnwrap(rows.first { $0[0] == "ip-10-0-0-17" })
        XCTAssertEqual(first[1] as String?, "m6g.2xlarge")
        XCTAssertEqual(first[2] as String?, "eu-west-1a")
        XCTAssertEqual(first[3] as String?, "arm64")
        XCTAssertEqual(first[4] as String?, "linux")
        XCTAssertEqual(first[5] as String?, "v1.28.9")
        XCTAssertEqual(first[6] as String?, "containerd://1.7.11")
        XCTAssertEqual(first[7] as Int?, 8000)
        XCTAssertEqual(first[8] as Int?, 7910)
        XCTAssertEqual(first[9] as Int?, 31_369_688 * 1024)
        XCTAssertEqual(first[10] as Int?, 58)
        XCTAssertEqual(first[11] as String, #"[{"key":"dedicated","value":"payments","effect":"NoSchedule"}]"#)
        XCTAssertEqual(first[12] as String, "")
        XCTAssertEqual(try XCTUnwrap(rows.first { $0[0] == "cp-1" })[12] as String, "control-plane")
        XCTAssertTrue((first[14] as String).contains(#""team":"payments""#))
        let listing = try InventoryQuery(cluster: "src").table(.nodes, in: database)
        XCTAssertEqual(listing.rows.count, 4)
        XCTAssertEqual(listing.rows.first?.last, .text("dedicated=payments:NoSchedule"))
        // The body keeps no status: addresses, images and machine IDs are nowhere.
        let text = try dump(database)
        for absent in ["10.0.1.17", "sizeBytes", "machineID", "bootID", "\"status\""] { XCTAssertFalse(text.contains(absent), absent) }

        let plan = try computePlan(database)
        XCTAssertFalse(plan.nodeGroups.isEmpty)
        for group in plan.nodeGroups {
            XCTAssertEqual(group.architecture, "arm64", group.name)
            XCTAssertTrue(group.instanceTypes.allSatisfy { $0.hasPrefix("m7g.") || $0.hasPrefix("r7g.") }, "\(group.name): \(group.instanceTypes)")
        }
        XCTAssertTrue(plan.notes.contains { $0.contains("over 3 zones") }, "\(plan.notes)")
        XCTAssertTrue(plan.notes.contains { $0.contains("Today: 3 Linux worker node(s) (m6g.2xlarge ×3) in 3 zone(s)") }, "\(plan.notes)")
        // They are zones of the target region: the stateful groups are pinned to them.
        XCTAssertTrue(plan.notes.contains { $0.hasPrefix("Zones: eu-west-1a, eu-west-1b, eu-west-1c, where the source nodes run") }, "\(plan.notes)")

        // The same estate on amd64 nodes in one zone: x86 families, sized for the two zones EKS needs at least.
        let amd = try AppDatabase.inMemory()
        let amdFolder = try writeManifests(["nodes.json": nodeList([node("n1", zone: "eu-west-1a", type: "m5.2xlarge")]), "web.yaml": deployment("web")], test: self)
        try importPaths([amdFolder.path], cluster: "src", into: amd)
        let amdPlan = try computePlan(amd)
        XCTAssertTrue(amdPlan.nodeGroups.allSatisfy { $0.architecture == "x86_64" && !$0.instanceTypes[0].hasPrefix("m7g") })
        XCTAssertTrue(amdPlan.notes.contains { $0.contains("over 2 zones") }, "\(amdPlan.notes)")

        // --zones still decides when given.
        let pinned = try computePlan(database, landingZone: LandingZoneOptions(zones: ["eu-west-1a", "eu-west-1b"]))
        XCTAssertTrue(pinned.notes.contains { $0.contains("over 2 zones.") }, "\(pinned.notes)")
    }

    func testTodaysAllocatableCapacityRaisesTheWorkerGroupsCeiling() throws {
        // Twenty 8-vCPU nodes run a workload whose requests fit on two.
        let nodes = nodeList((0..<20).map { node("n\($0)", zone: "eu-west-1\(["a", "b"][$0 % 2])", type: "m5.2xlarge") })
        let database = try AppDatabase.inMemory()
        // A node agent in the namespace keeps it off Fargate, so the workload lands on a node group.
        let agent = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: shop}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec: {containers: [{name: agent, image: registry.corp/agent:1, resources: {requests: {cpu: 50m, memory: 64Mi}}}]}
            """
        try importPaths([try writeManifests(["nodes.json": nodes, "web.yaml": deployment("web", replicas: 2), "agent.yaml": agent], test: self).path],
                        cluster: "src", into: database)
        let plan = try computePlan(database)
        let workers = plan.nodeGroups.filter { $0.name != "system" }
        let capacity = workers.reduce(0) { total, group in total + group.maxSize * (reference.instanceType(group.instanceTypes[0])?.vcpu ?? 0) * 800 }
        XCTAssertGreaterThanOrEqual(capacity, 20 * 7910)
        XCTAssertTrue(plan.notes.contains { $0.contains("raised from") }, "\(plan.notes)")
    }

    func testDockerRuntimeWindowsNodesAndKubeletSkewAreFound() throws {
        let nodes = nodeList([
            node("docker-1", zone: "eu-west-1a", type: "m5.xlarge", kubelet: "v1.23.17", runtime: "docker://20.10.25"),
            node("docker-2", zone: "eu-west-1b", type: "m5.xlarge", kubelet: "v1.23.17", runtime: "docker://20.10.25"),
            node("win-1", os: "windows", zone: "eu-west-1a", type: "m5.2xlarge", kubelet: "v1.24.17"),
            node("cp-1", zone: "eu-west-1a", type: "m5.large", kubelet: "v1.24.17", role: "master"),
        ])
        let version = #"{"clientVersion": {"major": "1", "minor": "29", "gitVersion": "v1.29.1"}, "serverVersion": {"major": "1", "minor": "24", "gitVersion": "v1.24.17"}}"#
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["nodes.json": nodes, "version.json": version], test: self).path], cluster: "src", into: database)
        let findings = try assess(database)

        let docker = try XCTUnwrap(findings.first { $0.checkID == "PLT004" })
        XCTAssertTrue(docker.message.contains("2 of 3 source nodes run Docker Engine (docker://20.10.25): docker-1, docker-2"), docker.message)
        XCTAssertEqual(docker.kind, "Node")
        let windows = try XCTUnwrap(findings.first { $0.checkID == "PLT005" })
        XCTAssertTrue(windows.message.contains("1 source node(s) run Windows (win-1)"), windows.message)
        let skew = findings.filter { $0.checkID == "PLT006" }
        XCTAssertEqual(skew.count, 1, "\(skew.map(\.message))")
        XCTAssertTrue(skew.first?.message.contains("kubelet 1.23 is 1 minor version(s) behind the control plane 1.24") == true, "\(skew.map(\.message))")

        // containerd everywhere: no runtime finding.
        let clean = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["nodes.json": nodeList([node("n1", zone: "eu-west-1a", type: "m5.xlarge")])], test: self).path], cluster: "src", into: clean)
        XCTAssertFalse(try assess(clean).contains { ["PLT004", "PLT005", "PLT006"].contains($0.checkID) })
    }

    // MARK: kubectl version

    func testKubectlVersionJSONSetsTheClusterVersionUnlessTheOptionGivesOne() throws {
        let version = #"{"clientVersion": {"major": "1", "minor": "30", "gitVersion": "v1.30.2", "platform": "linux/amd64"}, "kustomizeVersion": "v5.0.4", "serverVersion": {"major": "1", "minor": "27+", "gitVersion": "v1.27.16-eks-a737599", "platform": "linux/amd64"}}"#
        let folder = try writeManifests(["version.json": version, "web.yaml": deployment("web")], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "src", into: database)
        XCTAssertTrue(summary.notices.isEmpty, "\(summary.notices)")
        XCTAssertEqual(summary.objectsStored, 1)
        func stored(_ db: AppDatabase) throws -> String? { try db.writer.read { try String.fetchOne($0, sql: "SELECT kubernetes_version FROM cluster") } }
        XCTAssertEqual(try stored(database), "1.27.16")
        XCTAssertTrue(ImportReport.text(summary).contains("server version 1.27.16 (kubectl version)"), ImportReport.text(summary))

        let given = try AppDatabase.inMemory()
        let result = try Importer(database: given, workers: 1).run(ImportRequest(paths: [folder.path], cluster: "src", kubernetesVersion: "1.26", now: fixedNow))
        XCTAssertEqual(try stored(given), "1.26")
        XCTAssertTrue(result.warnings.contains { $0.contains("--kubernetes-version 1.26 is kept") && $0.contains("1.27.16") }, "\(result.warnings)")
    }

    // MARK: metrics

    func testTopPodsTextIsParsedAndSizesTheWorkloadsThatUseMoreThanTheyRequest() throws {
        let top = """
            shop          web-7d4b9c8f5d-x2x9p        1750m        1900Mi
            shop          web-7d4b9c8f5d-k8s7q        1200m        1100Mi
            shop          db-0                        50m          2Gi
            kube-system   coredns-5d78c9869d-abcde    3m           14Mi

            """
        let folder = try writeManifests(["web.yaml": deployment("web", cpu: "100m", memory: "128Mi"), "top.txt": top], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path, folder.appendingPathComponent("top.txt").path], cluster: "src", into: database)
        XCTAssertEqual(summary.files, 2)
        XCTAssertEqual(summary.podsMeasured, 4)
        let rows = try database.writer.read { try Row.fetchAll($0, sql: "SELECT namespace, pod, cpu_m, memory_bytes, source, source_line FROM pod_usage ORDER BY namespace, pod") }
        XCTAssertEqual(rows.map { "\($0[0] as String)/\($0[1] as String)=\($0[2] as Int)m/\($0[3] as Int)" }, [
            "kube-system/coredns-5d78c9869d-abcde=3m/\(14 * 1_048_576)",
            "shop/db-0=50m/\(2 * 1_073_741_824)",
            "shop/web-7d4b9c8f5d-k8s7q=1200m/\(1100 * 1_048_576)",
            "shop/web-7d4b9c8f5d-x2x9p=1750m/\(1900 * 1_048_576)",
        ])
        XCTAssertEqual(rows.last?[5] as Int?, 1)

        let estate = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)
        let web = try XCTUnwrap(estate.workloads.first { $0.name == "web" })
        XCTAssertEqual(estate.measuredUsage()[web.id], Estate.MeasuredUsage(cpu: 1750, memory: 1900 * 1_048_576, pods: 2))
        XCTAssertEqual(ComputePlan.perPod(web, measured: estate.measuredUsage()[web.id]).cpu, 1750)
        XCTAssertEqual(ComputePlan.perPod(web).cpu, 100)
        XCTAssertTrue(try computePlan(database).notes.contains { $0.contains("Measured usage") })

        // Headers are skipped; a line that is not a row stops the import with its place, and the inventory is unchanged.
        XCTAssertEqual(try TopPodsText.parse("NAMESPACE NAME CPU(cores) MEMORY(bytes)\nshop web-1 5m 10Mi\n", file: "t", defaultNamespace: "default").count, 1)
        // Without -A the pods are in the import's namespace; a name no pod can have is not a row.
        XCTAssertEqual(try TopPodsText.parse("web-1 5m 10Mi", file: "t", defaultNamespace: "team-a").first?.namespace, "team-a")
        XCTAssertThrowsError(try TopPodsText.parse("shop web-1 5m 10Mi\nshop $(reboot) 5m 10Mi", file: "t", defaultNamespace: "default"))
        let bad = try writeManifests(["top.txt": "shop web-1 5m 10Mi\nshop web-2 lots 10Mi\n"], test: self)
        let before = try dump(database)
        XCTAssertThrowsError(try importPaths([bad.appendingPathComponent("top.txt").path], cluster: "src", into: database)) { error in
            XCTAssertTrue("\(error)".contains("top.txt:2:"), "\(error)")
        }
        XCTAssertEqual(try dump(database), before)
    }

    func testPodMetricsListsAreUsageNotInventory() throws {
        let metrics = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: metrics.k8s.io/v1beta1
              kind: PodMetrics
              metadata: {name: web-7d4b9c8f5d-x2x9p, namespace: shop}
              timestamp: "2026-11-30T10:00:00Z"
              window: 18.169s
              containers:
              - {name: app, usage: {cpu: 412345678n, memory: 201788Ki}}
              - {name: sidecar, usage: {cpu: 1234567n, memory: 10Mi}}
            """
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["metrics.yaml": metrics, "web.yaml": deployment("web")], test: self).path], cluster: "src", into: database)
        let (resources, usage) = try database.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM resource WHERE kind = 'PodMetrics'"),
             try Row.fetchOne(db, sql: "SELECT cpu_m, memory_bytes, source, observed_at FROM pod_usage"))
        }
        XCTAssertEqual(resources, 0)
        let row = try XCTUnwrap(usage)
        XCTAssertEqual(row[0] as Int, 413 + 2)
        XCTAssertEqual(row[1] as Int, 201_788 * 1024 + 10 * 1_048_576)
        XCTAssertEqual(row[2] as String, "PodMetrics")
        XCTAssertEqual(row[3] as String?, "2026-11-30T10:00:00Z")
    }
}
