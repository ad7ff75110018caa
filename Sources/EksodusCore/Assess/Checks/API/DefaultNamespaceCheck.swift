/// Application objects in the `default` namespace.
struct DefaultNamespaceCheck: Check {
    let info = CheckInfo(
        id: "API005", title: "Objects in the default namespace", severity: .info, category: .api,
        rationale: "Objects in `default` cannot be given their own quotas, network policies, Pod Security level or Fargate profile.",
        remediation: "Give the application its own namespace on the EKS cluster; the move is the cheapest moment to do it.",
        triggering: ["""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: default}
            data: {a: b}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            data: {a: b}
            """, """
            apiVersion: v1
            kind: Service
            metadata: {name: kubernetes, namespace: default}
            spec: {ports: [{port: 443}]}
            """]
    )

    /// What every cluster has in `default`.
    static let builtIn: Set<String> = ["Service/kubernetes", "Endpoints/kubernetes", "EndpointSlice/kubernetes", "ConfigMap/kube-root-ca.crt", "ServiceAccount/default"]

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.resources.compactMap { resource in
            guard resource.namespace == "default", !Self.builtIn.contains("\(resource.kind)/\(resource.name)"), resource.ownerKind == nil,
                  !["Endpoints", "EndpointSlice", "Event"].contains(resource.kind) else { return nil }
            return finding(resource, field: "metadata.namespace", "\(resource.kind) \(resource.name) lives in the default namespace: give it a namespace of its own")
        }
    }
}
