/// What the importer keeps of one Kubernetes object, ready to be written to the inventory.
/// Every text here is read from the object as `ObjectRedaction` returns it: none can hold a credential.
struct ExtractedObject {
    struct Owner {
        var kind: String
        var name: String
        var uid: String?
    }

    struct PodSpec {
        var replicas: Int?
        var updateStrategy: String?
        var serviceAccount: String?
        var automountToken: Bool?
        var hostNetwork = false
        var hostPID = false
        var hostIPC = false
        var nodeSelector = "{}"
        var affinity: String?
        var tolerations = "[]"
        var topologySpread = "[]"
        var imagePullSecrets = "[]"
        var terminationGrace: Int?
        var securityContext: String?
        var templateLabels = "{}"
        var templateAnnotations = "{}"
    }

    struct Container {
        var role: String
        var position: Int
        var name: String
        var image: String?
        var cpuRequest: Int?
        var cpuLimit: Int?
        var memoryRequest: Int?
        var memoryLimit: Int?
        var ephemeralRequest: Int?
        var gpuLimit: Int?
        var livenessProbe: String?
        var readinessProbe: String?
        var startupProbe: String?
        var ports = "[]"
        var privileged = false
        var capabilitiesAdd = "[]"
        var runAsUser: Int?
        var runAsNonRoot: Bool?
        var env = "[]"
        var envFrom = "[]"
        var volumeMounts = "[]"
        var command: String?
        var args: String?
    }

    struct PodVolume {
        var name: String
        var type: String
        var reference: String?
        var detail: String
    }

    struct Volume {
        var source: String
        var namespace: String
        var name: String
        var storageClass: String?
        var accessModes = "[]"
        var sizeBytes: Int?
        var volumeMode: String?
        var volumeType: String?
        var volumeName: String?
        var reclaimPolicy: String?
    }

    struct StorageClass {
        var name: String
        var provisioner: String
        var reclaimPolicy: String?
        var bindingMode: String?
        var allowExpansion: Bool?
        var isDefault: Bool
        var parameters: String
    }

    struct Service {
        var type: String
        var clusterIP: String?
        var externalName: String?
        var loadBalancerClass: String?
        var ports: String
        var selector: String
    }

    struct IngressRule {
        var host: String?
        var path: String?
        var pathType: String?
        var serviceName: String?
        var servicePort: String?
    }

    struct Ingress {
        var className: String?
        var tlsHosts: String
        var defaultBackend: String?
        var rules: [IngressRule]
    }

    var apiVersion: String
    var group: String
    var kind: String
    var namespace: String
    var name: String
    var uid: String?
    var labels: String
    var annotations: String
    var owner: Owner?
    var body: String
    var line: Int

    var podSpec: PodSpec?
    var containers: [Container] = []
    var podVolumes: [PodVolume] = []
    var volumes: [Volume] = []
    var storageClass: StorageClass?
    var service: Service?
    var ingress: Ingress?
    var configKeys: [String] = []
    /// The `apiVersion` of the last-applied-configuration annotation (the team's manifest), when it has one.
    var appliedAPIVersion: String?
    var node: Node?
    /// The Helm release a release Secret or Tiller ConfigMap stores, decoded before redaction (see `HelmReleaseDecoder`).
    var helmRelease: HelmRelease?
}
