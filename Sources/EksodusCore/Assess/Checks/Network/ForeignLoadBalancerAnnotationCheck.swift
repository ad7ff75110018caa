/// LoadBalancer services configured for another platform's load balancer (MetalLB, GCP, Azure, OpenStack).
struct ForeignLoadBalancerAnnotationCheck: Check {
    static let foreignPrefixes = ["metallb.universe.tf/", "metallb.io/", "cloud.google.com/", "networking.gke.io/",
                                  "service.beta.kubernetes.io/azure-", "loadbalancer.openstack.org/", "service.beta.kubernetes.io/openstack-",
                                  "service.kubernetes.io/ibm-", "kube-vip.io/", "io.cilium/lb-ipam"]

    let info = CheckInfo(
        id: "NET002", title: "Load balancer annotations of another platform", severity: .warning, category: .network,
        rationale: "MetalLB pools, GCP and Azure load balancer annotations mean nothing on AWS; the service would get a default (internal) NLB or none.",
        remediation: "Replace them with AWS Load Balancer Controller annotations: aws-load-balancer-type external, nlb-target-type ip, scheme internet-facing or internal.",
        triggering: ["""
            apiVersion: v1
            kind: Service
            metadata:
              name: ingress
              namespace: shop
              annotations: {metallb.universe.tf/address-pool: public}
            spec: {type: LoadBalancer, selector: {app: ingress}, ports: [{port: 443}]}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Service
            metadata:
              name: ingress
              namespace: shop
              annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}
            spec: {type: LoadBalancer, selector: {app: ingress}, ports: [{port: 443}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.services.flatMap { service -> [Finding] in
            guard service.type == "LoadBalancer" else { return [] }
            return service.resource.annotations.keys.sorted().filter { key in Self.foreignPrefixes.contains { key.hasPrefix($0) } }.map { key in
                finding(service.resource, field: "metadata.annotations[\(key)]",
                        "Service \(service.resource.name) carries \(key), which AWS ignores: use AWS Load Balancer Controller annotations")
            }
        }
    }
}
