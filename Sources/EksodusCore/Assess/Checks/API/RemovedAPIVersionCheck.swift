/// An object written in an API version the target Kubernetes version no longer serves.
struct RemovedAPIVersionCheck: Check {
    let info = CheckInfo(
        id: "API001", title: "API version removed in the target Kubernetes version", severity: .blocker, category: .api,
        rationale: "EKS serves only the API versions of its Kubernetes version; manifests in a removed version are rejected on apply.",
        remediation: "Rewrite the manifest in the replacement API version (kubectl convert, or edit it), mind the conversion notes (Ingress v1 needs pathType; apps/v1 needs a selector).",
        triggering: ["""
            apiVersion: extensions/v1beta1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec: {template: {spec: {containers: [{name: api, image: api:1}]}}}
            """],
        nonTriggering: ["""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api:1}]}}}
            """, """
            # target: 1.15
            apiVersion: extensions/v1beta1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec: {template: {spec: {containers: [{name: api, image: api:1}]}}}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var statuses = APIStatusLookup(context.reference, target: context.target)
        return estate.resources(ofKinds: statuses.kinds).compactMap { resource in
            guard let status = statuses.status(apiVersion: resource.apiVersion, kind: resource.kind),
                  status.removed, let removedIn = status.status.removedIn else { return nil }
            let replacement: String
            switch context.reference.replacement(apiVersion: resource.apiVersion, kind: resource.kind, target: context.target) {
            case .apiVersion(let version): replacement = "use \(version)"
            case .none(let advice): replacement = advice.isEmpty ? "no replacement: remove it" : "no API version replaces it: use \(advice)"
            }
            return finding(resource, field: "apiVersion",
                           "\(resource.apiVersion) \(resource.kind) was removed in Kubernetes \(removedIn) (target \(context.target)): \(replacement)")
        }
    }
}
