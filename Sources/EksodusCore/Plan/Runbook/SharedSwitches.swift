/// The one switch of each name several of a cluster's workloads are reached by. An Ingress host often fronts several
/// workloads by path (`shop.acme.example`: `/` storefront, `/api/cart` cart), and a LoadBalancer Service or hostless Ingress
/// may select several (a stable and a canary Deployment): the record is one, so it is switched once, after every workload
/// behind it answers on EKS, and its rollback moves that name back, whichever workload failed. A second switch of the same
/// name would move the first one's pair (each share reads the pair Route 53 holds) while the first still holds it.
///
/// Every Ingress host that is a DNS name gets its switch here (`traffic:prod:shop.acme.example`), even with one backend;
/// a LoadBalancer Service or hostless Ingress only when more than one placed workload is behind it
/// (`traffic:prod:service/shop/front`), otherwise its workload's own step switches it.
struct SharedSwitches {
    struct Shared {
        var scope: PlanItemKey.Scope
        /// The DNS name, when the manifests give it (an Ingress host); otherwise the engineer sets `$DNS_NAME`.
        var host: String?
        /// The Ingresses or the one Service in front, sorted.
        var frontends: [(kind: String, namespace: String, name: String)]
        /// The workloads behind it, in placement order.
        var backends: [Int64]
        /// The wave of its last backend: it switches when all of them are on EKS.
        var wave: Int
        /// Its Ingresses `convert` holds out (`IngressHold`), by `namespace/name`: the switch waits for the decided ones.
        var held: [String: Exposure.Held] = [:]
        /// Its Ingresses that asked external-dns for names, by `namespace/name`: convert holds external-dns off them until
        /// the switch is at 100 % (`ExternalDNSHold`).
        var externalDNS: [String: String] = [:]
        /// For a wildcard host (`*.acme.example`): the Ingresses (`namespace/name`) with a host it covers (one more label,
        /// as a Kubernetes wildcard host matches): they claim the wildcard record too.
        var underWildcard: [String] = []
    }

    let cluster: String
    /// The ALB IngressGroup of each Ingress (`namespace/name`), from the network plan: Ingresses of several namespaces
    /// share one only where `SharedHostGroups` put them in it.
    let groups: [String: String]
    /// Whether an external-dns may manage the source's names (an external-dns workload, or an object with its
    /// annotations): it would rewrite the record during the switch, so the TTL step first waits for it to be held.
    let sourceExternalDNS: Bool
    private var shared: [PlanItemKey.Scope: Shared] = [:]
    private var byWorkload: [Int64: [PlanItemKey.Scope]] = [:]
    private var handedOver: [Int64: Set<String>] = [:]

