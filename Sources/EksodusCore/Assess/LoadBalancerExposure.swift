/// Whether the source platform exposes a Service or Ingress to the internet or only inside its network, and from whom.
/// The plan keeps that exposure on EKS; where the manifests do not say, it is unknown and becomes a decision, never a guess.
public struct LoadBalancerExposure: Sendable, Equatable, Codable {
    public typealias Scheme = LoadBalancerScheme

    /// What the source says; nil when nothing in the manifests does.
    public var source: Scheme?
    /// What decided it (the annotation, the address), or why nothing could.
    public var evidence: String
    /// CIDRs allowed to reach it today (loadBalancerSourceRanges, allow-list annotations), in source order.
    public var allowList: [String]

    /// The manifests say both (an AKS internal annotation beside an AWS internet-facing one, a private address beside a
    /// public scheme): `source` is internal until the team decides. nil when they agree (and in plans stored before).
    public var disputed: Bool? = nil

    /// The scheme on EKS: the source's, or internal (the AWS Load Balancer Controller's default) until the team decides.
    public var target: Scheme { source ?? .internal }
    public var needsDecision: Bool { source == nil || disputed == true }

    public var summary: String {
        let scheme = source?.rawValue ?? "unknown"
        let allowed = allowList.isEmpty ? "" : ", from \(allowList.joined(separator: " "))"
        return "\(scheme) (\(evidence))\(allowed)"
    }
}

extension LoadBalancerExposure {
    static let serviceAllowListAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges"
    static let ingressAllowListAnnotations = ["alb.ingress.kubernetes.io/inbound-cidrs", "nginx.ingress.kubernetes.io/whitelist-source-range",
                                              "nginx.ingress.kubernetes.io/allowlist-source-range"]
    /// Annotations by which in-cluster load balancers (MetalLB, kube-vip) pin the address they announce.
    static let addressAnnotations = ["metallb.universe.tf/loadBalancerIPs", "metallb.io/loadBalancerIPs", "kube-vip.io/loadbalancerIPs"]

    /// The exposure of a Service of type LoadBalancer or NodePort.
    public static func of(_ service: Estate.Service, reference: ReferenceData) -> LoadBalancerExposure {
        let annotations = service.resource.annotations
        let body = service.resource.body
        let ranges = (body["spec", "loadBalancerSourceRanges"]?.items ?? []).compactMap(\.string)
        var allowList = ranges.flatMap(cidrs)
        var unreadable = ranges.flatMap(unparsed)
        if ranges.isEmpty, let annotated = annotations[serviceAllowListAnnotation] {
            allowList = cidrs(annotated)
            unreadable = unparsed(annotated)
        }
        // An entry that is no network restricted something on the source that EKS cannot be told: the Service is not
        // trusted to any scheme (internal, the controller's default, until the team decides), never opened without it.
        if !unreadable.isEmpty {
            return LoadBalancerExposure(source: nil, evidence: "its allow-list has entries that are no network ("
                                        + unreadable.map(\.visibleLine).joined(separator: " ") + "): planned internal until decided", allowList: allowList)
        }
        let awsServed = awsServes(service)
        let split = inertPublicSignals(fromRules(reference.serviceExposureRules, annotations: annotations, className: nil), awsServed: awsServed)
        var signals = split.kept
        let pinned = [body["spec", "loadBalancerIP"]?.string].compactMap { $0 } + addressAnnotations.compactMap { annotations[$0] }.flatMap(networks)
        if let address = pinned.first(where: { IPv4Range($0) != nil }), let range = IPv4Range(address) {
            signals.append((range.isPrivate ? .internal : .internetFacing, "its address \(address) is \(range.isPrivate ? "private" : "public")"))
        }
        // The address its load balancer has today is a signal like a pinned one: a private one beside an AWS internet-facing
        // scheme disputes it (internal until decided).
        if let address = statusAddresses(service).first(where: { IPv4Range($0) != nil }), let range = IPv4Range(address) {
            signals.append((range.isPrivate ? .internal : .internetFacing,
                            "its load balancer's address today (status) \(address) is \(range.isPrivate ? "private" : "public")"))
        }
        // Served today by another platform's load balancer (a MetalLB pool, an Azure or GKE annotation), which ignores AWS
        // annotations: an AWS internet-facing scheme says nothing of today's exposure, and would open it on EKS.
        if let foreign = annotations.keys.sorted().first(where: { key in ForeignLoadBalancerAnnotationCheck.foreignPrefixes.contains { key.hasPrefix($0) } }),
           !signals.isEmpty, signals.allSatisfy({ $0.0 == .internetFacing && $0.1.hasPrefix("AWS") }) {
            signals.append((.internal, "\(foreign), of the load balancer serving it today, which ignores AWS annotations"))
        }
        if let decided = decided(signals.isEmpty ? [] : signals + split.inert, allowList: allowList) { return decided }
        if let fromAllowList = fromAllowList(allowList) { return fromAllowList }
        let inert = split.inert.map(\.1)
        let why = service.type == "NodePort" ? "a NodePort is reached on the nodes' own addresses, which the manifests do not give"
                                             : "no annotation or address in the manifests says internal or internet-facing"
        return LoadBalancerExposure(source: nil, evidence: why + inertNote(inert, servedBy: "no AWS load balancer serves it today (its status names no ELB)"),
                                    allowList: allowList)
    }

