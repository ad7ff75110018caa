/// `convert` writes an OpenShift Route as the Ingress its network plan entry describes (`NetworkPlan.routeEntry`): one rule
/// for the Route's host and path (Prefix, as a Route's path matches), its Service and Service port, ingressClassName alb and
/// the planned annotations; a TLS host is listed under spec.tls for the controller's certificate discovery. A passthrough
/// Route is not written: it needs an NLB Service, which the TODO names.
extension ManifestConverter {
    func route(_ object: ManifestNode, entry: NetworkPlan.Entry, rule: NetworkPlan.RouteRule, namespace: String, name: String) -> Result {
        var result = Result()
        result.todos += entry.manual.map { "Route \(namespace)/\(name): \($0)" }
        // The plan's TODO says why: the API server would refuse the Ingress, and a rule without its host would match every host.
        if let host = rule.host, !NetworkPlan.isIngressHost(host) { return result }
        guard rule.termination != "passthrough" else {
            result.todos.append("Route \(namespace)/\(name) is TLS passthrough: not written as an Ingress; expose Service \(rule.service) as type LoadBalancer with \(entry.annotations.keys.sorted().joined(separator: ", "))")
            return result
        }
        let port: ManifestNode = Int(rule.port).map { .mapping([("number", .scalar(String($0), plain: true))]) } ?? .mapping([("name", .string(rule.port))])
        let path: ManifestNode = .mapping([
            ("path", .string(rule.path)), ("pathType", .string("Prefix")),
            ("backend", .mapping([("service", .mapping([("name", .string(rule.service)), ("port", port)]))])),
        ])
        var ruleEntries: [(key: String, value: ManifestNode)] = []
        if let host = rule.host { ruleEntries.append(("host", .string(host))) }
        ruleEntries.append(("http", .mapping([("paths", .sequence([path]))])))
        var spec: [(key: String, value: ManifestNode)] = [("ingressClassName", .string("alb")), ("rules", .sequence([.mapping(ruleEntries)]))]
        if entry.needsCertificate, !entry.tlsHosts.isEmpty {
            spec.append(("tls", .sequence([.mapping([("hosts", .sequence(entry.tlsHosts.map { .string($0) }))])])))
        }
        var metadata: [(key: String, value: ManifestNode)] = [("name", .string(name)), ("namespace", .string(namespace))]
        if let labels = object["metadata", "labels"], !labels.entries.isEmpty { metadata.append(("labels", labels)) }
        metadata.append(("annotations", .mapping(entry.annotations.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        result.objects = [.mapping([
            ("apiVersion", .string("networking.k8s.io/v1")), ("kind", .string("Ingress")), ("metadata", .mapping(metadata)), ("spec", .mapping(spec)),
        ])]
        result.changes.append(Change(field: "kind", why: "Route (\(rule.termination == "none" ? "plain HTTP" : rule.termination + " TLS")) → Ingress for the AWS Load Balancer Controller: ALB group \(entry.group ?? "-"), \(entry.exposure.target.rawValue) (\(entry.exposure.evidence))"))
        return result
    }
}
