/// An Ingress allow-list (ingress-nginx whitelist-source-range or its newer name allowlist-source-range, or ALB
/// inbound-cidrs) with an entry that is no IPv4/IPv6 CIDR or address. Dropped, the ALB would admit every address its scheme
/// reaches; copied, the AWS Load Balancer Controller refuses the Ingress (it parses inbound-cidrs with net.ParseCIDR:
/// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#inbound-cidrs).
/// `convert` holds such an Ingress out (`IngressHold.allowListReason`).
struct UnparsedAllowListCheck: Check {
    let info = CheckInfo(
        id: "NET010", title: "Ingress allow-list entry that does not parse", severity: .warning, category: .network,
        rationale: "An allow-list entry that is no CIDR (a stray ';', a /33, a word) cannot become ALB inbound-cidrs: left out, the ALB admits everyone its scheme reaches; kept, the AWS Load Balancer Controller refuses the Ingress.",
        remediation: "Fix the entry (a bare address as /32 or /128) and write alb.ingress.kubernetes.io/inbound-cidrs in the decided Ingress; convert holds the Ingress out until then.",
        triggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: shop
              annotations: {nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8;", alb.ingress.kubernetes.io/scheme: internet-facing}
            spec: {ingressClassName: nginx, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """],
        nonTriggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: shop
              annotations: {nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8", alb.ingress.kubernetes.io/scheme: internet-facing}
            spec: {ingressClassName: nginx, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.ingresses.flatMap { ingress -> [Finding] in
            let annotations = ingress.resource.annotations
            // Internet-facing (or undecided, which a decision may make so): a blocker, since dropping the list opens it to all.
            let exposure = LoadBalancerExposure.of(ingress, reference: context.reference)
            let severity: Severity = exposure.source == .internal && exposure.disputed != true ? .warning : .blocker
            return LoadBalancerExposure.unparsedIngressAllowList(annotations).map { key, entries in
                finding(ingress.resource, field: "metadata.annotations[\(key)]",
                        "\(key) entries " + entries.prefix(5).map { "'\(String($0.prefix(80)).visibleLine)'" }.joined(separator: ", ")
                            + " are no IPv4/IPv6 CIDR: convert holds the Ingress out, since without them its ALB would admit everyone its scheme (\(exposure.target.rawValue)) reaches",
                        severity: severity)
            }
        }
    }
}
