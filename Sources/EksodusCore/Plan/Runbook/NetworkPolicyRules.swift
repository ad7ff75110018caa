/// One stored NetworkPolicy, read once per cluster, as smoke tests need it: which pods it isolates for ingress and egress,
/// and whom its ingress rules admit to which ports. A pod that some policy selects for ingress accepts only what one of them
/// admits; a throwaway probe pod (`kubectl run`, labelled `run=<name>`) the policy does not admit gets no answer however
/// healthy the workload is (https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation).
struct NetworkPolicyRules {
    /// One `from` peer of an ingress rule; a nil selector is absent (`namespaceSelector` absent: the policy's own namespace).
    struct Peer {
        var podSelector: ManifestNode?
        var namespaceSelector: ManifestNode?
        var ipBlock: String?
    }

    struct Rule {
        /// Empty: every source (`from` absent or empty).
        var from: [Peer]
        /// Empty: every port. Each a number (with its `endPort`) or a container port's name.
        var ports: [(number: Int?, endPort: Int?, name: String?)]
    }

    var namespace: String
    var name: String
    var podSelector: ManifestNode?
    var isolatesIngress: Bool
    var isolatesEgress: Bool
    var ingress: [Rule]

    init(_ resource: Estate.Resource) {
        let spec = resource.body["spec"] ?? .mapping([])
        namespace = resource.namespace
        name = resource.name
        podSelector = spec["podSelector"]
        // policyTypes absent: Ingress always, Egress when the policy has egress rules.
        let types = spec["policyTypes"]?.items.compactMap(\.string)
        isolatesIngress = types?.contains("Ingress") ?? true
        isolatesEgress = types?.contains("Egress") ?? (spec["egress"] != nil)
        ingress = (spec["ingress"]?.items ?? []).map { rule in
            Rule(from: (rule["from"]?.items ?? []).map { peer in
                     Peer(podSelector: peer["podSelector"], namespaceSelector: peer["namespaceSelector"], ipBlock: peer["ipBlock", "cidr"]?.string)
                 },
                 ports: (rule["ports"]?.items ?? []).map { port in
                     (port["port"]?.int, port["endPort"]?.int, port["port"]?.int == nil ? port["port"]?.string : nil)
                 })
        }
    }

    /// Whether a label selector (`matchLabels` and `matchExpressions`) picks `labels`; an absent or empty one picks all.
    /// An operator it does not know picks nothing, so an unread selector never admits a probe.
    static func selects(_ selector: ManifestNode?, _ labels: [String: String]) -> Bool {
        guard let selector else { return true }
        for (key, value) in (selector["matchLabels"]?.stringMap ?? [:]) where labels[key] != value { return false }
        for expression in selector["matchExpressions"]?.items ?? [] {
            guard let key = expression["key"]?.string else { return false }
            let values = Set((expression["values"]?.items ?? []).compactMap(\.string))
            switch expression["operator"]?.string {
            case "In": if !(labels[key].map(values.contains) ?? false) { return false }
            case "NotIn": if labels[key].map(values.contains) ?? false { return false }
            case "Exists": if labels[key] == nil { return false }
            case "DoesNotExist": if labels[key] != nil { return false }
            default: return false
            }
        }
        return true
    }

    /// Whether it selects pods with `labels` in its namespace.
    func selects(_ labels: [String: String]) -> Bool { Self.selects(podSelector, labels) }

    /// Whether one of its ingress rules admits a pod with `labels` of namespace `from` to the container port `port` (its
    /// number and, when the port is named, its name). A namespace's labels are unknown here but for the
    /// `kubernetes.io/metadata.name` every namespace carries; ipBlock peers never admit a pod (its address is not known).
    func admits(_ labels: [String: String], from source: String, port: (number: Int?, name: String?)) -> Bool {
        ingress.contains { rule in
            let portMatches = rule.ports.isEmpty || rule.ports.contains { allowed in
                if let number = allowed.number, let probed = port.number { return probed >= number && probed <= (allowed.endPort ?? number) }
                return allowed.name != nil && allowed.name == port.name
            }
            guard portMatches else { return false }
            return rule.from.isEmpty || rule.from.contains { peer in
                guard peer.ipBlock == nil else { return false }
                let namespaceMatches = peer.namespaceSelector.map { Self.selects($0, ["kubernetes.io/metadata.name": source]) } ?? (source == namespace)
                return namespaceMatches && Self.selects(peer.podSelector, labels)
            }
        }
    }

    /// Whom its ingress rules admit, in words for a runbook comment (`pods app=checkout`, `all sources on port 8080`).
    var admitted: String {
        let rules = ingress.map { rule -> String in
            let sources = rule.from.isEmpty ? "all sources" : rule.from.map { peer -> String in
                if let cidr = peer.ipBlock { return "addresses " + cidr }
                let pods = Self.describe(peer.podSelector).map { "pods " + $0 } ?? "all pods"
                guard let namespaces = peer.namespaceSelector else { return pods }
                return pods + " of namespaces " + (Self.describe(namespaces) ?? "(all)")
            }.joined(separator: ", ")
            let ports = rule.ports.map { port -> String in
                guard let number = port.number else { return port.name ?? "?" }
                return port.endPort.map { "\(number)-\($0)" } ?? String(number)
            }
            return sources + (ports.isEmpty ? "" : " on port " + ports.joined(separator: ", "))
        }
        return rules.isEmpty ? "nothing (it denies all ingress)" : rules.joined(separator: "; ")
    }

    /// `app=checkout,tier in (web)` for a selector, nil for an absent or empty one.
    static func describe(_ selector: ManifestNode?) -> String? {
        guard let selector else { return nil }
        let labels = selector["matchLabels"]?.stringMap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } ?? []
        let expressions = (selector["matchExpressions"]?.items ?? []).map { expression in
            [expression["key"]?.string ?? "?", expression["operator"]?.string ?? "?",
             "(" + (expression["values"]?.items ?? []).compactMap(\.string).joined(separator: ",") + ")"].joined(separator: " ")
        }
        let terms = labels + expressions
        return terms.isEmpty ? nil : terms.joined(separator: ",")
    }
}
