/// Cluster dumps written by diagnostic tools, read as they are (in a folder or an archive). Each is recognised by its
/// own folders; what the dump holds that is not an object (logs, errors, permission lists) or holds twice is left
/// out, and objects written without `kind` (typed Go clients drop it) take it from the file's place:
///
/// - Sonobuoy (vmware-tanzu/sonobuoy pkg/discovery/queries.go): `resources/ns/<ns>/<Kinds>.json` and
///   `resources/cluster/<Kinds>.json`, bare JSON arrays of the listed items, e.g. `Deployments.json`; newer
///   releases write `<group>_<version>_<resource>.json` lists whose items carry their kind, read as any list.
/// - Troubleshoot support bundles (replicatedhq/troubleshoot pkg/collect/cluster_resources.go): `cluster-resources/
///   <resource>/<ns>.json` and `cluster-resources/<resource>.json`, bare arrays of items; beside them `*-errors.json`,
///   `groups.json`, `resources.json`, `auth-cani-list/`, `image-pull-secrets/` and `pods/logs/` are not objects.
/// - OpenShift must-gather (`oc adm inspect`): `namespaces/<ns>/<group>/<resource>.yaml` lists and
///   `cluster-scoped-resources/<group>/<resource>/<name>.yaml` objects, with kinds; `namespaces/<ns>/pods/<pod>/`
///   holds each Pod again beside its logs, so that folder is left out (the Pods are in `core/pods.yaml`).
/// Events are left out of every dump: they record the past, nothing moves with them.
///
/// A kind taken from the file's place gets the kind's current API version: the file does not say which one the
/// tool read, so the API version checks cannot judge these objects.
enum DumpLayouts {
    typealias ImpliedType = (kind: String, apiVersion: String)

    /// Sonobuoy's file names (plural kinds), with the API version its first query asks for.
    static let sonobuoyKinds: [String: ImpliedType] = [
        "ConfigMaps": ("ConfigMap", "v1"), "ControllerRevisions": ("ControllerRevision", "apps/v1"), "CronJobs": ("CronJob", "batch/v1"),
        "DaemonSets": ("DaemonSet", "apps/v1"), "Deployments": ("Deployment", "apps/v1"), "Endpoints": ("Endpoints", "v1"),
        "HorizontalPodAutoscalers": ("HorizontalPodAutoscaler", "autoscaling/v1"), "Ingresses": ("Ingress", "networking.k8s.io/v1"),
        "Jobs": ("Job", "batch/v1"), "LimitRanges": ("LimitRange", "v1"), "NetworkPolicies": ("NetworkPolicy", "networking.k8s.io/v1"),
        "PersistentVolumeClaims": ("PersistentVolumeClaim", "v1"), "Pods": ("Pod", "v1"), "PodDisruptionBudgets": ("PodDisruptionBudget", "policy/v1"),
        "PodTemplates": ("PodTemplate", "v1"), "ReplicaSets": ("ReplicaSet", "apps/v1"), "ReplicationControllers": ("ReplicationController", "v1"),
        "ResourceQuotas": ("ResourceQuota", "v1"), "RoleBindings": ("RoleBinding", "rbac.authorization.k8s.io/v1"),
        "Roles": ("Role", "rbac.authorization.k8s.io/v1"), "ServiceAccounts": ("ServiceAccount", "v1"), "Services": ("Service", "v1"),
        "StatefulSets": ("StatefulSet", "apps/v1"), "Secrets": ("Secret", "v1"),
        "CertificateSigningRequests": ("CertificateSigningRequest", "certificates.k8s.io/v1"),
        "ClusterRoleBindings": ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"), "ClusterRoles": ("ClusterRole", "rbac.authorization.k8s.io/v1"),
        "CustomResourceDefinitions": ("CustomResourceDefinition", "apiextensions.k8s.io/v1"), "Nodes": ("Node", "v1"),
        "PersistentVolumes": ("PersistentVolume", "v1"), "PodSecurityPolicies": ("PodSecurityPolicy", "policy/v1beta1"),
        "StorageClasses": ("StorageClass", "storage.k8s.io/v1"),
    ]

