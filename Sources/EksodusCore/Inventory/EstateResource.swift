extension Estate {
    /// One stored object. Its fields sit in one shared, immutable box: checks and plans pass tens of thousands of resources
    /// around (arrays, lookups, findings, nodes), and every copy of a struct of a dozen strings and maps retained each of
    /// them. A copy retains the box alone; setting a field gives this value a box of its own, so it stays a value.
    public struct Resource: Sendable {
        struct Fields: Sendable {
            var id: Int64
            var clusterID: Int64
            var apiVersion: String
            var group: String
            var kind: String
            var namespace: String
            var name: String
            var labels: [String: String]
            var annotations: [String: String]
            var bodyText: String
            var sourceFile: String
            var sourceLine: Int
            var ownerKind: String?
            var uid: String?
        }

        private var box: SharedFields<Fields>

        init(id: Int64, clusterID: Int64, apiVersion: String, group: String, kind: String, namespace: String, name: String, labels: [String: String],
             annotations: [String: String], bodyText: String, sourceFile: String, sourceLine: Int, ownerKind: String? = nil, uid: String? = nil) {
            box = SharedFields(Fields(id: id, clusterID: clusterID, apiVersion: apiVersion, group: group, kind: kind, namespace: namespace, name: name,
                             labels: labels, annotations: annotations, bodyText: bodyText, sourceFile: sourceFile, sourceLine: sourceLine,
                             ownerKind: ownerKind, uid: uid))
        }

        public var id: Int64 {
            get { box.fields.id }
            set { box.update { $0.id = newValue } }
        }
        public var clusterID: Int64 {
            get { box.fields.clusterID }
            set { box.update { $0.clusterID = newValue } }
        }
        public var apiVersion: String {
            get { box.fields.apiVersion }
            set { box.update { $0.apiVersion = newValue } }
        }
        public var group: String {
            get { box.fields.group }
            set { box.update { $0.group = newValue } }
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
        public var labels: [String: String] {
            get { box.fields.labels }
            set { box.update { $0.labels = newValue } }
        }
        public var annotations: [String: String] {
            get { box.fields.annotations }
            set { box.update { $0.annotations = newValue } }
        }
        public var bodyText: String {
            get { box.fields.bodyText }
            set { box.update { $0.bodyText = newValue } }
        }
        public var sourceFile: String {
            get { box.fields.sourceFile }
            set { box.update { $0.sourceFile = newValue } }
        }
        public var sourceLine: Int {
            get { box.fields.sourceLine }
            set { box.update { $0.sourceLine = newValue } }
        }
        public var ownerKind: String? {
            get { box.fields.ownerKind }
            set { box.update { $0.ownerKind = newValue } }
        }
        /// Set when the object came from a live cluster (an export), unset for a manifest written by hand.
        public var uid: String? {
            get { box.fields.uid }
            set { box.update { $0.uid = newValue } }
        }

        /// The stored object (without status, managedFields or Secret values).
        public var body: ManifestNode { ManifestText.value(bodyText) ?? .mapping([]) }
    }
}
