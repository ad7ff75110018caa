/// What the inventory masked (`SecretRedaction.marker`) never reaches a converted file: applied, the marker would be the
/// password the service starts with, readable in eksodus's own source. An env variable whose whole value was masked reads
/// it from a Secret instead (`valueFrom.secretKeyRef`), which an ExternalSecret syncs from a Secrets Manager secret the
/// operator fills from their environment (CHANGES.md's Secrets Manager section); a mask inside a larger value (a URL, a
/// command line, a ConfigMap value, an annotation) cannot be referenced, so the object's file is held back with a TODO and
/// its deploy waits for the decision (`heldFields`).
enum MaskedValues {
    /// The Secret an ExternalSecret makes for a workload's masked env variables, and the Secrets Manager secret it reads.
    struct EnvSecret {
        /// The Kubernetes Secret (and ExternalSecret) name.
        var name: String
        /// `cluster/namespace/name`, as for the ExternalSecrets of exported Secrets.
        var remote: String
        /// (Secret key, container, variable), in the workload's order.
        var keys: [(key: String, container: String, variable: String)]
    }

    /// `containers[app].env[DB_PASSWORD]`-style paths of every scalar of `node` that holds the marker.
    static func heldFields(_ node: ManifestNode) -> [String] {
        var found: [String] = []
        collect(node, path: "", into: &found)
        return found
    }

    private static func collect(_ node: ManifestNode, path: String, into found: inout [String]) {
        switch node {
        case .scalar(let text, _):
            if text.contains(SecretRedaction.marker) { found.append(path.isEmpty ? "(value)" : path) }
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                // Items with a name (containers, env variables) are named by it, as CHANGES.md names fields elsewhere.
                let label = item["name"]?.string.map { "[\($0.visibleLine)]" } ?? "[\(index)]"
                collect(item, path: path + label, into: &found)
            }
        case .mapping(let entries):
            for entry in entries { collect(entry.value, path: path.isEmpty ? entry.key.visibleLine : path + "." + entry.key.visibleLine, into: &found) }
        }
    }

    /// The Secret name for a workload's masked variables: readable, a DNS label, and kept apart by a SHA-256 of the
    /// workload's identity (names are the export's to pick, so two workloads must never share one by a crafted name).
    static func secretName(kind: String, namespace: String, workload: String) -> String {
        let readable = NodeDataClaim.dnsLabel(workload)
        let hash = DigestHex.sha256([kind, namespace, workload].joined(separator: "/"), digits: 12)
        var stem = String(readable.prefix(63 - 17))
        while stem.hasSuffix("-") { stem.removeLast() }
        return (stem.isEmpty ? "workload" : stem) + "-env-" + hash
    }

    /// Secret keys take letters, digits, `-`, `_` and `.` (Kubernetes API, Secret `data`).
    private static func isSecretKey(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 253 && text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    /// `workload` with every env variable whose whole value was masked reading key `<container>.<variable>` of the Secret
    /// instead; nil when none was.
    static func referencingSecret(_ workload: ManifestNode, podPath: [String], secret: String, cluster: String, namespace: String) -> (node: ManifestNode, secret: EnvSecret)? {
        guard var pod = workload[podPath[0]].flatMap({ podPath.dropFirst().reduce($0 as ManifestNode?) { $0?[$1] } }) else { return nil }
        var keys: [(key: String, container: String, variable: String)] = []
        for list in ["initContainers", "containers"] {
            guard let containers = pod[list]?.items else { continue }
            let converted = containers.map { container -> ManifestNode in
                guard let containerName = container["name"]?.string, let env = container["env"]?.items else { return container }
                let replaced = env.map { variable -> ManifestNode in
                    guard variable["value"]?.string == SecretRedaction.marker, let name = variable["name"]?.string,
                          case let key = containerName + "." + name, isSecretKey(key), !keys.contains(where: { $0.key == key }) else { return variable }
                    keys.append((key, containerName, name))
                    return .mapping([("name", .string(name)),
                                     ("valueFrom", .mapping([("secretKeyRef", .mapping([("name", .string(secret)), ("key", .string(key))]))]))])
                }
                return container.replacing("env", with: .sequence(replaced))
            }
            pod = pod.replacing(list, with: .sequence(converted))
        }
        guard !keys.isEmpty else { return nil }
        return (workload.updating(podPath) { _ in pod }, EnvSecret(name: secret, remote: "\(cluster)/\(namespace)/\(secret)", keys: keys))
    }

    /// The ExternalSecret that makes the Secret from its Secrets Manager secret, through the store every ExternalSecret uses.
    static func externalSecret(_ secret: EnvSecret, namespace: String) -> ManifestNode {
        let data = secret.keys.map { entry -> ManifestNode in
            .mapping([("secretKey", .string(entry.key)), ("remoteRef", .mapping([("key", .string(secret.remote)), ("property", .string(entry.key))]))])
        }
        return .mapping([
            ("apiVersion", .string("external-secrets.io/v1")), ("kind", .string("ExternalSecret")),
            ("metadata", .mapping([("name", .string(secret.name)), ("namespace", .string(namespace))])),
            ("spec", .mapping([
                ("refreshInterval", .string("1h")),
                ("secretStoreRef", .mapping([("kind", .string("ClusterSecretStore")), ("name", .string(SecretsStore.name))])),
                ("target", .mapping([("name", .string(secret.name)), ("creationPolicy", .string("Owner"))])),
                ("data", .sequence(data)),
            ])),
        ])
    }

    /// The TODO for an object held back: which fields held a masked value and what to do about them.
    static func heldTodo(_ label: String, fields: [String]) -> String {
        let shown = fields.prefix(8).joined(separator: ", ") + (fields.count > 8 ? " and \(fields.count - 8) more" : "")
        return "\(label) not written (held until decided; its deploy waits for the decision): \(shown) held a credential that eksodus never stores. "
            + "Move each into a Secret created from Secrets Manager (an ExternalSecret) and read it through env valueFrom.secretKeyRef "
            + "(and $(VAR) in commands, or a mounted file), then write the object by hand and apply it in its step"
    }
}

