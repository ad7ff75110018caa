extension Estate {
    /// One workload (a controller or a lone Pod) and its pod template. Like `Resource`, its fields sit in one shared box:
    /// every check walks the workloads, and a copy of this struct retained some thirty strings, maps and arrays.
    public struct Workload: Sendable {
        struct Fields: Sendable {
            var id: Int64
            var clusterID: Int64
            var resourceID: Int64?
            var kind: String
            var namespace: String
            var name: String
            var replicas: Int?
            var serviceAccount: String?
            var automountToken: Bool?
            var hostNetwork: Bool
            var hostPID: Bool
            var hostIPC: Bool
            var nodeSelector: [String: String]
            var affinity: String?
            var topologySpread: String
            var imagePullSecrets: [String]
            var terminationGrace: Int?
            var templateLabels: [String: String]
            var templateAnnotations: [String: String]
            var containers: [Container]
            var volumes: [PodVolume]
            var claimTemplates: [Volume]
            var sourceFile: String?
            var sourceLine: Int?
            var annotations: [String: String]
        }

        private var box: SharedFields<Fields>

        public var id: Int64 {
            get { box.fields.id }
            set { box.update { $0.id = newValue } }
        }
        public var clusterID: Int64 {
            get { box.fields.clusterID }
            set { box.update { $0.clusterID = newValue } }
        }
        public var resourceID: Int64? {
            get { box.fields.resourceID }
            set { box.update { $0.resourceID = newValue } }
        }
        public var kind: String {
            get { box.fields.kind }
            set { box.update { $0.kind = newValue } }
        }
        public var namespace: String {
            get { box.fields.namespace }
            set { box.update { $0.namespace = newValue } }
        }
        public var name: String {
            get { box.fields.name }
            set { box.update { $0.name = newValue } }
        }
        public var replicas: Int? {
            get { box.fields.replicas }
            set { box.update { $0.replicas = newValue } }
        }
        public var serviceAccount: String? {
            get { box.fields.serviceAccount }
            set { box.update { $0.serviceAccount = newValue } }
        }
        public var automountToken: Bool? {
            get { box.fields.automountToken }
            set { box.update { $0.automountToken = newValue } }
        }
        public var hostNetwork: Bool {
            get { box.fields.hostNetwork }
            set { box.update { $0.hostNetwork = newValue } }
        }
        public var hostPID: Bool {
            get { box.fields.hostPID }
            set { box.update { $0.hostPID = newValue } }
        }
        public var hostIPC: Bool {
            get { box.fields.hostIPC }
            set { box.update { $0.hostIPC = newValue } }
        }
        public var nodeSelector: [String: String] {
            get { box.fields.nodeSelector }
            set { box.update { $0.nodeSelector = newValue } }
        }
        public var affinity: String? {
            get { box.fields.affinity }
            set { box.update { $0.affinity = newValue } }
        }
        public var topologySpread: String {
            get { box.fields.topologySpread }
            set { box.update { $0.topologySpread = newValue } }
        }
        public var imagePullSecrets: [String] {
            get { box.fields.imagePullSecrets }
            set { box.update { $0.imagePullSecrets = newValue } }
        }
        public var terminationGrace: Int? {
            get { box.fields.terminationGrace }
            set { box.update { $0.terminationGrace = newValue } }
        }
        public var templateLabels: [String: String] {
            get { box.fields.templateLabels }
            set { box.update { $0.templateLabels = newValue } }
        }
        public var templateAnnotations: [String: String] {
            get { box.fields.templateAnnotations }
            set { box.update { $0.templateAnnotations = newValue } }
        }
        public var containers: [Container] {
            get { box.fields.containers }
            set { box.update { $0.containers = newValue } }
        }
        public var volumes: [PodVolume] {
            get { box.fields.volumes }
            set { box.update { $0.volumes = newValue } }
        }
        public var claimTemplates: [Volume] {
            get { box.fields.claimTemplates }
            set { box.update { $0.claimTemplates = newValue } }
        }
        public var sourceFile: String? {
            get { box.fields.sourceFile }
            set { box.update { $0.sourceFile = newValue } }
        }
        public var sourceLine: Int? {
            get { box.fields.sourceLine }
            set { box.update { $0.sourceLine = newValue } }
        }
        /// The workload's own annotations and its template's: where `eksodus.io/ignore` may be.
        public var annotations: [String: String] {
            get { box.fields.annotations }
            set { box.update { $0.annotations = newValue } }
        }

        init(id: Int64, clusterID: Int64, resourceID: Int64? = nil, kind: String, namespace: String, name: String, replicas: Int? = nil,
             serviceAccount: String? = nil, automountToken: Bool? = nil, hostNetwork: Bool, hostPID: Bool, hostIPC: Bool,
             nodeSelector: [String: String], affinity: String? = nil, topologySpread: String, imagePullSecrets: [String],
             terminationGrace: Int? = nil, templateLabels: [String: String], templateAnnotations: [String: String], containers: [Container],
             volumes: [PodVolume], claimTemplates: [Volume], sourceFile: String? = nil, sourceLine: Int? = nil,
             annotations: [String: String]) {
            box = SharedFields(Fields(id: id, clusterID: clusterID, resourceID: resourceID, kind: kind, namespace: namespace, name: name,
                             replicas: replicas, serviceAccount: serviceAccount, automountToken: automountToken, hostNetwork: hostNetwork,
                             hostPID: hostPID, hostIPC: hostIPC, nodeSelector: nodeSelector, affinity: affinity,
                             topologySpread: topologySpread, imagePullSecrets: imagePullSecrets, terminationGrace: terminationGrace,
                             templateLabels: templateLabels, templateAnnotations: templateAnnotations, containers: containers,
                             volumes: volumes, claimTemplates: claimTemplates, sourceFile: sourceFile, sourceLine: sourceLine,
                             annotations: annotations))
        }

        public var appContainers: [Container] { containers.filter { $0.role == "app" } }

        /// Whether a label selector (a Service's, a PodDisruptionBudget's) picks this workload's pods.
        public func matches(_ selector: [String: String]) -> Bool {
            !selector.isEmpty && selector.allSatisfy { templateLabels[$0.key] == $0.value }
        }
        /// Long-running kinds that serve traffic, where probes, replicas and disruption budgets matter.
        public var isService: Bool { ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"].contains(kind) }
        public var label: String { "\(kind)/\(namespace.isEmpty ? "" : namespace + "/")\(name)" }
    }
}
