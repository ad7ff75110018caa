/// Services whose manifest fixes the cluster IP.
struct PinnedClusterIPCheck: Check {
    let info = CheckInfo(
        id: "NET004", title: "Pinned cluster IP", severity: .warning, category: .network,
        rationale: "A fixed clusterIP must fall inside the EKS cluster's service CIDR (10.100.0.0/16 or 172.20.0.0/16 by default), which rarely matches the source cluster's.",
        remediation: "Drop spec.clusterIP and let clients use the service's DNS name; if a fixed IP is unavoidable, choose it from the EKS service CIDR.",
        triggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: dns, namespace: shop}
            spec: {clusterIP: 10.96.0.53, selector: {app: dns}, ports: [{port: 53, protocol: UDP}]}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.services.compactMap { service in
            // In a live export every Service shows the IP the cluster gave it; only a manifest (no uid) pins one.
            guard let ip = service.clusterIP, !ip.isEmpty, ip != "None", service.resource.uid == nil,
                  !(service.resource.namespace == "default" && service.resource.name == "kubernetes") else { return nil }
            return finding(service.resource, field: "spec.clusterIP", "Service \(service.resource.name) pins clusterIP \(ip): drop it or pick one inside the EKS service CIDR")
        }
    }
}
