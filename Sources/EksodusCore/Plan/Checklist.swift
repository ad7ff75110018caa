/// Builds the checklist items of all three phases for a plan, in an order where every item comes after its prerequisites.
/// Phase three is a runbook: per cluster and wave a go/no-go gate, each workload's steps from `WorkloadSteps`, linked by
/// the dependency graph (a provider's source copy goes only after every consumer has switched), and a closing item.
struct Checklist {
    /// Who rehearses the rollbacks (`RollbackRehearsal`): a cluster of the lowest environment rehearses a database's, and
    /// the others' first application waves wait for those clusters' rehearsals.
    struct Rehearsals: Sendable {
        var lowestEnvironment = false
        var waitFor: [String] = []
    }

    struct ClusterInput: Sendable {
        var estate: Estate
        var assessment: AssessmentResult.ClusterResult
        var placements: [WavePlanner.Placement]
        var graph: DependencyGraph
        var compute: ComputePlan
        var storage: [StoragePlan.Entry]
        var identity: [IdentityPlan.Entry]
        var network: [NetworkPlan.Entry]
        var lastImport: String?
        /// The namespaces' secrets-store readers (SecretsStore.readers), worked out once by the planner.
        var secretReaders: [IdentityPlan.SecretReader]? = nil
    }

    static func build(_ clusters: [ClusterInput], images: ImageMigration, target: KubernetesVersion, region: String, assessedOn: String,
                      cronTimeZones: [String: String]? = nil) -> [PlanItem] {
        // Every item is made once in `items` and stays there until the final ordering moves it into place: the checklist's
        // order as built is a list of positions in it (a workload's steps are made long before its wave is laid out).
        var items: [PlanItem] = []
        var built: [Int] = []
        func add(_ key: PlanItemKey, _ title: String, cluster: Int64? = nil, wave: Int? = nil,
                 after: [PlanItemKey] = [], evidence: String = "", commands: [String], rollback: String, rollbackCommands: [String] = [], proven: Bool = false) {
            built.append(items.count)
            items.append(PlanItem(key: key, title: title, clusterID: cluster, wave: wave, prerequisites: after, evidence: evidence, rollback: rollback,
                                  commands: commands, rollbackCommands: rollbackCommands, provenDone: proven))
        }
        func append(_ made: [PlanItem]) {
            built += items.count..<items.count + made.count
            items += made
        }
        let q = ShellQuote.word

        // Phase 1: assessment & diagnosis. What eksodus itself did starts done.
        for input in clusters {
            let c = input.estate.cluster
            add(.assessment(.`import`, cluster: c.name), "Export cluster \(c.name) and import it into the inventory", cluster: c.id,
                evidence: "\(input.estate.resources.count) objects, \(input.estate.workloads.count) workloads" + (input.lastImport.map { ", imported \($0)" } ?? ""),
                commands: ["kubectl --context \"$SOURCE_CONTEXT\" get all,cm,secret,pvc,pv,sc,ing,sa,hpa,pdb,netpol,crd -A -o yaml > \(q(ShellQuote.fileName([c.name])))",
                           "eksodus import \(q(ShellQuote.fileName([c.name]))) --cluster \(q(c.name)) --environment \(q(c.environment))"],
                rollback: "Nothing to undo: the export only reads the cluster", proven: input.lastImport != nil)
            add(.assessment(.assess, cluster: c.name), "Run the assessment of \(c.name) against EKS \(target)", cluster: c.id,
                after: [.assessment(.`import`, cluster: c.name)], evidence: "assessed \(assessedOn): \(input.assessment.findings.count) findings",
                commands: ["eksodus assess --cluster \(q(c.name)) --target-version \(target)"], rollback: "Nothing to undo: the assessment only reads the inventory",
                proven: true)
            add(.assessment(.review, cluster: c.name), "Review the assessment of \(c.name) with the application teams", cluster: c.id,
                after: [.assessment(.assess, cluster: c.name)],
                evidence: "readiness \(input.assessment.readiness)/100: \(input.assessment.count(.blocker)) blockers, \(input.assessment.count(.warning)) warnings",
                commands: ["eksodus report assessment --cluster \(q(c.name)) --out reports/"], rollback: "Nothing to undo: a review")
            let stateful = input.estate.workloads.filter { input.assessment.profiles[$0.id]?.stateful == true && !input.assessment.systemWorkloads.contains($0.id) }
            if !stateful.isEmpty {
                add(.assessment(.replication, cluster: c.name), "Agree the data replication method for \(stateful.count) stateful workloads of \(c.name)",
                    cluster: c.id, after: [.assessment(.`import`, cluster: c.name)], evidence: stateful.map(\.label).joined(separator: ", "),
                    commands: ["eksodus report plan --cluster \(q(c.name)) --out reports/  # its storage and data plan"], rollback: "Nothing to undo: a decision")
            }
            if !input.identity.isEmpty {
                add(.assessment(.identity, cluster: c.name), "List the AWS permissions \(input.identity.count) workloads of \(c.name) use today",
                    cluster: c.id, after: [.assessment(.`import`, cluster: c.name)], evidence: input.identity.map { "\($0.workload): \($0.evidence)" }.joined(separator: "; "),
                    commands: ["aws iam list-attached-user-policies --user-name \"$APP_IAM_USER\"  # for each static key or node role listed"],
                    rollback: "Nothing to undo: an inventory of permissions")
            }
        }

        // Phase 2: landing zone, clusters, platform. The pilot (the lowest environment) does not wait for production's review.
        var disrupting: Set<String> = []  // the clusters with a disruption-budget item, which their autoscaling waits for
        let lowest = clusters.map { TransitionPlanner.environmentOrder[$0.estate.cluster.environment] ?? 2 }.min() ?? 0
        let pilots = clusters.filter { (TransitionPlanner.environmentOrder[$0.estate.cluster.environment] ?? 2) == lowest }
        let biggestSubnet = clusters.map(\.compute.subnetPrefix).min() ?? 24
        add(.plan(.landingZone), "Prepare the landing zone: eksctl creates each cluster's VPC with its cluster (pods need private /\(biggestSubnet) subnets per zone); check each planned vpc.cidr and serviceIPv4CIDR against the source networks and prepare the VPN, Direct Connect or Transit Gateway link to attach to it",
            after: pilots.map { .assessment(.review, cluster: $0.estate.cluster.name) },
            evidence: clusters.map { input in
                "\(input.estate.cluster.name): about \(input.compute.podIPs) pod IPs" + (input.compute.addressing.map { ", VPC \($0.vpcCIDR), Services \($0.serviceCIDR)" } ?? "")
            }.joined(separator: "; "),
            commands: ["aws ec2 describe-vpcs --region \(q(region)) --query 'Vpcs[].CidrBlock'  # choose vpc.cidr values clear of these and of the source networks",
                       "aws ec2 describe-vpn-connections --region \(q(region))  # or the Direct Connect / Transit Gateway attachment to use"],
            rollback: "Withdraw the prepared links; the VPCs go with eksctl delete cluster")
        add(.plan(.ecr), "Create ECR repositories and pull-through cache rules (eksodus images --script)", after: [.plan(.landingZone)],
            evidence: "\(images.entries.filter { $0.method == .copy }.count) images to copy, \(images.entries.filter { $0.method == .pullThroughCache }.count) through pull-through cache"
                + (images.entries.contains { $0.method == .pullThroughCache } ? "; " + ImageMigration.firstPullPermissions : "")
                + (images.entries.contains { $0.method == .copy && $0.movesTag } ? "; copied by a moving tag (IMG001), kept immutable in ECR: pin their digests in the manifests: "
                    + images.entries.filter { $0.method == .copy && $0.movesTag }.map(\.image.original).joined(separator: ", ") : "")
                + "; " + ImageMigration.lifecycleDecision,
            commands: ["eksodus images --script > migrate-images.sh", "bash migrate-images.sh"],
            rollback: "Delete the created repositories and rules",
            rollbackCommands: Self.repositoryDeletions(images, region: region))
        for input in clusters {
            let c = input.estate.cluster
            let name = input.compute.eksClusterName
            let eks = Kubectl.eks(nil)
            // The EKS API endpoint is public to 0.0.0.0/0 unless told otherwise (EKS API Reference, VpcConfigRequest:
            // endpointPublicAccess defaults to true, publicAccessCidrs to 0.0.0.0/0): without --public-access-cidrs or
            // --private-endpoint that is a decision to take before the cluster exists, not a default to inherit.
            let access = input.compute.landingZone
            let decided = access.privateEndpoint || !access.publicAccessCIDRs.isEmpty
            add(.plan(.endpoint, cluster: c.name),
                decided ? "API endpoint access of \(name): " + (access.privateEndpoint ? "private only (eksodus plan --private-endpoint)"
                                                                : "private, and public from \(access.publicAccessCIDRs.joined(separator: ", ")) only (eksodus plan --public-access-cidrs)")
                        : "Decide the API endpoint access of \(name): as planned its public endpoint is open to 0.0.0.0/0; restrict it (eksodus plan --public-access-cidrs) or make it private (--private-endpoint)",
                cluster: c.id, after: [.assessment(.review, cluster: c.name)],
                evidence: decided ? "given to eksodus plan; the eksctl config states it (" + (access.privateEndpoint ? "privateCluster" : "clusterEndpoints and publicAccessCIDRs") + ")"
                                  : "no --public-access-cidrs or --private-endpoint given: the eksctl config says publicAccessCIDRs [0.0.0.0/0]; decided by the network and security teams, not by default",
                commands: decided ? ["eksodus plan --eksctl ...  # writes the decided access; plan:endpoint-check:\(c.name) checks it on the live cluster"]
                                  : ["eksodus plan ... --public-access-cidrs \"$ADMIN_CIDR\"  # or --private-endpoint; then eksodus plan --eksctl writes the decided access"],
                rollback: "Nothing to undo: a decision", proven: decided)
            // Only the creator is admin of a new cluster unless access entries say otherwise: a decision before it exists.
            let admins = access.adminRoleARNs ?? []
            add(.plan(.adminAccess, cluster: c.name),
                admins.isEmpty ? "Decide who administers \(name) besides the principal that creates it: give eksodus plan --admin-role-arn the IAM role(s) of the on-call engineers (access entries with AmazonEKSClusterAdminPolicy)"
                               : "Cluster admins of \(name): \(admins.count) IAM role(s) get access entries with AmazonEKSClusterAdminPolicy (eksodus plan --admin-role-arn)",
                cluster: c.id, after: [.assessment(.review, cluster: c.name)],
                evidence: admins.isEmpty ? "no --admin-role-arn given: as planned only the IAM principal that runs eksctl create cluster is admin, and the rest of the team and its pipelines are locked out until someone adds access entries"
                                         : admins.joined(separator: ", ") + "; the creator keeps its own admin entry (bootstrapClusterCreatorAdminPermissions), so eksctl must run as none of these roles (plan:cluster checks)",
                commands: admins.isEmpty ? ["aws iam get-role --role-name \"$ADMIN_ROLE\" --query Role.Arn --output text  # the on-call role; then eksodus plan ... --admin-role-arn <that ARN> and eksodus plan --eksctl"]
                                         : ["eksodus plan --eksctl ...  # writes the access entries; plan:addons:\(c.name) checks them on the live cluster"],
                rollback: "Nothing to undo: a decision", proven: !admins.isEmpty)
            if let decision = input.compute.zoneDecision {
                add(.plan(.zones, cluster: c.name), "Decide the availability zones of \(name) for its stateful workloads: one node group per zone, or the Cluster Autoscaler cannot follow their EBS volumes",
                    cluster: c.id, after: [.assessment(.review, cluster: c.name)], evidence: decision,
                    commands: ["aws ec2 describe-availability-zones --region \(q(region)) --query 'AvailabilityZones[].ZoneName'  # then eksodus plan ... --zones <2 to 6 of them>"],
                    rollback: "Nothing to undo: a decision")
            }
            // Its CronJobs' deploy steps wait for this (StepTemplates): on EKS an unzoned schedule runs in UTC (`CronJobTimeZone`).
            let cronJobs = input.estate.workloads.filter { $0.kind == "CronJob" && !input.assessment.systemWorkloads.contains($0.id) }
            if !cronJobs.isEmpty {
                let zone = CronJobTimeZone.zone(for: c.name, in: cronTimeZones)
                let unzoned = cronJobs.filter { input.estate.resource(id: $0.resourceID)?.body["spec", "timeZone"]?.string == nil }.map(\.label).sorted()
                // A zone the manifest names but no IANA name (the API server refuses it): the team must say which it meant.
                let invalid = cronJobs.filter { input.estate.resource(id: $0.resourceID)?.body["spec", "timeZone"]?.string.map { !CronJobTimeZone.isIANAName($0) } ?? false }
                    .map(\.label).sorted()
                add(.plan(.cronTimeZone, cluster: c.name),
                    zone.map { "CronJob schedules of \(c.name) ran in \($0): converted CronJobs get spec.timeZone \($0) (eksodus plan --cron-time-zone)" }
                        ?? "Decide which time zone the source kube-controller-manager of \(c.name) ran CronJob schedules in: EKS runs them in UTC unless spec.timeZone says otherwise",
                    cluster: c.id, after: [.assessment(.review, cluster: c.name)],
                    evidence: (unzoned.isEmpty ? "every CronJob names its spec.timeZone" : "\(unzoned.count) CronJob(s) without spec.timeZone: \(unzoned.prefix(10).joined(separator: ", "))\(unzoned.count > 10 ? ", …" : "")")
                        + (invalid.isEmpty ? "" : "; \(invalid.count) name a spec.timeZone that is no IANA time zone (the API server refuses them): \(invalid.prefix(10).joined(separator: ", "))"),
                    commands: zone != nil || unzoned.isEmpty ? ["eksodus convert ...  # writes spec.timeZone into each converted CronJob that had none"]
                        : [Kubectl.source("kube-system")("get pods -l component=kube-controller-manager -o jsonpath='{range .items[*].spec.containers[*]}{.env}{\" \"}{.volumeMounts}{\"\\n\"}{end}'") + "  # a TZ variable or a mounted /etc/localtime; otherwise the control-plane hosts' zone (timedatectl)",
                           "eksodus plan ... --cron-time-zone \(ShellQuote.word(c.name + "=Asia/Seoul"))  # the IANA name found; UTC when the source ran in UTC"],
                    rollback: "Nothing to undo: a decision", proven: invalid.isEmpty && (zone != nil || unzoned.isEmpty))
            }
            add(.plan(.cluster, cluster: c.name), "Create EKS cluster \(name) (Kubernetes \(target)) with eksctl (eksodus plan --eksctl)", cluster: c.id,
                after: [.plan(.landingZone), .assessment(.review, cluster: c.name), .plan(.endpoint, cluster: c.name), .plan(.adminAccess, cluster: c.name)]
                    + (input.compute.zoneDecision == nil ? [] : [.plan(.zones, cluster: c.name)])
                    + (input.identity.isEmpty ? [] : [.plan(.identity, cluster: c.name)]),
                evidence: "\(input.compute.nodeGroups.count) node groups, \(input.compute.fargateProfiles.count) Fargate profiles"
                    + (ReferenceData.bundled.flatMap { EKSVersionGate.staleCalendar($0, on: CalendarDay(assessedOn)) }.map { "; " + $0 } ?? ""),
                commands: EKSVersionGate.commands(target: target, region: region) + CreatorAccessGate.commands(admins: admins, cluster: name)
                    + ["eksctl create cluster -f \(q(name + ".yaml"))", "aws eks update-kubeconfig --region \(q(region)) --name \(q(name)) --alias \"$EKS_CONTEXT\""],
                rollback: "Delete the cluster; nothing runs on it yet", rollbackCommands: ["eksctl delete cluster -f \(q(name + ".yaml"))"])
            let check = EndpointAccessCheck(access)
            add(.plan(.endpointCheck, cluster: c.name), "Check that the live API endpoint of \(name) has the decided access: \(check.expected)", cluster: c.id,
                after: [.plan(.cluster, cluster: c.name)], evidence: "decided in plan:endpoint:\(c.name); a config edited by hand or a later update-cluster-config would differ",
                commands: check.commands(region: region, cluster: name),
                rollback: "Nothing to undo: a check; on a mismatch set the decided access (aws eks update-cluster-config --resources-vpc-config)")
            // The admins' access entries first (nothing else works if no one can administer the cluster), the autoscaler last.
            let addonChecks = admins.isEmpty ? [] : [AdminAccess.check(roles: admins, region: region, cluster: name)]
            let autoscaler = PlatformCharts.autoscalerInstall(cluster: name, region: region, version: target) + PlatformCharts.autoscalingChecks()
            add(.plan(.addons, cluster: c.name), "Install add-ons on \(name): \(input.compute.addons.joined(separator: ", ")), AWS Load Balancer Controller, \(input.compute.autoscaler)",
                cluster: c.id, after: [.plan(.cluster, cluster: c.name), .plan(.endpointCheck, cluster: c.name)], evidence: input.compute.networkPolicy ? "NetworkPolicies present: enable the VPC CNI policy agent" : "",
                // eksctl creates the config's add-ons with the cluster: check them; the controller comes by Helm, on the system group.
                // Each check fails unless the add-on is ACTIVE (printed, a DEGRADED add-on passed), the VPC id is read from the
                // cluster (nothing set $VPC_ID), and the controller's install waits for its pods and its rollout.
                commands: addonChecks + input.compute.addons.map { addon in
                    "{ STATUS=$(aws eks describe-addon --region \(q(region)) --cluster-name \(q(name)) --addon-name \(q(addon)) --query addon.status --output text) && test \"$STATUS\" = ACTIVE; }"
                        + " || { echo \(q("add-on \(addon) is not ACTIVE (or could not be read): see aws eks describe-addon … --query addon.health")) >&2; false; }"
                } + ["{ VPC_ID=$(aws eks describe-cluster --region \(q(region)) --name \(q(name)) --query cluster.resourcesVpcConfig.vpcId --output text) && test -n \"$VPC_ID\"; } || { echo 'the cluster VPC could not be read' >&2; false; }",
                     "helm repo add eks https://aws.github.io/eks-charts && helm repo update eks",
                     "helm upgrade --install aws-load-balancer-controller eks/aws-load-balancer-controller --kube-context \"$EKS_CONTEXT\" -n kube-system --set clusterName=\(q(name)) --set region=\(q(region)) --set vpcId=\"$VPC_ID\" --set serviceAccount.create=false --set serviceAccount.name=aws-load-balancer-controller \(PlatformCharts.onSystemGroup) --wait --timeout 10m",
                     "kubectl --context \"$EKS_CONTEXT\" -n kube-system rollout status deployment/aws-load-balancer-controller --timeout=10m"]
                    + autoscaler,
                rollback: "Uninstall the controller and the autoscaler; never delete vpc-cni, coredns or kube-proxy (pod networking, DNS and Services would stop)",
                rollbackCommands: ["helm uninstall cluster-autoscaler --kube-context \"$EKS_CONTEXT\" -n kube-system",
                                   "helm uninstall aws-load-balancer-controller --kube-context \"$EKS_CONTEXT\" -n kube-system"])
            var platformAfter: [PlanItemKey] = [.plan(.addons, cluster: c.name)]
            if !input.storage.isEmpty {
                let classes = Set(input.storage.map { String($0.targetClass.prefix { $0 != " " }) }).sorted()
                let fileSystems = classes.contains { $0 != "gp3" } ? " with their EFS/FSx file systems" : ""
                // One file per cluster, written by eksodus convert, is the classes' only source; the EFS file system is made
                // first and its id written in, so the class is never applied with a placeholder.
                let classFile = "converted/\(ConvertedLayout.folderName(c.name))/\(StoragePlan.classFileName)"
                let fileSystem = StoragePlan.needsEFS(input.storage, cluster: c.name) ? EFSFileSystem(cluster: name, region: region, classFile: classFile) : nil
                let shared = input.storage.filter { $0.targetClass == StoragePlan.efs }.map { "\($0.namespace)/\($0.name)" }
                add(.plan(.storage, cluster: c.name), "Create StorageClasses \(classes.joined(separator: ", ")) on \(name)\(fileSystems)",
                    cluster: c.id, after: [.plan(.addons, cluster: c.name)],
                    evidence: "\(input.storage.count) volumes to recreate" + (fileSystem.map { fs in
                        "; EFS for \(shared.joined(separator: ", ")): an encrypted file system (creation token \(fs.creationToken)), NFS from the VPC (security group \(fs.securityGroupName)), "
                            + "a mount target per private subnet; DataSync copies into it from an agent deployed next to the NFS server (the data step needs DATASYNC_AGENT_ARN, that agent: it makes each claim's own task, from the claim's NFS export to its own access point with Options Uid=NONE,Gid=NONE, and reads it back before the copy)"
                    } ?? ""),
                    commands: ["test -f \(q(classFile)) || eksodus convert --cluster \(q(c.name)) --wave 0 --out converted"]
                        + (fileSystem?.commands() ?? [])
                        + [eks("apply -f \(q(classFile))"), eks("get storageclass")] + (fileSystem.map { [$0.liveCheck(eks: eks)] } ?? []),
                    rollback: "Delete the StorageClasses; no claim uses them yet" + (fileSystem == nil ? "" : ". The EFS file system stays until nothing needs its data: then delete its mount targets and it (aws efs delete-mount-target, delete-file-system)"),
                    rollbackCommands: [eks("delete -f \(q(classFile))")])
                platformAfter.append(.plan(.storage, cluster: c.name))
            }
            // The file-system backups of the wave's Velero copies need Velero on both sides, over one location.
            let veleroCopies = input.storage.filter { DataCopy(method: $0.copyMethod, database: nil).usesVelero }
            if !veleroCopies.isEmpty {
                let velero = VeleroInstall(sourceCluster: c.name, eksCluster: name, region: region, accountID: images.accountID)
                add(.plan(.backup, cluster: c.name), "Install Velero on \(c.name) and \(name) over one S3 backup location (file-system backups, Pod Identity on EKS)",
                    cluster: c.id, after: [.plan(.storage, cluster: c.name)],  // its restores need the EKS classes
                    evidence: "\(veleroCopies.count) volumes copied with Velero's file-system backup", commands: velero.commands,
                    rollback: "Uninstall Velero from both clusters; the bucket keeps the backups", rollbackCommands: velero.rollback)
                platformAfter.append(.plan(.backup, cluster: c.name))
            }
            if !input.identity.isEmpty {
                let identity = IdentityCommands.commands(input.identity, region: region, accountID: images.accountID)
                add(.plan(.identity, cluster: c.name), "Create the IAM policies of \(input.identity.count) ServiceAccounts' roles on \(name) before the cluster (eksctl creates the roles with it)", cluster: c.id,
                    after: [.plan(.landingZone), .assessment(.identity, cluster: c.name)],
                    evidence: input.identity.map { entry in
                        "\(entry.roleName) (\(entry.mechanism)) for \(entry.namespace)/\(entry.serviceAccount)"
                            + (entry.inheritedRole.map { ", with the permissions of \($0.origin) \($0.role)" + IdentityPlan.crossAccount($0.role, accountID: images.accountID) } ?? "")
                            + (entry.dedicatedServiceAccount == true ? ", a new ServiceAccount: \(entry.workload) ran as default" : "")
                    }.joined(separator: "; "),
                    commands: identity.commands, rollback: "Delete the policies; nothing uses them yet", rollbackCommands: identity.rollback)
                platformAfter.append(.plan(.identity, cluster: c.name))
            }
            let network = networkDecisions(input, region: region)
            append(network)
            if network.contains(where: { $0.step == .disruption }) { disrupting.insert(c.name) }
            platformAfter += network.filter { $0.step != .disruption }.map(\.key)
            let secrets = input.estate.resources(kind: "Secret").filter { !($0.body["type"]?.string ?? "").hasPrefix("kubernetes.io/service-account") }
            // The operator from its own chart repository, each namespace's store its ExternalSecrets name, and proof they are
            // Ready before a wave applies one. The operator's pod holds no AWS identity: each store signs in as its
            // namespace's reader ServiceAccount, which eksctl made with an IRSA role reading that namespace's prefix only.
            let storeFile = "converted/\(ConvertedLayout.folderName(c.name))/\(SecretsStore.fileName)"
            let readers = input.secretReaders ?? SecretsStore.readers(input.estate)
            let shown = readers.prefix(5).map { "\($0.namespace) (role \($0.roleName))" }.joined(separator: ", ") + (readers.count > 5 ? " and \(readers.count - 5) more" : "")
            add(.plan(.secrets, cluster: c.name), "Decide the secrets store for \(name) (AWS Secrets Manager with External Secrets, or your vault) and load \(secrets.count) Secrets; values never come from the inventory",
                cluster: c.id, after: [.plan(.cluster, cluster: c.name), .plan(.addons, cluster: c.name)],
                evidence: "\(secrets.count) Secrets (key names only in the inventory); "
                    + (readers.isEmpty ? "no namespace gets a SecretStore" : "SecretStore \(SecretsStore.name) in each of \(readers.count) namespaces, each reading only \(c.name)/<namespace>/* as that namespace's ServiceAccount \(SecretsStore.readerServiceAccount) (IRSA, eksctl config): \(shown)"),
                commands: ["helm repo add external-secrets \(SecretsStore.chartRepository) && helm repo update external-secrets",
                           "helm upgrade --install external-secrets external-secrets/external-secrets --kube-context \"$EKS_CONTEXT\" -n \(SecretsStore.namespace) --create-namespace"
                               + " --set serviceAccount.name=\(SecretsStore.serviceAccount) --wait"]
                    // Values on stdin (the AWS CLI reads file:// parameters from the file), never in argv where ps shows them.
                    + secrets.prefix(25).map { "aws secretsmanager create-secret --region \(q(region)) --name \(q("\(c.name)/\($0.namespace)/\($0.name)")) --secret-string file:///dev/stdin < secret.json  # its keys' JSON from your vault; CHANGES.md of eksodus convert has the command per secret" }
                    + (secrets.count > 25 ? ["# … and \(secrets.count - 25) more Secrets (eksodus inventory lists them)"] : [])
                    + (readers.isEmpty ? [] : ["test -f \(q(storeFile)) || eksodus convert --cluster \(q(c.name)) --wave 0 --out converted",
                                               eks("apply -f \(q(storeFile))"),
                                               SecretsStore.readyCheck(context: "\"$EKS_CONTEXT\"", namespaces: readers.map(\.namespace))]),
                rollback: "Delete the stores, the created secrets (after the recovery window) and the operator",
                rollbackCommands: (readers.isEmpty ? [] : [eks("delete -f \(q(storeFile)) --ignore-not-found")])
                    + ["helm uninstall external-secrets --kube-context \"$EKS_CONTEXT\" -n \(SecretsStore.namespace)"])
            // eksctl created the add-on with the agent's IAM (eksctl config); this item proves metrics and logs reach CloudWatch.
            let logShippers = input.compute.logShippers ?? []
            add(.plan(.observability, cluster: c.name), "Check that Container Insights on \(name) receives its metrics\(logShippers.isEmpty ? " and container logs" : "") before its first application wave", cluster: c.id,
                after: [.plan(.addons, cluster: c.name)],
                evidence: "dashboards and alerts must show the EKS copies before any traffic moves; \(CloudWatchObservability.addon) runs its agent as \(CloudWatchObservability.namespace)/\(CloudWatchObservability.serviceAccount) with CloudWatchAgentServerPolicy (\(input.compute.identityMechanism), eksctl config); "
                    + CloudWatchObservability.logDecision(logShippers: logShippers) + "; Amazon Linux 2023 nodes send no host or dataplane logs by default",
                commands: CloudWatchObservability.checks(region: region, cluster: name, shipsLogs: logShippers.isEmpty),
                rollback: "Nothing to undo: checks; on a failure read the add-on's health (aws eks describe-addon … --query addon.health) and the agent's logs")
            add(.plan(.cicd, cluster: c.name), "Point the CI/CD pipelines (or GitOps) of \(c.name)'s applications at \(name)", cluster: c.id,
                after: [.plan(.cluster, cluster: c.name)], evidence: "deployments after the move must land on EKS, not on the source",
                commands: ["aws eks update-kubeconfig --region \(q(region)) --name \(q(name)) --alias \"$EKS_CONTEXT\"", "argocd cluster add \"$EKS_CONTEXT\"  # or your pipeline's kubeconfig secret"],
                rollback: "Point the pipelines back at the source cluster", rollbackCommands: ["argocd cluster rm \"$EKS_CONTEXT\""])
            let adminAccess = Self.clusterAdminAccess(input.estate, cluster: name, region: region)
            if !adminAccess.bindings.isEmpty {
                add(.plan(.access, cluster: c.name), "Decide what replaces \(adminAccess.bindings.count) cluster-admin binding\(adminAccess.bindings.count == 1 ? "" : "s") on \(name): eksodus convert holds \(adminAccess.bindings.count == 1 ? "it" : "them") out of wave 0",
                    cluster: c.id, after: [.plan(.cluster, cluster: c.name)],
                    evidence: adminAccess.bindings.joined(separator: "; ") + " (SEC008); on EKS people and pipelines reach the cluster through access entries, and a ServiceAccount needs no more than the namespaces it deploys to",
                    commands: adminAccess.commands, rollback: "Delete what was granted", rollbackCommands: adminAccess.rollback)
                platformAfter.append(.plan(.access, cluster: c.name))
            }
            let namespaces = Set(input.estate.workloads.map(\.namespace)).filter { !$0.isEmpty }.sorted()
            let crds = input.estate.resources(kind: "CustomResourceDefinition").count
            add(.plan(.platform, cluster: c.name), "Wave 0 on \(name): namespaces, CRDs and operators, RBAC, system add-ons", cluster: c.id, wave: 0,
                after: platformAfter + [.plan(.secrets, cluster: c.name)], evidence: "\(namespaces.count) namespaces, \(crds) CRDs, \(input.assessment.systemWorkloads.count) system workloads",
                commands: namespaces.filter { !KubernetesKinds.builtInNamespaces.contains($0) && $0 != "default" }.prefix(25)
                    // Applied, not created: eksctl and plan:secrets made some already (its IAM ServiceAccounts' namespaces, the stores').
                    .map { eks("create namespace \(q($0)) --dry-run=client -o yaml") + " | " + eks("apply -f -") }
                    + ["kubectl --context \"$SOURCE_CONTEXT\" get crd -o json | jq \(ShellQuote.word(".items[] |= " + WorkloadSteps.serverFields)) | " + eks("apply -f -")],
                rollback: "Delete what wave 0 created; no application runs yet", rollbackCommands: namespaces.filter { !KubernetesKinds.builtInNamespaces.contains($0) && $0 != "default" }.prefix(25).map { eks("delete namespace \(q($0))") })
        }

        // Phase 3: per cluster, wave by wave, workload by workload. The clusters' runbooks are independent of each other (an
        // item names another only by key): each is built on its own, side by side, and appended in the clusters' order.
        let imageEntries = Dictionary(images.entries.map { ($0.image.normalized, $0) }, uniquingKeysWith: { first, _ in first })
        let disrupted = disrupting
        // The lowest environment's clusters rehearse the hard rollbacks; the others' first application waves wait for them.
        // With one environment only, no cluster rehearses a promotion: that would be a second freeze in production.
        let pilotNames = pilots.count < clusters.count ? Set(pilots.map(\.estate.cluster.name)) : []
        let rehearsing = pilots.filter { pilotNames.contains($0.estate.cluster.name) && $0.placements.contains { $0.wave > 0 } }.map(\.estate.cluster.name)
        let runbooks = ParallelMap.map(clusters) { input in
            let pilot = pilotNames.contains(input.estate.cluster.name)
            return ClusterRunbook.build(input, images: images, imageEntries: imageEntries, target: target, region: region, assessedOn: assessedOn,
                                        cronTimeZones: cronTimeZones, disrupting: disrupted.contains(input.estate.cluster.name),
                                        rehearsal: Rehearsals(lowestEnvironment: pilot, waitFor: pilot ? [] : rehearsing))
        }
        var closes: [PlanItemKey] = []
        for runbook in runbooks {
            built += runbook.built.map { $0 + items.count }
            items += runbook.items
            closes += runbook.closes
        }
        if !closes.isEmpty {
            let names = clusters.map(\.estate.cluster.name), variables = FinalBackup.contextVariables(names)
            add(.decommission, "Decommission the source cluster(s) \(names.joined(separator: ", ")) after a final backup that holds their volumes",
                after: closes, evidence: "every wave of every cluster closed" + (names.count > 1 ? "; contexts: " + zip(variables, names).map { "\($0) for \($1)" }.joined(separator: ", ") : ""),
                commands: FinalBackup.distinctContexts(variables, clusters: names) + zip(clusters, variables).flatMap { input, variable -> [String] in
                    let c = input.estate
                    return FinalBackup(cluster: c.cluster.name, context: "\"$\(variable)\"",
                                       velero: VeleroInstall(sourceCluster: c.cluster.name, eksCluster: input.compute.eksClusterName, region: region, accountID: images.accountID),
                                       holdsClaims: !c.resources(kind: "PersistentVolumeClaim").isEmpty || c.workloads.contains { !$0.claimTemplates.isEmpty }).commands
                },
                rollback: "None once the machines are gone: keep the final backups until the retention period ends")
        }
        Self.order(&items, built: built)
        for index in items.indices {
            RunbookLibrary.loadFirst(&items[index].commands)
            RunbookLibrary.loadFirst(&items[index].rollbackCommands)
        }
        return items
    }

