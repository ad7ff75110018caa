import Foundation

/// Who made an object that names no owner, read from the marks its controller leaves on it. Exports from before
/// ownerReferences (Kubernetes 1.7 and older, OpenShift 3 `oc get` lists) carry none: Pods `mysql-0..2` stand beside
/// StatefulSet `mysql`, and ReplicationControllers beside the DeploymentConfig that made them.
///
/// A hint is only a candidate: the folder takes it when an object of that kind and name exists in the same cluster and
/// namespace, and otherwise leaves the object a workload of its own (it never invents an absent owner from a hint).
enum OwnerHints {
    struct Candidate: Equatable {
        var kind: String
        var name: String
    }

    enum Reading: Equatable {
        /// Owners to try, the surest first.
        case owners([Candidate])
        /// OpenShift's own machinery (a deployer or build pod): not part of the application, never a workload.
        case machinery
    }

    static func read(kind: String, name: String, labels: [String: String], annotations: [String: String]) -> Reading {
        if kind == "Pod", annotations["openshift.io/deployer-pod-for.name"] != nil
            || annotations["openshift.io/build.name"] != nil || labels["openshift.io/build.name"] != nil {
            return .machinery
        }
        var candidates: [Candidate] = []
        // Before ownerReferences the controllers wrote what made the object as a SerializedReference (Kubernetes ≤ 1.7).
        if let createdBy = createdBy(annotations["kubernetes.io/created-by"]) { candidates.append(createdBy) }
        switch kind {
        case "Pod":
            if let rc = annotations["openshift.io/deployment.name"] { candidates.append(Candidate(kind: "ReplicationController", name: rc)) }
            if labels["controller-revision-hash"] != nil, labels["statefulset.kubernetes.io/pod-name"] == name,
               let set = strippingOrdinal(name) {
                candidates.append(Candidate(kind: "StatefulSet", name: set))
            }
            if let job = labels["batch.kubernetes.io/job-name"] ?? labels["job-name"] {
                candidates.append(Candidate(kind: "Job", name: job))
            }
            if let hash = labels["pod-template-hash"], !hash.isEmpty, let range = name.range(of: "-\(hash)-", options: .backwards) {
                let deployment = String(name[..<range.lowerBound])
                candidates.append(Candidate(kind: "ReplicaSet", name: "\(deployment)-\(hash)"))
                candidates.append(Candidate(kind: "Deployment", name: deployment))
            }
            if labels["pod-template-generation"] != nil, labels["controller-revision-hash"] != nil, let dash = name.lastIndex(of: "-") {
                candidates.append(Candidate(kind: "DaemonSet", name: String(name[..<dash])))
            }
        case "ReplicaSet":
            if let hash = labels["pod-template-hash"], !hash.isEmpty, name.hasSuffix("-\(hash)") {
                candidates.append(Candidate(kind: "Deployment", name: String(name.dropLast(hash.count + 1))))
            }
        case "Job":
            // The CronJob controller names its Jobs `<cronjob>-<scheduled minute>` and, since Kubernetes 1.28, stamps the schedule
            // on them (KEP-4026, batch.kubernetes.io/cronjob-scheduled-timestamp).
            if annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] != nil, let cronJob = strippingOrdinal(name) {
                candidates.append(Candidate(kind: "CronJob", name: cronJob))
            }
        case "ReplicationController":
            if let config = annotations["openshift.io/deployment-config.name"] ?? labels["openshift.io/deployment-config.name"] {
                candidates.append(Candidate(kind: "DeploymentConfig", name: config))
            }
        default:
            break
        }
        return .owners(candidates.filter { !$0.name.isEmpty && !($0.kind == kind && $0.name == name) })
    }

    /// `mysql-2` → `mysql`: a StatefulSet's Pods are its name, a dash and an ordinal (a CronJob's Jobs, a dash and a number).
    static func strippingOrdinal(_ name: String) -> String? {
        guard let dash = name.lastIndex(of: "-"), dash != name.startIndex else { return nil }
        let ordinal = name[name.index(after: dash)...]
        guard !ordinal.isEmpty, ordinal.allSatisfy(\.isASCII), ordinal.allSatisfy(\.isNumber) else { return nil }
        return String(name[..<dash])
    }

    /// The kind and name of a `kubernetes.io/created-by` reference. Its namespace is not compared: a controller only makes
    /// objects in its own namespace, the folder looks the owner up in the object's namespace only, and exports that dropped
    /// `metadata.namespace` (read into the import's default) still carry the original one here.
    private static func createdBy(_ text: String?) -> Candidate? {
        guard let text, let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let reference = object["reference"] as? [String: Any],
              let kind = reference["kind"] as? String, let name = reference["name"] as? String else { return nil }
        return Candidate(kind: kind, name: name)
    }
}
