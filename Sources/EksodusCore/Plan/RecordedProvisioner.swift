/// The provisioner a claim or volume names of itself, for when its StorageClass is not in the export (a namespace's
/// export, a Crane export: StorageClasses are cluster-scoped). Kubernetes writes it on the objects (Well-Known Labels,
/// Annotations and Taints, https://kubernetes.io/docs/reference/labels-annotations-taints/): a dynamically provisioned
/// claim carries `volume.kubernetes.io/storage-provisioner` (before 1.23, `volume.beta.kubernetes.io/storage-provisioner`),
/// and the volume made for it `pv.kubernetes.io/provisioned-by`. Without it, a minikube or MicroK8s hostPath claim read as
/// portable block storage and was planned for Velero, whose file-system backup skips hostPath volumes.
enum RecordedProvisioner {
    static let claimAnnotations = ["volume.kubernetes.io/storage-provisioner", "volume.beta.kubernetes.io/storage-provisioner"]
    static let volumeAnnotation = "pv.kubernetes.io/provisioned-by"

    /// The provisioner `volume` (a claim or a volume; a StatefulSet's claim templates record none) names, and the annotation it came from.
    static func of(_ volume: Estate.Volume, in estate: Estate) -> (provisioner: String, annotation: String)? {
        let keys: [String]
        switch volume.source {
        case "pvc": keys = claimAnnotations
        case "pv": keys = [volumeAnnotation]
        default: return nil
        }
        guard let annotations = estate.resource(id: volume.resourceID)?.annotations else { return nil }
        for key in keys {
            if let value = annotations[key], !value.isEmpty { return (value, key) }
        }
        return nil
    }
}
