/// AWS load balancer annotations on an object AWS does not serve today (an nginx Ingress, a MetalLB or vSphere Service):
/// nothing acts on them on the source, so they are no evidence of its exposure, and carried to EKS they would decide it
/// (an `internet-facing` scheme, `0.0.0.0/0` inbound-cidrs, a TLS 1.0 policy). The plan ignores them (internal until
/// decided where nothing else says) and convert drops them, naming each in CHANGES.md.
struct InertAWSLoadBalancerAnnotationCheck: Check {
    let info = CheckInfo(
        id: "NET011", title: "AWS load balancer annotations the source does not act on", severity: .warning, category: .network,
        rationale: "An alb.ingress.kubernetes.io/* or service.beta.kubernetes.io/aws-load-balancer-* annotation does something only where AWS serves the object (an Ingress of class alb, a Service behind an ELB). Anywhere else it is inert: a tenant can write internet-facing or 0.0.0.0/0 there at no cost today, and the AWS Load Balancer Controller on EKS would obey it and open an internal service to the internet.",
        remediation: "Decide the exposure from what the source serves today (its controller's allow-list, its load balancer's address); convert drops these annotations and the plan keeps the object internal until decided. Remove them from the source manifests.",
        triggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: shop
              annotations: {nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8, alb.ingress.kubernetes.io/scheme: internet-facing, alb.ingress.kubernetes.io/inbound-cidrs: 0.0.0.0/0}
            spec: {ingressClassName: nginx, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """, """
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop, annotations: {service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing}}
            spec: {type: LoadBalancer, selector: {app: db}, ports: [{port: 5432}]}
            status: {loadBalancer: {ingress: [{ip: 10.20.30.40}]}}
            """],
        nonTriggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: shop
              annotations: {alb.ingress.kubernetes.io/scheme: internet-facing, alb.ingress.kubernetes.io/inbound-cidrs: 0.0.0.0/0}
            spec: {ingressClassName: alb, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """, """
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop, annotations: {service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing}}
            spec: {type: LoadBalancer, selector: {app: db}, ports: [{port: 5432}]}
            status: {loadBalancer: {ingress: [{hostname: a1b2-123.elb.eu-west-1.amazonaws.com}]}}
            """]
    )

    /// A Service's status (which load balancer serves it) is in its body.
    let bodies = Estate.Bodies(kinds: ["Service"])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let ingresses = estate.ingresses.flatMap { ingress in
            LoadBalancerExposure.inertAWSAnnotations(ingress).map { key in
                finding(ingress.resource, field: "metadata.annotations[\(key)]",
                        "Ingress \(ingress.resource.name) carries \(key)=\(String((ingress.resource.annotations[key] ?? "").prefix(80)).visibleLine), but its class is \(ingress.className.map { String($0.prefix(63)).visibleLine } ?? "(none)"), not alb: nothing acts on it today, so it is no evidence of its exposure; convert drops it (on EKS it would decide the ALB's scheme, allow-list or TLS)")
            }
        }
        let services = estate.services.filter { $0.type == "LoadBalancer" }.flatMap { service in
            LoadBalancerExposure.inertAWSAnnotations(service).map { key in
                finding(service.resource, field: "metadata.annotations[\(key)]",
                        "Service \(service.resource.name) carries \(key)=\(String((service.resource.annotations[key] ?? "").prefix(80)).visibleLine), but no AWS load balancer serves it today (its status names no ELB): nothing acts on it, so it is no evidence of its exposure; convert drops it (on EKS it would decide the NLB's scheme or who reaches it)")
            }
        }
        return ingresses + services
    }
}
