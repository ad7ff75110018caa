/// The eksctl ClusterConfig (eksctl.io/v1alpha5) for one planned cluster: node groups, Fargate profiles, add-ons,
/// IAM for the workloads and the controllers (one mechanism per cluster), endpoint access, control-plane logging.
/// Built as a value tree and written by `YAMLEmitter`: names and annotations from the manifests stay plain strings.
enum EksctlConfig {
    struct Refused: Error, CustomStringConvertible {
        var cluster: String
        var problems: [String]
        var description: String { "no eksctl config for cluster '\(cluster.visibleLine)': " + problems.joined(separator: "; ") }
    }

    /// The controllers eksodus plans for every cluster, with the eksctl well-known policy each needs.
    static let controllers: [(namespace: String, serviceAccount: String, policy: String)] = [
        ("kube-system", "aws-load-balancer-controller", "awsLoadBalancerController"),
        ("kube-system", "cluster-autoscaler", "autoScaler"),
    ]

    /// `pullThroughPrefixes`: the ECR pull-through cache prefixes the cluster's images come through; the nodes' first pull
    /// through a rule creates the repository and imports the image, so the node role gets those two actions on them.
    /// `secretReaders`: the namespaces' ServiceAccounts the secrets stores sign in as (SecretsStore), IRSA on every cluster.
    static func yaml(_ compute: ComputePlan, identity: [IdentityPlan.Entry], secretReaders: [IdentityPlan.SecretReader] = [],
                     version: KubernetesVersion, region: String, accountID: String, pullThroughPrefixes: [String] = []) throws -> String {
        guard compute.problems.isEmpty else { throw Refused(cluster: compute.cluster, problems: compute.problems) }
        let partition = AWSPartition.of(region: region)
        let irsa = compute.identityMechanism == IdentityPlan.irsa
        func strings(_ values: [String]) -> YAMLValue { .sequence(values.map(YAMLValue.string), flow: true) }
        func policy(_ role: String) -> YAMLValue { strings([partition.iamARN(account: accountID, "policy/\(role)")]) }
        func wellKnown(_ name: String) -> YAMLValue { .mapping([(name, .bool(true))]) }
        // Each reader's role trusts its own ServiceAccount only and reads its own namespace's prefix only.
        let readers: [YAMLValue] = secretReaders.compactMap { reader in
            SecretsStore.policy(cluster: compute.cluster, namespace: reader.namespace, region: region, accountID: accountID).map { policy in
                .mapping([("metadata", .mapping([("name", .string(reader.serviceAccount)), ("namespace", .string(reader.namespace))])),
                          ("roleName", .string(reader.roleName)), ("attachPolicy", policy)])
            }
        }

        var iam: [(key: String, value: YAMLValue)] = [("withOIDC", .bool(irsa || !readers.isEmpty))]
        if irsa {
            iam.append(("serviceAccounts", .sequence(identity.map { entry in
                .mapping([("metadata", .mapping([("name", .string(entry.serviceAccount)), ("namespace", .string(entry.namespace))])),
                          ("roleName", .string(entry.roleName)), ("attachPolicyARNs", policy(entry.roleName))])
            } + controllers.map { controller in
                .mapping([("metadata", .mapping([("name", .string(controller.serviceAccount)), ("namespace", .string(controller.namespace))])),
                          ("wellKnownPolicies", wellKnown(controller.policy))])
            } + readers)))
        } else {
            iam.append(("podIdentityAssociations", .sequence(identity.map { entry in
                .mapping([("namespace", .string(entry.namespace)), ("serviceAccountName", .string(entry.serviceAccount)),
                          ("roleName", .string(entry.roleName)), ("permissionPolicyARNs", policy(entry.roleName))])
            } + controllers.map { controller in
                // An association does not create its ServiceAccount unless asked (createServiceAccount defaults to false in
                // eksctl's schema); the controllers' charts run with serviceAccount.create=false and need it made here.
                .mapping([("namespace", .string(controller.namespace)), ("serviceAccountName", .string(controller.serviceAccount)),
                          ("createServiceAccount", .bool(true)), ("wellKnownPolicies", wellKnown(controller.policy))])
            })))
            if !readers.isEmpty { iam.append(("serviceAccounts", .sequence(readers))) }
        }
        // Constant text, no input: the vpc-cni add-on's configuration schema (env, enableNetworkPolicy).
        let cniConfiguration = "{\"env\": {\"ENABLE_PREFIX_DELEGATION\": \"true\", \"WARM_PREFIX_TARGET\": \"1\"}"
            + (compute.networkPolicy ? ", \"enableNetworkPolicy\": \"true\"}" : "}")
        let addons: [YAMLValue] = compute.addons.map { addon in
            var fields: [(key: String, value: YAMLValue)] = [("name", .string(addon))]
            switch addon {
            case "vpc-cni": fields.append(("configurationValues", .string(cniConfiguration)))
            case "aws-ebs-csi-driver": fields.append(irsa ? ("wellKnownPolicies", wellKnown("ebsCSIController")) : ("useDefaultPodIdentityAssociations", .bool(true)))
            case "aws-efs-csi-driver": fields.append(irsa ? ("wellKnownPolicies", wellKnown("efsCSIController")) : ("useDefaultPodIdentityAssociations", .bool(true)))
            case CloudWatchObservability.addon:
                let agentPolicy = strings([CloudWatchObservability.policyARN(region: region)])
                fields.append(irsa ? ("attachPolicyARNs", agentPolicy)
                                   : ("podIdentityAssociations", .sequence([.mapping([("serviceAccountName", .string(CloudWatchObservability.serviceAccount)),
                                                                                       ("permissionPolicyARNs", agentPolicy)])])))
                if let values = CloudWatchObservability.configuration(logShippers: compute.logShippers ?? []) { fields.append(("configurationValues", .string(values))) }
            default: break
            }
            return .mapping(fields)
        }
        let nodeGroups: [YAMLValue] = compute.nodeGroups.map { group in
            var fields: [(key: String, value: YAMLValue)] = [("name", .string(group.name))]
            if group.spot {
                fields += [("instanceTypes", strings(group.instanceTypes)), ("spot", .bool(true))]
            } else {
                fields.append(("instanceType", .string(group.instanceTypes.first ?? "")))
            }
            if !group.zones.isEmpty { fields.append(("availabilityZones", strings(group.zones))) }
            fields += [("minSize", .int(group.minSize)), ("desiredCapacity", .int(group.desired)), ("maxSize", .int(group.maxSize))]
            // Windows pods take the primary ENI's addresses, which eksctl counts itself: no prefix-delegation maxPods there.
            if !group.isWindows { fields.append(("maxPodsPerNode", .int(group.maxPods))) }
            fields += [
                ("amiFamily", .string(group.amiFamily ?? "AmazonLinux2023")), ("privateNetworking", .bool(true)),
                ("volumeSize", .int(group.isWindows ? 100 : 80)), ("volumeEncrypted", .bool(true)),
                ("labels", .mapping(group.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ]
            if !group.taints.isEmpty {
                fields.append(("taints", .sequence(group.taints.map { taint in
                    .mapping([("key", .string(taint.key)), ("value", .string(taint.value)), ("effect", .string(taint.effect))])
                })))
            }
            if !pullThroughPrefixes.isEmpty {
                let partition = AWSPartition.of(region: region).name
                let repositories = pullThroughPrefixes.sorted().map { YAMLValue.string("arn:\(partition):ecr:\(region):\(accountID):repository/\($0)/*") }
                fields.append(("iam", .mapping([("attachPolicy", .mapping([
                    ("Version", .string("2012-10-17")),
                    ("Statement", .sequence([.mapping([("Effect", .string("Allow")),
                                                       ("Action", .sequence([.string("ecr:BatchImportUpstreamImage"), .string("ecr:CreateRepository")])),
                                                       ("Resource", .sequence(repositories))])])),
                ]))])))
            }
            fields += [
                // Labels and taints as ASG tags, so the Cluster Autoscaler can scale a group up from zero.
                ("propagateASGTags", .bool(true)),
                ("tags", .mapping([("k8s.io/cluster-autoscaler/enabled", .string("true")), ("k8s.io/cluster-autoscaler/\(compute.eksClusterName)", .string("owned"))])),
            ]
            return .mapping(fields)
        }
        var config: [(key: String, value: YAMLValue)] = [
            ("apiVersion", .string("eksctl.io/v1alpha5")),
            ("kind", .string("ClusterConfig")),
            ("metadata", .mapping([("name", .string(compute.eksClusterName)), ("region", .string(region)), ("version", .string(version.description)),
                                   ("tags", .mapping([("migrated-from", .string(compute.cluster))]))])),
        ]
        if !compute.zones.isEmpty { config.append(("availabilityZones", strings(compute.zones))) }
        let landingZone = compute.landingZone
        let addressing = compute.addressing
        var vpc: [(key: String, value: YAMLValue)] = addressing.map { [("cidr", .string($0.vpcCIDR))] } ?? []
        if landingZone.privateEndpoint {
            // A fully private cluster: eksctl refuses clusterEndpoints here (private only) and creates no NAT.
            config.append(("privateCluster", .mapping([("enabled", .bool(true)),
                                                       ("additionalEndpointServices", strings(["autoscaling", "cloudformation", "logs"]))])))
        } else {
            // Stated, not left to defaults: the private endpoint for the nodes, and the public one open to exactly the given
            // networks, or to 0.0.0.0/0 (EKS's default) until the plan:endpoint item is decided.
            vpc.append(("clusterEndpoints", .mapping([("privateAccess", .bool(true)), ("publicAccess", .bool(true))])))
            vpc.append(("publicAccessCIDRs", strings(landingZone.publicAccessCIDRs.isEmpty ? ["0.0.0.0/0"] : landingZone.publicAccessCIDRs)))
            vpc.append(("nat", .mapping([("gateway", .string("HighlyAvailable"))])))
        }
        if !vpc.isEmpty { config.append(("vpc", .mapping(vpc))) }
        if let addressing { config.append(("kubernetesNetworkConfig", .mapping([("serviceIPv4CIDR", .string(addressing.serviceCIDR))]))) }
        let admins = landingZone.adminRoleARNs ?? []
        config += [
            ("accessConfig", AdminAccess.eksctlConfig(roles: admins, region: region)),
            ("iam", .mapping(iam)),
            ("addons", .sequence(addons)),
            ("managedNodeGroups", .sequence(nodeGroups)),
        ]
        if !compute.fargateProfiles.isEmpty {
            config.append(("fargateProfiles", .sequence(compute.fargateProfiles.map { profile in
                .mapping([("name", .string(profile.name)), ("selectors", .sequence(profile.namespaces.map { .mapping([("namespace", .string($0))]) }))])
            })))
        }
        // All five control-plane log types: controllerManager and scheduler are what explain a pod that never scheduled or a
        // controller that stopped reconciling during the cutover (EKS User Guide, control-plane-logs).
        config.append(("cloudWatch", .mapping([("clusterLogging", .mapping([("enableTypes", strings(["api", "audit", "authenticator", "controllerManager", "scheduler"])),
                                                                            ("logRetentionInDays", .int(90))]))])))
        var comments = [
            "eksctl create cluster -f \(compute.eksClusterName).yaml — generated by eksodus from cluster \(compute.cluster).",
            "VPC: eksctl creates this cluster's own VPC (\(addressing?.vpcCIDR ?? "192.168.0.0/16") in /19 subnets); pods need a /\(compute.subnetPrefix) per zone.",
            compute.zones.isEmpty ? "Zones: eksctl picks them (zone names differ per account; give eksodus plan --zones to pin them and get one stateful group per zone)."
                                  : "Zones: \(compute.zones.joined(separator: ", ")), as given to eksodus plan --zones.",
            "Autoscaling: Cluster Autoscaler (Helm chart cluster-autoscaler, autoDiscovery.clusterName=\(compute.eksClusterName), --balance-similar-node-groups, toleration CriticalAddonsOnly); its IAM is below.",
            "Identity: \(compute.identityMechanism) for every workload and controller of this cluster.",
            admins.isEmpty ? "Access: only the IAM principal that runs eksctl create cluster is admin: give eksodus plan --admin-role-arn (plan:admin-access) before creating it."
                           : "Access: access entries (\(AdminAccess.authenticationMode)) give AmazonEKSClusterAdminPolicy to \(admins.count) role(s) given to eksodus plan --admin-role-arn, beside the creator: run eksctl as none of them (EKS refuses a second entry for the creator).",
        ]
        if landingZone.privateEndpoint {
            comments.append("Fully private: add interface endpoints eks-auth (Pod Identity), eks and elasticloadbalancing; run eksctl from inside the VPC.")
        }
        if !identity.isEmpty {
            comments.append("Replace each attachPolicyARNs / permissionPolicyARNs entry with the policy its workload needs (the identity plan lists what it uses today).")
        }
        return try YAMLEmitter.emit(.mapping(config), comments: comments)
    }
}
