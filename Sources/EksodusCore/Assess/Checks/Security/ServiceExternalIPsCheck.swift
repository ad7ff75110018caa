/// Services with `spec.externalIPs` (CVE-2020-8554).
struct ServiceExternalIPsCheck: Check {
    let info = CheckInfo(
        id: "SEC013", title: "Service externalIPs", severity: .blocker, category: .security,
        rationale: "Any address in spec.externalIPs is captured by kube-proxy on every node: a tenant who may create Services intercepts the cluster's traffic to that address, another tenant's or an AWS endpoint's (CVE-2020-8554, man in the middle; unpatched by design). On EKS nothing routes outside traffic to those addresses anyway.",
        remediation: "Expose the Service through an NLB or an ALB Ingress (the network plan's); on EKS, deny externalIPs cluster-wide (the DenyServiceExternalIPs admission is not enabled: use a Kyverno or Gatekeeper policy). convert drops the field.",
        triggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec: {selector: {app: db}, ports: [{port: 5432}], externalIPs: [10.0.0.53]}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec: {selector: {app: db}, ports: [{port: 5432}]}
            """]
    )

    let bodies = Estate.Bodies(kinds: ["Service"])

    /// The addresses of a Service's `spec.externalIPs`.
    static func addresses(_ service: ManifestNode) -> [String] {
        (service["spec", "externalIPs"]?.items ?? []).compactMap(\.string)
    }

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.services.compactMap { service in
            let addresses = Self.addresses(service.resource.body)
            guard !addresses.isEmpty else { return nil }
            return finding(service.resource, field: "spec.externalIPs",
                           "Service \(service.resource.name) claims externalIPs \(addresses.prefix(5).map(\.visibleLine).joined(separator: ", ")): every node's kube-proxy captures traffic to them (CVE-2020-8554); convert drops them")
        }
    }
}
