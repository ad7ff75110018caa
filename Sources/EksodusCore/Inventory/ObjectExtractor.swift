/// Turns one parsed Kubernetes object into what the inventory keeps of it.
/// Secret values go no further than this type: every fact is read from the object as `ObjectRedaction` returns it,
/// so Secret `data`/`stringData` leave as key names only and literal credentials as a marker.
struct ObjectExtractor {
    enum Outcome {
        case object(ExtractedObject)
        /// A document that is not a Kubernetes object (a values file, a Kustomization); the reason says which.
        case notAnObject(String)
    }

    /// The namespace of namespaced objects that name none (kubectl's `--namespace`).
    var defaultNamespace = "default"

    /// `podFacts: false` leaves out the pod template facts (a replica whose sibling Pod already gave them).
    func extract(_ input: ManifestNode, line: Int, podFacts: Bool = true) -> Outcome {
        guard let kind = input["kind"]?.string, !kind.isEmpty else { return .notAnObject("no kind") }
        guard let apiVersion = input["apiVersion"]?.string, !apiVersion.isEmpty else { return .notAnObject("\(kind) without apiVersion") }
        if KubernetesKinds.toolConfiguration.contains(kind), !apiVersion.hasPrefix("v1") { return .notAnObject("\(kind) is build-tool configuration") }
        // Everything kept below is read from the redacted object, never from the input.
        var node = ObjectRedaction.redact(input)
        let metadata = node["metadata"] ?? .mapping([])
        guard let name = metadata["name"]?.string, !name.isEmpty else { return .notAnObject("\(kind) without metadata.name") }
        let namespace = KubernetesKinds.clusterScoped.contains(kind) ? "" : (metadata["namespace"]?.string ?? defaultNamespace)

        let group = KubernetesKinds.group(ofAPIVersion: apiVersion)
        // The facts below are read for a kind in its own API group only (`BuiltInKinds`): any other group's object of that
        // kind is a custom resource, kept as a resource and nothing more.
        let builtIn = BuiltInKinds.isBuiltIn(kind, group: group)
        var configKeys: [String] = []
        switch kind.lowercased() == "secret" && group.isEmpty ? "Secret" : builtIn ? kind : "" {
        case "Secret":
            configKeys = (input["data"]?.entries.map(\.key) ?? []) + (input["stringData"]?.entries.map(\.key) ?? [])
        case "ConfigMap":
            configKeys = (input["data"]?.entries.map(\.key) ?? []) + (input["binaryData"]?.entries.map(\.key) ?? [])
        default:
            break
        }
        node = node.replacing("metadata", with: metadata.replacing("resourceVersion", with: nil).replacing("selfLink", with: nil))
        // The manifest reader kept a Node's status for its facts only; the body keeps no status.
        let status = kind == "Node" ? input["status"] : nil
        if status != nil { node = node.replacing("status", with: nil) }

        let owner = Self.controllingOwner(metadata["ownerReferences"])
        var object = ExtractedObject(
            apiVersion: apiVersion,
            group: group,
            kind: kind,
            namespace: namespace,
            name: name,
            uid: metadata["uid"]?.string,
            labels: JSONWriter.stringMap(metadata["labels"]),
            annotations: JSONWriter.stringMap(metadata["annotations"]),
            owner: owner,
            body: JSONWriter.string(Self.isControlled(kind: kind, by: owner) ? Self.headerOnly(node) : node),
            line: line
        )
        object.configKeys = Array(Set(configKeys)).sorted()
        object.appliedAPIVersion = Self.appliedAPIVersion(input)
        if kind == "Node", builtIn { object.node = NodeFacts.read(node, status: status) }
        if builtIn { object.helmRelease = HelmReleaseDecoder.decode(input, kind: kind, namespace: namespace) }

        if podFacts, builtIn, let template = KubernetesKinds.podTemplate(of: node, kind: kind) {
            object.podSpec = Self.podSpec(template.spec, metadata: template.metadata, object: node, kind: kind)
            object.containers = Self.containers(of: template.spec)
            object.podVolumes = Self.podVolumes(of: template.spec)
        }
        switch builtIn ? kind : "" {
        case "PersistentVolumeClaim":
            object.volumes = [Self.claim(node["spec"] ?? .null, metadata: metadata, source: "pvc", namespace: namespace, name: name)]
        case "StatefulSet":
            object.volumes = (node["spec", "volumeClaimTemplates"]?.items ?? []).compactMap { template in
                guard let templateName = template["metadata", "name"]?.string else { return nil }
                return Self.claim(template["spec"] ?? .null, metadata: template["metadata"], source: "template", namespace: namespace, name: templateName)
            }
        case "PersistentVolume":
            object.volumes = [Self.persistentVolume(node["spec"] ?? .null, name: name)]
        case "StorageClass":
            object.storageClass = Self.storageClass(node, name: name, metadata: metadata)
        case "Service":
            object.service = Self.service(node["spec"] ?? .null)
        case "Ingress":
            object.ingress = Self.ingress(node, metadata: metadata)
        default:
            break
        }
        return .object(object)
    }

