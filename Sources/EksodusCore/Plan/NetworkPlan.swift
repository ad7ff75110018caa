/// How each exposed Service and Ingress is reached on EKS, through the AWS Load Balancer Controller: with the exposure it has
/// today (internal stays internal), on an ALB shared only by Ingresses with the same scheme, allow-list and TLS policy.
public struct NetworkPlan: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var cluster: String
        public var namespace: String
        public var name: String
        public var kind: String
        public var today: String
        public var exposure: LoadBalancerExposure
        public var target: String
        /// The IngressGroup (one ALB) it joins; nil for Services, which get an NLB each.
        public var group: String?
        public var annotations: [String: String]
        public var manual: [String]
        /// TLS hosts that need an ACM certificate on the ALB.
        public var tlsHosts: [String]
        /// No certificate ARN is known: the AWS Load Balancer Controller discovers the ACM certificate of `tlsHosts`, which
        /// must exist (issued) before the Ingress is applied.
        public var needsCertificate: Bool
        /// For a Route: the Ingress rule it becomes (see RouteMapping.swift).
        public var route: RouteRule? = nil
        /// The source's AWS exposure annotations (scheme, allow-list, TLS policy…) that nothing acted on there
        /// (`LoadBalancerExposure.inertAWSAnnotations`): convert drops them, saying so. nil in plans stored before.
        public var inertAWS: [String]? = nil
        /// Why `convert` holds this Ingress out until the team writes the decided one, beyond `IngressHold`'s reasons: a web ACL
        /// of the source's ALB that is not copied (`webACLHold`). nil in plans stored before.
        public var held: [String]? = nil

        public var object: String { "\(kind)/\(namespace)/\(name)" }
    }

    public var entries: [Entry]
    /// Per cluster, the VPC and Service CIDRs and why (clear of the on-premises networks); nil in plans stored before.
    public var addressing: [VPCAddressing]? = nil

    /// Entries whose exposure the manifests do not give: planned internal until the team decides.
    public var decisions: [Entry] { entries.filter(\.exposure.needsDecision) }


    /// `setApart`: the workloads EKS replaces, by cluster id; a Service in front of nothing else (ingress-nginx's own, say)
    /// gets no load balancer. `addressing`: each estate's, when the caller has chosen them (the compute plan needs them too).
    /// `arns`: the plan's account and region, which the source ALB's certificates and the ARNs its annotations name must be of.
    static func build(estates: [Estate], reference: ReferenceData, arns: ForeignARNs, setApart: [Int64: Set<Int64>] = [:], addressing: [VPCAddressing]? = nil) -> NetworkPlan {
        var entries: [Entry] = []
        for estate in estates {
            let replaced = setApart[estate.cluster.id] ?? []
            // A Service selects only in its namespace: indexed once, not a scan of every workload per Service.
            let workloadsByNamespace = Dictionary(grouping: estate.workloads.indices, by: { estate.workloads[$0].namespace })
            // Indexed once: a NodePort an Ingress routes to keeps that Ingress as its way in.
            let routed = Set(estate.ingresses.flatMap { ingress in ingress.rules.compactMap { $0.serviceName.map { ingress.resource.namespace + "/" + $0 } } })
            for service in estate.services where service.type == "LoadBalancer" || service.type == "NodePort" {
                let candidates = (workloadsByNamespace[service.resource.namespace] ?? []).lazy.map { estate.workloads[$0] }
                if frontsOnlySetApart(service, workloads: candidates, isSetApart: { replaced.contains($0.id) }) { continue }
                let exposure = LoadBalancerExposure.of(service, reference: reference)
                var annotations = [
                    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": exposure.target.rawValue,
                ]
                if !exposure.allowList.isEmpty {
                    annotations[LoadBalancerExposure.serviceAllowListAnnotation] = exposure.allowList.joined(separator: ",")
                }
                annotations.merge(NLBIdleTimeout.annotations(service, fronting: candidates, reference: reference)) { planned, _ in planned }
                var manual = service.resource.annotations.keys.filter { key in ForeignLoadBalancerAnnotationCheck.foreignPrefixes.contains { key.hasPrefix($0) } }
                    .sorted().map { "drop \($0)" }
                // What the source's ELB did with its own annotations (TLS on ssl-ports, PROXY protocol, health checks) the NLB does too.
                if LoadBalancerExposure.awsServes(service) {
                    let source = service.resource.annotations
                    let carried = SourceLoadBalancerAnnotations.carry(source, prefix: SourceLoadBalancerAnnotations.servicePrefix,
                                                                      rules: reference.nlbSourceAnnotations, arns: arns)
                    annotations.merge(carried.annotations) { planned, _ in planned }
                    manual += carried.notes + SourceLoadBalancerAnnotations.serviceTLS(source, arns: arns, into: &annotations)
                }
                let inert = LoadBalancerExposure.inertAWSAnnotations(service)
                if exposure.needsDecision { manual.append("decide internal or internet-facing (planned internal)") }
                entries.append(Entry(cluster: estate.cluster.name, namespace: service.resource.namespace, name: service.resource.name, kind: "Service",
                                     today: service.type, exposure: exposure,
                                     target: service.type == "NodePort" ? nodePortTarget(service, routed: routed) : "LoadBalancer (NLB, ip targets)",
                                     group: nil, annotations: annotations, manual: manual, tlsHosts: [], needsCertificate: false,
                                     inertAWS: inert.isEmpty ? nil : inert))
            }
            let controller = LoadBalancerExposure.ingressController(of: estate, reference: reference)
            var ingressEntries = estate.ingresses.map { ingressEntry($0, cluster: estate.cluster.name, reference: reference, arns: arns, controller: controller) }
            // A host split by path across namespaces on one source controller: one IngressGroup (one ALB, one switch).
            SharedHostGroups.assign(cluster: estate.cluster.name, ingresses: estate.ingresses, entries: &ingressEntries)
            entries += ingressEntries
            for route in estate.resources(kind: "Route") where isRoute(route) {
                entries.append(routeEntry(route, estate: estate))
            }
        }
        return NetworkPlan(entries: entries, addressing: addressing ?? VPCAddressing.choose(estates, reference: reference))
    }

    /// A NodePort an Ingress routes to stays that Ingress's backend (the ALB's ip targets are its pods); any other moves to
    /// the internal NLB its traffic step makes beside it (`NodePortSwitch`), not to the EKS nodes, which node group updates,
    /// Spot and the autoscaler replace.
    /// `routed`: the `namespace/name` of every Service an Ingress of the estate routes to.
    static func nodePortTarget(_ service: Estate.Service, routed: Set<String>) -> String {
        routed.contains(service.resource.namespace + "/" + service.resource.name) ? "stays the backend of its ALB Ingress (ip targets)"
            : "internal NLB (ip targets) beside it, \(RedirectCommands.crossName(service.resource.name)): the load balancer in front of the nodes takes its private addresses"
    }

    /// Whether `service` selects workloads (of its namespace) and every one of them is set apart: ingress-nginx's own Service,
    /// whose load balancer EKS does not recreate (convert leaves the Service out too).
    static func frontsOnlySetApart<Workloads: Sequence>(_ service: Estate.Service, workloads: Workloads,
                                                        isSetApart: (Estate.Workload) -> Bool) -> Bool where Workloads.Element == Estate.Workload {
        var selectsAny = false
        for workload in workloads where workload.matches(service.selector) {
            if !isSetApart(workload) { return false }
            selectsAny = true
        }
        return selectsAny
    }

    private static func ingressEntry(_ ingress: Estate.Ingress, cluster: String, reference: ReferenceData, arns: ForeignARNs,
                                     controller: (service: String, exposure: LoadBalancerExposure)?) -> Entry {
        let source = ingress.resource.annotations
        let exposure = LoadBalancerExposure.of(ingress, reference: reference, controller: controller)
        var annotations = ["alb.ingress.kubernetes.io/scheme": exposure.target.rawValue, "alb.ingress.kubernetes.io/target-type": "ip"]
        if !exposure.allowList.isEmpty { annotations["alb.ingress.kubernetes.io/inbound-cidrs"] = exposure.allowList.joined(separator: ",") }
        var manual: [String] = []
        // No inbound-cidrs from an allow-list that does not parse: convert holds the Ingress out (never an open ALB).
        if let held = IngressHold.allowListReason(source) { manual.append("held out by convert: " + held) }
        for key in source.keys.sorted() where key.hasPrefix(NginxAnnotationWithoutALBEquivalentCheck.prefix) {
            let name = String(key.dropFirst(NginxAnnotationWithoutALBEquivalentCheck.prefix.count))
            guard let mapping = reference.nginxAnnotations.first(where: { $0.nginx == name }) else {
                manual.append("\(key): no known ALB equivalent")
                continue
            }
            switch (name, mapping.support) {
            case ("ssl-redirect", _), ("force-ssl-redirect", _):
                annotations["alb.ingress.kubernetes.io/listen-ports"] = "[{\"HTTP\": 80}, {\"HTTPS\": 443}]"
                annotations["alb.ingress.kubernetes.io/ssl-redirect"] = "443"
            case ("backend-protocol", _):
                let protocolName = (source[key] ?? "HTTP").uppercased()
                annotations["alb.ingress.kubernetes.io/backend-protocol"] = ["HTTP", "HTTPS"].contains(protocolName) ? protocolName : "HTTP"
                if !["HTTP", "HTTPS"].contains(protocolName) { manual.append("\(key)=\(protocolName): ALB targets speak HTTP or HTTPS (GRPC through backend-protocol-version)") }
            case ("affinity", _):
                annotations["alb.ingress.kubernetes.io/target-group-attributes"] = "stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=86400"
            case ("whitelist-source-range", _), ("allowlist-source-range", _):
                break  // the serving controller's allow-list is inbound-cidrs above (nginx's unless the class is alb)
            case (_, "full"), (_, "partial"):
                manual.append("\(key) → \(mapping.alb)")
            default:
                manual.append("\(key): \(mapping.alb)")
            }
        }
        let tls = ingress.resource.body["spec", "tls"]?.items ?? []
        let tlsHosts = tls.flatMap { ($0["hosts"]?.items ?? []).compactMap(\.string) }
        // The TLS policy is the source ALB's only: an ssl-policy beside another class's controller protected nothing (an old
        // ELBSecurityPolicy-TLS-1-0 there would lower the new ALB's TLS): the controller's default policy applies instead.
        let inert = LoadBalancerExposure.inertAWSAnnotations(ingress)
        let sslPolicy = LoadBalancerExposure.awsServes(ingress) ? source["alb.ingress.kubernetes.io/ssl-policy"] : nil
        if let sslPolicy { annotations["alb.ingress.kubernetes.io/ssl-policy"] = sslPolicy }
        var needsCertificate = false
        // A login the decided Ingress moves to the ALB (OIDC, Cognito) runs on an HTTPS listener only, whatever the source
        // served: plain HTTP redirects there, and the host needs a certificate (`TrafficCommands.heldGate` checks both).
        let login = !IngressHold.authAnnotations(source).isEmpty
        if login { annotations["alb.ingress.kubernetes.io/ssl-redirect"] = "443" }
        let ruleHosts = Array(Set(ingress.rules.compactMap(\.host).filter(NetworkPlan.isIngressHost))).sorted()
        var certificateHosts = tlsHosts.isEmpty && login ? ruleHosts : tlsHosts
        // Like the TLS policy, the certificate is the source ALB's only: beside another class's controller the annotation
        // served nothing (that Ingress's TLS, if any, came from spec.tls) and may name a certificate long gone or of another
        // account or region, and an ARN the controller cannot use fails the whole IngressGroup. It is named for review, and
        // TLS hosts get discovery by host as any other. The source ALB's own is copied only when every certificate it names
        // is of the plan's account and region (ACM certificates are regional; a listener's are of its own account).
        let sourceARN = source["alb.ingress.kubernetes.io/certificate-arn"]
        let servedByALB = LoadBalancerExposure.awsServes(ingress)
        if servedByALB {
            let carried = SourceLoadBalancerAnnotations.carry(source, prefix: SourceLoadBalancerAnnotations.ingressPrefix, rules: reference.albSourceAnnotations, arns: arns)
            annotations.merge(carried.annotations) { planned, _ in planned }
            manual += carried.notes
        }
        let objections = sourceARN.map(arns.certificateObjections) ?? []
        let listenPorts = annotations["alb.ingress.kubernetes.io/listen-ports"]
        let bothListeners = "[{\"HTTP\": 80}, {\"HTTPS\": 443}]"
        // A redirect (the source ALB's, or a login's) needs the HTTPS listener it points at: without one, the controller fails
        // the whole IngressGroup ("listener does not exist for SSLRedirect port").
        let redirects = annotations["alb.ingress.kubernetes.io/ssl-redirect"] != nil
        // The source ALB listened on HTTPS when its listen-ports say so, or, without them, when it had a certificate ARN: the
        // controller's default listener is HTTPS 443 then, HTTP 80 otherwise (spec.tls alone does not change the default).
        let albServedHTTPS = servedByALB && (listenPorts.map { $0.contains("HTTPS") } ?? (sourceARN != nil))
        if let arn = sourceARN, servedByALB, objections.isEmpty {
            annotations["alb.ingress.kubernetes.io/certificate-arn"] = arn
            if redirects, let listenPorts, !listenPorts.contains("HTTPS") { annotations["alb.ingress.kubernetes.io/listen-ports"] = bothListeners }
        } else if servedByALB ? albServedHTTPS || redirects : (!tls.isEmpty || redirects) {
            // No placeholder ARN (an invalid one fails the whole IngressGroup): the controller's certificate discovery finds the
            // issued ACM certificate of the Ingress's TLS hosts, or of its rules' hosts without spec.tls (AWS Load Balancer
            // Controller, "Certificate Discovery"), on the HTTPS listener listen-ports asks for.
            needsCertificate = true
            if certificateHosts.isEmpty { certificateHosts = ruleHosts }
            // The source ALB's listeners where they had HTTPS; beside a redirect, HTTP and HTTPS; else the HTTPS its default was.
            annotations["alb.ingress.kubernetes.io/listen-ports"] = !servedByALB ? bothListeners
                : listenPorts.flatMap { $0.contains("HTTPS") ? $0 : nil } ?? (redirects ? bothListeners : listenPorts ?? "[{\"HTTPS\": 443}]")
            let issuer = source["cert-manager.io/cluster-issuer"].map { "cert-manager ClusterIssuer \($0)" } ?? source["cert-manager.io/issuer"].map { "cert-manager Issuer \($0)" }
            manual.append("ACM certificate for \(certificateHosts.isEmpty ? "its hosts" : certificateHosts.joined(separator: ", "))" + (issuer.map { " (issued today by \($0))" } ?? ""))
        }
        if let arn = sourceARN, !servedByALB {
            manual.append("alb.ingress.kubernetes.io/certificate-arn \(SourceLoadBalancerAnnotations.shown(arn)) is not copied: another controller served this Ingress, so it served nothing; use it only once it is checked to be an issued certificate in this account and region")
        }
        if servedByALB, !objections.isEmpty {
            manual.append("alb.ingress.kubernetes.io/certificate-arn is not copied: " + objections.map { "\(SourceLoadBalancerAnnotations.shown($0.arn)) (\($0.why))" }.joined(separator: ", ")
                          + "; an ALB takes ACM certificates of its own account and region only (they cannot be copied between regions): request or import one here, and the controller finds it by host")
        }
        if exposure.needsDecision { manual.append("decide internal or internet-facing (planned internal)") }
        let held = servedByALB ? Self.webACLHold(source: source, planned: annotations).map { [$0] } : nil
        if let held { manual += held.map { "held out by convert: " + $0 } }
        let group = groupName(cluster: cluster, namespace: ingress.resource.namespace, scheme: exposure.target,
                              allowList: exposure.allowList, sslPolicy: sslPolicy,
                              groupWide: servedByALB ? SourceLoadBalancerAnnotations.groupWide(annotations) : [])
        annotations["alb.ingress.kubernetes.io/group.name"] = group
        return Entry(cluster: cluster, namespace: ingress.resource.namespace, name: ingress.resource.name, kind: "Ingress",
                     today: "Ingress (\(ingress.className ?? "default class"))", exposure: exposure, target: "Ingress, ingressClassName: alb",
                     group: group, annotations: annotations, manual: manual, tlsHosts: certificateHosts, needsCertificate: needsCertificate,
                     inertAWS: inert.isEmpty ? nil : inert, held: held)
    }

    /// The source ALB's web ACL (WAFv2 `wafv2-acl-arn`, WAF Classic `waf-acl-id`) that the EKS Ingress does not keep (another
    /// account's or region's, or WAF Classic's): applied as it is, the new ALB would serve the hosts without it. Whether that is
    /// acceptable is the security team's call, so the Ingress is held out and its switch waits for the decided one.
    static func webACLHold(source: [String: String], planned: [String: String]) -> String? {
        let prefix = SourceLoadBalancerAnnotations.ingressPrefix
        guard planned[prefix + "wafv2-acl-arn"] == nil,
              let (key, acl) = [prefix + "wafv2-acl-arn", prefix + "waf-acl-id"].lazy.compactMap({ key in source[key].map { (key, $0) } }).first(where: { !$0.1.isEmpty })
        else { return nil }
        return "the source's ALB was protected by a web ACL (\(SourceLoadBalancerAnnotations.shown(key)) \(SourceLoadBalancerAnnotations.shown(acl))) that is not copied, and the new ALB would serve its hosts without one: write the decided Ingress with alb.ingress.kubernetes.io/wafv2-acl-arn naming a web ACL of this account and region (or without it, if the security team accepts an unprotected ALB)"
    }

    /// One ALB per (cluster, namespace, scheme, allow-list, TLS policy): inbound-cidrs and the SSL policy apply to the whole ALB
    /// of an IngressGroup, so Ingresses that differ in them must not share one. A valid group name: lowercase letters, digits,
    /// `-` and `.`, at most 63 characters, with a short hash of what sets the group apart.
    /// `groupWide`: the source ALB's carried annotations that apply to the whole ALB (`SourceLoadBalancerAnnotations.groupWide`):
    /// members that differ in one would conflict in one group, and one's redirect would send the others' HTTP to 443.
    static func groupName(cluster: String, namespace: String, scheme: LoadBalancerExposure.Scheme, allowList: [String], sslPolicy: String?,
                          groupWide: [String] = []) -> String {
        let base = ImageMigration.ecrRepositoryName("\(cluster)-\(namespace)").replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "_", with: "-")
        let distinction = allowList.sorted().joined(separator: ",") + "|" + (sslPolicy ?? "") + (groupWide.isEmpty ? "" : "|" + groupWide.joined(separator: ";"))
        let suffix = (scheme == .internal ? "-int" : "-pub") + (distinction == "|" ? "" : "-" + ShortHash.hex(distinction))
        var head = String(base.prefix(63 - suffix.count))
        while let last = head.last, last == "-" || last == "." { head.removeLast() }
        return head + suffix
    }

    public var table: Table {
        Table(columns: ["cluster", "object", "today", "source_exposure", "on_eks", "scheme", "alb_group", "annotations", "manual_work"], rows: entries.map { entry in
            [.text(entry.cluster), .text(entry.object), .text(entry.today), .text(entry.exposure.summary), .text(entry.target),
             .text(entry.exposure.target.rawValue + (entry.exposure.needsDecision ? " (decision needed)" : "")), .text(entry.group ?? ""),
             .text(entry.annotations.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")),
             .text(entry.manual.joined(separator: "; "))]
        })
    }
}
