/// Whether anything outside the cluster reaches a workload, and through what: LoadBalancer and NodePort Services,
/// Ingress backends, hostPort and hostNetwork, ExternalName Services aliasing its Service. Only these need a traffic switch.
struct Exposure {
    /// The Services whose selector picks the workload.
    var services: [Estate.Service]
    /// Why it is reachable from outside, e.g. `Service shop/front (LoadBalancer)`; empty for in-cluster-only workloads.
    var reasons: [String]
    /// The DNS names clients use (Ingress hosts), sorted.
    var hosts: [String]
    /// The Ingresses and LoadBalancer Services in front of it, as `kind/name` with their namespace: on EKS each gets an ALB or
    /// NLB whose name DNS points at.
    var frontends: [(kind: String, namespace: String, name: String)]
    /// NodePort Services in front of it that no Ingress routes to: `eksodus convert` keeps them NodePort, so the load
    /// balancer in front of the nodes moves to the EKS nodes' port; no EKS load balancer name exists for them.
    var nodePortServices: [Estate.Service] = []
    /// hostPort/hostNetwork ports clients reach on the nodes.
    var nodePorts: [String]
    /// The Ingress hosts that are DNS names, each with the Ingress routing it here: one switch per name moves all the
    /// workloads behind it (`Checklist` makes it), never this workload's own step.
    var hostRoutes: [(host: String, namespace: String, ingress: String)] = []
    /// The Ingresses in front of it that `convert` holds out until their login or path is decided (`IngressHold`), by
    /// `namespace/name`: the switch of their hosts waits for the decided Ingress on EKS.
    var held: [String: Held] = [:]
    /// The Ingresses in front of it that asked external-dns for names (`ExternalDNSHold`), by `namespace/name`: convert
    /// holds external-dns off them, and their switch says when to hand the record back.
    var externalDNS: [String: String] = [:]

    struct Held {
        var reasons: [String]
        /// Where a request without credentials must be refused: the literal start of a rule's path.
        var probePath: String
        /// Whether the source's controller enforced a login (not only a regex path): the switch checks the decided one.
        var auth: Bool
        /// Whether its allow-list did not parse, or a path is a regular expression: the switch reads the decided Ingress's
        /// inbound-cidrs, or its paths (`HeldIngressChecks`).
        var allowList = false
        var regex = false
    }
    /// The frontends its own step switches, on a `$DNS_NAME` the engineer sets: LoadBalancer Services, and Ingresses with a
    /// rule to it that names no usable host.
    var ownFrontends: [(kind: String, namespace: String, name: String)] = []
    /// `reasons` without the Ingresses whose every rule here names a usable host: what the workload's own switch moves.
    var ownReasons: [String] = []
    /// The reason each of `ownFrontends` gives, at the same position.
    var ownFrontendReasons: [String] = []
    var hostNetwork = false
    /// Whether an ExternalName Service aliases one of its Services.
    var aliased = false

    var isExternal: Bool { !reasons.isEmpty }

    /// Whether clients find it by a DNS name its own step must move: a LoadBalancer Service or a hostless Ingress (to the new
    /// ALB or NLB), or an ExternalName alias. Ingress hosts switch in their own steps; NodePorts and hostPorts move behind the
    /// same load balancer instead; a node agent's clients move to the EKS nodes.
    var switchesDNS: Bool { !ownFrontends.isEmpty || (aliased && frontends.isEmpty && nodePorts.isEmpty && nodePortServices.isEmpty) }

    /// A hostNetwork pod nothing else fronts (node-exporter, a node-local agent): no DNS name or load balancer leads to it,
    /// its clients (scrapers, agents on the node) address the nodes themselves.
    var isNodeAgent: Bool { hostNetwork && !aliased && frontends.isEmpty && nodePorts.isEmpty && nodePortServices.isEmpty }

    /// Whether the workload needs a switch step of its own, besides the switches of the Ingress hosts in front of it.
    var needsOwnSwitch: Bool { switchesDNS || isNodeAgent || !nodePorts.isEmpty || !nodePortServices.isEmpty }

    /// Leaves the frontends several workloads share (`kind/namespace/name`) to their one switch (`SharedSwitches`).
    mutating func handOver(_ shared: Set<String>) {
        let kept = ownFrontends.indices.filter { !shared.contains(Self.frontendID(ownFrontends[$0])) }
        guard kept.count < ownFrontends.count else { return }
        let gone = Set(ownFrontends.indices.filter { !kept.contains($0) }.map { ownFrontendReasons[$0] })
        ownFrontends = kept.map { ownFrontends[$0] }
        ownFrontendReasons = kept.map { ownFrontendReasons[$0] }
        ownReasons.removeAll { gone.contains($0) }
    }

    static func frontendID(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        "\(frontend.kind)/\(frontend.namespace)/\(frontend.name)"
    }

    /// One cluster's Services, Ingresses and ExternalName aliases by namespace, read once for all its workloads.
    struct Index {
        /// An Ingress as exposures read it: its name and its rules' hosts and backends, without the whole object (which
        /// every workload of its namespace would otherwise copy).
        struct Routes {
            var namespace: String
            var name: String
            var rules: [(host: String?, service: String?)]
            /// Why `convert` holds it out (`IngressHold.reasons`); empty when it is written.
            var held: [String] = []
            var probePath = "/"
            var auth = false
            var allowList = false
            var regex = false
            var externalDNS: String?
        }

        var services: [String: [Estate.Service]]
        var ingresses: [String: [Routes]]
        var aliases: [Estate.Service]

