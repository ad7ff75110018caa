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
            let subjects = Self.grantees(binding.body, name: binding.name).map(\.label)
            guard !subjects.isEmpty else { return nil }
            return finding(binding, field: "roleRef", "\(binding.kind) \(binding.name) gives cluster-admin to \(subjects.joined(separator: ", "))")
        }
    }

    struct Subject: Hashable {
        var kind: String
        var namespace: String?
        var name: String
        var label: String { "\(kind) \(namespace.map { $0 + "/" } ?? "")\(name)" }
    }

    /// The subjects other than Kubernetes' own (`system:`) a binding gives cluster-admin to; empty for any other binding.
    /// eksodus convert holds such a binding out: on EKS people and pipelines get access through access entries
    /// (plan:access), not through a copied binding.
    static func grantees(_ body: ManifestNode, name: String) -> [Subject] {
        guard body["roleRef", "name"]?.string == "cluster-admin", !name.hasPrefix("system:") else { return [] }
        return (body["subjects"]?.items ?? []).compactMap { subject in
            guard let kind = subject["kind"]?.string, let name = subject["name"]?.string, !name.hasPrefix("system:") else { return nil }
            return Subject(kind: kind, namespace: subject["namespace"]?.string, name: name)
        }
    }
}
