import Foundation

/// Objects that open the cluster to everyone or send its objects out of it: a binding that grants a role to anonymous
/// callers or to every authenticated identity, and an admission webhook the API server calls at a URL instead of an
/// in-cluster Service. Convert does not copy them (ManifestConverter asks `reason`); the finding says why.
struct UnsafeClusterAccessCheck: Check {
    /// Subjects that are no one in particular. CIS Kubernetes Benchmark 4.1.8/4.1.9 ("Avoid bindings to system:anonymous",
    /// "Avoid non-default bindings to system:unauthenticated / system:authenticated"); Kubernetes "Using RBAC Authorization".
    static let anonymousSubjects: Set<String> = ["system:anonymous", "system:unauthenticated", "system:authenticated"]
    /// The roles Kubernetes itself binds to those groups (discovery, version and health endpoints, self reviews): its
    /// default bindings, which every cluster has, EKS included ("Default roles and role bindings").
    /// (system:service-account-issuer-discovery is Kubernetes' own default binding for the group system:serviceaccounts.)
    static let defaultDiscoveryRoles: Set<String> = ["system:public-info-viewer", "system:discovery", "system:basic-user",
                                                     "system:service-account-issuer-discovery"]
    /// Every ServiceAccount of every namespace (Kubernetes "Using RBAC Authorization", service account groups): any pod
    /// anyone can create, in any namespace, holds the role.
    static let everyServiceAccount = "system:serviceaccounts"
    /// `system:serviceaccounts:<namespace>`: every pod of that namespace. Kubernetes documents it for namespaced grants;
    /// with cluster-admin, whoever can run a pod there owns the cluster.
    static let namespaceServiceAccountsPrefix = "system:serviceaccounts:"

    let info = CheckInfo(
        id: "SEC009", title: "Cluster open to anyone, or objects sent outside it", severity: .blocker, category: .security,
        rationale: "A binding to system:anonymous, system:unauthenticated or system:authenticated gives its role to every caller (on EKS, every IAM principal with an access entry, or anyone reaching the endpoint); one to system:serviceaccounts gives it to every pod of every namespace, and cluster-admin to system:serviceaccounts:<namespace> makes whoever can run a pod there a cluster admin; an admission webhook with a clientConfig url has the EKS API server send each matching object, Secrets included when its rules match them, to that host (Kubernetes docs, \"Dynamic Admission Control\"). Copied silently, either hands the new cluster to whoever set it up.",
        remediation: "Bind the role to a named group, user or ServiceAccount (people through EKS access entries); run the webhook in the cluster behind a Service (clientConfig.service), or leave it out. eksodus convert does not write these objects.",
        triggering: ["""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: open-admin}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}]
            """, """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: all-pods-edit}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
            subjects: [{kind: Group, name: "system:serviceaccounts", apiGroup: rbac.authorization.k8s.io}]
            """, """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: ci-pods-admin}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}]
            """, """
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata: {name: audit-everything}
            webhooks:
            - name: audit.example.com
              clientConfig: {url: "https://collector.example.net/admit"}
              rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [secrets]}]
              sideEffects: None
              admissionReviewVersions: [v1]
            """],
        nonTriggering: ["""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: "system:public-info-viewer"}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
            subjects: [{kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}]
            """, """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: "system:service-account-issuer-discovery"}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:service-account-issuer-discovery"}
            subjects: [{kind: Group, name: "system:serviceaccounts", apiGroup: rbac.authorization.k8s.io}]
            """, """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: ci-pods-view, namespace: ci}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects: [{kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}]
            """, """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata: {name: policy}
            webhooks:
            - name: policy.example.com
              clientConfig: {service: {name: policy, namespace: policy, path: /validate}}
              rules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
              sideEffects: None
              admissionReviewVersions: [v1]
            """]
    )

    let bodies = Estate.Bodies(kinds: ["ClusterRoleBinding", "RoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        ["ClusterRoleBinding", "RoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
            .flatMap { estate.resources(kind: $0) }.compactMap { resource in
                Self.reason(resource.body, kind: resource.kind).map { finding(resource, field: $0.field, "\(resource.kind) \(resource.name) \($0.why)") }
            }
    }

    /// Why an object of `kind` must not be copied to EKS, and the field that says so; nil when it may.
    static func reason(_ body: ManifestNode, kind: String) -> (field: String, why: String)? {
        switch kind {
        case "ClusterRoleBinding", "RoleBinding":
            let role = body["roleRef", "name"]?.string ?? "?"
            guard !defaultDiscoveryRoles.contains(role) else { return nil }
            let subjects = body["subjects"]?.items ?? []
            let names = subjects.filter { $0["kind"]?.string == "Group" }.compactMap { $0["name"]?.string }
            let granted = "grants \(body["roleRef", "kind"]?.string ?? "role") \(role) to"
            // system:anonymous is a user, the other two groups: any kind counts.
            let open = subjects.compactMap { $0["name"]?.string }.filter(anonymousSubjects.contains)
            if !open.isEmpty { return ("subjects", "\(granted) \(Set(open).sorted().joined(separator: ", ")): anyone who reaches the API server gets it") }
            if names.contains(everyServiceAccount) { return ("subjects", "\(granted) \(everyServiceAccount): every pod of every namespace gets it") }
            let namespaces = names.filter { $0.hasPrefix(namespaceServiceAccountsPrefix) && $0.count > namespaceServiceAccountsPrefix.count }
            if role == "cluster-admin", !namespaces.isEmpty {
                return ("subjects", "\(granted) \(Set(namespaces).sorted().joined(separator: ", ")): every pod of those namespaces gets every permission on the cluster")
            }
            return nil
        case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration":
            let urls = (body["webhooks"]?.items ?? []).compactMap { $0["clientConfig", "url"]?.string }
            guard let first = urls.first else { return nil }
            // The host only: a URL's user info or query can carry a credential.
            let host = URLComponents(string: first)?.host.map { "host \($0)" } ?? "a URL"
            return ("webhooks.clientConfig.url", "calls \(urls.count == 1 ? "a webhook" : "\(urls.count) webhooks") outside the cluster (\(host)): the API server would send it every object its rules match")
        default:
            return nil
        }
    }
}