        /// `heldByPlan`: the network plan's own reasons to hold Ingresses out (`NetworkPlan.Entry.held`), by `namespace/name`.
        init(_ estate: Estate, heldByPlan: [String: [String]] = [:]) {
            services = Dictionary(grouping: estate.services.filter { !$0.selector.isEmpty }, by: \.resource.namespace)
            ingresses = Dictionary(grouping: estate.ingresses.map { ingress in
                Routes(namespace: ingress.resource.namespace, name: ingress.resource.name, rules: ingress.rules.map { ($0.host, $0.serviceName) },
                       held: IngressHold.reasons(ingress.resource.body, annotations: ingress.resource.annotations)
                           + (heldByPlan["\(ingress.resource.namespace)/\(ingress.resource.name)"] ?? []),
                       probePath: IngressHold.probePath(ingress.rules.first { $0.serviceName != nil }?.path),
                       auth: !IngressHold.authAnnotations(ingress.resource.annotations).isEmpty,
                       allowList: IngressHold.allowListReason(ingress.resource.annotations) != nil,
                       regex: !IngressHold.regexPaths(ingress.resource.body).isEmpty,
                       externalDNS: ExternalDNSHold.heldNames(ingress.resource.annotations, hosts: ExternalDNSHold.ingressHosts(ingress.resource.body)))
            }, by: \.namespace)
            aliases = estate.services.filter { $0.type == "ExternalName" }
        }
    }

    static func of(_ workload: Estate.Workload, index: Index) -> Exposure {
        let services = (index.services[workload.namespace] ?? []).filter { workload.matches($0.selector) }
        var reasons: [String] = [], hosts: Set<String> = [], frontends: [(String, String, String)] = [], nodePorts: [String] = []
        var nodePortServices: [Estate.Service] = []
        var hostRoutes: [(String, String, String)] = [], ownFrontends: [(String, String, String)] = [], isAliased = false
        var hostSwitched: Set<String> = [], ownFrontendReasons: [String] = [], held: [String: Held] = [:], externalDNS: [String: String] = [:]
        let names = Set(services.map(\.resource.name))
        // A NodePort Service an Ingress routes to is the Ingress's backend (ingress-nginx, or an ALB's instance targets on
        // EKS): clients come by the Ingress host, so the host's switch is its one traffic path, not a second one through a
        // node pool (a workload moved by two paths is switched twice and rolled back by halves).
        let routed = Set((index.ingresses[workload.namespace] ?? []).flatMap { $0.rules.compactMap(\.service) })
        for service in services where service.type == "LoadBalancer" || (service.type == "NodePort" && !routed.contains(service.resource.name)) {
            reasons.append("Service \(service.resource.namespace)/\(service.resource.name) (\(service.type))")
            if service.type == "LoadBalancer" {
                frontends.append(("service", service.resource.namespace, service.resource.name))
                ownFrontends.append(("service", service.resource.namespace, service.resource.name))
                ownFrontendReasons.append(reasons[reasons.count - 1])
            } else {
                nodePortServices.append(service)
            }
        }
        for ingress in index.ingresses[workload.namespace] ?? [] where !names.isEmpty {
            let rules = ingress.rules.filter { $0.service.map(names.contains) ?? false }
            guard !rules.isEmpty else { continue }
            let ruleHosts = rules.compactMap(\.host).filter { !$0.isEmpty }
            let reason = "Ingress \(ingress.namespace)/\(ingress.name)" + (ruleHosts.isEmpty ? "" : " (\(Set(ruleHosts).sorted().joined(separator: ", ")))")
            reasons.append(reason)
            hosts.formUnion(ruleHosts)
            frontends.append(("ingress", ingress.namespace, ingress.name))
            if !ingress.held.isEmpty { held[ingress.namespace + "/" + ingress.name] = Held(reasons: ingress.held, probePath: ingress.probePath, auth: ingress.auth, allowList: ingress.allowList, regex: ingress.regex) }
            if let names = ingress.externalDNS { externalDNS[ingress.namespace + "/" + ingress.name] = names }
            // A host must pass the DNS-name check before it reaches dig or the AWS CLI (`TrafficCommands.hosts`).
            for host in Set(ruleHosts).sorted() where NetworkPlan.isIngressHost(host) { hostRoutes.append((host, ingress.namespace, ingress.name)) }
            if rules.contains(where: { !($0.host.map(NetworkPlan.isIngressHost) ?? false) }) {
                ownFrontends.append(("ingress", ingress.namespace, ingress.name))
                ownFrontendReasons.append(reason)
            } else {
                hostSwitched.insert(reason)
            }
        }
        for alias in index.aliases where !names.isEmpty {
            guard let target = alias.resource.body["spec", "externalName"]?.string else { continue }
            let aliased = ServiceReferences.find(in: target, key: "host", namespace: alias.resource.namespace) { namespace, name in
                namespace == workload.namespace && names.contains(name)
            }
            if !aliased.isEmpty { isAliased = true; reasons.append("ExternalName Service \(alias.resource.namespace)/\(alias.resource.name) → \(target)") }
        }
        if workload.hostNetwork { reasons.append("hostNetwork") }
        for container in workload.containers {
            for port in container.ports.items {
                guard let hostPort = port["hostPort"]?.int ?? port["hostPort"]?.string.flatMap({ Int($0) }) else { continue }
                nodePorts.append(String(hostPort))
            }
        }
        if !nodePorts.isEmpty { reasons.append("hostPort " + nodePorts.joined(separator: ", ")) }
        return Exposure(services: services, reasons: reasons, hosts: hosts.sorted(), frontends: frontends, nodePortServices: nodePortServices,
                        nodePorts: nodePorts, hostRoutes: hostRoutes, held: held, externalDNS: externalDNS, ownFrontends: ownFrontends,
                        ownReasons: reasons.filter { !hostSwitched.contains($0) }, ownFrontendReasons: ownFrontendReasons, hostNetwork: workload.hostNetwork, aliased: isAliased)
    }
}
