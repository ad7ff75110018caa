/// Ingresses served by a controller other than the AWS Load Balancer Controller.
struct NonALBIngressClassCheck: Check {
    let info = CheckInfo(
        id: "NET005", title: "Ingress class other than ALB", severity: .warning, category: .network,
        rationale: "ingress-nginx, Traefik or HAProxy must be reinstalled and fronted by an NLB on EKS; the native path is an ALB per ingress group.",
        remediation: "Either move the Ingress to ingressClassName: alb (with mapped annotations) or plan the controller's install behind an NLB.",
        triggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec: {ingressClassName: nginx, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """],
        nonTriggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec: {ingressClassName: alb, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.ingresses.compactMap { ingress in
            guard ingress.className != "alb" else { return nil }
            return finding(ingress.resource, field: ingress.className == nil ? "spec.ingressClassName" : "spec.ingressClassName",
                           "Ingress \(ingress.resource.name) uses class \(ingress.className ?? "(none: the default class)"): move it to ingressClassName: alb, or reinstall that controller behind an NLB")
        }
    }
}
