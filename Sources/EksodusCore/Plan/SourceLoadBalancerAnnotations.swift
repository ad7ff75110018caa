/// What an object the source's AWS load balancer served keeps of its own load balancer annotations on EKS
/// (`SourceAnnotationRules`). An Ingress the source's ALB served (`data/alb-source-annotations.yaml`) would otherwise lose
/// its HTTP listener and redirect (listen-ports then defaults to HTTPS alone), the actions its `use-annotation` backends
/// forward to, and its ALB login: the same hosts, served differently, or to anyone. A Service an ELB served
/// (`data/nlb-source-annotations.yaml`) would lose its TLS listeners and PROXY protocol. What names the source's VPC,
/// account or region is left out and named; the plan's scheme, targets, allow-list, group and certificate stand (`NetworkPlan`).
enum SourceLoadBalancerAnnotations {
    static let ingressPrefix = "alb.ingress.kubernetes.io/"
    static let servicePrefix = "service.beta.kubernetes.io/aws-load-balancer-"

    static func carry(_ source: [String: String], prefix: String, rules: SourceAnnotationRules, arns: ForeignARNs) -> (annotations: [String: String], notes: [String]) {
        var annotations: [String: String] = [:]
        var notes: [String] = []
        for key in source.keys.sorted() where key.hasPrefix(prefix) {
            guard let value = source[key] else { continue }
            switch rules.rule(String(key.dropFirst(prefix.count))) {
            case .planned:
                continue
            case .carried where value.contains(SecretRedaction.marker):
                // Its name reads like a credential's, so the inventory keeps no value (an OIDC client's settings, say).
                notes.append("\(shown(key)) is not copied: the inventory masks its value (eksodus stores nothing that may be a credential); copy it from the source object into this one before it is applied")
            case .carried:
                annotations[key] = value
                for (arn, why) in arns.foreign(in: value) {
                    notes.append("\(shown(key)) is copied and names \(shown(arn)) (\(why)): replace it with this account and region's before it is applied, or the AWS Load Balancer Controller cannot reconcile it (for an Ingress, its whole IngressGroup)")
                }
                for arn in ForeignARNs.arns(in: value) where ForeignARNs.isTargetGroup(arn) && arns.objection(arn) == nil {
                    // Usable, so copied; but no Service of the EKS cluster fills it: it may be the source cluster's own.
                    notes.append("\(shown(key)) is copied and forwards to target group \(shown(arn)) of this account and region, which no Service of the EKS cluster fills: the new ALB sends that traffic wherever the target group points (the source's nodes or pods, if the source made it); check its targets before the switch, and move that forward to a Service backend (serviceName, servicePort) before the source is decommissioned")
                }
            case .bound where !ForeignARNs.arns(in: value).isEmpty && arns.foreign(in: value).isEmpty && !value.contains(SecretRedaction.marker):
                // Every resource it names is an ARN of the plan's account and region (this account's web ACL or trust store).
                annotations[key] = value
            case .bound(let why):
                notes.append("\(shown(key)) \(shown(value)) is not copied: \(why)")
            case .unknown:
                notes.append("\(shown(key)) \(shown(value)) is not copied: eksodus does not know it; check it against the AWS Load Balancer Controller's annotations and add it back if it still applies")
            }
        }
        return (annotations, notes + LoadBalancerLogBuckets.notes(annotations, region: arns.region))
    }

    /// The source ELB's certificate and backend protocol, which the NLB reads only when they still hold: a certificate of the
    /// plan's account and region (an NLB finds none by host), and a protocol an NLB speaks to its targets (tcp or ssl; http
    /// and https made a Classic Load Balancer an HTTP proxy). What is not copied is named, with what to do.
    static func serviceTLS(_ source: [String: String], arns: ForeignARNs, into annotations: inout [String: String]) -> [String] {
        let certificateKey = servicePrefix + "ssl-cert", portsKey = servicePrefix + "ssl-ports", protocolKey = servicePrefix + "backend-protocol"
        var notes: [String] = []
        if let certificate = source[certificateKey] {
            let objections = arns.certificateObjections(certificate)
            if objections.isEmpty {
                annotations[certificateKey] = certificate
            } else {
                let ports = source[portsKey].map { " (ssl-ports \(shown($0)))" } ?? ""
                annotations[portsKey] = nil
                notes.append("\(certificateKey) is not copied: " + objections.map { "\(shown($0.arn)) (\($0.why))" }.joined(separator: ", ")
                             + "; the NLB's TLS listener\(ports) needs a certificate of this account and region, and an NLB finds none by host: request or import one here and set \(certificateKey) and ssl-ports before the switch, or TLS clients reach the pods' plain port")
            }
        }
        if let value = source[protocolKey] {
            switch value.lowercased() {
            case "tcp", "ssl":
                annotations[protocolKey] = value.lowercased()
            case "https":
                annotations[protocolKey] = "ssl"
                notes.append("\(protocolKey) https (a Classic Load Balancer's HTTPS to the pods) is written ssl: the NLB keeps TLS to the pods, without the HTTP headers a Classic Load Balancer added")
            default:
                notes.append("\(protocolKey) \(shown(value)) is not copied: the source's Classic Load Balancer was an HTTP proxy to the pods (X-Forwarded-For, HTTP health checks), and an NLB forwards TCP or TLS (backend-protocol ssl keeps TLS to the pods): keep that, or put the Service behind an ALB Ingress")
            }
        }
        // A Classic Load Balancer, or an NLB of instance targets, checked the node's port: the NLB's ip targets are the pods.
        let healthKey = servicePrefix + "healthcheck-port"
        let sourceTargets = source[servicePrefix + "type"] == "external" ? source[servicePrefix + "nlb-target-type"] ?? "instance" : "instance"
        if let port = source[healthKey], sourceTargets != "ip", !port.isEmpty, port.allSatisfy(\.isNumber) {
            annotations[healthKey] = nil
            notes.append("\(healthKey) \(shown(port)) is not copied: the source checked a port of its nodes, and the NLB's targets are the pods (the traffic port is checked instead; set the pods' own health port if it differs)")
        }
        if source[servicePrefix + "proxy-protocol"] != nil, source[servicePrefix + "type"] == nil {
            notes.append("\(servicePrefix)proxy-protocol: the source's Classic Load Balancer sent PROXY protocol v1, the NLB sends v2; check the pods' proxy reads v2")
        }
        return notes
    }

    /// The carried Ingress annotations that apply to the whole ALB of an IngressGroup, not to one Ingress's rules (names without
    /// the prefix; `*` a prefix).
    static let groupWideKeys = ["ssl-redirect", "ip-address-type", "load-balancer-attributes", "wafv2-acl-arn", "mutual-authentication", "listener-attributes.*"]

    /// `key=value` of each of them among `annotations`, sorted: what sets the group apart.
    static func groupWide(_ annotations: [String: String]) -> [String] {
        annotations.compactMap { key, value -> String? in
            guard key.hasPrefix(ingressPrefix) else { return nil }
            let name = key.dropFirst(ingressPrefix.count)
            return groupWideKeys.contains { SourceAnnotationRules.matches(name, $0) } ? "\(name)=\(value)" : nil
        }.sorted()
    }

    /// An annotation's key or value as a note shows it: one visible line, at most 200 characters.
    static func shown(_ text: String) -> String { String(text.prefix(200)).visibleLine }
}
