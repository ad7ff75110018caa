/// LoadBalancer services that say nothing to the AWS Load Balancer Controller; a warning when the service is internet-facing
/// today, because the controller's default scheme (internal) would cut it off from the internet.
struct LoadBalancerWithoutAWSControllerCheck: Check {
    let info = CheckInfo(
        id: "NET003", title: "LoadBalancer service without AWS Load Balancer Controller settings", severity: .info, category: .network,
        rationale: "Without annotations the AWS Load Balancer Controller picks its defaults: an internal scheme (since v2.2) and instance targets, which Fargate cannot use. A service the internet reaches today would silently become private.",
        remediation: "Annotate: service.beta.kubernetes.io/aws-load-balancer-type: external, -nlb-target-type: ip, -scheme: internet-facing (or internal).",
        triggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: tcp, namespace: shop}
            spec: {type: LoadBalancer, selector: {app: tcp}, ports: [{port: 5432}]}
            """, """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}}
            spec: {type: LoadBalancer, loadBalancerIP: 203.0.113.10, selector: {app: web}, ports: [{port: 443}]}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: tcp, namespace: shop}
            spec: {type: LoadBalancer, loadBalancerClass: service.k8s.aws/nlb, selector: {app: tcp}, ports: [{port: 5432}]}
            """]
    )

    /// LoadBalancerExposure reads the Services' bodies.
    let bodies = Estate.Bodies(kinds: ["Service"])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.services.compactMap { service in
            guard service.type == "LoadBalancer" else { return nil }
            let annotations = service.resource.annotations
            let schemeStated = annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] != nil
                || annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] != nil
            let exposure = LoadBalancerExposure.of(service, reference: context.reference)
            if exposure.source == .internetFacing && !schemeStated {
                return finding(service.resource, field: "metadata.annotations",
                               "Service \(service.resource.name) is internet-facing today (\(exposure.evidence)); the AWS Load Balancer Controller's default scheme is internal, so as written it would no longer be reachable from the internet: set service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing",
                               severity: .warning)
            }
            guard service.loadBalancerClass != "service.k8s.aws/nlb",
                  !annotations.keys.contains(where: { $0.hasPrefix("service.beta.kubernetes.io/aws-load-balancer-") }) else { return nil }
            return finding(service.resource, field: "metadata.annotations",
                           "Service \(service.resource.name) has no AWS Load Balancer Controller settings: add aws-load-balancer-type external, nlb-target-type ip and a scheme (today: \(exposure.summary))")
        }
    }
}
