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

        private var box: SharedFields<Fields>

        public var role: String {
            get { box.fields.role }
            set { box.update { $0.role = newValue } }
        }
        public var name: String {
            get { box.fields.name }
            set { box.update { $0.name = newValue } }
        }
        public var image: String? {
            get { box.fields.image }
            set { box.update { $0.image = newValue; $0.imageReference = newValue.map(ImageReference.init) } }
        }
        /// `image` parsed: the checks read registry, repository and tag of every container several times over.
        public var imageReference: ImageReference? { box.fields.imageReference }
        public var cpuRequest: Int? {
            get { box.fields.cpuRequest }
            set { box.update { $0.cpuRequest = newValue } }
        }
        public var cpuLimit: Int? {
            get { box.fields.cpuLimit }
            set { box.update { $0.cpuLimit = newValue } }
        }
        public var memoryRequest: Int? {
            get { box.fields.memoryRequest }
            set { box.update { $0.memoryRequest = newValue } }
        }
        public var memoryLimit: Int? {
            get { box.fields.memoryLimit }
            set { box.update { $0.memoryLimit = newValue } }
        }
        public var gpuLimit: Int? {
            get { box.fields.gpuLimit }
            set { box.update { $0.gpuLimit = newValue } }
        }
        public var livenessProbe: String? {
            get { box.fields.livenessProbe }
            set { box.update { $0.livenessProbe = newValue } }
        }
        public var readinessProbe: String? {
            get { box.fields.readinessProbe }
            set { box.update { $0.readinessProbe = newValue } }
        }
        public var startupProbe: String? {
            get { box.fields.startupProbe }
            set { box.update { $0.startupProbe = newValue } }
        }
        public var ports: ManifestNode {
            get { box.fields.ports }
            set { box.update { $0.ports = newValue } }
        }
        public var privileged: Bool {
            get { box.fields.privileged }
            set { box.update { $0.privileged = newValue } }
        }
        public var capabilitiesAdd: [String] {
            get { box.fields.capabilitiesAdd }
            set { box.update { $0.capabilitiesAdd = newValue } }
        }
        public var env: ManifestNode {
            get { box.fields.env }
            set { box.update { $0.env = newValue } }
        }
        public var volumeMounts: ManifestNode {
            get { box.fields.volumeMounts }
            set { box.update { $0.volumeMounts = newValue } }
        }
        public var envFrom: ManifestNode {
            get { box.fields.envFrom }
            set { box.update { $0.envFrom = newValue } }
        }
        public var command: ManifestNode {
            get { box.fields.command }
            set { box.update { $0.command = newValue } }
        }
        public var args: ManifestNode {
            get { box.fields.args }
            set { box.update { $0.args = newValue } }
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
            box = SharedFields(Fields(role: role, name: name, image: image, imageReference: imageReference, cpuRequest: cpuRequest,
                             cpuLimit: cpuLimit, memoryRequest: memoryRequest, memoryLimit: memoryLimit, gpuLimit: gpuLimit,
                             livenessProbe: livenessProbe, readinessProbe: readinessProbe, startupProbe: startupProbe, ports: ports,
                             privileged: privileged, capabilitiesAdd: capabilitiesAdd, env: env, volumeMounts: volumeMounts,
                             envFrom: envFrom, command: command, args: args))
        }
    }
}
