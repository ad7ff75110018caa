/// NetworkPolicies, which EKS enforces only with the VPC CNI's policy agent or another policy engine.
struct NetworkPolicyCheck: Check {
    let info = CheckInfo(
        id: "NET008", title: "NetworkPolicy needs a policy engine on EKS", severity: .info, category: .network,
        rationale: "The VPC CNI enforces NetworkPolicy only when its network policy agent is enabled (enableNetworkPolicy: true); otherwise policies are ignored.",
        remediation: "Enable network policy in the vpc-cni add-on configuration, or install Calico for policy; test the policies before cutover.",
        triggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: shop}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.resources(kind: "NetworkPolicy").map { policy in
            finding(policy, field: "kind", "NetworkPolicy \(policy.name) is enforced on EKS only with the VPC CNI policy agent (enableNetworkPolicy) or Calico")
        }
    }
}
