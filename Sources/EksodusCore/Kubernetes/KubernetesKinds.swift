/// What eksodus knows about Kubernetes kinds: which are cluster-scoped, which run pods, and where their pod template is.
public enum KubernetesKinds {
    /// Kinds with no namespace. Objects of other kinds without one get the import's default namespace, as kubectl does.
    public static let clusterScoped: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "PriorityClass", "IngressClass", "CSIDriver", "CSINode", "VolumeAttachment",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "APIService", "PodSecurityPolicy", "RuntimeClass", "VolumeSnapshotClass",
        "VolumeSnapshotContent", "FlowSchema", "PriorityLevelConfiguration", "CertificateSigningRequest",
        "ComponentStatus", "ClusterIssuer", "SecurityContextConstraints", "Project", "ClusterRoleBindingList",
        "ClusterServiceVersion", "StorageVersionMigration", "VolumeAttributesClass",
        // The AWS Load Balancer Controller's class parameters (its CRD: scope Cluster).
        "IngressClassParams",
    ]

    /// The namespaces every cluster has besides `default`, which EKS creates too.
    public static let builtInNamespaces: Set<String> = ["kube-system", "kube-public", "kube-node-lease"]

    /// Kinds whose objects run pods and so can be (or fold into) a workload.
    public static let workloads: Set<String> = [
        "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod",
        "DeploymentConfig",
    ]

    /// Documents that configure build tools rather than describe cluster objects.
    static let toolConfiguration: Set<String> = ["Kustomization", "Component", "HelmRelease"]

    /// The pod spec an object of `kind` carries, if any, and the template metadata above it.
    static func podTemplate(of object: ManifestNode, kind: String) -> (spec: ManifestNode, metadata: ManifestNode?)? {
        switch kind {
        case "Pod":
            return object["spec"].map { ($0, object["metadata"]) }
        case "PodTemplate":
            return object["template", "spec"].map { ($0, object["template", "metadata"]) }
        case "CronJob":
            return object["spec", "jobTemplate", "spec", "template", "spec"].map { ($0, object["spec", "jobTemplate", "spec", "template", "metadata"]) }
        case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController", "DeploymentConfig":
            return object["spec", "template", "spec"].map { ($0, object["spec", "template", "metadata"]) }
        default:
            return nil
        }
    }

    /// The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core).
    public static func group(ofAPIVersion apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }
}
