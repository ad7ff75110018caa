import Foundation
import XCTest
@testable import EksodusCore

/// What an EKS migration engineer expects of the compute plan and the eksctl ClusterConfig, point by point.
final class EksctlAdviceTests: XCTestCase {
    func plan(_ files: [String: String], clusters: [String] = ["src"], region: String = "eu-west-1",
              landingZone: LandingZoneOptions = LandingZoneOptions()) throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(files, test: self)
        for cluster in clusters { try importPaths([folder.path], cluster: cluster, into: database) }
        return try run(database, region: region, landingZone: landingZone)
    }

    func run(_ database: AppDatabase, region: String = "eu-west-1", landingZone: LandingZoneOptions = LandingZoneOptions()) throws -> TransitionPlan {
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: region, accountID: "123456789012", landingZone: landingZone, now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    func config(_ plan: TransitionPlan, _ cluster: String = "src") throws -> (yaml: String, root: ManifestNode) {
        let yaml = try XCTUnwrap(try plan.eksctlConfigs().first { $0.cluster == cluster }?.yaml, "no config for \(cluster)")
        return (yaml, try XCTUnwrap(try ManifestText.objects(yaml).first))
    }

    func group(_ root: ManifestNode, _ name: String) -> ManifestNode? {
        root["managedNodeGroups"]?.items.first { $0["name"]?.string == name }
    }

    /// A Deployment; `extra` is added to the pod spec, `container` to the container (YAML flow fragments).
    func deployment(_ name: String, namespace: String = "shop", replicas: Int = 3, cpu: String = "250m", memory: String = "256Mi",
                    extra: String = "", container: String = "", kind: String = "Deployment") -> String {
        """
        apiVersion: apps/v1
        kind: \(kind)
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec: {\(extra)containers: [{name: main, image: "registry.k8s.io/pause:3.9", resources: {requests: {cpu: "\(cpu)", memory: "\(memory)"}}\(container)}]}
        ---

        """
    }

    func database(_ name: String, namespace: String = "shop") -> String {
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          replicas: 3
          serviceName: \(name)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec: {containers: [{name: db, image: "postgres:16", resources: {requests: {cpu: "500m", memory: "1Gi"}}}]}
          volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}}]
        ---

        """
    }

    func daemonSet(_ name: String, cpu: String, memory: String) -> String {
        """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: \(name), namespace: agents}
        spec:
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec: {containers: [{name: agent, image: "registry.k8s.io/pause:3.9", resources: {requests: {cpu: "\(cpu)", memory: "\(memory)"}}}]}
        ---

        """
    }

    static let networkPolicy = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: guarded}
        spec: {podSelector: {}, policyTypes: [Ingress]}
        ---

        """

    // MARK: Placement

    func testNamespacesWithNetworkPoliciesAreNotPlannedOnFargate() throws {
        let plan = try plan(["a.yaml": deployment("open-api", namespace: "open") + deployment("guarded-api", namespace: "guarded") + Self.networkPolicy])
        let compute = try XCTUnwrap(plan.compute.first)
        // Both namespaces are Fargate-eligible; only the one no policy guards goes there.
        XCTAssertEqual(compute.fargateProfiles.flatMap(\.namespaces), ["open"])
        XCTAssertEqual(compute.keptOffFargate.map(\.namespace), ["guarded"])
        XCTAssertTrue(compute.keptOffFargate[0].reason.contains("not enforced on Fargate"), compute.keptOffFargate[0].reason)
        XCTAssertTrue(compute.notes.contains { $0.hasPrefix("Kept off Fargate: guarded") }, "\(compute.notes)")
        XCTAssertEqual(compute.placements.first { $0.workload == "Deployment/guarded/guarded-api" }?.target, "spot")
    }

    func testFargateProfilesStayWithinTheirQuotas() throws {
        let plan = try plan(["a.yaml": (0..<53).map { deployment("api", namespace: String(format: "team-%02d", $0)) }.joined()])
        let compute = try XCTUnwrap(plan.compute.first)
        XCTAssertEqual(compute.fargateProfiles.count, 10)
        XCTAssertTrue(compute.fargateProfiles.allSatisfy { $0.namespaces.count <= 5 })
        XCTAssertEqual(compute.keptOffFargate.map(\.namespace), ["team-50", "team-51", "team-52"])
        XCTAssertEqual(compute.placements.first { $0.workload == "Deployment/team-52/api" }?.target, "spot")
    }

    func testSockShopWithItsNetworkPoliciesStaysOnEC2() throws {
        let fixtures = try requireFixtures().appendingPathComponent("08-sock-shop-2018-old-apis")
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("manifests").path, fixtures.appendingPathComponent("manifests-policy").path], cluster: "sock", into: database)
        let compute = try XCTUnwrap(try run(database).compute.first)
        XCTAssertTrue(compute.networkPolicy)
        XCTAssertFalse(compute.fargateProfiles.flatMap(\.namespaces).contains("sock-shop"), "\(compute.fargateProfiles.map(\.namespaces))")
        // Its databases (on emptyDir in this entry) are stateful, so the namespace would not go to Fargate anyway; where the
        // policies are the reason, the plan says so (testNamespacesWithNetworkPoliciesAreNotPlannedOnFargate).
        XCTAssertTrue(compute.keptOffFargate.allSatisfy { $0.namespace != "sock-shop" || $0.reason.contains("NetworkPolicies") })
        let config = try XCTUnwrap(try ManifestText.objects(try XCTUnwrap(try run(database).eksctlConfigs().first?.yaml)).first)
        XCTAssertFalse((config["fargateProfiles"]?.items ?? []).contains { $0["selectors"]?.items.contains { $0["namespace"]?.string == "sock-shop" } == true })
    }

    func testSpotAndSystemGroupsAreTaintedAndOnlyInterruptionTolerantWorkloadsTolerateSpot() throws {
        let plan = try plan(["a.yaml": database("orders-db") + deployment("web") + deployment("slow-to-stop", extra: "terminationGracePeriodSeconds: 600, ")
                                       + deployment("singleton", replicas: 1)])
        let compute = try XCTUnwrap(plan.compute.first)
        let system = try XCTUnwrap(compute.nodeGroups.first { $0.name == "system" })
        XCTAssertEqual(system.taints, [ComputePlan.Taint(key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule")])
        let spot = try XCTUnwrap(compute.nodeGroups.first { $0.spot })
        XCTAssertEqual(spot.taints.map(\.text), ["spot=true:NoSchedule"])
        // The stateful groups are tainted too (StatefulNodeGroupPlacementTests): only their workloads tolerate them.
        XCTAssertFalse(compute.nodeGroups.contains { !$0.spot && $0.name != "system" && !$0.name.hasPrefix("stateful") && !$0.taints.isEmpty })
        XCTAssertEqual(compute.nodeGroups.first { $0.name == "stateful" }?.taints, [ComputePlan.statefulTaint])
        XCTAssertEqual(Set(compute.placements.filter { $0.toleration?.contains("stateful") == true }.map(\.workload)), ["StatefulSet/shop/orders-db"])
        let tolerating = Set(compute.placements.filter { $0.toleration?.contains("spot") == true }.map(\.workload))
        XCTAssertEqual(tolerating, ["Deployment/shop/web"])
        XCTAssertEqual(compute.placements.first { $0.workload == "StatefulSet/shop/orders-db" }?.target, "stateful")
        XCTAssertEqual(compute.placements.first { $0.workload == "Deployment/shop/slow-to-stop" }?.target, "general")
        XCTAssertEqual(compute.placements.first { $0.workload == "Deployment/shop/singleton" }?.target, "general")
        let root = try config(plan).root
        XCTAssertEqual(group(root, "spot")?["taints"]?.items.first?["key"]?.string, "spot")
        XCTAssertEqual(group(root, "spot")?["taints"]?.items.first?["effect"]?.string, "NoSchedule")
        XCTAssertEqual(group(root, "system")?["taints"]?.items.first?["key"]?.string, "CriticalAddonsOnly")
        XCTAssertEqual(group(root, "stateful")?["taints"]?.items.first?["key"]?.string, "stateful")
    }

    func testPrefixDelegationIsConfiguredAndPodIPsCountWarmPrefixesAtMaximumSizes() throws {
        let plan = try plan(["a.yaml": database("orders-db") + deployment("web", replicas: 40)])
        let compute = try XCTUnwrap(plan.compute.first)
        let root = try config(plan).root
        let cni = try XCTUnwrap(root["addons"]?.items.first { $0["name"]?.string == "vpc-cni" })
        let values = try XCTUnwrap(ManifestText.value(try XCTUnwrap(cni["configurationValues"]?.string)))
        XCTAssertEqual(values["env", "ENABLE_PREFIX_DELEGATION"]?.string, "true")
        XCTAssertEqual(values["env", "WARM_PREFIX_TARGET"]?.string, "1")
        // Every node at its group's maximum count holds a warm /28 and a partly used one; the 43 pods count twice (rolling updates).
        var floor = 43 * 2
        for group in compute.nodeGroups {
            XCTAssertEqual(group.maxPods, 110, group.name)
            XCTAssertEqual(self.group(root, group.name)?["maxPodsPerNode"]?.int, 110)
            floor += group.maxSize * 2 * 16
        }
        XCTAssertGreaterThanOrEqual(compute.podIPs, floor)
        XCTAssertLessThan(compute.podIPs, floor * 2, "no node is assumed full")
        XCTAssertLessThanOrEqual((1 << (32 - compute.subnetPrefix)) - 5, 4 * compute.podIPs, "subnet not absurdly larger than the need")
        XCTAssertGreaterThanOrEqual(((1 << (32 - compute.subnetPrefix)) - 5) * 2, compute.podIPs, "two zones hold every address")
    }

    func testArm64NodeSelectorsGetAGravitonGroupAndNoFargate() throws {
        let affinity = "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]}]}}}, "
        let plan = try plan(["a.yaml": deployment("arm-api", namespace: "arm", extra: "nodeSelector: {kubernetes.io/arch: arm64}, ")
                                       + deployment("arm-worker", namespace: "arm", replicas: 1, extra: affinity)
                                       + deployment("any", namespace: "arm", replicas: 1, extra: "nodeSelector: {kubernetes.io/arch: amd64}, ")])
        let compute = try XCTUnwrap(plan.compute.first)
        XCTAssertTrue(compute.fargateProfiles.isEmpty, "Fargate runs x86_64 only")
        let arm = try XCTUnwrap(compute.nodeGroups.first { $0.name == "arm64" })
        XCTAssertEqual(arm.architecture, "arm64")
        let reference = try ReferenceData.embedded()
        XCTAssertTrue(arm.instanceTypes.allSatisfy { reference.instanceType($0)?.architecture == "arm64" }, "\(arm.instanceTypes)")
        XCTAssertEqual(Set(compute.placements.filter { $0.target == "arm64" }.map(\.workload)), ["Deployment/arm/arm-api", "Deployment/arm/arm-worker"])
        XCTAssertEqual(compute.placements.first { $0.workload == "Deployment/arm/any" }?.target, "general")
        XCTAssertEqual(group(try config(plan).root, "arm64")?["instanceType"]?.string, arm.instanceTypes[0])
    }

    // MARK: Sizes

    func testHeavyDaemonSetsGetALargerInstanceAndBoundedCounts() throws {
        let plan = try plan(["a.yaml": daemonSet("security-agent", cpu: "6", memory: "20Gi") + deployment("api", namespace: "agents", replicas: 3)])
        let compute = try XCTUnwrap(plan.compute.first)
        let reference = try ReferenceData.embedded()
        for group in compute.nodeGroups {
            let instance = try XCTUnwrap(reference.instanceType(group.instanceTypes[0]))
            // The agent takes at most half of what a node offers, and a handful of nodes carries three small pods.
            XCTAssertLessThanOrEqual(6.0 + 0.2, Double(instance.vcpu) * 0.8 / 2 + 0.01, "\(group.name): \(instance.type)")
            XCTAssertLessThanOrEqual(group.desired, 3, group.name)
            XCTAssertLessThanOrEqual(group.maxSize, 450, group.name)
            XCTAssertLessThanOrEqual(group.desired, group.maxSize)
        }
        let root = try config(plan).root
        for group in root["managedNodeGroups"]?.items ?? [] {
            XCTAssertLessThanOrEqual(group["desiredCapacity"]?.int ?? .max, 3, "\(group["name"]?.string ?? "")")
        }
        try validateEksctlConfigs([("heavy-daemonsets", try config(plan).yaml)], test: self)
    }

    func testDaemonSetsNoInstanceCanCarryAreRefusedWithAReasonAndNoConfig() throws {
        let plan = try plan(["a.yaml": daemonSet("greedy", cpu: "200", memory: "2000Gi") + deployment("api", namespace: "agents")], clusters: ["src", "other"])
        XCTAssertTrue(try plan.eksctlConfigs().isEmpty)
        XCTAssertEqual(plan.eksctlRefusals.count, 2)
        XCTAssertTrue(plan.eksctlRefusals.allSatisfy { $0.contains("DaemonSets request 200150m CPU") }, "\(plan.eksctlRefusals)")
        let reference = try ReferenceData.embedded()
        for compute in plan.compute {
            XCTAssertTrue(compute.nodeGroups.allSatisfy { $0.desired <= $0.maxSize && $0.maxSize <= 450 })
            XCTAssertTrue(compute.nodeGroups.allSatisfy { reference.instanceType($0.instanceTypes[0]) != nil }, "\(compute.nodeGroups.map(\.instanceTypes))")
            XCTAssertTrue(compute.notes.contains { $0.hasPrefix("Not writable as an eksctl config") })
        }
    }

    func testADeploymentBeyondTheNodeGroupQuotaIsRefused() throws {
        let plan = try plan(["a.yaml": deployment("render-farm", replicas: 100_000, cpu: "4", memory: "8Gi") + database("orders-db")])
        XCTAssertTrue(try plan.eksctlConfigs().isEmpty)
        XCTAssertTrue(plan.eksctlRefusals.first?.contains("spot node group: needs") == true, "\(plan.eksctlRefusals)")
        XCTAssertTrue(plan.compute[0].nodeGroups.allSatisfy { $0.desired <= 450 && $0.maxSize <= 450 })
    }

    // MARK: Identity

    func awsWorkload(_ name: String, namespace: String) -> String {
        deployment(name, namespace: namespace, container: ", env: [{name: AWS_ACCESS_KEY_ID, valueFrom: {secretKeyRef: {name: aws, key: id}}}]")
    }

    /// `shop/payments-api` and `shop-payments/api` joined with '-' were one role and one policy for two workloads: each
    /// now has its own, and the eksctl config, the policy commands and the annotation all name that one.
    func testServiceAccountsThatJoinAlikeGetRolesOfTheirOwn() throws {
        let plan = try plan(["a.yaml": awsWorkload("payments-api", namespace: "shop") + awsWorkload("api", namespace: "shop-payments")
                             + awsWorkload("web", namespace: "shop")])
        let entries = plan.identity.entries
        let one = try XCTUnwrap(entries.first { $0.namespace == "shop" && $0.serviceAccount == "payments-api" })
        let other = try XCTUnwrap(entries.first { $0.namespace == "shop-payments" && $0.serviceAccount == "api" })
        XCTAssertNotEqual(one.roleName.lowercased(), other.roleName.lowercased(), "IAM names are not told apart by case")
        XCTAssertEqual(entries.first { $0.serviceAccount == "web" }?.roleName, "src-shop-web", "a name only one triple makes stays readable")
        let iam = try config(plan).root
        let roles = ((iam["iam", "podIdentityAssociations"]?.items ?? []) + (iam["iam", "serviceAccounts"]?.items ?? [])).compactMap { $0["roleName"]?.string }
        let policies = IdentityCommands.commands(entries, region: "eu-west-1").commands.filter { $0.contains("create-policy") }
        for entry in [one, other] {
            XCTAssertTrue(roles.contains(entry.roleName), "\(roles)")
            XCTAssertEqual(policies.filter { $0.contains("--policy-name '\(entry.roleName)' ") }.count, 1, "\(policies)")
            if let annotation = entry.annotation { XCTAssertTrue(annotation.hasSuffix(":role/" + entry.roleName), annotation) }
        }
    }

    /// Every role name is one IAM accepts (1 to 64 of `[\\w+=,.@-]`), however long or odd the names it comes from.
    func testRoleNamesStayWithinIAMsLimitAndTellTriplesApart() {
        let triples = [("c1", "shop", "payments-api"), ("c1", "shop-payments", "api"), ("c1-shop", "payments", "api"), ("C1", "shop", "web"),
                       ("c1", "shop", "web"), ("prod", String(repeating: "n", count: 63), String(repeating: "s", count: 253)),
                       ("prod", String(repeating: "n", count: 63), String(repeating: "s", count: 252) + "t"), ("c1", "shop", "api-\u{202e}x")]
        let names = triples.map { IdentityPlan.roleName(cluster: $0.0, namespace: $0.1, serviceAccount: $0.2) }
        XCTAssertEqual(Set(names.map { $0.lowercased() }).count, triples.count, "\(names)")
        for name in names {
            XCTAssertTrue((1...64).contains(name.count), name)
            XCTAssertTrue(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }, name)
        }
        XCTAssertEqual(names[4], "c1-shop-web")
    }

    func testIdentityMechanismIsOnePerClusterFromWhereWorkloadsRun() throws {
        // web's namespace is all Fargate: IRSA for the whole cluster, the EC2 reporter included.
        let fargate = try plan(["a.yaml": awsWorkload("uploader", namespace: "web") + awsWorkload("reporter", namespace: "data") + database("orders-db", namespace: "data")])
        XCTAssertEqual(fargate.compute.first?.fargateProfiles.flatMap(\.namespaces), ["web"])
        XCTAssertEqual(Set(fargate.identity.entries.map(\.mechanism)), [IdentityPlan.irsa])
        XCTAssertTrue(fargate.identity.entries.allSatisfy { $0.reason.contains("Fargate") && $0.annotation?.contains("arn:aws:iam::123456789012:role/") == true })
        let irsa = try config(fargate).root
        XCTAssertEqual(irsa["iam", "withOIDC"]?.bool, true)
        XCTAssertNil(irsa["iam", "podIdentityAssociations"])
        let accounts = (irsa["iam", "serviceAccounts"]?.items ?? []).compactMap { $0["metadata", "name"]?.string }
        // No external-secrets: the operator holds no AWS identity (each namespace's store signs in as its own reader).
        XCTAssertEqual(Set(accounts), ["uploader", "reporter", "aws-load-balancer-controller", "cluster-autoscaler"])
        // eksctl makes every IRSA ServiceAccount (no roleOnly): the charts must not make their own over it.
        XCTAssertFalse((irsa["iam", "serviceAccounts"]?.items ?? []).contains { $0["roleOnly"] != nil })
        let irsaSecrets = try XCTUnwrap(fargate.items.first { $0.keyText == "plan:secrets:src" })
        // eksctl no longer makes the operator's ServiceAccount, so its chart does.
        XCTAssertTrue(irsaSecrets.commands.contains { $0.contains("external-secrets/external-secrets") && !$0.contains("serviceAccount.create=false") }, "\(irsaSecrets.commands)")
        XCTAssertFalse((irsa["addons"]?.items ?? []).contains { $0["name"]?.string == "eks-pod-identity-agent" })
        // The CloudWatch agent's policy by the cluster's mechanism: an IRSA role for the add-on here, an association below.
        let agent = (irsa["addons"]?.items ?? []).first { $0["name"]?.string == CloudWatchObservability.addon }
        XCTAssertEqual(agent?["attachPolicyARNs"]?.items.compactMap(\.string), ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"])
        XCTAssertNil(agent?["podIdentityAssociations"])

        // The same workloads with both namespaces on EC2: Pod Identity throughout.
        let ec2 = try plan(["a.yaml": awsWorkload("uploader", namespace: "data") + awsWorkload("reporter", namespace: "data") + database("orders-db", namespace: "data")])
        XCTAssertTrue(ec2.compute.first?.fargateProfiles.isEmpty == true)
        XCTAssertEqual(Set(ec2.identity.entries.map(\.mechanism)), [IdentityPlan.podIdentity])
        XCTAssertTrue(ec2.identity.entries.allSatisfy { $0.reason.hasPrefix("there are no Fargate profiles") && $0.annotation == nil })
        XCTAssertEqual(ec2.identity.table.columns, ["cluster", "workload", "service_account", "iam_role", "mechanism", "why", "evidence"])
        let podIdentity = try config(ec2).root
        XCTAssertNil(podIdentity["iam", "serviceAccounts"])
        // An association makes no ServiceAccount unless told (createServiceAccount defaults to false): the controllers'
        // charts run with serviceAccount.create=false, so eksctl makes theirs; External Secrets' chart makes its own.
        let associations = Dictionary((podIdentity["iam", "podIdentityAssociations"]?.items ?? []).map { ($0["serviceAccountName"]?.string ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        for controller in EksctlConfig.controllers { XCTAssertEqual(associations[controller.serviceAccount]?["createServiceAccount"]?.bool, true, controller.serviceAccount) }
        XCTAssertNil(associations["external-secrets"]?["createServiceAccount"])
        let podSecrets = try XCTUnwrap(ec2.items.first { $0.keyText == "plan:secrets:src" })
        XCTAssertFalse(podSecrets.commands.contains { $0.contains("serviceAccount.create=false") }, "\(podSecrets.commands)")
        let addons = try XCTUnwrap(ec2.items.first { $0.keyText == "plan:addons:src" })
        XCTAssertTrue(addons.commands.contains { $0.contains("aws-load-balancer-controller") && $0.contains("serviceAccount.create=false") })
        try validateEksctlConfigs([("irsa", try config(fargate).yaml), ("pod-identity", try config(ec2).yaml)], test: self)
        XCTAssertTrue((podIdentity["addons"]?.items ?? []).contains { $0["name"]?.string == "eks-pod-identity-agent" })
        XCTAssertTrue(ec2.compute[0].notes.contains { $0.hasPrefix("Identity: EKS Pod Identity for the whole cluster") })
    }

    // MARK: ClusterConfig

    func testAutoscalerControllersAndLoggingAreConfigured() throws {
        let plan = try plan(["a.yaml": database("orders-db") + deployment("web")])
        let compute = try XCTUnwrap(plan.compute.first)
        XCTAssertEqual(compute.autoscaler, "Cluster Autoscaler")
        XCTAssertTrue(plan.items.contains { $0.title.contains("Enable Cluster Autoscaler") })
        let (yaml, root) = try config(plan)
        XCTAssertNil(root["karpenter"], "one autoscaler")
        let associations = root["iam", "podIdentityAssociations"]?.items ?? []
        func policy(_ account: String) -> ManifestNode? { associations.first { $0["serviceAccountName"]?.string == account }?["wellKnownPolicies"] }
        XCTAssertEqual(policy("cluster-autoscaler")?["autoScaler"]?.bool, true)
        XCTAssertEqual(policy("aws-load-balancer-controller")?["awsLoadBalancerController"]?.bool, true)
        XCTAssertEqual(root["addons"]?.items.first { $0["name"]?.string == "aws-ebs-csi-driver" }?["useDefaultPodIdentityAssociations"]?.bool, true)
        let logging = Set((root["cloudWatch", "clusterLogging", "enableTypes"]?.items ?? []).compactMap(\.string))
        XCTAssertTrue(logging.isSuperset(of: ["api", "audit", "authenticator"]), "\(logging)")
        XCTAssertTrue(yaml.contains("# Autoscaling: Cluster Autoscaler"))
        XCTAssertFalse(compute.notes.joined().contains("Karpenter (NodePools"), "the plan states one decision")
    }

    func testPublicAccessCIDRsAndPrivateEndpointReachTheConfig() throws {
        let files = ["a.yaml": database("orders-db") + deployment("web")]
        let restricted = try plan(files, landingZone: LandingZoneOptions(publicAccessCIDRs: ["203.0.113.0/24", "198.51.100.7/32"]))
        let open = try config(restricted).root
        XCTAssertEqual(open["vpc", "publicAccessCIDRs"]?.items.compactMap(\.string), ["203.0.113.0/24", "198.51.100.7/32"])
        XCTAssertEqual(open["vpc", "clusterEndpoints", "publicAccess"]?.bool, true)

        let privately = try plan(files, landingZone: LandingZoneOptions(privateEndpoint: true))
        let (yaml, closed) = try config(privately)
        XCTAssertEqual(closed["privateCluster", "enabled"]?.bool, true)
        // eksctl refuses clusterEndpoints on a fully private cluster.
        XCTAssertNil(closed["vpc", "clusterEndpoints"])
        XCTAssertTrue(privately.compute[0].notes.contains { $0.contains("eks-auth") }, "Pod Identity needs the eks-auth endpoint")
        XCTAssertTrue(yaml.contains("eks-auth"))
        XCTAssertTrue((closed["managedNodeGroups"]?.items ?? []).allSatisfy { $0["privateNetworking"]?.bool == true })
        try validateEksctlConfigs([("cidrs", try config(restricted).yaml), ("private", yaml)], test: self)

        for (options, message) in [(LandingZoneOptions(publicAccessCIDRs: ["10.0.0.0/33"]), "--public-access-cidrs takes IPv4"),
                                   (LandingZoneOptions(publicAccessCIDRs: ["10.0.0.1/24"]), "--public-access-cidrs takes IPv4"),
                                   (LandingZoneOptions(publicAccessCIDRs: ["010.0.0.0/8"]), "--public-access-cidrs takes IPv4"),
                                   (LandingZoneOptions(privateEndpoint: true, publicAccessCIDRs: ["10.0.0.0/8"]), "--public-access-cidrs restricts"),
                                   (LandingZoneOptions(publicAccessCIDRs: (0..<41).map { "10.\($0).0.0/16" }), "--public-access-cidrs takes at most 40"),
                                   (LandingZoneOptions(zones: ["us-east-1a", "us-east-1b"]), "--zones must be"),
                                   (LandingZoneOptions(zones: ["eu-west-1a"]), "--zones needs 2 to 6"),
                                   (LandingZoneOptions(zones: ["eu-west-1a", "eu-west-1a"]), "--zones needs 2 to 6")] {
            let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", landingZone: options, now: fixedNow)
            XCTAssertThrowsError(try request.validate(), "\(options)") { XCTAssertTrue("\($0)".hasPrefix(message), "\($0)") }
        }
    }

    func testLandingZoneItemDoesNotContradictEksctlCreatingTheVPC() throws {
        let plan = try plan(["a.yaml": database("orders-db") + deployment("web")])
        let item = try XCTUnwrap(plan.items.first { $0.keyText == "plan:landing-zone" })
        XCTAssertFalse(item.title.hasPrefix("Create the VPC"), item.title)
        XCTAssertTrue(item.title.contains("eksctl creates each cluster's VPC"), item.title)
        let (yaml, root) = try config(plan)
        XCTAssertNil(root["vpc", "id"])
        XCTAssertTrue(yaml.contains("# VPC: eksctl creates this cluster's own VPC"))
    }

    func testAvailabilityZonesAreLeftToEksctlOrTakenFromTheAccount() throws {
        let files = ["a.yaml": database("orders-db") + deployment("web")]
        // us-west-1 offers two zones, and which letters depends on the account.
        let (yaml, root) = try config(try plan(files, region: "us-west-1"))
        XCTAssertNil(root["availabilityZones"])
        XCTAssertFalse(yaml.contains("us-west-1a"), yaml)
        XCTAssertTrue((root["managedNodeGroups"]?.items ?? []).allSatisfy { $0["availabilityZones"] == nil })
        XCTAssertNotNil(group(root, "stateful"))

        let pinned = try plan(files, region: "us-west-1", landingZone: LandingZoneOptions(zones: ["us-west-1b", "us-west-1c"]))
        let zoned = try config(pinned).root
        XCTAssertEqual(zoned["availabilityZones"]?.items.compactMap(\.string), ["us-west-1b", "us-west-1c"])
        XCTAssertEqual(group(zoned, "stateful-b")?["availabilityZones"]?.items.compactMap(\.string), ["us-west-1b"])
        XCTAssertEqual(group(zoned, "stateful-c")?["availabilityZones"]?.items.compactMap(\.string), ["us-west-1c"])
        XCTAssertNil(group(zoned, "stateful-a"))
        try validateEksctlConfigs([("zones", try config(pinned).yaml)], test: self)
    }

    func testChinaAndGovCloudConfigsUseTheirPartitionsARNs() throws {
        let files = ["a.yaml": awsWorkload("uploader", namespace: "web") + awsWorkload("reporter", namespace: "data") + database("orders-db", namespace: "data")]
        for (region, partition) in [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")] {
            let plan = try plan(files, region: region)
            let yaml = try config(plan).yaml
            XCTAssertTrue(yaml.contains("arn:\(partition):iam::123456789012:policy/"), yaml)
            XCTAssertFalse(yaml.contains("arn:aws:"), region)
            XCTAssertTrue(plan.identity.entries.compactMap(\.annotation).allSatisfy { $0.contains("arn:\(partition):iam::") })
        }
        XCTAssertEqual(AWSPartition.of(region: "cn-northwest-1").dnsSuffix, "amazonaws.com.cn")
        XCTAssertEqual(AWSPartition.of(region: "eu-west-1"), AWSPartition(name: "aws", dnsSuffix: "amazonaws.com"))
    }

    func testPlanCommandWritesOnlyApplicableConfigsAndTakesEndpointOptions() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eksodus")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("the eksodus binary is not built beside the tests (swift build first)") }
        let folder = try temporaryFolder(self)
        let path = folder.appendingPathComponent("eksodus.db").path
        let store = try AppDatabase.open(path: path)
        try importPaths([try writeManifests(["a.yaml": database("orders-db") + deployment("web")], test: self).path], cluster: "fine", into: store)
        try importPaths([try writeManifests(["a.yaml": daemonSet("greedy", cpu: "200", memory: "1Gi") + deployment("api", namespace: "agents")], test: self).path],
                        cluster: "greedy", into: store)
        let out = folder.appendingPathComponent("eksctl")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["plan", "--db", path, "--target-version", "1.33", "--region", "eu-west-1", "--account-id", "123456789012",
                             "--public-access-cidrs", "203.0.113.0/24,198.51.100.0/24", "--zones", "eu-west-1a", "eu-west-1b",
                             "--admin-role-arn", "arn:aws:iam::123456789012:role/platform-oncall", "--eksctl", out.path]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0, "a refused cluster fails the command")
        XCTAssertTrue(stderr.contains("no eksctl config for cluster 'greedy': DaemonSets request 200150m CPU"), stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["fine-eks.yaml"])
        let root = try XCTUnwrap(try ManifestText.objects(try String(contentsOf: out.appendingPathComponent("fine-eks.yaml"), encoding: .utf8)).first)
        XCTAssertEqual(root["vpc", "publicAccessCIDRs"]?.items.compactMap(\.string), ["203.0.113.0/24", "198.51.100.0/24"])
        XCTAssertEqual(root["availabilityZones"]?.items.compactMap(\.string), ["eu-west-1a", "eu-west-1b"])
        XCTAssertEqual((root["accessConfig", "accessEntries"]?.items ?? []).compactMap { $0["principalARN"]?.string }, ["arn:aws:iam::123456789012:role/platform-oncall"])
        // The stored plan keeps the options: the report's config is the written one.
        let preview = try PlanStore.load(store)
        XCTAssertEqual(preview.request.landingZone, LandingZoneOptions(publicAccessCIDRs: ["203.0.113.0/24", "198.51.100.0/24"], zones: ["eu-west-1a", "eu-west-1b"],
                                                                       adminRoleARNs: ["arn:aws:iam::123456789012:role/platform-oncall"]))
    }

    // MARK: Every config against eksctl's schema

    func testDemoAndEveryFixtureConfigMatchEksctlsSchema() throws {
        var configs: [(name: String, yaml: String)] = []
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        for config in try run(try AppDatabase.open(path: demo.databasePath), region: "ap-northeast-2").eksctlConfigs() {
            configs.append(("demo/" + config.file, config.yaml))
        }
        if let fixtures = fixturesFolder() {
            let entries = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.first?.isNumber == true }.sorted()
            let database = try AppDatabase.inMemory()
            for entry in entries { try importPaths([fixtures.appendingPathComponent(entry).path], cluster: entry, into: database) }
            let plan = try run(database, landingZone: LandingZoneOptions(publicAccessCIDRs: ["203.0.113.0/24"],
                                                                         adminRoleARNs: ["arn:aws:iam::123456789012:role/platform-oncall", "arn:aws:iam::123456789012:role/ci/deployer"]))
            XCTAssertEqual(plan.eksctlRefusals, [])
            let written = try plan.eksctlConfigs()
            XCTAssertEqual(written.count, entries.count)
            configs += written.map { ("fixture/" + $0.file, $0.yaml) }
        }
        for (name, yaml) in configs {
            let root = try XCTUnwrap(try ManifestText.objects(yaml).first, name)
            XCTAssertNil(root["availabilityZones"], name)
            if name.hasPrefix("fixture/") { XCTAssertEqual(root["accessConfig", "accessEntries"]?.items.count, 2, "\(name): the admin roles given to the plan") }
            XCTAssertTrue((root["managedNodeGroups"]?.items ?? []).allSatisfy { ($0["desiredCapacity"]?.int ?? 0) <= ($0["maxSize"]?.int ?? 0) }, name)
        }
        try validateEksctlConfigs(configs, test: self)
    }
}
