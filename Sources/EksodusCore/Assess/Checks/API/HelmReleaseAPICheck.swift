/// A Helm release whose rendered manifest holds an API version the target removed or deprecated: what pluto
/// calls in-cluster Helm detection. The live objects may already be served in a current version, but Helm compares
/// against the manifest it stored, so `helm upgrade` fails on the target until the chart is moved on.
struct HelmReleaseAPICheck: Check {
    let info = CheckInfo(
        id: "API008", title: "Helm release manifest uses a removed or deprecated API version", severity: .blocker, category: .api,
        rationale: "Helm stores each release's rendered manifest; a chart that renders a removed API version cannot be installed on EKS, and `helm upgrade` of the stored release fails.",
        remediation: "Move the release to a chart version that renders current API versions before re-installing it on EKS (or fix the chart); deprecated versions are a warning.",
        triggering: ["""
            # target: 1.16
            apiVersion: v1
            kind: Secret
            type: helm.sh/release.v1
            metadata: {name: sh.helm.release.v1.shop.v3, namespace: shop, labels: {name: shop, owner: helm, status: deployed, version: "3"}}
            data: {release: SDRzSUFBQUFBQUFDQTAyUFN3N0NNQXhFcnhLWmJUOFVkbGx6QXlSVzJaaldGUkdORXpWdVJZVjZkeEorNnM2ZXNaL0hUMkIwQkJyaXpRY28zbDBNMkc2a21jWm9QWU0rRm1DNTk2Q2ZFQVZsaW1tbW96RDRoVHBZQzJodk9FcDJIUWwyS0pqckx4NkQzYUtncVE3VlBpa1l3dVV2Wm1sTklJZHNlNHFKQldWWkd0NnBzNS9HbHJSS21GckloUUdGWXYwNTdvaWxXdEFOaHBQOXBXbEZEeUhPWmF6bjVwb1NOWWJ2bGp1dFR2ODF3NytvMnJCU09hdFcrZTB5a1F6RCtnTHE4V2pLSHdFQUFBPT0=}
            """],
        nonTriggering: ["""
            # target: 1.16
            apiVersion: v1
            kind: Secret
            type: helm.sh/release.v1
            metadata: {name: sh.helm.release.v1.shop.v3, namespace: shop, labels: {name: shop, owner: helm, status: deployed, version: "3"}}
            data: {release: SDRzSUFBQUFBQUFDQTAyUFBRNkRNQXlGcnhLNUt6K2wzVEwzQnBVNlpiR0lFVkdKRTVHQWhCQjNiOUpTeEdhLzkvelpYb0hSRWtnSXZmTlFmTHZnc1QxSk00M0JPQVo1TDhCdzUwQ3VFQ0xHS2FTTUpqKzRoVFJzQmJROWpqRzdsaUpxakpqckhZL2VuRkhRVkxmcW1oVDAvbldJV2RvU3lDS2Jqa0ppUVZtV2lpL2k2YWF4SlNrU3BvNWsvWUNSUXYxYmJvbGp0YUFkRkNkN3ArV29EL1hjS0g0YjFsSThqcXppLzMxU3NSRDVRQ255cjJVYVZ3emJCM1c1dmxjVUFRQUE=}
            """, """
            # target: 1.8
            apiVersion: v1
            kind: Secret
            type: helm.sh/release.v1
            metadata: {name: sh.helm.release.v1.shop.v3, namespace: shop, labels: {name: shop, owner: helm, status: deployed, version: "3"}}
            data: {release: SDRzSUFBQUFBQUFDQTAyUFN3N0NNQXhFcnhLWmJUOFVkbGx6QXlSVzJaaldGUkdORXpWdVJZVjZkeEorNnM2ZXNaL0hUMkIwQkJyaXpRY28zbDBNMkc2a21jWm9QWU0rRm1DNTk2Q2ZFQVZsaW1tbW96RDRoVHBZQzJodk9FcDJIUWwyS0pqckx4NkQzYUtncVE3VlBpa1l3dVV2Wm1sTklJZHNlNHFKQldWWkd0NnBzNS9HbHJSS21GckloUUdGWXYwNTdvaWxXdEFOaHBQOXBXbEZEeUhPWmF6bjVwb1NOWWJ2bGp1dFR2ODF3NytvMnJCU09hdFcrZTB5a1F6RCtnTHE4V2pLSHdFQUFBPT0=}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        // An uninstalled release's history is no upgrade waiting to fail.
        estate.helmReleases.filter { !$0.isUninstalled }.flatMap { release in
            release.manifestObjects.compactMap { object -> Finding? in
                guard let status = context.reference.apiStatus(apiVersion: object.apiVersion, kind: object.kind, target: context.target) else { return nil }
                let replacement: String
                switch context.reference.replacement(apiVersion: object.apiVersion, kind: object.kind, target: context.target) {
                case .apiVersion(let version): replacement = "the chart must render \(version)"
                case .none(let advice): replacement = advice.isEmpty ? "no API version replaces it" : "no API version replaces it: use \(advice)"
                }
                let state = status.removed
                    ? "removed in Kubernetes \(status.status.removedIn.map(\.description) ?? "?")"
                    : "deprecated since Kubernetes \(status.status.deprecatedIn.map(\.description) ?? "?")"
                return Finding(
                    checkID: info.id, severity: status.removed ? .blocker : .warning, category: info.category, clusterID: release.clusterID,
                    namespace: release.namespace, kind: object.kind, name: "\(release.name)/\(object.name)", resourceID: nil, workloadID: nil,
                    field: "helm release \(release.name) revision \(release.revision)",
                    message: "Helm release \(release.name) (\(release.chartLabel)) renders \(object.kind) \(object.name) as \(object.apiVersion), "
                        + "\(state) (target \(context.target)): \(replacement)",
                    sourceFile: release.sourceFile, sourceLine: release.sourceLine)
            }
        }
    }
}