    /// The cluster-admin bindings to subjects other than Kubernetes' own and the narrower grants that replace them
    /// (`AdminAccess.grants`).
    static func clusterAdminAccess(_ estate: Estate, cluster: String, region: String) -> (bindings: [String], commands: [String], rollback: [String]) {
        let grants = AdminAccess.grants(estate, cluster: cluster, region: region)
        return (grants.bindings, grants.commands, grants.rollback)
    }

    /// Members of a dependency cycle move in one wave in a stated order: databases first, then by name.
    static func cycleOrder(_ placements: [WavePlanner.Placement], workloads: [Int64: Estate.Workload]) -> [Int64: Int] {
        var order: [Int64: Int] = [:]
        for placement in placements where placement.cycle != nil {
            guard let workload = workloads[placement.workload] else { continue }
            order[placement.workload] = isDatabase(workload) ? 0 : 1
        }
        return order
    }

    /// Whether one of the workload's images is a database (`WorkloadProfile.databaseImages`).
    static func isDatabase(_ workload: Estate.Workload) -> Bool {
        DataCopy.database(of: workload) != nil
    }

    /// Whether `start` waits for `target`, directly or through other items.
    static func reaches(_ start: PlanItemKey, _ target: PlanItemKey, _ prerequisitesOf: [PlanItemKey: [PlanItemKey]]) -> Bool {
        var seen: Set<PlanItemKey> = [start], queue = [start]
        while let next = queue.popLast() {
            if next == target { return true }
            for prerequisite in prerequisitesOf[next] ?? [] where seen.insert(prerequisite).inserted { queue.append(prerequisite) }
        }
        return false
    }

