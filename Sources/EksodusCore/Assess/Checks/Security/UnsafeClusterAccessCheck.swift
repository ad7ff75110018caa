import Foundation

/// Objects that open the cluster to everyone or send its objects out of it: a binding that grants a role to anonymous
/// callers or to every authenticated identity, and an admission webhook, a CRD conversion webhook or an aggregated API
/// the API server calls at a URL or through an ExternalName Service instead of an in-cluster Service. Convert does not
/// copy them (ManifestConverter asks `reason`); the finding says why. A conversion webhook or aggregated API served by an
/// in-cluster Service is a warning: it must move with that Service, or the API it serves breaks on EKS.
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
        rationale: "A binding to system:anonymous, system:unauthenticated or system:authenticated gives its role to every caller (on EKS, every IAM principal with an access entry, or anyone reaching the endpoint); one to system:serviceaccounts gives it to every pod of every namespace, and cluster-admin to system:serviceaccounts:<namespace> makes whoever can run a pod there a cluster admin; an admission webhook with a clientConfig url has the EKS API server send each matching object, Secrets included when its rules match them, to that host (Kubernetes docs, \"Dynamic Admission Control\"), and so does a CRD conversion webhook with every custom object it converts; a clientConfig or APIService that names an ExternalName Service goes to that Service's external host all the same (the API server resolves it so), and an aggregated API receives each request with the caller's identity. Copied silently, either hands the new cluster to whoever set it up. A conversion webhook or an APIService served by an in-cluster Service is a warning: without that Service's pods on EKS, the CRD's other versions or the aggregated API (and with it API discovery and namespace deletion) fail.",
        remediation: "Bind the role to a named group, user or ServiceAccount (people through EKS access entries); run the webhook in the cluster behind a ClusterIP Service (clientConfig.service), or leave it out; serve an aggregated API from pods in the cluster. Move a conversion webhook's or an APIService's Service and pods in the same wave as the CRD or APIService, before it. eksodus convert does not write the objects that call outside.",
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
            """, """
            apiVersion: v1
            kind: Service
            metadata: {name: policy-relay, namespace: policy}
            spec: {type: ExternalName, externalName: admit.vendor.example.net}
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata: {name: vendor-policy}
            webhooks:
            - name: policy.vendor.example.net
              clientConfig: {service: {name: policy-relay, namespace: policy, path: /validate}}
              rules: [{apiGroups: ["*"], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: ["*"]}]
              sideEffects: None
              admissionReviewVersions: [v1]
            """, """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets}
              scope: Namespaced
              versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}, {name: v1beta1, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}]
              conversion:
                strategy: Webhook
                webhook: {conversionReviewVersions: [v1], clientConfig: {url: "https://convert.example.net/widgets"}}
            """, """
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata: {name: v1beta1.metrics.example.com}
            spec: {group: metrics.example.com, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100, service: {name: metrics-api, namespace: monitoring}}
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
            """, """
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata: {name: v1.apps}
            spec: {group: apps, version: v1, groupPriorityMinimum: 17800, versionPriority: 15}
            """, """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gadgets.example.com}
            spec:
              group: example.com
              names: {kind: Gadget, plural: gadgets}
              scope: Namespaced
              versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
              conversion: {strategy: None}
            """]
    )

    /// The kinds whose objects the API server calls out of, or that grant access; Services for the ExternalName aliases.
    static let kinds = ["ClusterRoleBinding", "RoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
                        "CustomResourceDefinition", "APIService"]

    let bodies = Estate.Bodies(kinds: Set(kinds + ["Service"]))

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let aliases = Self.externalNames(estate)
        return Self.kinds.flatMap { estate.resources(kind: $0) }.compactMap { resource in
            if let unsafe = Self.reason(resource.body, kind: resource.kind, externalNames: aliases) {
                return finding(resource, field: unsafe.field, "\(resource.kind) \(resource.name) \(unsafe.why)")
            }
            return Self.companion(resource.body, kind: resource.kind).map {
                finding(resource, field: $0.field, "\(resource.kind) \(resource.name) \($0.why)", severity: .warning)
            }
        }
    }

    /// `namespace/name` → `spec.externalName` of the estate's ExternalName Services. The API server resolves a webhook's or
    /// an APIService's Service of that type to its external host (k8s.io/apiserver pkg/util/proxy `ResolveCluster`, the
    /// resolver of admission webhooks, conversion webhooks and the aggregator), so such a Service is a URL in disguise.
    static func externalNames(_ estate: Estate) -> [String: String] {
        var names: [String: String] = [:]
        for service in estate.services where service.type == "ExternalName" {
            names["\(service.resource.namespace)/\(service.resource.name)"] = service.resource.body["spec", "externalName"]?.string ?? "?"
        }
        return names
    }

    /// The outside host a webhook's `clientConfig` sends to: its URL's host (the host only: a URL's user info or query can
    /// carry a credential), or the target of the ExternalName Service it names; nil when in-cluster.
    static func outsideHost(_ config: ManifestNode?, externalNames: [String: String]) -> String? {
        if let url = config?["url"]?.string { return URLComponents(string: url)?.host.map { "host \($0.visibleLine)" } ?? "a URL" }
        return aliasedHost(config?["service"], externalNames: externalNames)
    }

    /// `service` (`{namespace, name}`) when it is an ExternalName Service, with its target.
    static func aliasedHost(_ service: ManifestNode?, externalNames: [String: String]) -> String? {
        guard let name = service?["name"]?.string, let namespace = service?["namespace"]?.string,
              let target = externalNames["\(namespace)/\(name)"] else { return nil }
        return "ExternalName Service \(namespace.visibleLine)/\(name.visibleLine) → \(target.visibleLine)"
    }

    /// A CRD's conversion webhook `clientConfig`: apiextensions.k8s.io/v1 `spec.conversion.webhook.clientConfig`, v1beta1
    /// `spec.conversion.webhookClientConfig`.
    static func conversionClient(_ body: ManifestNode) -> ManifestNode? {
        body["spec", "conversion", "webhook", "clientConfig"] ?? body["spec", "conversion", "webhookClientConfig"]
    }

    /// Why an object must move with the in-cluster Service it is served by, and the field that says so; nil when it is not.
    static func companion(_ body: ManifestNode, kind: String) -> (field: String, why: String)? {
        func service(_ config: ManifestNode?) -> String? {
            guard let name = config?["service", "name"]?.string else { return nil }
            return "\((config?["service", "namespace"]?.string ?? "?").visibleLine)/\(name.visibleLine)"
        }
        switch kind {
        case "CustomResourceDefinition":
            guard let service = service(conversionClient(body)) else { return nil }
            return ("spec.conversion.webhook.clientConfig.service", "converts between its versions through the webhook of Service \(service): run that Service's pods on EKS before applying the CRD, or every read and write of a version other than the stored one fails")
        case "APIService":
            guard let service = service(body["spec"]) else { return nil }
            let api = "\((body["spec", "group"]?.string ?? "?").visibleLine)/\((body["spec", "version"]?.string ?? "?").visibleLine)"
            return ("spec.service", "serves the aggregated API \(api) from Service \(service): move it with that Service and its pods, in the same wave; while the Service has no ready pod the APIService is unavailable, API discovery on EKS is incomplete (kubectl api-resources fails) and namespace deletion waits on it")
        default:
            return nil
        }
    }

    /// Why an object of `kind` must not be copied to EKS, and the field that says so; nil when it may.
    /// `externalNames`: `externalNames(estate)`, for the webhooks and APIServices behind an ExternalName Service.
    static func reason(_ body: ManifestNode, kind: String, externalNames: [String: String] = [:]) -> (field: String, why: String)? {
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
            let configs = (body["webhooks"]?.items ?? []).map { $0["clientConfig"] }
            let urls = configs.compactMap { $0?["url"]?.string }
            if let first = urls.first {
                let host = URLComponents(string: first)?.host.map { "host \($0)" } ?? "a URL"
                return ("webhooks.clientConfig.url", "calls \(urls.count == 1 ? "a webhook" : "\(urls.count) webhooks") outside the cluster (\(host)): the API server would send it every object its rules match")
            }
            let aliased = configs.compactMap { outsideHost($0, externalNames: externalNames) }
            guard let first = aliased.first else { return nil }
            return ("webhooks.clientConfig.service", "calls \(aliased.count == 1 ? "a webhook" : "\(aliased.count) webhooks") outside the cluster through \(first): the API server resolves that Service to its external host and would send it every object its rules match")
        case "CustomResourceDefinition":
            guard let host = outsideHost(conversionClient(body), externalNames: externalNames) else { return nil }
            return ("spec.conversion.webhook.clientConfig", "converts between its versions through a webhook outside the cluster (\(host)): the API server would send it every custom object it reads or writes in another version than the stored one")
        case "APIService":
            guard let host = aliasedHost(body["spec", "service"], externalNames: externalNames) else { return nil }
            return ("spec.service", "serves an aggregated API from outside the cluster (\(host)): the API server would proxy every request of that API, with the caller's user and groups in its headers, to that host")
        default:
            return nil
        }
    }
}