    /// `placed`: the cluster's workloads in placement order.
    init(placed: [Int64], exposures: [Int64: Exposure], waveOf: [Int64: Int], cluster: String, groups: [String: String] = [:],
         sourceExternalDNS: Bool = false) {
        self.cluster = cluster
        self.groups = groups
        self.sourceExternalDNS = sourceExternalDNS
        func add(_ scope: PlanItemKey.Scope, host: String?, frontend: (kind: String, namespace: String, name: String), workload: Int64, wave: Int) {
            var entry = shared[scope] ?? Shared(scope: scope, host: host, frontends: [], backends: [], wave: wave)
            if !entry.backends.contains(workload) {
                entry.backends.append(workload)
                byWorkload[workload, default: []].append(scope)
            }
            if !entry.frontends.contains(where: { $0 == frontend }) { entry.frontends.append(frontend) }
            entry.wave = max(entry.wave, wave)
            shared[scope] = entry
        }
        var behind: [String: [Int64]] = [:]
        for workload in placed {
            guard let exposure = exposures[workload], let wave = waveOf[workload] else { continue }
            for route in exposure.hostRoutes {
                add(.host(cluster: cluster, name: route.host), host: route.host, frontend: ("ingress", route.namespace, route.ingress), workload: workload, wave: wave)
                if let held = exposure.held[route.namespace + "/" + route.ingress] { shared[.host(cluster: cluster, name: route.host)]?.held[route.namespace + "/" + route.ingress] = held }
                if let names = exposure.externalDNS[route.namespace + "/" + route.ingress] { shared[.host(cluster: cluster, name: route.host)]?.externalDNS[route.namespace + "/" + route.ingress] = names }
            }
            for frontend in exposure.ownFrontends { behind[Exposure.frontendID(frontend), default: []].append(workload) }
        }
        for workload in placed {
            guard let exposure = exposures[workload], let wave = waveOf[workload] else { continue }
            for frontend in exposure.ownFrontends where (behind[Exposure.frontendID(frontend)]?.count ?? 0) > 1 {
                add(.frontend(cluster: cluster, kind: frontend.kind, namespace: frontend.namespace, name: frontend.name), host: nil, frontend: frontend,
                    workload: workload, wave: wave)
                if frontend.kind == "ingress", let held = exposure.held[frontend.namespace + "/" + frontend.name] {
                    shared[.frontend(cluster: cluster, kind: frontend.kind, namespace: frontend.namespace, name: frontend.name)]?.held[frontend.namespace + "/" + frontend.name] = held
                }
                if frontend.kind == "ingress", let names = exposure.externalDNS[frontend.namespace + "/" + frontend.name] {
                    shared[.frontend(cluster: cluster, kind: frontend.kind, namespace: frontend.namespace, name: frontend.name)]?.externalDNS[frontend.namespace + "/" + frontend.name] = names
                }
                handedOver[workload, default: []].insert(Exposure.frontendID(frontend))
            }
        }
        for scope in shared.keys { shared[scope]?.frontends.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) } }
        let entries = Array(shared.values)
        for entry in entries {
            guard let wildcard = entry.host, wildcard.hasPrefix("*.") else { continue }
            let suffix = String(wildcard.dropFirst())
            shared[entry.scope]?.underWildcard = entries.filter { other in
                guard let host = other.host, host != wildcard, host.hasSuffix(suffix) else { return false }
                let label = host.dropLast(suffix.count)
                return !label.isEmpty && !label.contains(".")
            }.flatMap { $0.frontends.map { "\($0.namespace)/\($0.name)" } }.sorted()
        }
    }

    /// Whether any source object or workload shows external-dns: one with its annotations, or an external-dns image.
    static func sourceRunsExternalDNS(_ estate: Estate) -> Bool {
        estate.workloads.contains { PlatformAgents.role(of: $0) == "DNS controller" }
            || (estate.ingresses.map(\.resource) + estate.services.map(\.resource)).contains { $0.annotations.keys.contains { $0.hasPrefix("external-dns.alpha.kubernetes.io/") } }
    }

    /// The first gate of a TTL lowering where the source runs external-dns: it would re-create a plain record beside the
    /// weighted pair and reset TTLs during the switch, so the operator first takes the name away from it. external-dns
    /// `--policy=upsert-only` "allows everything but deleting DNS records", so it does not stop the rewrites
    /// (https://github.com/kubernetes-sigs/external-dns/blob/master/plan/policy.go).
    static func sourceExternalDNSGate(_ name: String) -> [String] {
        ["[ \"${SOURCE_EXTERNAL_DNS_HELD:-}\" = yes ] || { echo " + ShellQuote.word("\(name): the source runs external-dns (an external-dns workload or its annotations), which rewrites the record during the switch: before lowering the TTL, add \(ExternalDNSHold.controllerKey): \(ExternalDNSHold.holdValue) to the source Ingress (or Service), or scale the source external-dns to 0 (--policy=upsert-only is not enough: it still updates records, it only never deletes them); then re-run with SOURCE_EXTERNAL_DNS_HELD=yes") + " >&2; false; }"]
    }

    /// The one IngressGroup every Ingress of a host listed by several namespaces joined (`SharedHostGroups`: one source
    /// controller and load balancer served them all), or nil.
    static func sharedGroup(_ entry: Shared, groups: [String: String]) -> String? {
        guard Set(entry.frontends.map(\.namespace)).count > 1, entry.frontends.allSatisfy({ $0.kind == "ingress" }) else { return nil }
        let named = Set(entry.frontends.map { groups[$0.namespace + "/" + $0.name] })
        guard named.count == 1, let group = named.first ?? nil else { return nil }
        return group
    }

    /// The failing gate of a host listed by Ingresses of more than one namespace, naming every claimant; nil otherwise, and
    /// nil where they all joined one IngressGroup (`sharedGroup`).
    static func claimedAcrossNamespaces(_ entry: Shared, groups: [String: String] = [:]) -> [String]? {
        // A wildcard record serves every host under it: each namespace with such a host claims it too, group or not.
        if let host = entry.host, !entry.underWildcard.isEmpty,
           Set((entry.frontends.map { "\($0.namespace)/\($0.name)" } + entry.underWildcard).map { $0.split(separator: "/", maxSplits: 1)[0] }).count > 1 {
            let claimants = (entry.frontends.map { "\($0.namespace)/\($0.name)" } + entry.underWildcard).joined(separator: ", ")
            return [ShellQuote.comment("decision: the wildcard \(host) covers hosts of Ingresses of other namespaces (\(claimants)): its record answers for all of them, so no command moves it to one namespace's ALB."
                                       + " Decide who owns the wildcard with the teams of those hosts, then lower and switch it by hand (or re-plan)"),
                    "echo " + ShellQuote.word("\(host): a wildcard claimed by Ingresses of several namespaces (\(claimants)): decide which owns it before any DNS change") + " >&2; false"]
        }
        guard let host = entry.host, Set(entry.frontends.map(\.namespace)).count > 1, sharedGroup(entry, groups: groups) == nil else { return nil }
        let claimants = entry.frontends.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", ")
        return [ShellQuote.comment("decision: \(host) is listed by Ingresses of several namespaces (\(claimants)): any namespace may list any host, so no command moves it."
                                   + " Find which one the Route 53 record points at on the source, remove the host from the others' Ingresses, and lower and switch it by hand (or re-plan);"
                                   + " the plan's network section says why they were not grouped: another controller or load balancer, the same path in two namespaces, interleaved paths, or Exclusive annotations"),
                "echo " + ShellQuote.word("\(host): claimed by Ingresses of several namespaces (\(claimants)): decide which owns it before any DNS change") + " >&2; false"]
    }

    private func key(_ step: PlanItemKey.Step, _ scope: PlanItemKey.Scope) -> PlanItemKey { PlanItemKey(.cutover, step, scope) }

    /// The switches of the names in front of `workload`, in key order.
    func switches(of workload: Int64) -> [PlanItemKey] {
        (byWorkload[workload] ?? []).map { key(.traffic, $0) }.sorted { $0.description < $1.description }
    }

    /// The frontends (`kind/namespace/name`) of `workload` a shared switch moves instead of its own step.
    func frontendsHandedOver(by workload: Int64) -> Set<String> { handedOver[workload] ?? [] }

    /// The TTL lowerings of the names that switch in `wave`, in key order.
    func lowerings(inWave wave: Int) -> [PlanItemKey] {
        shared.values.filter { $0.wave == wave }.map { key(.dnsTTL, $0.scope) }.sorted { $0.description < $1.description }
    }

    /// Whether `key` is done by the end of `wave`: a shared switch waits for its last backend's wave; any other key belongs
    /// to the wave it is listed in.
    func isSwitched(by key: PlanItemKey, inOrBefore wave: Int) -> Bool {
        guard let entry = shared[key.scope] else { return true }
        return entry.wave <= wave
    }

    /// The TTL lowering (days ahead) and the switch of each name that switches in `wave`. A switch waits for each backend's
    /// last step before it takes outside traffic (`WorkloadSteps.switchReady`) and for what that backend's own switch would
    /// wait for (`switchAfter`: the promotion of a provider it calls).
    func items(inWave wave: Int, clusterID: Int64, steps: [Int64: WorkloadSteps], switchAfter: [Int64: [PlanItemKey]],
               workloads: [Int64: Estate.Workload]) -> [PlanItem] {
        lowerings(inWave: wave).flatMap { ttl in shared[ttl.scope].map { items($0, clusterID: clusterID, steps: steps, switchAfter: switchAfter, workloads: workloads) } ?? [] }
    }

    /// The file the TTL step saves a shared switch's record in: by host, or by its first frontend when it has none (the
    /// scale-down's soak reads the same files).
    static func recordFile(cluster: String, host: String?, frontend: (kind: String, namespace: String, name: String)?) -> String {
        ShellQuote.fileName([cluster] + (host.map { [$0] } ?? frontend.map { [$0.kind, $0.namespace, $0.name] } ?? []), suffix: ".dns-record.json")
    }

    private func items(_ entry: Shared, clusterID: Int64, steps: [Int64: WorkloadSteps], switchAfter: [Int64: [PlanItemKey]],
                       workloads: [Int64: Estate.Workload]) -> [PlanItem] {
        let labels = entry.backends.map { workloads[$0]?.label ?? String($0) }
        // A name in front of hundreds of workloads: the title names a few, the evidence all.
        let named = labels.count <= 5 ? labels.joined(separator: ", ") : labels.prefix(4).joined(separator: ", ") + " and \(labels.count - 4) more"
        let fronts = entry.frontends.map { ($0.kind == "service" ? "Service " : "Ingress ") + "\($0.namespace)/\($0.name)" }
        let routes = entry.frontends.count == 1 ? fronts[0] + " routes" : "Ingresses " + entry.frontends.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", ") + " route"
        let name = entry.host ?? "the name clients use for \(fronts.joined(separator: ", "))"
        let handBack = entry.externalDNS.sorted { $0.key < $1.key }.map { ExternalDNSHold.afterSwitch("Ingress " + $0.key, hostnames: $0.value) }
        let group = Self.sharedGroup(entry, groups: groups)
        let joined = group.map { "; one source controller served them all, so they join ALB IngressGroup \($0) and switch once; " + SharedHostGroups.ownership + "; " + SharedHostGroups.caveat }
        // The merge stands on class and status only: the owner of the host confirms the namespaces may share it.
        let confirm = group == nil ? [] : [ShellQuote.comment("decision: confirm with the owner of \(entry.host ?? "this name") that namespaces \(Set(entry.frontends.map(\.namespace)).sorted().joined(separator: ", ")) may share it: \(SharedHostGroups.ownership)")]
        let evidence = "\(routes) \(entry.host ?? "one name") to \(labels.joined(separator: ", "))" + (joined ?? "") + handBack.map { "; " + $0 }.joined()
        let notes = entry.host == nil ? [ShellQuote.comment("set DNS_NAME to the name clients use for \(fronts.joined(separator: ", ")): the manifests do not say")] : []
        let record = Self.recordFile(cluster: cluster, host: entry.host, frontend: entry.frontends.first)
        // A host that Ingresses of several namespaces list: any namespace may write any host, so which of them owns the name
        // is a decision (a tenant's sandbox/toy listing login.acme.example must not move the company's name to its ALB).
        let claimed = Self.claimedAcrossNamespaces(entry, groups: groups)
        let lowered = DNSLowering.commands(host: entry.host, record: record, frontends: entry.frontends, notes: notes)
        let held = sourceExternalDNS ? Self.sourceExternalDNSGate(name) : []
        let ttl = claimed.map { (commands: $0, rollback: ["# nothing was changed: the lowering stopped at the decision"]) }
            ?? (commands: confirm + held + lowered.commands, rollback: lowered.rollback)
        let ttlKey = key(.dnsTTL, entry.scope)
        let lowering = PlanItem(key: ttlKey, title: "Days before the switch: lower the DNS TTL of \(name) to \(TrafficCommands.lowTTL) s"
                                    + (claimed == nil ? "" : " (claimed by Ingresses of several namespaces: decide first)"),
                                clusterID: clusterID, wave: entry.wave, prerequisites: [.plan(.cluster, cluster: cluster)], evidence: evidence,
                                rollback: "Put the TTL back to its old value", commands: ttl.commands, rollbackCommands: ttl.rollback)
        let ready = entry.backends.compactMap { steps[$0]?.switchReady }
        // Behind it only Jobs or CronJobs, which take no outside traffic: it still waits for its wave's go/no-go.
        let gate: [PlanItemKey] = ready.isEmpty ? [.wave(.gate, cluster: cluster, entry.wave)] : []
        let after = Checklist.unique(ready + [ttlKey] + entry.backends.flatMap { switchAfter[$0] ?? [] } + gate)
        let stateful = entry.backends.filter { steps[$0]?.primary != nil }.map { workloads[$0]?.label ?? String($0) }
        let traffic = claimed.map { (commands: $0, rollback: ["# nothing was switched: the switch stopped at the decision"]) }
            ?? TrafficCommands.sharedSwitch(host: entry.host, record: record, frontends: entry.frontends, notes: notes,
                                            gates: HeldIngressChecks.gates(entry.held, host: entry.host))
        // After the 100 % shift: the record is EKS's to keep, and external-dns may own it again (never before: it would undo the weights).
        // One line each: the evidence above carries the why (`afterSwitch`).
        let afterSwitch = entry.externalDNS.sorted { $0.key < $1.key }.map { ShellQuote.comment("after 100 %: " + ExternalDNSHold.afterSwitchStep("Ingress " + $0.key, hostnames: $0.value)) }
        let switching = PlanItem(key: key(.traffic, entry.scope),
                                 title: "Switch \(name) to EKS in steps (weighted DNS records, \(TrafficCommands.shares.map { "\($0)%" }.joined(separator: ", "))): once for \(named)",
                                 clusterID: clusterID, wave: entry.wave, prerequisites: after, evidence: evidence,
                                 rollback: "Weights of \(entry.host ?? "that name") back to the source: the source copies of \(named) still run"
                                    + (stateful.isEmpty ? "" : "; reverse the replication of \(stateful.joined(separator: ", ")) before writes resume there"),
                                 commands: (claimed == nil ? confirm : []) + traffic.commands + (claimed == nil ? afterSwitch : []), rollbackCommands: traffic.rollback)
        return [lowering, switching]
    }
}
