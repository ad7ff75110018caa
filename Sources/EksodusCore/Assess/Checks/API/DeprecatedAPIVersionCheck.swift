/// An object written in an API version the target still serves but has deprecated.
struct DeprecatedAPIVersionCheck: Check {
    let info = CheckInfo(
        id: "API002", title: "API version deprecated in the target Kubernetes version", severity: .warning, category: .api,
        rationale: "A deprecated API version still works on the target, but is scheduled for removal: the next EKS upgrade will break it.",
        remediation: "Move the manifest to the replacement API version while migrating, so the new cluster starts clean.",
        triggering: ["""
            # target: 1.15
            apiVersion: extensions/v1beta1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec: {template: {spec: {containers: [{name: api, image: api:1}]}}}
            """],
        nonTriggering: ["""
            # target: 1.15
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec: {template: {spec: {containers: [{name: api, image: api:1}]}}}
            """, """
            # target: 1.8
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
                  !status.removed else { return nil }
            let removal = status.status.removedIn.map { ", removed in \($0)" } ?? ""
            let replacement: String
            switch context.reference.replacement(apiVersion: resource.apiVersion, kind: resource.kind, target: context.target) {
            case .apiVersion(let version): replacement = ": use \(version)"
            case .none(let advice): replacement = advice.isEmpty ? "" : ": use \(advice)"
            }
            return finding(resource, field: "apiVersion",
                           "\(resource.apiVersion) \(resource.kind) is deprecated since Kubernetes \(status.status.deprecatedIn.map(\.description) ?? "?")\(removal)\(replacement)")
        }
    }
}
