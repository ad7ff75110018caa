/// Builds the checklist items of all three phases for a plan, in plan order.
struct Checklist {
    struct ClusterInput {
        var estate: Estate
        var assessment: AssessmentResult.ClusterResult
        var placements: [WavePlanner.Placement]
        var waveOffset: Int
        var graph: DependencyGraph
        var compute: ComputePlan
        var storage: [StoragePlan.Entry]
        var identity: [IdentityPlan.Entry]
        var network: [NetworkPlan.Entry]
        var lastImport: String?
    }

    static func build(_ clusters: [ClusterInput], images: ImageMigration, target: KubernetesVersion) -> [PlanItem] {
        var items: [PlanItem] = []
        func add(_ key: String, _ phase: PlanItem.Phase, _ step: String, _ title: String, cluster: Int64? = nil, wave: Int? = nil,
                 workload: Int64? = nil, after: [String] = [], evidence: String = "", rollback: String = "") {
            items.append(PlanItem(key: key, phase: phase, step: step, title: title, clusterID: cluster, wave: wave, workloadID: workload,
                                  prerequisites: after, evidence: evidence, rollback: rollback))
        }

        // Phase 1: assessment & diagnosis.
        for input in clusters {
            let c = input.estate.cluster
            add("assess:import:\(c.name)", .assessment, "import", "Export cluster \(c.name) and import it into the inventory", cluster: c.id,
                evidence: "\(input.estate.resources.count) objects, \(input.estate.workloads.count) workloads" + (input.lastImport.map { ", imported \($0)" } ?? ""))
            add("assess:review:\(c.name)", .assessment, "review", "Review the assessment of \(c.name) with the application teams", cluster: c.id,
                after: ["assess:import:\(c.name)"],
                evidence: "readiness \(input.assessment.readiness)/100: \(input.assessment.count(.blocker)) blockers, \(input.assessment.count(.warning)) warnings")
            let stateful = input.estate.workloads.filter { input.assessment.profiles[$0.id]?.stateful == true && !input.assessment.systemWorkloads.contains($0.id) }
            if !stateful.isEmpty {
                add("assess:replication:\(c.name)", .assessment, "replication", "Agree the data replication method for \(stateful.count) stateful workloads of \(c.name)",
                    cluster: c.id, after: ["assess:import:\(c.name)"], evidence: stateful.map(\.label).joined(separator: ", "))
            }
            if !input.identity.isEmpty {
                add("assess:identity:\(c.name)", .assessment, "identity", "List the AWS permissions \(input.identity.count) workloads of \(c.name) use today",
                    cluster: c.id, after: ["assess:import:\(c.name)"], evidence: input.identity.map { "\($0.workload): \($0.evidence)" }.joined(separator: "; "))
            }
        }

        // Phase 2: landing zone, clusters, platform.
        let reviews = clusters.map { "assess:review:\($0.estate.cluster.name)" }
        let biggestSubnet = clusters.map(\.compute.subnetPrefix).min() ?? 24
        add("plan:landing-zone", .plan, "landing-zone", "Prepare the landing zone: eksctl creates each cluster's VPC with its cluster (pods need private /\(biggestSubnet) subnets per zone); choose each vpc.cidr so it overlaps no source network and prepare the VPN, Direct Connect or Transit Gateway link to attach to it",
            after: reviews, evidence: clusters.map { "\($0.estate.cluster.name): about \($0.compute.podIPs) pod IPs" }.joined(separator: "; "),
            rollback: "Withdraw the prepared links; the VPCs go with eksctl delete cluster")
        add("plan:ecr", .plan, "ecr", "Create ECR repositories and pull-through cache rules (eksodus images --script)", after: ["plan:landing-zone"],
            evidence: "\(images.entries.filter { $0.method == .copy }.count) images to copy, \(images.entries.filter { $0.method == .pullThroughCache }.count) through pull-through cache"
                + (images.entries.contains { $0.method == .pullThroughCache } ? "; " + ImageMigration.firstPullPermissions : ""),
            rollback: "Delete the created repositories and rules")
        for input in clusters {
            let c = input.estate.cluster
            let name = input.compute.eksClusterName
            add("plan:cluster:\(c.name)", .plan, "cluster", "Create EKS cluster \(name) (Kubernetes \(target)) with eksctl (eksodus plan --eksctl)", cluster: c.id,
                after: ["plan:landing-zone"], evidence: "\(input.compute.nodeGroups.count) node groups, \(input.compute.fargateProfiles.count) Fargate profiles",
                rollback: "eksctl delete cluster -f \(name).yaml")
            add("plan:addons:\(c.name)", .plan, "addons", "Install add-ons on \(name): \(input.compute.addons.joined(separator: ", ")), AWS Load Balancer Controller",
                cluster: c.id, after: ["plan:cluster:\(c.name)"], evidence: input.compute.networkPolicy ? "NetworkPolicies present: enable the VPC CNI policy agent" : "")
            var platformAfter = ["plan:addons:\(c.name)"]
            if !input.storage.isEmpty {
                let classes = Set(input.storage.map { String($0.targetClass.prefix { $0 != " " }) }).sorted()
                let fileSystems = classes.contains { $0 != "gp3" } ? " with their EFS/FSx file systems" : ""
                add("plan:storage:\(c.name)", .plan, "storage", "Create StorageClasses \(classes.joined(separator: ", ")) on \(name)\(fileSystems)",
                    cluster: c.id, after: ["plan:addons:\(c.name)"], evidence: "\(input.storage.count) volumes to recreate")
            }
            if !input.identity.isEmpty {
                add("plan:identity:\(c.name)", .plan, "identity", "Create IAM roles for \(input.identity.count) ServiceAccounts on \(name)", cluster: c.id,
                    after: ["plan:cluster:\(c.name)", "assess:identity:\(c.name)"], evidence: input.identity.map { "\($0.roleName) (\($0.mechanism))" }.joined(separator: ", "))
                platformAfter.append("plan:identity:\(c.name)")
            }
            let network = networkDecisions(input)
            items += network
            platformAfter += network.map(\.key)
            let namespaces = Set(input.estate.workloads.map(\.namespace)).filter { !$0.isEmpty }.count
            let crds = input.estate.resources(kind: "CustomResourceDefinition").count
            add("plan:platform:\(c.name)", .plan, "platform", "Wave 0 on \(name): namespaces, CRDs and operators, RBAC, system add-ons", cluster: c.id, wave: 0,
                after: platformAfter, evidence: "\(namespaces) namespaces, \(crds) CRDs, \(input.assessment.systemWorkloads.count) system workloads")
        }

        // Phase 3: cutover, wave by wave, workload by workload.
        var membersByWave: [Int: [Estate.Workload]] = [:]
        for input in clusters {
            let byID = Dictionary(input.estate.workloads.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for placement in input.placements {
                if let workload = byID[placement.workload] { membersByWave[placement.wave + input.waveOffset, default: []].append(workload) }
            }
        }
        for wave in membersByWave.keys.sorted() {
            let members = membersByWave[wave] ?? []
            let images = Set(members.flatMap { $0.containers.compactMap(\.image) }).count
            add("images:wave-\(wave)", .cutover, "images", "Copy the \(images) images of wave \(wave) to ECR", wave: wave, after: ["plan:ecr"],
                evidence: members.map(\.label).joined(separator: ", "), rollback: "Nothing to undo: the source registry is untouched")
        }
        for input in clusters {
            let c = input.estate.cluster
            let byID = Dictionary(input.estate.workloads.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let handles = Self.handles(input.estate.workloads, cluster: c.name)
            let storageByWorkload = Dictionary(grouping: input.storage.filter { $0.workloadID != nil }, by: { $0.workloadID ?? 0 })
            let withIdentity = Set(input.identity.map(\.workload))
            let edgesByConsumer = Dictionary(grouping: input.graph.edges, by: \.consumer)
            let servicesByNamespace = Dictionary(grouping: input.estate.services.filter { !$0.selector.isEmpty }, by: \.resource.namespace)
            var scaledown: [String] = []
            for placement in input.placements.sorted(by: { ($0.wave, handles[$0.workload] ?? "") < ($1.wave, handles[$1.workload] ?? "") }) {
                guard let workload = byID[placement.workload], let handle = handles[workload.id] else { continue }
                let wave = placement.wave + input.waveOffset
                let profile = input.assessment.profiles[workload.id]
                var deployAfter = ["images:wave-\(wave)", "plan:platform:\(c.name)"]
                // A workload whose every claim another workload owns (a Job on a Deployment's claim) waits for that one's data.
                let claimOwners = Set(workload.volumes.filter { $0.type == "persistentVolumeClaim" }.compactMap { volume in
                    input.storage.first { $0.source == "pvc" && $0.namespace == workload.namespace && $0.name == volume.reference }?.workloadID
                })
                let dataOwner = storageByWorkload[workload.id] == nil && claimOwners.count == 1 ? claimOwners.first.flatMap { handles[$0] } : nil
                if let dataOwner, profile?.stateful == true {
                    deployAfter.append("data:\(dataOwner)")
                } else if profile?.stateful == true {
                    let volumes = storageByWorkload[workload.id] ?? []
                    let methods = volumes.map(\.copyMethod).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                    let method = methods.count > 1 ? volumes.map { "\($0.name): \($0.copyMethod)" }.joined(separator: "; ")
                        : methods.first ?? StoragePlan.veleroFileSystemBackup
                    add("data:\(handle)", .cutover, "data", "Replicate the data of \(workload.label): \(method)", cluster: c.id, wave: wave, workload: workload.id,
                        after: input.storage.isEmpty ? ["plan:addons:\(c.name)"] : ["plan:storage:\(c.name)"],
                        evidence: profile?.statefulReason ?? "stateful",
                        rollback: "Stop replication and delete the EKS copy; the source data was never changed")
                    deployAfter.append("data:\(handle)")
                }
                if withIdentity.contains(workload.label) { deployAfter.append("plan:identity:\(c.name)") }
                let providers = edgesByConsumer[workload.id] ?? []
                for provider in Set(providers.map(\.provider)).sorted() {
                    if let providerHandle = handles[provider] { deployAfter.append("deploy:\(providerHandle)") }
                }
                add("deploy:\(handle)", .cutover, "deploy", "Deploy \(workload.label) to \(input.compute.eksClusterName) (images from ECR, manifests converted)",
                    cluster: c.id, wave: wave, workload: workload.id, after: deployAfter,
                    evidence: ([placement.reason] + providers.map(\.evidence)).joined(separator: "; "),
                    rollback: "Delete the workload from EKS; the source keeps serving")
                add("smoke:\(handle)", .cutover, "smoke", "Smoke test \(workload.label) on EKS", cluster: c.id, wave: wave, workload: workload.id,
                    after: ["deploy:\(handle)"], rollback: "Nothing to undo")
                let exposed = (servicesByNamespace[workload.namespace] ?? []).filter { workload.matches($0.selector) }.map { $0.resource.name }
                add("traffic:\(handle)", .cutover, "traffic",
                    exposed.isEmpty ? "Switch \(workload.label)'s work to EKS (stop the source's schedule or consumers)" : "Switch traffic for \(exposed.joined(separator: ", ")) to EKS (DNS or load balancer)",
                    cluster: c.id, wave: wave, workload: workload.id, after: ["smoke:\(handle)"] + (profile?.stateful == true && dataOwner == nil ? ["data:\(handle)"] : []),
                    rollback: profile?.stateful == true ? "Point DNS back to the source and reverse replication before writes resume there"
                                                        : "Point DNS or the load balancer back to the source cluster")
                add("scaledown:\(handle)", .cutover, "scaledown", "Scale \(workload.label) down to zero on the source cluster", cluster: c.id, wave: wave,
                    workload: workload.id, after: ["traffic:\(handle)"], rollback: "kubectl scale back to \(workload.replicas ?? 1) replicas on the source")
                scaledown.append("scaledown:\(handle)")
            }
            guard !scaledown.isEmpty else { continue }
            let spot = input.compute.nodeGroups.filter(\.spot).count
            add("optimize:\(c.name):rightsize", .cutover, "optimize", "Right-size requests of \(c.name)'s workloads from observed use (VPA recommendations)",
                cluster: c.id, after: scaledown, evidence: "\(input.assessment.findings.filter { $0.checkID == "AVL008" }.count) containers without requests or limits")
            add("optimize:\(c.name):autoscaling", .cutover, "optimize", "Enable \(input.compute.autoscaler) and HPAs for \(c.name)'s workloads on EKS", cluster: c.id,
                after: ["optimize:\(c.name):rightsize"])
            add("optimize:\(c.name):spot", .cutover, "optimize", "Move tolerant workloads of \(c.name) to Spot capacity", cluster: c.id,
                after: ["optimize:\(c.name):autoscaling"], evidence: spot > 0 ? "a Spot node group is planned" : "no Spot group planned yet")
        }
        return items
    }

    /// The exposure decisions, TLS certificates and on-premises connectivity a cluster needs before its platform wave.
    private static func networkDecisions(_ input: ClusterInput) -> [PlanItem] {
        let c = input.estate.cluster
        var items: [PlanItem] = []
        let undecided = input.network.filter(\.exposure.needsDecision)
        if !undecided.isEmpty {
            items.append(PlanItem(key: "plan:exposure:\(c.name)", phase: .plan, step: "exposure",
                                  title: "Decide internal or internet-facing for \(undecided.count) load balancers of \(c.name) (planned internal until decided)",
                                  clusterID: c.id, wave: nil, workloadID: nil, prerequisites: ["assess:review:\(c.name)"],
                                  evidence: undecided.map { "\($0.object): \($0.exposure.evidence)" }.joined(separator: "; "),
                                  rollback: "Nothing to undo: a decision"))
        }
        let onPremises = input.assessment.findings.filter { $0.checkID == "NET009" && !$0.system }
        if !onPremises.isEmpty {
            items.append(PlanItem(key: "plan:connectivity:\(c.name)", phase: .plan, step: "connectivity",
                                  title: "Connect \(input.compute.eksClusterName)'s VPC to the on-premises endpoints \(onPremises.count) objects of \(c.name) call: Site-to-Site VPN or Direct Connect, Route 53 Resolver outbound rules for their private domains",
                                  clusterID: c.id, wave: nil, workloadID: nil, prerequisites: ["plan:landing-zone"],
                                  evidence: onPremises.map(\.message).joined(separator: "; "),
                                  rollback: "Remove the Resolver rules and the VPN or Direct Connect attachment; nothing on EKS serves traffic yet"))
        }
        let needCertificates = input.network.filter { $0.annotations["alb.ingress.kubernetes.io/certificate-arn"] == NetworkPlan.certificatePlaceholder }
        if !needCertificates.isEmpty {
            let hosts = Set(needCertificates.flatMap(\.tlsHosts)).sorted()
            items.append(PlanItem(key: "plan:certificates:\(c.name)", phase: .plan, step: "certificates",
                                  title: "Request or import ACM certificates\(hosts.isEmpty ? "" : " for " + hosts.joined(separator: ", ")) and set their ARNs on \(needCertificates.count) Ingresses of \(c.name)",
                                  clusterID: c.id, wave: nil, workloadID: nil, prerequisites: ["plan:landing-zone"],
                                  evidence: needCertificates.map(\.object).joined(separator: ", "),
                                  rollback: "Delete the requested certificates; nothing uses them until the switch"))
        }
        return items
    }

    /// `cluster/namespace/name` for each workload, with the kind added where two workloads would share it.
    static func handles(_ workloads: [Estate.Workload], cluster: String) -> [Int64: String] {
        let counts = Dictionary(grouping: workloads, by: { "\($0.namespace)/\($0.name)" }).mapValues(\.count)
        var result: [Int64: String] = [:]
        for workload in workloads {
            let base = "\(workload.namespace)/\(workload.name)"
            result[workload.id] = "\(cluster)/" + ((counts[base] ?? 0) > 1 ? "\(workload.namespace)/\(workload.kind.lowercased())-\(workload.name)" : base)
        }
        return result
    }
}
