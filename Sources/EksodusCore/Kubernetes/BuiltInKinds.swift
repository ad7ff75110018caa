/// The API groups each built-in kind eksodus reads facts from is served in: a kind is only that kind in its own group.
/// `apiVersion: evil.example/v1, kind: Deployment` is a custom resource that happens to be called Deployment (its own
/// CRD, its own schema): read as an apps/v1 Deployment, its name would reach `kubectl … deployment/NAME` commands meant
/// for a real one. Old exports keep the groups the kinds moved from: extensions/v1beta1 (Deployment, ReplicaSet,
/// DaemonSet, Ingress, NetworkPolicy; removed in 1.16/1.22) and apps/v1beta1, v1beta2 (the `apps` group itself); an
/// OpenShift 3 export writes DeploymentConfig as `v1` (core) as well as `apps.openshift.io/v1`
/// (Kubernetes docs, Deprecated API Migration Guide, https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
enum BuiltInKinds {
    /// Kind → the groups that serve it ("" is the core group).
    static let groups: [String: Set<String>] = [
        "Pod": [""], "ReplicationController": [""], "PodTemplate": [""], "Service": [""], "PersistentVolumeClaim": [""],
        "PersistentVolume": [""], "Node": [""], "Secret": [""], "ConfigMap": [""],
        "Deployment": ["apps", "extensions"], "ReplicaSet": ["apps", "extensions"], "DaemonSet": ["apps", "extensions"],
        "StatefulSet": ["apps"],
        "Job": ["batch"], "CronJob": ["batch"],
        "DeploymentConfig": ["apps.openshift.io", ""],
        "Ingress": ["networking.k8s.io", "extensions"],
        "StorageClass": ["storage.k8s.io"],
        // What the assessment and the plan list by kind: a custom resource of that name (Calico's projectcalico.org
        // NetworkPolicy, whose spec is not Kubernetes') is none of them.
        "Namespace": [""], "ServiceAccount": [""],
        "NetworkPolicy": ["networking.k8s.io", "extensions"], "HorizontalPodAutoscaler": ["autoscaling"], "PodDisruptionBudget": ["policy"],
        "PodSecurityPolicy": ["policy", "extensions"], "CustomResourceDefinition": ["apiextensions.k8s.io"], "APIService": ["apiregistration.k8s.io"],
        "Role": ["rbac.authorization.k8s.io"], "ClusterRole": ["rbac.authorization.k8s.io"], "RoleBinding": ["rbac.authorization.k8s.io"],
        "ClusterRoleBinding": ["rbac.authorization.k8s.io"], "Route": ["route.openshift.io", ""],
    ]

    /// Whether `kind` in `group` is the built-in kind of that name (kinds not in `groups` are not asked about here).
    static func isBuiltIn(_ kind: String, group: String) -> Bool {
        groups[kind]?.contains(group) ?? false
    }

    /// An SQL condition on a `resource` row (aliased `alias`) that holds for the built-in kinds among `kinds` only.
    static func sqlCondition(kinds: [String], alias: String) -> String {
        let tests = kinds.sorted().map { kind in
            "(\(alias).kind = '\(kind)' AND \(alias).api_group IN (" + (groups[kind] ?? []).sorted().map { "'\($0)'" }.joined(separator: ", ") + "))"
        }
        return "(" + tests.joined(separator: " OR ") + ")"
    }
}
