/// Custom resources whose CustomResourceDefinition is not in the export.
struct MissingCustomResourceDefinitionCheck: Check {
    static let builtInGroups: Set<String> = [
        "", "apps", "batch", "extensions", "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "autoscaling",
        "apiextensions.k8s.io", "admissionregistration.k8s.io", "apiregistration.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
        "events.k8s.io", "node.k8s.io", "scheduling.k8s.io", "certificates.k8s.io", "flowcontrol.apiserver.k8s.io", "authentication.k8s.io",
        "authorization.k8s.io", "resource.k8s.io", "storagemigration.k8s.io", "internal.apiserver.k8s.io", "metrics.k8s.io",
    ]

    let info = CheckInfo(
        id: "API004", title: "Custom resource without its CustomResourceDefinition", severity: .warning, category: .api,
        rationale: "A custom resource applies only where its CRD (and usually its operator) is installed; the export does not show where that comes from.",
        remediation: "Install the CRD and its operator on the EKS cluster first (wave 0), from the vendor's chart, then the resources.",
        triggering: ["""
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: web, namespace: shop}
            spec: {selector: {matchLabels: {app: web}}}
            """],
        nonTriggering: ["""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: servicemonitors.monitoring.coreos.com}
            spec:
              group: monitoring.coreos.com
              names: {kind: ServiceMonitor, plural: servicemonitors}
              scope: Namespaced
              versions: [{name: v1, served: true, storage: true}]
            ---
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: web, namespace: shop}
            spec: {selector: {matchLabels: {app: web}}}
            """]
    )

    let bodies = Estate.Bodies(kinds: ["CustomResourceDefinition"])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var defined: Set<String> = []
        for crd in estate.resources(kind: "CustomResourceDefinition") {
            let body = crd.body
            if let group = body["spec", "group"]?.string, let kind = body["spec", "names", "kind"]?.string { defined.insert(group + "/" + kind) }
        }
        return estate.resources.compactMap { resource in
            guard !Self.builtInGroups.contains(resource.group), !resource.group.hasSuffix(".openshift.io"),
                  !defined.contains(resource.group + "/" + resource.kind) else { return nil }
            return finding(resource, field: "apiVersion",
                           "\(resource.kind) (\(resource.group)) is a custom resource whose CRD is not in the export: install its CRD and operator on EKS first")
        }
    }
}