    static func unique(_ keys: [PlanItemKey]) -> [PlanItemKey] {
        // An item waits for a handful of others: comparing them pairwise is cheaper than hashing each into a set.
        if keys.count <= 16 {
            var result: [PlanItemKey] = []
            result.reserveCapacity(keys.count)
            for key in keys where !result.contains(key) { result.append(key) }
            return result
        }
        var seen: Set<PlanItemKey> = []
        return keys.filter { seen.insert($0).inserted }
    }

    /// Puts the items in a stable topological order: each after its prerequisites, otherwise in the order `built` lists their
    /// positions (an item it does not list is left out).
    static func order(_ items: inout [PlanItem], built: [Int]) {
        // The items are read through their buffer: the array's getter copied each whole item to read its key.
        let order = items.withUnsafeBufferPointer { items in
            let index = Dictionary(built.indices.map { (items[built[$0]].key, $0) }, uniquingKeysWith: { first, _ in first })
            var placed = Array(repeating: false, count: built.count)
            var visiting = Array(repeating: false, count: built.count)
            var order: [Int] = []
            order.reserveCapacity(built.count)
            func visit(_ position: Int) {
                guard !placed[position], !visiting[position] else { return }
                visiting[position] = true
                for key in items[built[position]].prerequisites { if let other = index[key] { visit(other) } }
                visiting[position] = false
                placed[position] = true
                order.append(built[position])
            }
            for position in built.indices { visit(position) }
            return order
        }
        arrange(&items, in: order)
    }

