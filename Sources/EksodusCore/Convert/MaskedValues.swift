/// What the inventory masked (`SecretRedaction.marker`) never reaches a converted file: applied, the marker would be the
/// password the service starts with, readable in eksodus's own source. An env variable whose whole value was masked reads
/// it from a Secret instead (`valueFrom.secretKeyRef`), which an ExternalSecret syncs from a Secrets Manager secret the
/// operator fills from their environment (CHANGES.md's Secrets Manager section); a mask inside a larger value (a URL, a
/// command line, a ConfigMap value, an annotation) cannot be referenced, so the object's file is held back with a TODO and
/// its deploy waits for the decision (`MaskedFields`, `MaskedCredentialsDecision`).
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

    /// The Secret name for a workload's masked variables: readable, a DNS label, and kept apart by a SHA-256 of the
    /// workload's identity (names are the export's to pick, so two workloads must never share one by a crafted name).
    static func secretName(kind: String, namespace: String, workload: String) -> String {
        let readable = NodeDataClaim.dnsLabel(workload)
        let hash = DigestHex.sha256([kind, namespace, workload].joined(separator: "/"), digits: 12)
        var stem = String(readable.prefix(63 - 17))
        while stem.hasSuffix("-") { stem.removeLast() }
        return (stem.isEmpty ? "workload" : stem) + "-env-" + hash
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
                ("secretStoreRef", SecretsStore.reference),
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
                  case let secret = MaskedValues.secretName(kind: kind, namespace: namespace, workload: name),
                  let referenced = MaskedFields.referencingSecret(object, podPath: CheckSupport.podPath(objectKind).split(separator: ".").map(String.init),
                                                                  secret: secret) else { return object }
            envSecret = MaskedValues.EnvSecret(name: secret, remote: "\(plan.cluster)/\(namespace)/\(secret)", keys: referenced.keys)
            return referenced.node
        }
        let label = "\(kind) \(namespace.isEmpty ? "" : namespace + "/")\(name)"
        let held = (result.objects + result.support.map(\.node)).flatMap(MaskedFields.heldFields)
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
