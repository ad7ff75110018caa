/// The one switch of each DNS name in front of a cluster's workloads. An Ingress host often fronts several workloads by
/// path (`shop.acme.example`: `/` storefront, `/api/cart` cart): its record is one, so it is switched once, after every
/// workload behind it answers on EKS, and its rollback moves that name back, whichever workload failed. A second switch of
/// the same name would fail at its DELETE of the plain record, which the first replaced by the weighted pair.
struct HostSwitches {
    struct Name {
        var host: String
        /// The workloads behind it, in placement order.
        var backends: [Int64]
        /// The Ingresses that route it, sorted.
        var ingresses: [(namespace: String, name: String)]
        /// The wave of its last backend: it switches when all of them are on EKS.
        var wave: Int
    }

    let cluster: String
    private(set) var names: [String: Name] = [:]
    private var byWorkload: [Int64: [String]] = [:]

    /// `placed`: the cluster's workloads in placement order; only Ingress hosts that are DNS names (`Exposure.hostRoutes`).
    init(placed: [Int64], exposures: [Int64: Exposure], waveOf: [Int64: Int], cluster: String) {
        self.cluster = cluster
        for workload in placed {
            guard let exposure = exposures[workload], let wave = waveOf[workload] else { continue }
            for route in exposure.hostRoutes {
                var name = names[route.host] ?? Name(host: route.host, backends: [], ingresses: [], wave: wave)
                if !name.backends.contains(workload) {
                    name.backends.append(workload)
                    byWorkload[workload, default: []].append(route.host)
                }
                if !name.ingresses.contains(where: { $0 == (route.namespace, route.ingress) }) { name.ingresses.append((route.namespace, route.ingress)) }
                name.wave = max(name.wave, wave)
                names[route.host] = name
            }
        }
        for host in names.keys { names[host]?.ingresses.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) } }
    }

    /// The switches of the names in front of `workload`, sorted by name.
    func switches(of workload: Int64) -> [PlanItemKey] {
        (byWorkload[workload] ?? []).sorted().map { .host(.traffic, cluster: cluster, $0) }
    }

    /// The names that switch in `wave`, sorted.
    func names(inWave wave: Int) -> [String] {
        names.values.filter { $0.wave == wave }.map(\.host).sorted()
    }

    /// Whether `key` is done by the end of `wave`: a name's switch waits for its last backend's wave; any other key belongs
    /// to the wave it is listed in.
    func isSwitched(by key: PlanItemKey, inOrBefore wave: Int) -> Bool {
        guard case .host(_, let host) = key.scope, let name = names[host] else { return true }
        return name.wave <= wave
    }

    /// The TTL lowering (days ahead) and the switch of `host`. The switch waits for each backend's last step before it
    /// takes outside traffic (`WorkloadSteps.switchReady`) and for what that backend's own switch would wait for (`switchAfter`:
    /// the promotion of a provider it calls).
    func items(_ host: String, clusterID: Int64, steps: [Int64: WorkloadSteps], switchAfter: [Int64: [PlanItemKey]],
               workloads: [Int64: Estate.Workload]) -> [PlanItem] {
        guard let name = names[host] else { return [] }
        let labels = name.backends.map { workloads[$0]?.label ?? String($0) }
        // A name in front of hundreds of workloads: the title names a few, the evidence all.
        let named = labels.count <= 5 ? labels.joined(separator: ", ") : labels.prefix(4).joined(separator: ", ") + " and \(labels.count - 4) more"
        let routes = (name.ingresses.count == 1 ? "Ingress " : "Ingresses ") + name.ingresses.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", ")
            + (name.ingresses.count == 1 ? " routes" : " route")
        let evidence = "\(routes) \(host) to \(labels.joined(separator: ", "))"
        let ttl = TrafficCommands.lowerTTL(host: host)
        let ttlKey = PlanItemKey.host(.dnsTTL, cluster: cluster, host)
        let lowering = PlanItem(key: ttlKey, title: "Days before the switch: lower the DNS TTL of \(host) to \(TrafficCommands.lowTTL) s",
                                clusterID: clusterID, wave: name.wave, prerequisites: [.plan(.cluster, cluster: cluster)], evidence: evidence,
                                rollback: "Put the TTL back to its old value", commands: ttl.commands, rollbackCommands: ttl.rollback)
        let ready = name.backends.compactMap { steps[$0]?.switchReady }
        let after = Checklist.unique(ready + [ttlKey] + name.backends.flatMap { switchAfter[$0] ?? [] })
        let stateful = name.backends.filter { steps[$0]?.primary != nil }.map { workloads[$0]?.label ?? String($0) }
        let traffic = TrafficCommands.hostSwitch(host: host, ingresses: name.ingresses)
        let switching = PlanItem(key: .host(.traffic, cluster: cluster, host),
                                 title: "Switch \(host) to EKS in steps (weighted DNS records, \(TrafficCommands.shares.map { "\($0)%" }.joined(separator: ", "))): once for \(named)",
                                 clusterID: clusterID, wave: name.wave, prerequisites: after, evidence: evidence,
                                 rollback: "Weights of \(host) back to the source: the source copies of \(named) still run"
                                    + (stateful.isEmpty ? "" : "; reverse the replication of \(stateful.joined(separator: ", ")) before writes resume there"),
                                 commands: traffic.commands, rollbackCommands: traffic.rollback)
        return [lowering, switching]
    }
}
