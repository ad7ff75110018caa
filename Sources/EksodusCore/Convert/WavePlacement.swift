/// Which wave folder each top-level object of a cluster goes to: a workload to its wave; what a workload uses (its
/// ConfigMaps, Secrets, claims, ServiceAccount) and the Services that select it with the earliest of its users; whatever is
/// cluster-wide, or unused by any moving workload, to wave 0 (the platform). Workloads the plan does not move: nowhere.
struct WavePlacement {
    private var waves: [String: Int] = [:]
    private let plannedWorkloads: [String: Int]
    /// `namespace/template-statefulset-` prefixes of the claims StatefulSets make from their templates (they make them again).
    private var templateClaimPrefixes: Set<String> = []

    init(_ estate: Estate, plan: ConversionPlan) {
        plannedWorkloads = plan.waves
        var waves: [String: Int] = [:]
        func use(_ key: String, _ wave: Int) { waves[key] = min(waves[key] ?? wave, wave) }
        for workload in estate.workloads {
            guard let wave = plan.waves[workload.label] else { continue }
            let namespace = workload.namespace
            for volume in workload.volumes {
                guard let reference = volume.reference else { continue }
                switch volume.type {
                case "persistentVolumeClaim": use("PersistentVolumeClaim/\(namespace)/\(reference)", wave)
                case "configMap": use("ConfigMap/\(namespace)/\(reference)", wave)
                case "secret": use("Secret/\(namespace)/\(reference)", wave)
                default: break
                }
            }
            for container in workload.containers {
                for source in container.envFrom.items {
                    if let name = source["configMapRef", "name"]?.string { use("ConfigMap/\(namespace)/\(name)", wave) }
                    if let name = source["secretRef", "name"]?.string { use("Secret/\(namespace)/\(name)", wave) }
                }
                for variable in container.env.items {
                    if let name = variable["valueFrom", "configMapKeyRef", "name"]?.string { use("ConfigMap/\(namespace)/\(name)", wave) }
                    if let name = variable["valueFrom", "secretKeyRef", "name"]?.string { use("Secret/\(namespace)/\(name)", wave) }
                }
            }
            use("ServiceAccount/\(namespace)/\(workload.serviceAccount ?? "default")", wave)
            for secret in workload.imagePullSecrets { use("Secret/\(namespace)/\(secret)", wave) }
            for service in estate.services where service.resource.namespace == namespace && workload.matches(service.selector) {
                use("Service/\(namespace)/\(service.resource.name)", wave)
            }
        }
        for resource in estate.resources(kind: "HorizontalPodAutoscaler") {
            let target = resource.body["spec", "scaleTargetRef"]
            if let kind = target?["kind"]?.string, let name = target?["name"]?.string, let wave = plan.waves["\(kind)/\(resource.namespace)/\(name)"] {
                use("HorizontalPodAutoscaler/\(resource.namespace)/\(resource.name)", wave)
            }
        }
        for resource in estate.resources(kind: "PodDisruptionBudget") {
            let selector = resource.body["spec", "selector", "matchLabels"]?.stringMap ?? [:]
            let selected = estate.workloads.filter { $0.namespace == resource.namespace && $0.matches(selector) }.compactMap { plan.waves[$0.label] }
            if let first = selected.min() { use("PodDisruptionBudget/\(resource.namespace)/\(resource.name)", first) }
        }
        for ingress in estate.ingresses {
            let backends = ingress.rules.compactMap(\.serviceName).compactMap { waves["Service/\(ingress.resource.namespace)/\($0)"] }
            if let last = backends.max() { use("Ingress/\(ingress.resource.namespace)/\(ingress.resource.name)", last) }
        }
        // A Route is written as an Ingress: it moves with its Service, as an Ingress does.
        for route in estate.resources(kind: "Route") where NetworkPlan.isRoute(route) {
            if let service = route.body["spec", "to", "name"]?.string, let wave = waves["Service/\(route.namespace)/\(service)"] {
                use("Route/\(route.namespace)/\(route.name)", wave)
            }
        }
        self.waves = waves
        for workload in estate.workloads where workload.kind == "StatefulSet" {
            for template in workload.claimTemplates { templateClaimPrefixes.insert("\(workload.namespace)/\(template.name)-\(workload.name)-") }
        }
    }

    /// Whether a claim is one a StatefulSet made from its template (`data-db-0`): the StatefulSet on EKS makes its own.
    func isTemplateClaim(_ resource: Estate.Resource) -> Bool {
        guard resource.kind == "PersistentVolumeClaim" else { return false }
        return templateClaimPrefixes.contains { prefix in
            let key = "\(resource.namespace)/\(resource.name)"
            return key.hasPrefix(prefix) && !key.dropFirst(prefix.count).isEmpty && key.dropFirst(prefix.count).allSatisfy(\.isNumber)
        }
    }

    static let builtInNamespaces = KubernetesKinds.builtInNamespaces

    func wave(of resource: Estate.Resource) -> Int? {
        let key = "\(resource.kind)/\(resource.namespace.isEmpty ? "" : resource.namespace + "/")\(resource.name)"
        if let wave = plannedWorkloads[key] { return wave }
        if ManifestConverter.workloadKinds.contains(resource.kind) || resource.kind == "StorageClass" || isTemplateClaim(resource) { return nil }
        if let wave = waves[key] { return wave }
        // What EKS already has, or what only the source cluster's own machinery uses, is not written.
        if Self.builtInNamespaces.contains(resource.namespace) || resource.namespace.hasPrefix("openshift-") { return nil }
        if resource.kind == "Namespace" && (Self.builtInNamespaces.contains(resource.name) || resource.name == "default") { return nil }
        if ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].contains(resource.kind)
            && (resource.name.hasPrefix("system:") || ["cluster-admin", "admin", "edit", "view"].contains(resource.name)) { return nil }
        return 0
    }
}