    /// `items = order.map { items[$0] }`; when `order` names every item once, by moving them into place rather than copying
    /// them (a plan's items are tens of thousands of structs of strings and lists).
    static func arrange(_ items: inout [PlanItem], in order: [Int]) {
        var named = Array(repeating: false, count: items.count)
        var permutation = order.count == items.count
        for position in order where permutation {
            permutation = !named[position]
            named[position] = true
        }
        guard permutation else {
            items = order.map { items[$0] }
            return
        }
        var order = order
        // Follow each cycle of the permutation: position `current` takes the item at `order[current]`, swapped in.
        items.withUnsafeMutableBufferPointer { buffer in
            for start in order.indices where order[start] != start {
                var current = start
                while order[current] != start {
                    let next = order[current]
                    buffer.swapAt(current, next)
                    order[current] = current
                    current = next
                }
                order[current] = current
            }
        }
    }

    /// The exposure decisions, TLS certificates, on-premises connectivity and disruption budgets a cluster needs settled.
    private static func networkDecisions(_ input: ClusterInput, region: String) -> [PlanItem] {
        let c = input.estate.cluster
        let q = ShellQuote.word
        var items: [PlanItem] = []
        let undecided = input.network.filter(\.exposure.needsDecision)
        if !undecided.isEmpty {
            items.append(PlanItem(key: .plan(.exposure, cluster: c.name),
                                  title: "Decide internal or internet-facing for \(undecided.count) load balancers of \(c.name) (planned internal until decided)",
                                  clusterID: c.id, prerequisites: [.assessment(.review, cluster: c.name)],
                                  evidence: undecided.map { "\($0.object): \($0.exposure.evidence)" }.joined(separator: "; "),
                                  rollback: "Nothing to undo: a decision",
                                  commands: ["eksodus report plan --cluster \(q(c.name)) --out reports/  # the network table: source exposure, scheme, ALB group",
                                             "eksodus plan ...  # after setting service.beta.kubernetes.io/aws-load-balancer-scheme or alb.ingress.kubernetes.io/scheme on the sources"]))
        }
        let onPremises = input.assessment.findings.filter { $0.checkID == "NET009" && !$0.system }
        if !onPremises.isEmpty {
            items.append(PlanItem(key: .plan(.connectivity, cluster: c.name),
                                  title: "Connect \(input.compute.eksClusterName)'s VPC to the on-premises endpoints \(onPremises.count) objects of \(c.name) call: Site-to-Site VPN or Direct Connect, Route 53 Resolver outbound rules for their private domains",
                                  clusterID: c.id, prerequisites: [.plan(.landingZone)],
                                  evidence: onPremises.map(\.message).joined(separator: "; "),
                                  rollback: "Remove the Resolver rules and the VPN or Direct Connect attachment; nothing on EKS serves traffic yet",
                                  commands: ["aws ec2 describe-vpn-connections --region \(q(region))  # or your Direct Connect gateway: the link to the on-premises network",
                                             "aws route53resolver list-resolver-rules --region \(q(region))  # FORWARD rules for the private domains in the evidence, associated with the VPC"],
                                  rollbackCommands: ["aws route53resolver list-resolver-rule-associations --region \(q(region))  # disassociate the rules created for this cluster"]))
        }
        // A budget that allows no eviction stalls every node drain on EKS: managed node group updates, Karpenter consolidation.
        let blocking = input.assessment.findings.filter { $0.checkID == "AVL006" && !$0.system }
        if !blocking.isEmpty {
            let patch = ShellQuote.word("{\"spec\":{\"maxUnavailable\":1,\"minAvailable\":null}}")
            items.append(PlanItem(key: .plan(.disruption, cluster: c.name),
                                  title: "Let \(blocking.count) PodDisruptionBudgets of \(c.name) allow one eviction: as they are, they block the node drains of EKS node group upgrades and consolidation",
                                  clusterID: c.id, prerequisites: [.assessment(.review, cluster: c.name)],
                                  evidence: blocking.map(\.message).joined(separator: "; "),
                                  rollback: "Put the budgets back as they were (and accept that node upgrades need them lifted by hand)",
                                  commands: ["# with the owners: set maxUnavailable: 1 in the converted files before their wave applies them, or patch them on EKS:"]
                                    + blocking.prefix(25).map { Kubectl.eks($0.namespace)("patch pdb \(q($0.name)) --type=merge -p \(patch)") }))
        }
        let needCertificates = input.network.filter(\.needsCertificate)
        if !needCertificates.isEmpty {
            // Only DNS names become --domain-name arguments (a TLS host of `javascript:alert(1)` reached ACM); the others are said.
            let allHosts = Set(needCertificates.flatMap(\.tlsHosts))
            let hosts = allHosts.filter(NetworkPlan.isIngressHost).sorted()
            let notNames = allHosts.count - hosts.count
            items.append(PlanItem(key: .plan(.certificates, cluster: c.name),
                                  title: "Request or import ACM certificates\(hosts.isEmpty ? "" : " for " + hosts.joined(separator: ", ")) and set their ARNs on \(needCertificates.count) Ingresses of \(c.name)",
                                  clusterID: c.id, prerequisites: [.plan(.landingZone)],
                                  evidence: needCertificates.map(\.object).joined(separator: ", "),
                                  rollback: "Delete the requested certificates; nothing uses them until the switch",
                                  commands: hosts.isEmpty ? ["aws acm list-certificates --region \(q(region))  # import or request one per Ingress host"]
                                      : hosts.map { host in PrivateDNSName.isPrivate(host)
                                          // No public CA validates a private name: ACM Private CA issues it, or the company's CA (imported).
                                          ? "aws acm request-certificate --region \(q(region)) --domain-name \(q(host)) --certificate-authority-arn \"$PRIVATE_CA_ARN\"  # a private name: from ACM Private CA, or import your CA's: aws acm import-certificate"
                                          : "aws acm request-certificate --region \(q(region)) --domain-name \(q(host)) --validation-method DNS" }
                                        + (notNames > 0 ? ["# \(notNames) TLS host(s) of these Ingresses are no DNS names: no certificate is requested for them; fix the Ingresses"] : [])
                                        + ["# create each certificate's DNS validation record, then wait until it is issued (the controller discovers it by host):",
                                           "aws acm wait certificate-validated --region \(q(region)) --certificate-arn \"$CERTIFICATE_ARN\""]))
        }
        return items
    }

