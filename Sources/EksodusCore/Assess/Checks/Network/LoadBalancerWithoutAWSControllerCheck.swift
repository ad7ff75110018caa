/// LoadBalancer services that say nothing to the AWS Load Balancer Controller.
struct LoadBalancerWithoutAWSControllerCheck: Check {
    let info = CheckInfo(
        id: "NET003", title: "LoadBalancer service without AWS Load Balancer Controller settings", severity: .info, category: .network,
        rationale: "Without annotations the controller (or the legacy in-tree provider) picks defaults: an internal scheme and instance targets, which Fargate cannot use.",
        remediation: "Annotate: service.beta.kubernetes.io/aws-load-balancer-type: external, -nlb-target-type: ip, -scheme: internet-facing (or internal).",
        triggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: tcp, namespace: shop}
            spec: {type: LoadBalancer, selector: {app: tcp}, ports: [{port: 5432}]}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: tcp, namespace: shop}
            spec: {type: LoadBalancer, loadBalancerClass: service.k8s.aws/nlb, selector: {app: tcp}, ports: [{port: 5432}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.services.compactMap { service in
            guard service.type == "LoadBalancer", service.loadBalancerClass != "service.k8s.aws/nlb",
                  !service.resource.annotations.keys.contains(where: { $0.hasPrefix("service.beta.kubernetes.io/aws-load-balancer-") }) else { return nil }
            return finding(service.resource, field: "metadata.annotations",
                           "Service \(service.resource.name) has no AWS Load Balancer Controller settings: add aws-load-balancer-type external, nlb-target-type ip and a scheme")
        }
    }
}
