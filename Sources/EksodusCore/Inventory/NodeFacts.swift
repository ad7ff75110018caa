extension ExtractedObject {
    /// What a Node says of the machine under it (`kubectl get nodes -o json`, or a Node in any export).
    struct Node {
        var instanceType: String?
        var zone: String?
        var region: String?
        var architecture: String?
        var operatingSystem: String?
        var osImage: String?
        var kernelVersion: String?
        var kubeletVersion: String?
        var containerRuntime: String?
        var role: String
        var unschedulable: Bool
        var cpuCapacity: Int?
        var memoryCapacity: Int?
        var podsCapacity: Int?
        var cpuAllocatable: Int?
        var memoryAllocatable: Int?
        var podsAllocatable: Int?
        /// JSON array of `{key, value, effect}`.
        var taints: String
    }
}

/// Reads a Node's facts. Labels and taints come from the redacted object; of the status (which the manifest reader
/// builds for Nodes only, and only `nodeInfo`, `capacity` and `allocatable`) just the versions and quantities are read,
/// each text through `SecretRedaction` like every other stored value. Addresses, images and machine IDs are not read.
enum NodeFacts {
    /// The well-known labels (Kubernetes API reference, "Well-Known Labels, Annotations and Taints"); the beta ones are
    /// what clusters older than 1.17 (instance type, zone, region) or 1.14 (os, arch) set.
    static let instanceTypeLabels = ["node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"]
    static let zoneLabels = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]
    static let regionLabels = ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"]
    static let architectureLabels = ["kubernetes.io/arch", "beta.kubernetes.io/arch"]
    static let osLabels = ["kubernetes.io/os", "beta.kubernetes.io/os"]
    static let rolePrefix = "node-role.kubernetes.io/"

    static func read(_ redacted: ManifestNode, status: ManifestNode?) -> ExtractedObject.Node {
        let labels = redacted["metadata", "labels"]
        func label(_ keys: [String]) -> String? { keys.lazy.compactMap { labels?[$0]?.string }.first { !$0.isEmpty } }
        func text(_ value: ManifestNode?) -> String? {
            guard let string = value?.string, !string.isEmpty else { return nil }
            return SecretRedaction.redactText(string)
        }
        let info = status?["nodeInfo"]
        let roles = (labels?.entries ?? []).compactMap { $0.key.hasPrefix(rolePrefix) ? String($0.key.dropFirst(rolePrefix.count)) : nil }
            .map { $0 == "master" ? "control-plane" : $0 }
        let taints = (redacted["spec", "taints"]?.items ?? []).compactMap { taint -> ManifestNode? in
            guard let key = taint["key"]?.string, let effect = taint["effect"]?.string else { return nil }
            return .mapping([("key", .string(key)), ("value", .string(taint["value"]?.string ?? "")), ("effect", .string(effect))])
        }
        return ExtractedObject.Node(
            instanceType: label(instanceTypeLabels),
            zone: label(zoneLabels),
            region: label(regionLabels),
            architecture: text(info?["architecture"]) ?? label(architectureLabels),
            operatingSystem: text(info?["operatingSystem"]) ?? label(osLabels),
            osImage: text(info?["osImage"]),
            kernelVersion: text(info?["kernelVersion"]),
            kubeletVersion: text(info?["kubeletVersion"]),
            containerRuntime: text(info?["containerRuntimeVersion"]),
            role: Array(Set(roles)).sorted().joined(separator: ","),
            unschedulable: redacted["spec", "unschedulable"]?.bool ?? false,
            cpuCapacity: status?["capacity", "cpu"]?.string.flatMap(Quantity.millicores),
            memoryCapacity: status?["capacity", "memory"]?.string.flatMap(Quantity.bytes),
            podsCapacity: status?["capacity", "pods"]?.string.flatMap(Quantity.bytes),
            cpuAllocatable: status?["allocatable", "cpu"]?.string.flatMap(Quantity.millicores),
            memoryAllocatable: status?["allocatable", "memory"]?.string.flatMap(Quantity.bytes),
            podsAllocatable: status?["allocatable", "pods"]?.string.flatMap(Quantity.bytes),
            taints: JSONWriter.string(ManifestNode.sequence(taints))
        )
    }
}