    /// `cluster/namespace/name` for each workload, with the kind added where two workloads would share it.
    static func handles(_ workloads: [Estate.Workload], cluster: String) -> [Int64: PlanItemKey.Workload] {
        let counts = Dictionary(grouping: workloads, by: { "\($0.namespace)/\($0.name)" }).mapValues(\.count)
        var result: [Int64: PlanItemKey.Workload] = [:]
        for workload in workloads {
            let shared = (counts["\(workload.namespace)/\(workload.name)"] ?? 0) > 1
            result[workload.id] = PlanItemKey.Workload(cluster: cluster, namespace: workload.namespace,
                                                      name: shared ? "\(workload.kind.lowercased())-\(workload.name)" : workload.name)
        }
        return result
    }

    /// The rollback of `plan:ecr`: each copied-to repository once (many images share one), the first 20, then how many more.
    static func repositoryDeletions(_ images: ImageMigration, region: String) -> [String] {
        let repositories = Set(images.entries.filter { $0.method == .copy }.map(\.repository)).sorted()
        var commands = repositories.prefix(20).map { "aws ecr delete-repository --region \(ShellQuote.word(region)) --repository-name \(ShellQuote.word($0)) --force" }
        if repositories.count > 20 { commands.append("# and \(repositories.count - 20) more repositories: eksodus images -o csv lists them") }
        return commands
    }
}
