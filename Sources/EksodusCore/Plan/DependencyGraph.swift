/// Which workloads depend on which, from what the manifests say: a consumer names a Service (in env values,
/// command and args, or the ConfigMaps it loads) whose selector picks the provider's pods.
struct DependencyGraph {
    struct Edge: Hashable {
        var consumer: Int64
        var provider: Int64
        var evidence: String
        /// Why the link is only a guess (nil when the manifest names the provider plainly): the plan says so wherever it
        /// orders the consumer after the provider, so that an engineer checks it before trusting that order.
        var guess: String? = nil
    }

    var edges: [Edge]
    /// The backends of each Ingress with more than one: one host, one DNS record, so they move in one wave and switch together.
    var ingressGroups: [[Int64]] = []

    func providers(of workload: Int64) -> Set<Int64> {
        Set(edges.filter { $0.consumer == workload }.map(\.provider))
    }

    /// Why a found reference may not be a dependency: a bare one-label name (no port, scheme or namespace) counts only
    /// because its key looks like an address (`ServiceReferences`), and it may name something else of that name (a
    /// database, a host outside the cluster); a Service that selects several workloads leaves open which one answers.
    static func guess(_ reference: ServiceReferences.Reference, picked: Int) -> String? {
        if !reference.token.contains(":") && !reference.token.contains(".") {
            return "only the bare name \(reference.name), read as a Service because of its key's name"
        }
        if picked > 1 { return "Service \(reference.namespace)/\(reference.name) selects \(picked) workloads; which one answers is not known" }
        return nil
    }

    static func build(_ estate: Estate, workloads: [Estate.Workload]) -> DependencyGraph {
        // Service (namespace/name) → the workloads its selector picks.
        var selected: [String: [Int64]] = [:]
        let byNamespace = Dictionary(grouping: workloads, by: \.namespace)
        for service in estate.services where !service.selector.isEmpty {
            let picked = (byNamespace[service.resource.namespace] ?? []).filter { $0.matches(service.selector) }.map(\.id)
            selected["\(service.resource.namespace)/\(service.resource.name)"] = picked
        }
        let configMaps = Dictionary(estate.resources(kind: "ConfigMap").map { ("\($0.namespace)/\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })

        // A ConfigMap's string values, read from its body once however many workloads load it.
        var configMapTexts: [String: [(key: String, text: String)]] = [:]
        func configMapValues(_ key: String) -> [(key: String, text: String)]? {
            if let known = configMapTexts[key] { return known }
            guard let resource = configMaps[key] else { return nil }
            let found = (resource.body["data"]?.entries ?? []).compactMap { key, value in value.string.map { (key, $0) } }
            configMapTexts[key] = found
            return found
        }

        var edges: Set<Edge> = []
        for workload in workloads {
            // (where, key, text): the evidence names the place as `where key` ("env DB_HOST"), a String made only for an edge.
            var texts: [(String, String?, String)] = []
            var loadedMaps: Set<String> = []
            for container in workload.containers {
                for variable in container.env.items {
                    if let name = variable["name"]?.string, let value = variable["value"]?.string { texts.append(("env", name, value)) }
                    if let map = variable["valueFrom", "configMapKeyRef", "name"]?.string { loadedMaps.insert(map) }
                }
                for source in container.envFrom.items {
                    if let map = source["configMapRef", "name"]?.string { loadedMaps.insert(map) }
                }
                for (label, list) in [("command", container.command), ("args", container.args)] {
                    for argument in list.items.compactMap(\.string) { texts.append((label, nil, argument)) }
                }
            }
            for volume in workload.volumes where volume.type == "configMap" {
                if let map = volume.reference { loadedMaps.insert(map) }
            }
            for map in loadedMaps.sorted() {
                let place = "ConfigMap \(map)"
                for (key, text) in configMapValues("\(workload.namespace)/\(map)") ?? [] { texts.append((place, key, text)) }
            }
            for (place, key, text) in texts {
                let references = ServiceReferences.find(in: text, key: key, namespace: workload.namespace) { namespace, name in
                    selected["\(namespace)/\(name)"] != nil
                }
                for reference in references {
                    let picked = selected["\(reference.namespace)/\(reference.name)"] ?? []
                    let guess = Self.guess(reference, picked: picked.count)
                    for provider in picked where provider != workload.id {
                        edges.insert(Edge(consumer: workload.id, provider: provider,
                                          evidence: "\(place)\(key.map { " " + $0 } ?? "")=\(reference.token) → Service \(reference.namespace)/\(reference.name)"
                                              + (guess.map { " (a guess: \($0))" } ?? ""),
                                          guess: guess))
                    }
                }
            }
        }
        // An Ingress's backends are reached through one host: switching that host while some of them still run only on the
        // source breaks the paths they serve. A ring of edges makes them one strongly connected group the wave planner keeps
        // together; the runbook then switches the host once all of them answer on EKS.
        var groups: [[Int64]] = []
        for ingress in estate.ingresses {
            let backends = Set(ingress.rules.compactMap(\.serviceName).flatMap { selected["\(ingress.resource.namespace)/\($0)"] ?? [] }).sorted()
            guard backends.count > 1 else { continue }
            groups.append(backends)
            for (consumer, provider) in zip(backends, Array(backends.dropFirst()) + [backends[0]]) {
                edges.insert(Edge(consumer: consumer, provider: provider,
                                  evidence: "Ingress \(ingress.resource.namespace)/\(ingress.resource.name) routes one host to both: they switch together"))
            }
        }
        var graph = DependencyGraph(edges: edges.sorted { ($0.consumer, $0.provider, $0.evidence) < ($1.consumer, $1.provider, $1.evidence) })
        graph.ingressGroups = groups
        return graph
    }
}
