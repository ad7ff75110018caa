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
    /// NodePort Services in front of it: `eksodus convert` keeps them NodePort, so the load balancer in front of the nodes
    /// moves to the EKS nodes' port; no EKS load balancer name exists for them.
    var nodePortServices: [Estate.Service] = []
    /// hostPort/hostNetwork ports clients reach on the nodes.
    var nodePorts: [String]

    var isExternal: Bool { !reasons.isEmpty }

    /// Whether clients find it by a DNS name eksodus must move: an Ingress host or LoadBalancer Service (to the new ALB or NLB),
    /// or the nodes themselves (hostNetwork, an ExternalName alias). NodePorts and hostPorts move behind the same load balancer instead.
    var switchesDNS: Bool { !frontends.isEmpty || (nodePorts.isEmpty && nodePortServices.isEmpty) }

    /// One cluster's Services, Ingresses and ExternalName aliases by namespace, read once for all its workloads.
    struct Index {
        /// An Ingress as exposures read it: its name and its rules' hosts and backends, without the whole object (which
        /// every workload of its namespace would otherwise copy).
        struct Routes {
            var namespace: String
            var name: String
            var rules: [(host: String?, service: String?)]
        }

        var services: [String: [Estate.Service]]
        var ingresses: [String: [Routes]]
        var aliases: [Estate.Service]

        init(_ estate: Estate) {
            services = Dictionary(grouping: estate.services.filter { !$0.selector.isEmpty }, by: \.resource.namespace)
            ingresses = Dictionary(grouping: estate.ingresses.map { ingress in
                Routes(namespace: ingress.resource.namespace, name: ingress.resource.name, rules: ingress.rules.map { ($0.host, $0.serviceName) })
            }, by: \.namespace)
            aliases = estate.services.filter { $0.type == "ExternalName" }
        }
    }

    static func of(_ workload: Estate.Workload, index: Index) -> Exposure {
        let services = (index.services[workload.namespace] ?? []).filter { workload.matches($0.selector) }
        var reasons: [String] = [], hosts: Set<String> = [], frontends: [(String, String, String)] = [], nodePorts: [String] = []
        var nodePortServices: [Estate.Service] = []
        let names = Set(services.map(\.resource.name))
        for service in services where service.type == "LoadBalancer" || service.type == "NodePort" {
            reasons.append("Service \(service.resource.namespace)/\(service.resource.name) (\(service.type))")
            if service.type == "LoadBalancer" {
                frontends.append(("service", service.resource.namespace, service.resource.name))
            } else {
                nodePortServices.append(service)
            }
        }
        for ingress in index.ingresses[workload.namespace] ?? [] where !names.isEmpty {
            let rules = ingress.rules.filter { $0.service.map(names.contains) ?? false }
            guard !rules.isEmpty else { continue }
            let ruleHosts = rules.compactMap(\.host).filter { !$0.isEmpty }
            reasons.append("Ingress \(ingress.namespace)/\(ingress.name)" + (ruleHosts.isEmpty ? "" : " (\(Set(ruleHosts).sorted().joined(separator: ", ")))"))
            hosts.formUnion(ruleHosts)
            frontends.append(("ingress", ingress.namespace, ingress.name))
        }
        for alias in index.aliases where !names.isEmpty {
            guard let target = alias.resource.body["spec", "externalName"]?.string else { continue }
            let aliased = ServiceReferences.find(in: target, key: "host", namespace: alias.resource.namespace) { namespace, name in
                namespace == workload.namespace && names.contains(name)
            }
            if !aliased.isEmpty { reasons.append("ExternalName Service \(alias.resource.namespace)/\(alias.resource.name) → \(target)") }
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
                        nodePorts: nodePorts)
    }
}