    /// Why the AWS annotations that said internet-facing decided nothing.
    private static func inertNote(_ inert: [String], servedBy: String) -> String {
        inert.isEmpty ? "" : "; \(inert.joined(separator: ", ")) decides nothing: \(servedBy), so nothing acts on it"
    }

    /// The exposure of an Ingress's load balancer.
    public static func of(_ ingress: Estate.Ingress, reference: ReferenceData,
                          controller: (service: String, exposure: LoadBalancerExposure)? = nil) -> LoadBalancerExposure {
        let annotations = ingress.resource.annotations
        let awsServed = awsServes(ingress)
        let allowList = servingAllowListAnnotations(awsServed: awsServed).compactMap { annotations[$0] }.flatMap(cidrs)
        let (signals, inertSignals) = inertPublicSignals(fromRules(reference.ingressExposureRules, annotations: annotations, className: ingress.className),
                                                         awsServed: awsServed)
        if let decided = decided(signals.isEmpty ? [] : signals + inertSignals, allowList: allowList) { return decided }
        let inert = inertSignals.map(\.1)
        if let fromAllowList = fromAllowList(allowList) { return fromAllowList }
        // An ALB Ingress is served by its own ALB, never by an in-cluster controller's Service.
        if let controller, let scheme = controller.exposure.source, !awsServed {
            return LoadBalancerExposure(source: scheme, evidence: "served by ingress controller Service \(controller.service), \(controller.exposure.summary)",
                                        allowList: allowList)
        }
        let note = inertNote(inert, servedBy: "its class \(ingress.className.map(\.visibleLine) ?? "(none)") is not alb")
        return LoadBalancerExposure(source: nil, evidence: "its ingress controller's Service decides, and nothing in the Ingress says which" + note, allowList: allowList)
    }

    /// The allow-list of the controller that serves an Ingress today, and only its: inbound-cidrs for an ALB, the nginx
    /// annotations for any other class. Never the union, which only widens (`0.0.0.0/0` beside `10.0.0.0/8`).
    static func servingAllowListAnnotations(awsServed: Bool) -> [String] {
        awsServed ? ["alb.ingress.kubernetes.io/inbound-cidrs"] : ingressAllowListAnnotations.filter { !$0.hasPrefix(albAnnotationPrefix) }
    }

    /// An allow-list decides when it is all private (internal clients only) or admits a public range (internet clients).
    private static func fromAllowList(_ allowList: [String]) -> LoadBalancerExposure? {
        let ranges = allowList.compactMap(IPv4Range.init)
        guard !ranges.isEmpty, ranges.count == allowList.count else { return nil }
        if let open = zip(allowList, ranges).first(where: { !$0.1.isPrivate }) {
            return LoadBalancerExposure(source: .internetFacing, evidence: "its allow-list admits the public range \(open.0)", allowList: allowList)
        }
        return LoadBalancerExposure(source: .internal, evidence: "its allow-list admits only private ranges", allowList: allowList)
    }

    /// The exposure shared by every ingress controller Service of a cluster (ingress-nginx, Traefik…), or nil when they
    /// disagree, say nothing, or there is none: what an Ingress that says nothing itself inherits.
    public static func ingressController(of estate: Estate, reference: ReferenceData) -> (service: String, exposure: LoadBalancerExposure)? {
        // A Service selects only in its namespace: its workloads indexed once, not every workload scanned per Service.
        let workloadsByNamespace = Dictionary(grouping: estate.workloads.indices, by: { estate.workloads[$0].namespace })
        let controllers = estate.services.filter { $0.type == "LoadBalancer" || $0.type == "NodePort" }.filter { service in
            (workloadsByNamespace[service.resource.namespace] ?? []).lazy.map { estate.workloads[$0] }.contains { workload in
                workload.namespace == service.resource.namespace && workload.matches(service.selector) && workload.containers.contains { container in
                    let repository = container.imageReference?.repository ?? ""
                    return ImageReference.repository(repository, isOneOf: reference.ingressControllerImages)
                }
            }
        }
        let exposures = controllers.map { ("\($0.resource.namespace)/\($0.resource.name)", of($0, reference: reference)) }
        guard let first = exposures.first, first.1.source != nil, exposures.allSatisfy({ $0.1.source == first.1.source && !$0.1.needsDecision }) else { return nil }
        return first
    }