    /// Troubleshoot's folder and file names under `cluster-resources/`.
    static let troubleshootKinds: [String: ImpliedType] = [
        "namespaces": ("Namespace", "v1"), "pods": ("Pod", "v1"), "services": ("Service", "v1"), "deployments": ("Deployment", "apps/v1"),
        "replicasets": ("ReplicaSet", "apps/v1"), "statefulsets": ("StatefulSet", "apps/v1"), "daemonsets": ("DaemonSet", "apps/v1"),
        "jobs": ("Job", "batch/v1"), "cronjobs": ("CronJob", "batch/v1"), "ingress": ("Ingress", "networking.k8s.io/v1"),
        "network-policy": ("NetworkPolicy", "networking.k8s.io/v1"), "resource-quota": ("ResourceQuota", "v1"),
        "pod-disruption-budgets": ("PodDisruptionBudget", "policy/v1"), "limitranges": ("LimitRange", "v1"),
        "storage-classes": ("StorageClass", "storage.k8s.io/v1"), "custom-resource-definitions": ("CustomResourceDefinition", "apiextensions.k8s.io/v1"),
        "nodes": ("Node", "v1"), "pvs": ("PersistentVolume", "v1"), "pvcs": ("PersistentVolumeClaim", "v1"),
        "roles": ("Role", "rbac.authorization.k8s.io/v1"), "rolebindings": ("RoleBinding", "rbac.authorization.k8s.io/v1"),
        "clusterroles": ("ClusterRole", "rbac.authorization.k8s.io/v1"), "clusterRoleBindings": ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
        "serviceaccounts": ("ServiceAccount", "v1"), "configmaps": ("ConfigMap", "v1"),
    ]

    private static let troubleshootNonObjects: Set<String> = ["groups", "resources", "auth-cani-list", "image-pull-secrets", "events"]

    /// The kind (and API version) of objects in `path` that name none, when the dump's layout says.
    static func impliedType(_ path: String) -> ImpliedType? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2, let file = parts.last, let stem = stem(file) else { return nil }
        if let bundle = parts.lastIndex(of: "cluster-resources") {
            // cluster-resources/<resource>.json, or cluster-resources/<resource>/<ns>.json
            switch parts.count - bundle {
            case 2: return troubleshootKinds[stem]
            case 3: return troubleshootKinds[parts[bundle + 1]]
            default: return nil
            }
        }
        if let resources = parts.lastIndex(of: "resources"), resources + 2 < parts.count,
           (parts[resources + 1] == "ns" && parts.count - resources == 4) || (parts[resources + 1] == "cluster" && parts.count - resources == 3) {
            return sonobuoyKinds[stem]
        }
        return nil
    }

    /// The paths to read of `paths` (the whole list, so a dump is recognised by its folders), in the order given,
    /// and how many were left out as not objects or held twice.
    static func select(_ paths: [String]) -> (paths: [String], leftOut: Int) {
        let mustGatherRoots = Set(paths.compactMap { path -> String? in
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard let index = parts.lastIndex(of: "cluster-scoped-resources") else { return nil }
            return parts[..<index].joined(separator: "/")
        })
        let kept = paths.filter { !leftOut($0, mustGatherRoots: mustGatherRoots) }
        return (kept, paths.count - kept.count)
    }

    private static func leftOut(_ path: String, mustGatherRoots: Set<String>) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let file = parts.last else { return false }
        if let bundle = parts.lastIndex(of: "cluster-resources"), bundle + 1 < parts.count {
            let first = stem(parts[bundle + 1]) ?? parts[bundle + 1]
            if file.hasSuffix("-errors.json") || troubleshootNonObjects.contains(first) { return true }
            return first == "pods" && parts.count - bundle > 3  // pods/logs/<ns>/...
        }
        if let namespaces = parts.lastIndex(of: "namespaces"), mustGatherRoots.contains(parts[..<namespaces].joined(separator: "/")),
           namespaces + 2 < parts.count {
            if parts[namespaces + 2] == "pods" { return true }
            if file == "events.yaml" { return true }
        }
        if let resources = parts.lastIndex(of: "resources"), resources + 1 < parts.count, ["ns", "cluster"].contains(parts[resources + 1]) {
            return stem(file).map { $0 == "Events" || $0.hasSuffix("_events") } ?? false
        }
        return false
    }

    /// `Deployments.json` → `Deployments`; nil for a name without a manifest extension.
    private static func stem(_ file: String) -> String? {
        guard let dot = file.lastIndex(of: "."), ManifestSources.extensions.contains(file[file.index(after: dot)...].lowercased()) else { return nil }
        return String(file[..<dot])
    }
}
