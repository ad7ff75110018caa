/// A live object the API server serves in a current version (apps/v1) whose last-applied-configuration says the
/// team's manifest is written in a version the target has removed (extensions/v1beta1): the object exports fine,
/// but re-applying the team's own manifest on EKS fails.
struct AppliedAPIVersionCheck: Check {
    let info = CheckInfo(
        id: "API007", title: "Source manifest applied in an API version removed in the target", severity: .blocker, category: .api,
        rationale: "A cluster converts objects to the version it serves, so an export shows apps/v1 while the manifests the team keeps in Git (and applies from CI) may still say extensions/v1beta1; kubectl records that version in the kubectl.kubernetes.io/last-applied-configuration annotation. On EKS those manifests are rejected on apply.",
        remediation: "Rewrite the team's manifest (in its repository, chart or pipeline) in the replacement API version before the cutover, then re-apply it so the annotation records the new version.",
        triggering: ["""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: shop
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"extensions/v1beta1","kind":"Deployment","metadata":{"name":"api","namespace":"shop"}}'
            spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api:1}]}}}
            """],
        nonTriggering: ["""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: shop
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"shop"}}'
            spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api:1}]}}}
            """, """
            # target: 1.15
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: shop
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"extensions/v1beta1","kind":"Deployment"}'
            spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api:1}]}}}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var statuses = APIStatusLookup(context.reference, target: context.target)
        return estate.resources(ofKinds: statuses.kinds).compactMap { resource in
            // The same version as served: API001 already judges it.
            guard let applied = estate.appliedAPIVersions[resource.id], applied != resource.apiVersion,
                  let status = statuses.status(apiVersion: applied, kind: resource.kind),
                  status.removed, let removedIn = status.status.removedIn else { return nil }
            let replacement: String
            switch context.reference.replacement(apiVersion: applied, kind: resource.kind, target: context.target) {
            case .apiVersion(let version): replacement = "write it as \(version)"
            case .none(let advice): replacement = advice.isEmpty ? "no replacement: remove it" : "no API version replaces it: use \(advice)"
            }
            return finding(resource, field: "metadata.annotations[\(ObjectRedaction.lastAppliedConfiguration)].apiVersion",
                           "the team's manifest applies \(resource.kind) as \(applied) (last-applied-configuration; the cluster serves \(resource.apiVersion)), removed in Kubernetes \(removedIn) (target \(context.target)): \(replacement)")
        }
    }
}
