/// Services exposed on a port of every node.
struct NodePortServiceCheck: Check {
    let info = CheckInfo(
        id: "NET001", title: "NodePort service", severity: .warning, category: .network,
        rationale: "On EKS, nodes come and go and sit in private subnets; clients that reached a node's port (often through an external load balancer) lose their path.",
        remediation: "Expose the service through the AWS Load Balancer Controller: an Ingress (ALB) for HTTP, or a LoadBalancer service (NLB) for TCP/UDP.",
        triggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: admin, namespace: shop}
            spec: {type: NodePort, selector: {app: admin}, ports: [{port: 80, nodePort: 30080}]}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: admin, namespace: shop}
            spec: {selector: {app: admin}, ports: [{port: 80}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.services.compactMap { service in
            guard service.type == "NodePort" else { return nil }
            let ports = service.ports.items.compactMap { $0["nodePort"]?.string }.joined(separator: ", ")
            return finding(service.resource, field: "spec.type",
                           "Service \(service.resource.name) is a NodePort\(ports.isEmpty ? "" : " (\(ports))"): expose it with an ALB Ingress or an NLB instead")
        }
    }
}
