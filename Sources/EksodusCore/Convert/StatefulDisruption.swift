/// A StatefulSet of two replicas or more is a quorum (RabbitMQ, etcd, ZooKeeper) or a set of replicas (Redis, a database):
/// on EKS, managed node group upgrades, the Cluster Autoscaler and Karpenter drain nodes, and an Availability Zone can fail.
/// Without a PodDisruptionBudget a drain may evict every member at once; without a zone spread every member may land in
/// one zone, and there its EBS volumes pin it for good (a volume attaches in its own zone only). The converted StatefulSet
/// gets both: a spread of its pods over zones, and a budget of one member away at a time when no budget selects it.
enum StatefulDisruption {
    static let zoneKeys = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]

    /// How many replicas the StatefulSet asks for (1 when it names none, the API default).
    static func replicas(_ node: ManifestNode) -> Int {
        node["spec", "replicas"]?.int ?? 1
    }

    /// The label selector of its pods, as written in the StatefulSet (matchLabels and matchExpressions); nil when it has none.
    static func podSelector(_ node: ManifestNode) -> ManifestNode? {
        guard let selector = node["spec", "selector"], selector.isMapping,
              !(selector["matchLabels"]?.entries.isEmpty ?? true) || !(selector["matchExpressions"]?.items.isEmpty ?? true) else { return nil }
        return .mapping(selector.entries.filter { $0.key == "matchLabels" || $0.key == "matchExpressions" })
    }

    /// Whether the pod template already spreads or separates its pods by zone (a spread constraint or an affinity term).
    static func spreadsByZone(_ pod: ManifestNode) -> Bool {
        let spread = (pod["topologySpreadConstraints"]?.items ?? []).contains { zoneKeys.contains($0["topologyKey"]?.string ?? "") }
        let affinity = ["podAntiAffinity", "podAffinity"].contains { kind in
            guard let terms = pod["affinity", kind] else { return false }
            let required = terms["requiredDuringSchedulingIgnoredDuringExecution"]?.items ?? []
            let preferred = (terms["preferredDuringSchedulingIgnoredDuringExecution"]?.items ?? []).compactMap { $0["podAffinityTerm"] }
            return (required + preferred).contains { zoneKeys.contains($0["topologyKey"]?.string ?? "") }
        }
        return spread || affinity
    }

    /// The zone spread added to the pod template: at most one member more in any zone than in another. DoNotSchedule,
    /// not ScheduleAnyway: the first placement is the lasting one (each member's volume is created in the zone it is first
    /// scheduled to, WaitForFirstConsumer), so a member the scheduler put beside the others would stay there.
    /// Kubernetes docs, "Pod Topology Spread Constraints":
    /// https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
    static func zoneSpread(selector: ManifestNode) -> ManifestNode {
        .mapping([("maxSkew", .scalar("1", plain: true)), ("topologyKey", .string("topology.kubernetes.io/zone")),
                  ("whenUnsatisfiable", .string("DoNotSchedule")), ("labelSelector", selector)])
    }

    /// A policy/v1 budget of one member away at a time: a drain waits until the evicted member is Ready again before it
    /// evicts the next (Kubernetes docs, "Specifying a Disruption Budget for your Application":
    /// https://kubernetes.io/docs/tasks/run-application/configure-pdb/).
    static func budget(name: String, namespace: String, selector: ManifestNode) -> ManifestNode {
        .mapping([
            ("apiVersion", .string("policy/v1")), ("kind", .string("PodDisruptionBudget")),
            ("metadata", .mapping([("name", .string(name)), ("namespace", .string(namespace))])),
            ("spec", .mapping([("maxUnavailable", .scalar("1", plain: true)), ("selector", selector)])),
        ])
    }

    /// The budget's name: the StatefulSet's own, or with `-pdb` when a budget of that name (selecting other pods) exists.
    static func budgetName(_ name: String, namespace: String, taken: Set<String>) -> String {
        taken.contains("\(namespace)/\(name)") ? "\(name)-pdb" : name
    }
}
