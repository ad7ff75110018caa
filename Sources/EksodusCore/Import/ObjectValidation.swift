/// What the API server would refuse to store, checked on every object an export holds before it reaches the inventory:
/// names and namespaces become file names, command arguments and report lines downstream, and counts are multiplied by
/// the compute plan. An export holds objects the API server stored, so such an object was edited or forged: the import
/// stops on it (`ImportValidationError`, file:line), as on a syntax error, and the database stays as it was.
///
/// Names follow apimachinery's rules per kind (Kubernetes docs, "Object Names and IDs",
/// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/; `ValidateObjectMeta` with each kind's name
/// function in pkg/apis/*/validation): Namespace and Service names are DNS-1123 labels (a Service's was a DNS-1035 label
/// until KEP-5311 relaxed it, so a label is what some API server accepts), the built-in kinds below DNS-1123 subdomains,
/// and every other built-in kind (RBAC roles and bindings such as `system:controller:…`, CertificateSigningRequests,
/// OpenShift's kinds) only a path segment name: not `.` or `..`, no `/` or `%`. An object of any other API group is a
/// custom resource, whose name the API server checks as a DNS-1123 subdomain whatever its kind is called
/// (apiextensions-apiserver, pkg/registry/customresource/validator.go: `customResourceValidator.Validate` runs
/// `ValidateObjectMetaAccessor(…, validation.NameIsDNSSubdomain, …)`): `evil.example/v1 Deployment` is held to that.
enum ObjectValidation {
    enum Verdict: Equatable {
        case valid
        /// What no API server would hold: the import stops.
        case refused(String)
        /// A name the API server accepts but a command would misread (a leading `-` reads as an option, bash ends a word
        /// at NUL): the object is left out with a notice, as before.
        case unsafe(String)
    }

    /// Built-in kinds whose names are DNS-1123 subdomains, by API group ("" is the core group).
    static let subdomainKinds: [String: Set<String>] = [
        "": ["Pod", "ReplicationController", "ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim",
             "PersistentVolume", "Node", "Endpoints", "LimitRange", "ResourceQuota", "PodTemplate"],
        "apps": ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"],
        "extensions": ["Deployment", "ReplicaSet", "DaemonSet", "Ingress", "NetworkPolicy"],
        "batch": ["Job", "CronJob"],
        "networking.k8s.io": ["Ingress", "IngressClass", "NetworkPolicy"],
        "storage.k8s.io": ["StorageClass"],
        "autoscaling": ["HorizontalPodAutoscaler"],
        "policy": ["PodDisruptionBudget"],
        "scheduling.k8s.io": ["PriorityClass"],
        "discovery.k8s.io": ["EndpointSlice"],
    ]

    /// Built-in kinds whose names are DNS-1123 labels.
    static let labelKinds: [String: Set<String>] = ["": ["Namespace", "Service"]]

    /// The verdict on one object as read (before redaction: only identifying fields and counts are looked at).
    static func check(_ node: ManifestNode) -> Verdict {
        guard let kind = node["kind"]?.string, let apiVersion = node["apiVersion"]?.string,
              let name = node["metadata", "name"]?.string, !name.isEmpty else { return .valid }  // left out as no object
        let group = KubernetesKinds.group(ofAPIVersion: apiVersion)
        // Made only for a refusal: this runs on every object an import reads.
        var shown: String { "\(kind) \(name.visibleLine)" }
        if let namespace = node["metadata", "namespace"]?.string, !namespace.isEmpty, !DNSLabel.isValid(namespace) {
            return .refused("\(shown): metadata.namespace '\(namespace.visibleLine)' is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63)")
        }
        if let problem = nameProblem(name, kind: kind, group: group) { return .refused("\(shown): metadata.name '\(name.visibleLine)' \(problem)") }
        if name.hasPrefix("-") { return .unsafe("an object whose metadata.name '\(name.visibleLine)' starts with '-'") }
        if name.utf8.contains(0) { return .unsafe("an object whose metadata.name '\(name.visibleLine)' holds a NUL character") }
        if let problem = ObjectCounts.problem(node, kind: kind, group: group) {
            let namespace = node["metadata", "namespace"]?.string.map { $0 + "/" } ?? ""
            return .refused("\(kind) \(namespace.visibleLine)\(name.visibleLine): \(problem)")
        }
        return .valid
    }

    /// Whether `group` is served by Kubernetes itself (the core group, `apps`, `batch`… and `*.k8s.io`) or by OpenShift's
    /// API server (`*.openshift.io`, whose kinds have name rules of their own): any other group is a custom resource's.
    static func isBuiltInGroup(_ group: String) -> Bool {
        !group.contains(".") || group == "k8s.io" || group.hasSuffix(".k8s.io") || group == "openshift.io" || group.hasSuffix(".openshift.io")
    }

    /// Why `name` is no name of `kind` in `group`, or nil.
    static func nameProblem(_ name: String, kind: String, group: String) -> String? {
        if name == "." || name == ".." || name.contains("/") || name.contains("%") {
            return "is no path segment name (it holds '/' or '%', or is '.' or '..')"
        }
        if !isBuiltInGroup(group), !DNSLabel.isSubdomain(name) {
            return "is not a DNS-1123 subdomain, which a custom resource's name is (lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253)"
        }
        if labelKinds[group]?.contains(kind) == true, !DNSLabel.isValid(name) {
            return "is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63)"
        }
        if subdomainKinds[group]?.contains(kind) == true, !DNSLabel.isSubdomain(name) {
            return "is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253)"
        }
        // The CronJob controller names each Job NAME-<11 characters>, and a Job's name ends up a label value (at most 63):
        // the API server refuses CronJob names over 52 (batch validation, ValidateCronJob).
        if group == "batch", kind == "CronJob", name.utf8.count > 52 { return "is longer than 52 characters" }
        return nil
    }
}

/// One object the API server would refuse, where it was read.
public struct ImportValidationError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message) — no API server would hold this object; fix or remove it in the export and import again (nothing was imported)" }
}
