/// AWS load balancer annotations are evidence of today's exposure only where AWS serves the object today: an Ingress of
/// class `alb` (the AWS Load Balancer Controller's), a Service whose status names an ELB hostname. Anywhere else (an
/// nginx Ingress, a MetalLB or vSphere Service) nothing acts on them: an `internet-facing` scheme or `0.0.0.0/0`
/// inbound-cidrs there says nothing of who reaches it, and obeyed on EKS it would open an internal service to the internet.
extension LoadBalancerExposure {
    static let albAnnotationPrefix = "alb.ingress.kubernetes.io/"
    static let awsServiceAnnotationPrefix = "service.beta.kubernetes.io/aws-load-balancer-"

    /// Those of them that set who reaches the load balancer or how (scheme, allow-list, security groups, TLS policy, subnets,
    /// addresses): the ones a converted object must never inherit from a source that did not act on them.
    static let exposureSuffixes = ["scheme", "internal", "inbound-cidrs", "security-groups", "manage-backend-security-group-rules",
                                   "ssl-policy", "ssl-negotiation-policy", "subnets", "ip-address-type", "eip-allocations",
                                   "private-ipv4-addresses", "security-group-prefix-lists", "load-balancer-attributes"]

    /// Whether the AWS Load Balancer Controller serves the Ingress today: its class is `alb`.
    static func awsServes(_ ingress: Estate.Ingress) -> Bool {
        ingress.className?.lowercased() == "alb"
    }

    /// Whether an AWS load balancer serves the Service today: its status names an ELB hostname
    /// (`*.elb.amazonaws.com`, `*.elb.REGION.amazonaws.com`, and their `.amazonaws.com.cn` forms in China).
    static func awsServes(_ service: Estate.Service) -> Bool {
        statusHostnames(service).contains(where: isELBHostname)
    }

    static func statusHostnames(_ service: Estate.Service) -> [String] {
        (service.resource.body["status", "loadBalancer", "ingress"]?.items ?? []).compactMap { $0["hostname"]?.string }
    }

    /// The addresses of the Service's load balancer today (`status.loadBalancer.ingress[].ip`).
    static func statusAddresses(_ service: Estate.Service) -> [String] {
        (service.resource.body["status", "loadBalancer", "ingress"]?.items ?? []).compactMap { $0["ip"]?.string }
    }

    static func isELBHostname(_ hostname: String) -> Bool {
        var labels = hostname.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if labels.last == "" { labels.removeLast() }
        if labels.last == "cn" { labels.removeLast() }
        guard labels.count >= 4, labels.suffix(2) == ["amazonaws", "com"], !labels.contains("") else { return false }
        let before = labels.dropLast(2)
        // name.elb.amazonaws.com (older classic ELBs), name.REGION.elb.amazonaws.com (ALB, classic), name.elb.REGION.amazonaws.com (NLB).
        return before.last == "elb" || (before.count >= 3 && before[before.endIndex - 2] == "elb")
    }

    /// The exposure-setting AWS annotations of an Ingress its source did not act on, sorted; empty where AWS serves it.
    static func inertAWSAnnotations(_ ingress: Estate.Ingress) -> [String] {
        awsServes(ingress) ? [] : exposureKeys(ingress.resource.annotations, prefix: albAnnotationPrefix)
    }

    /// The exposure-setting AWS annotations of a LoadBalancer Service its source did not act on, sorted.
    static func inertAWSAnnotations(_ service: Estate.Service) -> [String] {
        awsServes(service) ? [] : exposureKeys(service.resource.annotations, prefix: awsServiceAnnotationPrefix)
    }

    private static func exposureKeys(_ annotations: [String: String], prefix: String) -> [String] {
        annotations.keys.filter { key in
            key.hasPrefix(prefix) && exposureSuffixes.contains(String(key.dropFirst(prefix.count)))
        }.sorted()
    }

    /// Splits off the internet-facing signals of AWS annotations nothing acts on. They never decide alone (the caller drops
    /// them when nothing else speaks: undecided, planned internal); beside another signal they still dispute it (a private
    /// address and an AWS internet-facing scheme: internal until the team decides). An internal AWS signal is kept as it
    /// is: it can only narrow what the plan opens, and internal is where an undecided load balancer lands anyway.
    static func inertPublicSignals(_ signals: [(Scheme, String)], awsServed: Bool) -> (kept: [(Scheme, String)], inert: [(Scheme, String)]) {
        guard !awsServed else { return (signals, []) }
        var kept: [(Scheme, String)] = [], inert: [(Scheme, String)] = []
        for signal in signals {
            if signal.0 == .internetFacing && signal.1.hasPrefix("AWS") { inert.append(signal) } else { kept.append(signal) }
        }
        return (kept, inert)
    }
}