    /// What every rule that matches says, in the table's order: not just the first, since an export can carry annotations
    /// its platform ignores (an AWS scheme on an AKS Service) that the AWS Load Balancer Controller would obey.
    private static func fromRules(_ rules: [ReferenceData.ExposureRule], annotations: [String: String], className: String?) -> [(Scheme, String)] {
        rules.compactMap { rule in
            // The ingress-class rule also reads spec.ingressClassName, which replaced the annotation.
            let value = annotations[rule.annotation] ?? (rule.annotation == "kubernetes.io/ingress.class" ? className : nil)
            guard let value, let scheme = rule.scheme(for: value) else { return nil }
            return (scheme, "\(rule.platform): \(rule.annotation)=\(value)")
        }
    }

    /// The exposure the signals agree on; when one says internal and another internet-facing, internal (never more exposed
    /// than any signal allows) and a decision for the team. nil when there is no signal.
    private static func decided(_ signals: [(Scheme, String)], allowList: [String]) -> LoadBalancerExposure? {
        guard let first = signals.first else { return nil }
        if signals.allSatisfy({ $0.0 == first.0 }) { return LoadBalancerExposure(source: first.0, evidence: first.1, allowList: allowList) }
        let said = signals.map { "\($0.1) says \($0.0.rawValue)" }.joined(separator: "; ")
        return LoadBalancerExposure(source: .internal, evidence: "the manifests disagree (\(said)): planned internal until decided",
                                    allowList: allowList, disputed: true)
    }

    /// The IPv4 or IPv6 networks in a list, as CIDRs: a bare address becomes its /32 or /128, since ingress-nginx takes a
    /// bare address but the AWS Load Balancer Controller parses each inbound-cidrs entry with Go's net.ParseCIDR and
    /// refuses the whole Ingress otherwise (AWS Load Balancer Controller, "Ingress annotations", inbound-cidrs:
    /// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#inbound-cidrs).
    /// Anything else (a stray word, a line that smuggles an annotation) is left out: `unparsed` names it, and an Ingress
    /// with one is held out of conversion (`IngressHold`), never served without the restriction.
    static func cidrs(_ text: String) -> [String] {
        networks(text).map { $0.contains("/") ? $0 : $0 + ($0.contains(":") ? "/128" : "/32") }
    }

    /// The IPv4 or IPv6 networks or addresses in a list, as written.
    static func networks(_ text: String) -> [String] {
        entries(text).filter(isNetwork)
    }

    /// The entries of a list that are no IPv4 or IPv6 network or address (`10.0.0.0/8;`, `10.0.0.0/33`, a word).
    static func unparsed(_ text: String) -> [String] {
        entries(text).filter { !isNetwork($0) }
    }

    private static func entries(_ text: String) -> [String] {
        text.split { $0 == "," || $0.isWhitespace }.map(String.init)
    }

    /// Each Ingress allow-list annotation with the entries of it that do not parse, in `ingressAllowListAnnotations` order.
    static func unparsedIngressAllowList(_ annotations: [String: String]) -> [(annotation: String, entries: [String])] {
        ingressAllowListAnnotations.compactMap { key in
            guard let value = annotations[key] else { return nil }
            let bad = unparsed(value)
            return bad.isEmpty ? nil : (key, bad)
        }
    }

    static func isNetwork(_ text: String) -> Bool {
        if IPv4Range(text) != nil { return true }
        // IPv6: hex groups and colons, an optional /prefix up to 128.
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].contains(":"), parts[0].count <= 39,
              parts[0].allSatisfy({ $0.isHexDigit || $0 == ":" }) else { return false }
        return parts.count == 1 || Int(parts[1]).map { (0...128).contains($0) } ?? false
    }
}

/// An IPv4 address or CIDR block, enough to tell private address space (RFC 1918, shared 100.64/10, loopback) from public.
struct IPv4Range: Equatable {
    let address: UInt32
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        let prefix = parts.count == 2 ? Int(parts[1]) : 32
        guard let prefix, (0...32).contains(prefix) else { return nil }
        self.address = value
        self.prefix = prefix
    }

    private static let privateBlocks: [(UInt32, Int)] = [(0x0A00_0000, 8), (0xAC10_0000, 12), (0xC0A8_0000, 16), (0x6440_0000, 10), (0x7F00_0000, 8)]

    /// Whether the whole range lies in private address space.
    var isPrivate: Bool {
        Self.privateBlocks.contains { block, blockPrefix in
            prefix >= blockPrefix && (address >> UInt32(32 - blockPrefix)) == (block >> UInt32(32 - blockPrefix))
        }
    }
}
