/// ingress-nginx annotations that the AWS Load Balancer Controller cannot express, or only in part.
struct NginxAnnotationWithoutALBEquivalentCheck: Check {
    static let prefix = "nginx.ingress.kubernetes.io/"

    let info = CheckInfo(
        id: "NET006", title: "ingress-nginx annotation with no ALB equivalent", severity: .warning, category: .network,
        rationale: "Some ingress-nginx behaviour (snippets, basic auth, body size limits, rate limits) has no ALB setting; moving to ALB silently drops it.",
        remediation: "Move the behaviour into the application, AWS WAF or CloudFront, or keep ingress-nginx behind an NLB for these hosts.",
        triggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: shop
              annotations: {nginx.ingress.kubernetes.io/proxy-body-size: 50m}
            spec: {ingressClassName: nginx, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """],
        nonTriggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: shop
              annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "true"}
            spec: {ingressClassName: nginx, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.ingresses.flatMap { ingress -> [Finding] in
            ingress.resource.annotations.keys.sorted().filter { $0.hasPrefix(Self.prefix) }.compactMap { key in
                let name = String(key.dropFirst(Self.prefix.count))
                let mapping = context.reference.nginxAnnotations.first { $0.nginx == name }
                switch mapping?.support {
                case "full": return nil
                case "partial":
                    return finding(ingress.resource, field: "metadata.annotations[\(key)]",
                                   "\(key) maps only in part to ALB: \(mapping?.alb ?? "")", severity: .info)
                default:
                    return finding(ingress.resource, field: "metadata.annotations[\(key)]",
                                   "\(key) has no ALB equivalent: \(mapping?.alb ?? "review it by hand")")
                }
            }
        }
    }
}