    /// Pods, ReplicaSets and Jobs that a controller made repeat its template: their facts are kept in the
    /// pod spec tables, and their body keeps only apiVersion, kind and metadata.
    static func isControlled(kind: String, by owner: ExtractedObject.Owner?) -> Bool {
        guard let owner, owner.kind != "Node" else { return false }
        return KubernetesKinds.workloads.contains(kind) && kind != "Deployment" && kind != "DeploymentConfig"
    }

    /// What the manifest reader left of the last-applied annotation: `{apiVersion: …}` (see `AppliedAPIVersion`).
    static func appliedAPIVersion(_ input: ManifestNode) -> String? {
        input["metadata", "annotations", ObjectRedaction.lastAppliedConfiguration, "apiVersion"]?.string
    }

    static func headerOnly(_ node: ManifestNode) -> ManifestNode {
        .mapping(node.entries.filter { $0.key == "apiVersion" || $0.key == "kind" || $0.key == "metadata" })
    }

    /// For a Pod made by a controller, `namespace/OwnerKind/owner`: replicas of one owner share its template.
    static func replicaOwnerKey(_ node: ManifestNode) -> String? {
        guard node["kind"]?.string == "Pod", let metadata = node["metadata"], let owner = controllingOwner(metadata["ownerReferences"]),
              ["ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"].contains(owner.kind) else { return nil }
        return "\(metadata["namespace"]?.string ?? "")/\(owner.kind)/\(owner.name)"
    }

    static func controllingOwner(_ references: ManifestNode?) -> ExtractedObject.Owner? {
        let all = references?.items ?? []
        guard let chosen = all.first(where: { $0["controller"]?.bool == true }) ?? all.first,
              let kind = chosen["kind"]?.string, let name = chosen["name"]?.string else { return nil }
        return .init(kind: kind, name: name, uid: chosen["uid"]?.string)
    }

    // MARK: Pods

    static func podSpec(_ spec: ManifestNode, metadata: ManifestNode?, object: ManifestNode, kind: String) -> ExtractedObject.PodSpec {
        var facts = ExtractedObject.PodSpec()
        let objectSpec = object["spec"]
        // replicas and parallelism are int32 in the API (Kubernetes API reference, DeploymentSpec, JobSpec): a larger number is
        // not one the API server stores, and taken as it is it would overflow what the compute plan multiplies it by.
        func count(_ node: ManifestNode?) -> Int? { node?.int.map { Swift.min(Swift.max($0, 0), Int(Int32.max)) } }
        switch kind {
        case "Deployment", "ReplicaSet", "StatefulSet", "ReplicationController", "DeploymentConfig":
            facts.replicas = count(objectSpec?["replicas"]) ?? 1
        case "Job":
            facts.replicas = count(objectSpec?["parallelism"]) ?? 1
        case "CronJob":
            facts.replicas = count(objectSpec?["jobTemplate", "spec", "parallelism"]) ?? 1
        case "Pod":
            facts.replicas = 1
        default:
            break
        }
        facts.updateStrategy = objectSpec?["strategy", "type"]?.string ?? objectSpec?["updateStrategy", "type"]?.string
        facts.serviceAccount = spec["serviceAccountName"]?.string ?? spec["serviceAccount"]?.string
        facts.automountToken = spec["automountServiceAccountToken"]?.bool
        facts.hostNetwork = spec["hostNetwork"]?.bool ?? false
        facts.hostPID = spec["hostPID"]?.bool ?? false
        facts.hostIPC = spec["hostIPC"]?.bool ?? false
        facts.nodeSelector = JSONWriter.stringMap(spec["nodeSelector"])
        facts.affinity = spec["affinity"].flatMap { $0.isNull ? nil : JSONWriter.string($0) }
        facts.tolerations = spec["tolerations"].map(JSONWriter.string) ?? "[]"
        facts.topologySpread = spec["topologySpreadConstraints"].map(JSONWriter.string) ?? "[]"
        facts.imagePullSecrets = JSONWriter.string((spec["imagePullSecrets"]?.items ?? []).compactMap { $0["name"]?.string })
        facts.terminationGrace = spec["terminationGracePeriodSeconds"]?.int
        facts.securityContext = spec["securityContext"].flatMap { $0.entries.isEmpty ? nil : JSONWriter.string($0) }
        facts.templateLabels = JSONWriter.stringMap(metadata?["labels"])
        facts.templateAnnotations = JSONWriter.stringMap(metadata?["annotations"])
        return facts
    }

