/// PodSecurityPolicy objects, which Kubernetes 1.25 removed with no direct replacement.
struct PodSecurityPolicyCheck: Check {
    let info = CheckInfo(
        id: "API003", title: "PodSecurityPolicy in use", severity: .blocker, category: .api,
        rationale: "PodSecurityPolicy was removed in Kubernetes 1.25; EKS clusters from 1.25 on have no PSP admission, so the policy silently stops applying.",
        remediation: "Express the policy with Pod Security Admission labels on namespaces (baseline/restricted), or with Kyverno or OPA Gatekeeper rules.",
        triggering: ["""
            apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata: {name: restricted}
            spec: {privileged: false, seLinux: {rule: RunAsAny}, runAsUser: {rule: MustRunAsNonRoot}, supplementalGroups: {rule: RunAsAny}, fsGroup: {rule: RunAsAny}}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels: {pod-security.kubernetes.io/enforce: baseline}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let removed = context.target >= KubernetesVersion(major: 1, minor: 25)
        return estate.resources(kind: "PodSecurityPolicy").map { resource in
            finding(resource, field: "kind",
                    "PodSecurityPolicy \(resource.name) \(removed ? "no longer exists in Kubernetes \(context.target)" : "is deprecated and removed in 1.25"): "
                        + "move its rules to Pod Security Admission or a policy engine",
                    severity: removed ? .blocker : .warning)
        }
    }
}
