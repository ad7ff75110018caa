/// What `convert` applies to one cluster's objects: the decisions of the stored plan, by the names the manifests use.
public struct ConversionPlan: Sendable {
    public var cluster: String
    public var target: KubernetesVersion
    public var accountID: String
    /// Normalised source image → the reference to run on EKS.
    public var images: [String: String]
    /// `namespace/claim` (claims) and `namespace/owner/template` (claim templates) → StorageClass on EKS.
    public var storageClasses: [String: String]
    /// `Kind/namespace/name` of each Service and Ingress → its plan entry.
    public var network: [String: NetworkPlan.Entry]
    /// `namespace/serviceAccount` → the IAM role it gets.
    public var identity: [String: IdentityPlan.Entry]
    /// `Kind/namespace/name` of a workload that ran as `default` → the identity entry of the ServiceAccount it gets instead.
    public var dedicatedAccounts: [String: IdentityPlan.Entry]
    /// `Kind/namespace/name` of each planned workload → its wave; workloads absent here are not moved.
    public var waves: [String: Int]
    /// Workloads the plan sets apart (EKS replaces them): never written.
    public var setApart: Set<String>
    /// `Kind/namespace/name` → where the compute plan runs it (`spot`, `general`, `stateful`, `arm64`, `Fargate`, `every node`).
    public var placements: [String: String]
    /// The compute plan has a Windows node group: a Linux node agent that tolerates every taint must still select Linux.
    public var hasWindowsNodes: Bool
    /// `Kind/namespace/name` → the claims the storage plan's node copies fill, each in place of a hostPath volume.
    var nodeDataClaims: [String: [NodeDataClaim]]
    /// `Kind/namespace/name` of each database whose data the storage plan found without a claim (`DataStoreClaim`).
    var unclaimedDataStores: Set<String> = []
    /// The zone the source's CronJob schedules ran in (`--cron-time-zone`); nil: not decided.
    public var cronTimeZone: String?

    /// `setApart`: the labels the stored assessment set apart, for a plan read back from the store (which carries no findings).
    public init(_ plan: TransitionPlan, cluster: String, setApart stored: Set<String>? = nil) {
        self.cluster = cluster
        target = plan.request.target
        accountID = plan.request.accountID
        images = Dictionary(plan.images.entries.filter { $0.clusters.contains(cluster) && $0.method != .rejected }
            .map { ($0.image.normalized, $0.targetReference) }, uniquingKeysWith: { first, _ in first })
        var classes: [String: String] = [:]
        for entry in plan.storage.entries where entry.cluster == cluster {
            let className = String(entry.targetClass.prefix { $0 != " " })
            let ownerName = entry.owner.split(separator: "/").last.map(String.init) ?? ""
            classes[entry.source == "template" ? "\(entry.namespace)/\(ownerName)/\(entry.name)" : "\(entry.namespace)/\(entry.name)"] = className
        }
        storageClasses = classes
        network = Dictionary(plan.network.entries.filter { $0.cluster == cluster }.map { ($0.object, $0) }, uniquingKeysWith: { first, _ in first })
        identity = Dictionary(plan.identity.entries.filter { $0.cluster == cluster }.map { ("\($0.namespace)/\($0.serviceAccount)", $0) },
                              uniquingKeysWith: { first, _ in first })
        dedicatedAccounts = Dictionary(plan.identity.entries.filter { $0.cluster == cluster && $0.dedicatedServiceAccount == true }.map { ($0.workload, $0) },
                                       uniquingKeysWith: { first, _ in first })
        var waves: [String: Int] = [:]
        for wave in plan.waves where wave.cluster == cluster {
            for workload in wave.workloads { waves[workload.label] = wave.number }
        }
        self.waves = waves
        let result = plan.assessment.clusters.first { $0.cluster.name == cluster }
        setApart = stored ?? Set((result?.workloads ?? []).filter { result?.systemWorkloads.contains($0.id) == true }.map(\.label))
        placements = Dictionary((plan.compute.first { $0.cluster == cluster }?.placements ?? []).map { ($0.workload, $0.target) },
                                uniquingKeysWith: { first, _ in first })
        hasWindowsNodes = plan.compute.first { $0.cluster == cluster }?.nodeGroups.contains(where: \.isWindows) ?? false
        nodeDataClaims = NodeDataClaim.planned(plan.storage, cluster: cluster)
        unclaimedDataStores = Set(plan.storage.entries.filter { $0.cluster == cluster && ["emptyDir", "container"].contains($0.source) }.map { entry in
            "\(entry.owner.prefix { $0 != "/" })/\(entry.namespace)/\(entry.owner.drop { $0 != "/" }.dropFirst())"
        })
        cronTimeZone = CronJobTimeZone.zone(for: cluster, in: plan.request.cronTimeZones)
    }
}