    static func containers(of spec: ManifestNode) -> [ExtractedObject.Container] {
        var result: [ExtractedObject.Container] = []
        for (key, role) in [("initContainers", "init"), ("containers", "app"), ("ephemeralContainers", "ephemeral")] {
            for (position, node) in (spec[key]?.items ?? []).enumerated() {
                result.append(container(node, role: role, position: position))
            }
        }
        return result
    }

    static func container(_ node: ManifestNode, role: String, position: Int) -> ExtractedObject.Container {
        var facts = ExtractedObject.Container(role: role, position: position, name: node["name"]?.string ?? "container-\(position)")
        facts.image = node["image"]?.string
        let requests = node["resources", "requests"]
        let limits = node["resources", "limits"]
        facts.cpuRequest = requests?["cpu"]?.string.flatMap(Quantity.millicores)
        facts.cpuLimit = limits?["cpu"]?.string.flatMap(Quantity.millicores)
        facts.memoryRequest = requests?["memory"]?.string.flatMap(Quantity.bytes)
        facts.memoryLimit = limits?["memory"]?.string.flatMap(Quantity.bytes)
        facts.ephemeralRequest = requests?["ephemeral-storage"]?.string.flatMap(Quantity.bytes)
        facts.gpuLimit = limits?.entries.first(where: { $0.key.hasSuffix("/gpu") })?.value.int
        facts.livenessProbe = node["livenessProbe"].map(JSONWriter.string)
        facts.readinessProbe = node["readinessProbe"].map(JSONWriter.string)
        facts.startupProbe = node["startupProbe"].map(JSONWriter.string)
        facts.ports = node["ports"].map(JSONWriter.string) ?? "[]"
        let security = node["securityContext"]
        facts.privileged = security?["privileged"]?.bool ?? false
        facts.capabilitiesAdd = JSONWriter.string((security?["capabilities", "add"]?.items ?? []).compactMap(\.string))
        facts.runAsUser = security?["runAsUser"]?.int
        facts.runAsNonRoot = security?["runAsNonRoot"]?.bool
        facts.env = node["env"].map(JSONWriter.string) ?? "[]"
        facts.envFrom = node["envFrom"].map(JSONWriter.string) ?? "[]"
        facts.volumeMounts = node["volumeMounts"].map(JSONWriter.string) ?? "[]"
        facts.command = node["command"].map(JSONWriter.string)
        facts.args = node["args"].map(JSONWriter.string)
        return facts
    }

    static func podVolumes(of spec: ManifestNode) -> [ExtractedObject.PodVolume] {
        (spec["volumes"]?.items ?? []).compactMap { volume in
            guard let name = volume["name"]?.string else { return nil }
            guard let source = volume.entries.first(where: { $0.key != "name" }) else {
                return .init(name: name, type: "emptyDir", reference: nil, detail: "{}")
            }
            let value = source.value
            let reference: String?
            switch source.key {
            case "persistentVolumeClaim": reference = value["claimName"]?.string
            case "configMap": reference = value["name"]?.string
            case "secret": reference = value["secretName"]?.string
            case "hostPath", "local": reference = value["path"]?.string
            case "nfs": reference = [value["server"]?.string, value["path"]?.string].compactMap { $0 }.joined(separator: ":")
            case "csi": reference = value["driver"]?.string
            default: reference = nil
            }
            return .init(name: name, type: source.key, reference: reference, detail: JSONWriter.string(value))
        }
    }

    // MARK: Storage

    static func claim(_ spec: ManifestNode, metadata: ManifestNode?, source: String, namespace: String, name: String) -> ExtractedObject.Volume {
        var volume = ExtractedObject.Volume(source: source, namespace: namespace, name: name)
        volume.storageClass = spec["storageClassName"]?.string
            ?? metadata?["annotations", "volume.beta.kubernetes.io/storage-class"]?.string
        volume.accessModes = JSONWriter.string((spec["accessModes"]?.items ?? []).compactMap(\.string))
        volume.sizeBytes = spec["resources", "requests", "storage"]?.string.flatMap(Quantity.bytes)
        volume.volumeMode = spec["volumeMode"]?.string
        volume.volumeName = spec["volumeName"]?.string
        return volume
    }