extension ManifestConverter {
    /// `result` with its workload's masked env variables read from a Secret of their own, or, when a masked value is left
    /// anywhere in what it writes, with nothing written and a TODO saying which fields.
    func withoutMaskedValues(_ result: Result, kind: String, namespace: String, name: String) -> Result {
        var result = result
        var envSecret: MaskedValues.EnvSecret?
        result.objects = result.objects.map { object in
            // The object the workload converts to (a DeploymentConfig's Deployment) names its own pod path.
            guard envSecret == nil, let objectKind = object["kind"]?.string, Self.workloadKinds.contains(objectKind),
                  let referenced = MaskedValues.referencingSecret(object, podPath: CheckSupport.podPath(objectKind).split(separator: ".").map(String.init),
                                                                  secret: MaskedValues.secretName(kind: kind, namespace: namespace, workload: name),
                                                                  cluster: plan.cluster, namespace: namespace) else { return object }
            envSecret = referenced.secret
            return referenced.node
        }
        let label = "\(kind) \(namespace.isEmpty ? "" : namespace + "/")\(name)"
        let held = (result.objects + result.support.map(\.node)).flatMap(MaskedValues.heldFields)
        if !held.isEmpty {
            result.objects = []
            result.support = []
            result.todos.append(MaskedValues.heldTodo(label, fields: held))
            return result
        }
        guard let envSecret else { return result }
        result.objects.append(MaskedValues.externalSecret(envSecret, namespace: namespace))
        let variables = envSecret.keys.map { "\($0.container).\($0.variable)" }.joined(separator: ", ")
        result.changes.append(Change(field: "env[\(variables)]", why: "a credential eksodus never stores: valueFrom.secretKeyRef to Secret \(envSecret.name), which ExternalSecret \(envSecret.name) syncs from Secrets Manager secret \(envSecret.remote)"))
        result.todos.append("Create Secrets Manager secret \(envSecret.remote) with keys \(envSecret.keys.map(\.key).joined(separator: ", ")) (each key is container.variable: the value the source's \(label) sets there) — values from the source, never from eksodus")
        result.secrets.append((envSecret.remote, envSecret.keys.map(\.key)))
        return result
    }
}
