import Foundation
import XCTest
@testable import EksodusCore

/// The landing-zone half of the eksctl advice, point by point: the API endpoint's access is a decision, stateful groups are
/// zonal, the VPC and Service CIDRs stay clear of the on-premises networks, Windows and x86-only workloads get their own groups.
final class EksctlLandingZoneTests: XCTestCase {
    /// A Node object as `kubectl get nodes -o json` lists it.
    func node(_ name: String, zone: String, arch: String = "amd64", os: String = "linux", windowsBuild: String? = nil) -> String {
        let build = windowsBuild.map { #", "node.kubernetes.io/windows-build": "\#($0)""# } ?? ""
        return """
            {"apiVersion": "v1", "kind": "Node",
             "metadata": {"name": "\(name)", "uid": "\(UUID().uuidString.lowercased())",
               "labels": {"kubernetes.io/arch": "\(arch)", "kubernetes.io/os": "\(os)", "kubernetes.io/hostname": "\(name)",
                 "node.kubernetes.io/instance-type": "m5.2xlarge", "topology.kubernetes.io/zone": "\(zone)"\(build)}},
             "status": {
               "allocatable": {"cpu": "7910m", "memory": "31369688Ki", "pods": "58"},
               "capacity": {"cpu": "8", "memory": "32386520Ki", "pods": "58"},
               "nodeInfo": {"architecture": "\(arch)", "containerRuntimeVersion": "containerd://1.7.11", "kubeletVersion": "v1.29.4",
                 "operatingSystem": "\(os)", "osImage": "\(os == "windows" ? "Windows Server 2019 Datacenter" : "Amazon Linux 2023")"}}}
            """
    }

    func nodes(_ nodes: [String]) -> String {
        #"{"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": ["# + nodes.joined(separator: ",\n") + "]}"
    }

    func deployment(_ name: String, namespace: String, replicas: Int = 2, pod: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec: {\(pod)containers: [{name: main, image: "registry.k8s.io/pause:3.9", resources: {requests: {cpu: 250m, memory: 256Mi}}}]}
        ---

        """
    }

    /// Plans a fixture (or none) imported with `files` into one cluster.
    func plan(fixture: String?, _ files: [String: String] = [:], cluster: String = "src", region: String = "eu-west-1",
              landingZone: LandingZoneOptions = LandingZoneOptions()) throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        var paths: [String] = []
        if let fixture { paths.append(try requireFixtures().appendingPathComponent(fixture).path) }
        if !files.isEmpty { paths.append(try writeManifests(files, test: self).path) }
        try importPaths(paths, cluster: cluster, into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: region, accountID: "123456789012", landingZone: landingZone, now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    func config(_ plan: TransitionPlan, _ cluster: String = "src") throws -> (yaml: String, root: ManifestNode) {
        let yaml = try XCTUnwrap(try plan.eksctlConfigs().first { $0.cluster == cluster }?.yaml, "no config for \(cluster): \(plan.eksctlRefusals)")
        return (yaml, try XCTUnwrap(try ManifestText.objects(yaml).first))
    }

    func groups(_ root: ManifestNode) -> [String: ManifestNode] {
        Dictionary((root["managedNodeGroups"]?.items ?? []).map { ($0["name"]?.string ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: 1. endpoint access

    func testWithoutAccessOptionsThePublicEndpointIsADecisionThatBlocksTheCluster() throws {
        let open = try plan(fixture: "02-sock-shop")
        let item = try XCTUnwrap(open.items.first { $0.keyText == "plan:endpoint:src" })
        XCTAssertFalse(item.provenDone, "nobody decided")
        XCTAssertTrue(item.title.contains("open to 0.0.0.0/0"), item.title)
        let create = try XCTUnwrap(open.items.first { $0.keyText == "plan:cluster:src" })
        XCTAssertTrue(create.prerequisites.contains(.plan(.endpoint, cluster: "src")))
        let (openYAML, root) = try config(open)
        XCTAssertEqual(root["vpc", "clusterEndpoints", "privateAccess"]?.bool, true)
        XCTAssertEqual(root["vpc", "clusterEndpoints", "publicAccess"]?.bool, true)
        XCTAssertEqual(root["vpc", "publicAccessCIDRs"]?.items.compactMap(\.string), ["0.0.0.0/0"], "the open endpoint is stated, not implied")

        let restricted = try plan(fixture: "02-sock-shop", landingZone: LandingZoneOptions(publicAccessCIDRs: ["203.0.113.0/24"]))
        let decided = try XCTUnwrap(restricted.items.first { $0.keyText == "plan:endpoint:src" })
        XCTAssertTrue(decided.provenDone, "the options are the decision")
        XCTAssertTrue(decided.title.contains("203.0.113.0/24"), decided.title)
        let (restrictedYAML, closed) = try config(restricted)
        XCTAssertEqual(closed["vpc", "clusterEndpoints", "privateAccess"]?.bool, true)
        XCTAssertEqual(closed["vpc", "publicAccessCIDRs"]?.items.compactMap(\.string), ["203.0.113.0/24"])
        try validateEksctlConfigs([("open", openYAML), ("restricted", restrictedYAML)], test: self)
    }

    // MARK: 2. zonal stateful groups

    func testStatefulGroupsAreOnePerSourceZoneOrAZoneDecisionBlocksTheCluster() throws {
        let zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
        let onEC2 = try plan(fixture: "02-sock-shop", ["nodes.json": nodes(zones.enumerated().map { node("worker-\($0.offset)", zone: $0.element) })])
        let compute = try XCTUnwrap(onEC2.compute.first)
        let stateful = compute.nodeGroups.filter { $0.labels["role"] == "stateful" }
        XCTAssertEqual(stateful.map(\.zones), zones.map { [$0] }, "one stateful group per zone of the source nodes")
        XCTAssertNil(compute.zoneDecision)
        XCTAssertFalse(onEC2.items.contains { $0.keyText == "plan:zones:src" })
        let (zonedYAML, zoned) = try config(onEC2)
        XCTAssertEqual(zoned["availabilityZones"]?.items.compactMap(\.string), zones)
        XCTAssertEqual(groups(zoned)["stateful-b"]?["availabilityZones"]?.items.compactMap(\.string), ["eu-west-1b"])

        // On-premises zone names are no AWS zones: the single group spanning zones is a decision, ahead of the cluster.
        let onPremises = try plan(fixture: "02-sock-shop", ["nodes.json": nodes([node("rack-1", zone: "dc1-rack1"), node("rack-2", zone: "dc1-rack2")])])
        let spanning = try XCTUnwrap(onPremises.compute.first)
        XCTAssertEqual(spanning.nodeGroups.filter { $0.labels["role"] == "stateful" }.map(\.zones), [[]])
        let decision = try XCTUnwrap(onPremises.items.first { $0.keyText == "plan:zones:src" })
        XCTAssertTrue(decision.evidence.contains("EBS volumes are zonal"), decision.evidence)
        XCTAssertTrue(decision.evidence.contains("dc1-rack1"), decision.evidence)
        XCTAssertTrue(try XCTUnwrap(onPremises.items.first { $0.keyText == "plan:cluster:src" }).prerequisites.contains(.plan(.zones, cluster: "src")))
        // No Node facts at all: the same decision.
        XCTAssertNotNil(try plan(fixture: "02-sock-shop").compute.first?.zoneDecision)
        // --zones decides it.
        let pinned = try plan(fixture: "02-sock-shop", landingZone: LandingZoneOptions(zones: ["eu-west-1a", "eu-west-1b"]))
        XCTAssertFalse(pinned.items.contains { $0.keyText == "plan:zones:src" })
        try validateEksctlConfigs([("source-zones", zonedYAML), ("spanning", try config(onPremises).yaml)], test: self)
    }

    // MARK: 3. VPC and Service CIDRs

    func testOnPremisesEndpointsIn192168MoveTheVPCAndServiceCIDRsClearOfThem() throws {
        let calls = deployment("billing", namespace: "finance",
                               pod: "hostAliases: [{ip: 10.100.3.4, hostnames: [ledger.acme.corp]}], ")
            .replacingOccurrences(of: "resources:", with: "env: [{name: DB_HOST, value: '192.168.10.5'}, {name: MQ, value: 'amqp://192.168.200.9:5672'}], resources:")
        let plan = try plan(fixture: "02-sock-shop", ["billing.yaml": calls])
        let addressing = try XCTUnwrap(plan.network.addressing?.first { $0.cluster == "src" })
        XCTAssertEqual(Set(addressing.onPremises), ["10.100.0.0/16", "192.168.0.0/16"])
        XCTAssertEqual(addressing.vpcCIDR, "10.0.0.0/16", "the first RFC 1918 /16 after eksctl's taken default")
        XCTAssertEqual(addressing.serviceCIDR, "172.20.0.0/16", "EKS's other default, since 10.100.0.0/16 is on-premises")
        XCTAssertTrue(addressing.reason.contains("eksctl's default 192.168.0.0/16 is taken"), addressing.reason)
        for range in [addressing.vpcCIDR, addressing.serviceCIDR] {
            let network = try XCTUnwrap(IPv4Range(range))
            for address in ["192.168.10.5", "192.168.200.9", "10.100.3.4"] {
                XCTAssertNotEqual(try XCTUnwrap(IPv4Range(address)).address & 0xFFFF_0000, network.address, "\(range) holds \(address)")
            }
        }
        let (yaml, root) = try config(plan)
        XCTAssertEqual(root["vpc", "cidr"]?.string, "10.0.0.0/16")
        XCTAssertEqual(root["kubernetesNetworkConfig", "serviceIPv4CIDR"]?.string, "172.20.0.0/16")
        XCTAssertTrue(yaml.contains("# VPC: eksctl creates this cluster's own VPC (10.0.0.0/16"), yaml)
        XCTAssertTrue(plan.compute[0].notes.contains { $0.hasPrefix("Addresses: VPC 10.0.0.0/16, Services 172.20.0.0/16") })

        // Nothing on-premises: eksctl's and EKS's defaults, stated.
        let plain = try self.plan(fixture: "02-sock-shop")
        let defaults = try config(plain).root
        XCTAssertEqual(defaults["vpc", "cidr"]?.string, "192.168.0.0/16")
        XCTAssertEqual(defaults["kubernetesNetworkConfig", "serviceIPv4CIDR"]?.string, "10.100.0.0/16")
        try validateEksctlConfigs([("on-premises", yaml), ("defaults", try config(plain).yaml)], test: self)
    }

    // MARK: 4. Windows

    func testWindowsNodesAndWorkloadsGetAWindowsGroupWhileLinuxKeepsTheSystemPods() throws {
        let files = ["nodes.json": nodes([node("linux-1", zone: "dc1"), node("linux-2", zone: "dc1"),
                                          node("win-1", zone: "dc1", os: "windows", windowsBuild: "10.0.17763")]),
                     "win.yaml": deployment("legacy-iis", namespace: "legacy", pod: "nodeSelector: {kubernetes.io/os: windows}, ")]
        let plan = try plan(fixture: "02-sock-shop", files)
        let compute = try XCTUnwrap(plan.compute.first)
        let windows = try XCTUnwrap(compute.nodeGroups.first { $0.name == "windows" })
        XCTAssertEqual(windows.amiFamily, "WindowsServer2019FullContainer", "the source nodes' build 10.0.17763 is Windows Server 2019")
        XCTAssertEqual(windows.taints, [ComputePlan.windowsTaint])
        XCTAssertEqual(windows.architecture, "x86_64")
        let placement = try XCTUnwrap(compute.placements.first { $0.workload == "Deployment/legacy/legacy-iis" })
        XCTAssertEqual(placement.target, "windows")
        XCTAssertEqual(placement.toleration, ComputePlan.windowsTaint.toleration)
        XCTAssertFalse(compute.fargateProfiles.flatMap(\.namespaces).contains("legacy"), "Fargate runs no Windows pods")
        let system = try XCTUnwrap(compute.nodeGroups.first { $0.name == "system" })
        XCTAssertNil(system.amiFamily, "CoreDNS runs on Linux")
        XCTAssertTrue(compute.notes.contains { $0.contains("enable-windows-ipam") })
        XCTAssertTrue(plan.assessment.clusters.flatMap(\.findings).contains { $0.checkID == "PLT005" })

        let (yaml, root) = try config(plan)
        let group = try XCTUnwrap(groups(root)["windows"])
        XCTAssertEqual(group["amiFamily"]?.string, "WindowsServer2019FullContainer")
        XCTAssertNil(group["maxPodsPerNode"], "prefix-delegation pod counts are Linux-only")
        XCTAssertEqual(groups(root)["system"]?["amiFamily"]?.string, "AmazonLinux2023")
        try validateEksctlConfigs([("windows", yaml)], test: self)
    }

    func testLinuxNodeAgentsSelectLinuxWhenThePlanHasAWindowsGroup() throws {
        let agent = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: node-probe, namespace: agents}
            spec:
              selector: {matchLabels: {app: node-probe}}
              template:
                metadata: {labels: {app: node-probe}}
                spec: {containers: [{name: probe, image: registry.example.com/probe:1.0}]}

            """
        let files = ["nodes.json": nodes([node("linux-1", zone: "dc1"), node("win-1", zone: "dc1", os: "windows")]),
                     "win.yaml": deployment("legacy-iis", namespace: "legacy", pod: "nodeSelector: {kubernetes.io/os: windows}, "),
                     "agent.yaml": agent]
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(files, test: self).path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        XCTAssertTrue(try XCTUnwrap(plan.compute.first).nodeGroups.contains(where: \.isWindows))
        let out = try temporaryFolder(self)
        let estates = try database.writer.read { try Estate.load($0) }
        _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: estates, to: out)
        let written = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: out.path))
        func object(_ suffix: String) throws -> ManifestNode {
            let path = try XCTUnwrap(written.first { $0.hasSuffix(suffix) }, "\(suffix) in \(written)")
            return try XCTUnwrap(try ManifestText.objects(String(contentsOf: out.appendingPathComponent(path), encoding: .utf8)).first)
        }
        let daemonSet = try object("daemonset-agents-node-probe.yaml")
        XCTAssertEqual(daemonSet["spec", "template", "spec", "nodeSelector", "kubernetes.io/os"]?.string, "linux",
                       "an agent tolerating every taint would also land on the Windows nodes")
        XCTAssertTrue((daemonSet["spec", "template", "spec", "tolerations"]?.items ?? []).contains { $0["operator"]?.string == "Exists" })
        let windows = try object("deployment-legacy-legacy-iis.yaml")
        XCTAssertEqual(windows["spec", "template", "spec", "nodeSelector", "kubernetes.io/os"]?.string, "windows")
    }

    // MARK: 5. architectures

    func testAmd64WorkloadsStayOffGravitonAndUnknownImagesStayOnX86() throws {
        let reference = try ReferenceData.embedded()
        let workloads = deployment("x86-only", namespace: "apps", pod: "nodeSelector: {kubernetes.io/arch: amd64}, ")
            + deployment("anywhere", namespace: "apps", replicas: 1)
            + deployment("arm-api", namespace: "apps", pod: "nodeSelector: {kubernetes.io/arch: arm64}, ")
        // Every source node arm64: the images run on Arm today, except the one that selects amd64.
        let arm = try plan(fixture: nil, ["nodes.json": nodes((1...3).map { node("arm-\($0)", zone: "dc1", arch: "arm64") }), "apps.yaml": workloads])
        let compute = try XCTUnwrap(arm.compute.first)
        func architecture(_ workload: String, in compute: ComputePlan) throws -> String? {
            let target = try XCTUnwrap(compute.placements.first { $0.workload == workload }?.target, workload)
            let group = try XCTUnwrap(compute.nodeGroups.first { $0.name == target }, target)
            return reference.instanceType(group.instanceTypes[0])?.architecture
        }
        XCTAssertEqual(try architecture("Deployment/apps/x86-only", in: compute), "x86_64")
        XCTAssertEqual(try architecture("Deployment/apps/anywhere", in: compute), "arm64")
        XCTAssertEqual(try architecture("Deployment/apps/arm-api", in: compute), "arm64")

        // Mixed or unknown nodes: only the arm64 selector goes to Graviton.
        let mixed = try plan(fixture: nil, ["nodes.json": nodes([node("a", zone: "dc1", arch: "arm64"), node("b", zone: "dc1")]), "apps.yaml": workloads])
        let mixedCompute = try XCTUnwrap(mixed.compute.first)
        XCTAssertEqual(try architecture("Deployment/apps/x86-only", in: mixedCompute), "x86_64")
        XCTAssertEqual(try architecture("Deployment/apps/anywhere", in: mixedCompute), "x86_64")
        XCTAssertEqual(try architecture("Deployment/apps/arm-api", in: mixedCompute), "arm64")
        try validateEksctlConfigs([("all-arm64", try config(arm).yaml), ("mixed", try config(mixed).yaml)], test: self)
    }
}