    static let persistentVolumeCommonKeys: Set<String> = [
        "capacity", "accessModes", "storageClassName", "persistentVolumeReclaimPolicy", "claimRef", "volumeMode",
        "mountOptions", "nodeAffinity", "volumeAttributesClassName",
    ]

    static func persistentVolume(_ spec: ManifestNode, name: String) -> ExtractedObject.Volume {
        var volume = ExtractedObject.Volume(source: "pv", namespace: "", name: name)
        volume.storageClass = spec["storageClassName"]?.string
        volume.accessModes = JSONWriter.string((spec["accessModes"]?.items ?? []).compactMap(\.string))
        volume.sizeBytes = spec["capacity", "storage"]?.string.flatMap(Quantity.bytes)
        volume.volumeMode = spec["volumeMode"]?.string
        volume.reclaimPolicy = spec["persistentVolumeReclaimPolicy"]?.string
        if let type = spec.entries.first(where: { !persistentVolumeCommonKeys.contains($0.key) }) {
            volume.volumeType = type.key == "csi" ? "csi:" + (type.value["driver"]?.string ?? "") : type.key
        }
        if let claim = spec["claimRef"], let claimName = claim["name"]?.string {
            volume.volumeName = (claim["namespace"]?.string.map { $0 + "/" } ?? "") + claimName
        }
        return volume
    }

    static func storageClass(_ node: ManifestNode, name: String, metadata: ManifestNode) -> ExtractedObject.StorageClass {
        let annotations = metadata["annotations"]
        let isDefault = annotations?["storageclass.kubernetes.io/is-default-class"]?.string == "true"
            || annotations?["storageclass.beta.kubernetes.io/is-default-class"]?.string == "true"
        return .init(
            name: name,
            provisioner: node["provisioner"]?.string ?? "",
            reclaimPolicy: node["reclaimPolicy"]?.string,
            bindingMode: node["volumeBindingMode"]?.string,
            allowExpansion: node["allowVolumeExpansion"]?.bool,
            isDefault: isDefault,
            parameters: JSONWriter.stringMap(node["parameters"])
        )
    }

    // MARK: Network

    static func service(_ spec: ManifestNode) -> ExtractedObject.Service {
        .init(
            type: spec["type"]?.string ?? "ClusterIP",
            clusterIP: spec["clusterIP"]?.string,
            externalName: spec["externalName"]?.string,
            loadBalancerClass: spec["loadBalancerClass"]?.string,
            ports: spec["ports"].map(JSONWriter.string) ?? "[]",
            selector: JSONWriter.stringMap(spec["selector"])
        )
    }

    static func ingress(_ node: ManifestNode, metadata: ManifestNode) -> ExtractedObject.Ingress {
        let spec = node["spec"] ?? .null
        var rules: [ExtractedObject.IngressRule] = []
        for rule in spec["rules"]?.items ?? [] {
            let host = rule["host"]?.string
            let paths = rule["http", "paths"]?.items ?? []
            if paths.isEmpty { rules.append(.init(host: host)) }
            for path in paths {
                let backend = backendTarget(path["backend"])
                rules.append(.init(host: host, path: path["path"]?.string, pathType: path["pathType"]?.string,
                                   serviceName: backend.service, servicePort: backend.port))
            }
        }
        let defaultBackend = backendTarget(spec["defaultBackend"] ?? spec["backend"])
        return .init(
            className: spec["ingressClassName"]?.string ?? metadata["annotations", "kubernetes.io/ingress.class"]?.string,
            tlsHosts: JSONWriter.string((spec["tls"]?.items ?? []).flatMap { ($0["hosts"]?.items ?? []).compactMap(\.string) }),
            defaultBackend: defaultBackend.service.map { name in defaultBackend.port.map { "\(name):\($0)" } ?? name },
            rules: rules
        )
    }

    /// networking.k8s.io/v1 (`service.name`, `service.port.number|name`) and v1beta1 (`serviceName`, `servicePort`) backends.
    static func backendTarget(_ backend: ManifestNode?) -> (service: String?, port: String?) {
        guard let backend else { return (nil, nil) }
        if let service = backend["service"] {
            return (service["name"]?.string, service["port", "number"]?.string ?? service["port", "name"]?.string)
        }
        return (backend["serviceName"]?.string, backend["servicePort"]?.string)
    }
}

extension ExtractedObject.IngressRule {
    init(host: String?) {
        self.init(host: host, path: nil, pathType: nil, serviceName: nil, servicePort: nil)
    }
}
