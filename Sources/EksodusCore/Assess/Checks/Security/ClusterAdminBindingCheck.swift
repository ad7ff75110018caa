/// Bindings that give cluster-admin to service accounts, users or groups.
struct ClusterAdminBindingCheck: Check {
    let info = CheckInfo(
        id: "SEC008", title: "cluster-admin binding", severity: .warning, category: .security,
        rationale: "cluster-admin is every permission on every object; on EKS, cluster access also goes through access entries and IAM, so these grants deserve a fresh look.",
        remediation: "Grant a narrower ClusterRole or namespaced Role; for people, use EKS access entries with an access policy.",
        triggering: ["""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: ci-admin}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: ServiceAccount, name: ci, namespace: tools}]
            """],
        nonTriggering: ["""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: ci-view}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects: [{kind: ServiceAccount, name: ci, namespace: tools}]
            """]
    )

    let bodies = Estate.Bodies(kinds: ["ClusterRoleBinding", "RoleBinding"])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        (estate.resources(kind: "ClusterRoleBinding") + estate.resources(kind: "RoleBinding")).compactMap { binding in
            let body = binding.body
            guard body["roleRef", "name"]?.string == "cluster-admin", !binding.name.hasPrefix("system:") else { return nil }
            let subjects = (body["subjects"]?.items ?? []).compactMap { subject -> String? in
                guard let kind = subject["kind"]?.string, let name = subject["name"]?.string, !name.hasPrefix("system:") else { return nil }
                return "\(kind) \(subject["namespace"]?.string.map { $0 + "/" } ?? "")\(name)"
            }
            guard !subjects.isEmpty else { return nil }
            return finding(binding, field: "roleRef", "\(binding.kind) \(binding.name) gives cluster-admin to \(subjects.joined(separator: ", "))")
        }
    }
}
