extension Estate {
    /// One container of a workload's pod template, its fields in one shared box (see `Resource`).
    public struct Container: Sendable {
        struct Fields: Sendable {
            var role: String
            var name: String
            var image: String?
            var imageReference: ImageReference?
            var cpuRequest: Int?
            var cpuLimit: Int?
            var memoryRequest: Int?
            var memoryLimit: Int?
            var gpuLimit: Int?
            var livenessProbe: String?
            var readinessProbe: String?
            var startupProbe: String?
            var ports: ManifestNode
            var privileged: Bool
            var capabilitiesAdd: [String]
            var env: ManifestNode
            var volumeMounts: ManifestNode
            var envFrom: ManifestNode
            var command: ManifestNode
            var args: ManifestNode
        }

        private final class Box: Sendable {
            let fields: Fields
            init(_ fields: Fields) { self.fields = fields }
        }

        private var box: Box

        private mutating func update(_ change: (inout Fields) -> Void) {
            var fields = box.fields
            change(&fields)
            box = Box(fields)
        }

        public var role: String {
            get { box.fields.role }
            set { update { $0.role = newValue } }
        }
        public var name: String {
            get { box.fields.name }
            set { update { $0.name = newValue } }
        }
        public var image: String? {
            get { box.fields.image }
            set { update { $0.image = newValue; $0.imageReference = newValue.map(ImageReference.init) } }
        }
        /// `image` parsed: the checks read registry, repository and tag of every container several times over.
        public var imageReference: ImageReference? { box.fields.imageReference }
        public var cpuRequest: Int? {
            get { box.fields.cpuRequest }
            set { update { $0.cpuRequest = newValue } }
        }
        public var cpuLimit: Int? {
            get { box.fields.cpuLimit }
            set { update { $0.cpuLimit = newValue } }
        }
        public var memoryRequest: Int? {
            get { box.fields.memoryRequest }
            set { update { $0.memoryRequest = newValue } }
        }
        public var memoryLimit: Int? {
            get { box.fields.memoryLimit }
            set { update { $0.memoryLimit = newValue } }
        }
        public var gpuLimit: Int? {
            get { box.fields.gpuLimit }
            set { update { $0.gpuLimit = newValue } }
        }
        public var livenessProbe: String? {
            get { box.fields.livenessProbe }
            set { update { $0.livenessProbe = newValue } }
        }
        public var readinessProbe: String? {
            get { box.fields.readinessProbe }
            set { update { $0.readinessProbe = newValue } }
        }
        public var startupProbe: String? {
            get { box.fields.startupProbe }
            set { update { $0.startupProbe = newValue } }
        }
        public var ports: ManifestNode {
            get { box.fields.ports }
            set { update { $0.ports = newValue } }
        }
        public var privileged: Bool {
            get { box.fields.privileged }
            set { update { $0.privileged = newValue } }
        }
        public var capabilitiesAdd: [String] {
            get { box.fields.capabilitiesAdd }
            set { update { $0.capabilitiesAdd = newValue } }
        }
        public var env: ManifestNode {
            get { box.fields.env }
            set { update { $0.env = newValue } }
        }
        public var volumeMounts: ManifestNode {
            get { box.fields.volumeMounts }
            set { update { $0.volumeMounts = newValue } }
        }
        public var envFrom: ManifestNode {
            get { box.fields.envFrom }
            set { update { $0.envFrom = newValue } }
        }
        public var command: ManifestNode {
            get { box.fields.command }
            set { update { $0.command = newValue } }
        }
        public var args: ManifestNode {
            get { box.fields.args }
            set { update { $0.args = newValue } }
        }

        public init(role: String, name: String, image: String?, cpuRequest: Int? = nil, cpuLimit: Int? = nil, memoryRequest: Int? = nil,
                    memoryLimit: Int? = nil, gpuLimit: Int? = nil, livenessProbe: String? = nil, readinessProbe: String? = nil,
                    startupProbe: String? = nil, ports: ManifestNode, privileged: Bool, capabilitiesAdd: [String], env: ManifestNode,
                    volumeMounts: ManifestNode, envFrom: ManifestNode, command: ManifestNode, args: ManifestNode) {
            self.init(role: role, name: name, image: image, imageReference: image.map(ImageReference.init), cpuRequest: cpuRequest, cpuLimit: cpuLimit,
                      memoryRequest: memoryRequest, memoryLimit: memoryLimit, gpuLimit: gpuLimit, livenessProbe: livenessProbe,
                      readinessProbe: readinessProbe, startupProbe: startupProbe, ports: ports, privileged: privileged, capabilitiesAdd: capabilitiesAdd,
                      env: env, volumeMounts: volumeMounts, envFrom: envFrom, command: command, args: args)
        }

        /// With `image` already parsed (`imageReference` must be its parse): the loader parses each distinct image once.
        init(role: String, name: String, image: String?, imageReference: ImageReference?, cpuRequest: Int?, cpuLimit: Int?, memoryRequest: Int?,
             memoryLimit: Int?, gpuLimit: Int?, livenessProbe: String?, readinessProbe: String?, startupProbe: String?, ports: ManifestNode,
             privileged: Bool, capabilitiesAdd: [String], env: ManifestNode, volumeMounts: ManifestNode, envFrom: ManifestNode,
             command: ManifestNode, args: ManifestNode) {
            box = Box(Fields(role: role, name: name, image: image, imageReference: imageReference, cpuRequest: cpuRequest,
                             cpuLimit: cpuLimit, memoryRequest: memoryRequest, memoryLimit: memoryLimit, gpuLimit: gpuLimit,
                             livenessProbe: livenessProbe, readinessProbe: readinessProbe, startupProbe: startupProbe, ports: ports,
                             privileged: privileged, capabilitiesAdd: capabilitiesAdd, env: env, volumeMounts: volumeMounts,
                             envFrom: envFrom, command: command, args: args))
        }
    }
}
