/// Where a stored object still holds what the inventory masked (`SecretRedaction.marker`), and the one form of it that
/// can be read from a Secret instead: an env variable whose whole value was masked. `convert` writes neither the marker
/// nor an object holding it; the runbook's deploy of such an object waits for a decision.
enum MaskedFields {
    /// `containers[app].env[DB_PASSWORD]`-style paths of every scalar of `node` that holds the marker.
    static func heldFields(_ node: ManifestNode) -> [String] {
        var found: [String] = []
        collect(node, path: "", into: &found)
        return found
    }

    private static func collect(_ node: ManifestNode, path: String, into found: inout [String]) {
        switch node {
        case .scalar(let text, _):
            if text.containsBytes(SecretRedaction.marker) { found.append(path.isEmpty ? "(value)" : path) }
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

    /// A value that was a credential from end to end: the marker, or a token's prefix and the marker (`sk-`, `ghp_`, `hvs.`:
    /// the scanner keeps a known token's prefix). A marker inside a URL or a command line is part of a larger value.
    static func isWhollyMasked(_ value: String) -> Bool {
        guard value.hasSuffix(SecretRedaction.marker) else { return false }
        let prefix = value.utf8.dropLast(SecretRedaction.marker.utf8.count)
        return prefix.count <= 16 && prefix.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
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
    static func referencingSecret(_ workload: ManifestNode, podPath: [String], secret: String) -> (node: ManifestNode, keys: [(key: String, container: String, variable: String)])? {
        guard var pod = workload[podPath[0]].flatMap({ podPath.dropFirst().reduce($0 as ManifestNode?) { $0?[$1] } }) else { return nil }
        var keys: [(key: String, container: String, variable: String)] = []
        for list in ["initContainers", "containers"] {
            guard let containers = pod[list]?.items else { continue }
            let converted = containers.map { container -> ManifestNode in
                guard let containerName = container["name"]?.string, let env = container["env"]?.items else { return container }
                let replaced = env.map { variable -> ManifestNode in
                    guard let value = variable["value"]?.string, isWhollyMasked(value), let name = variable["name"]?.string,
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
        return (workload.updating(podPath) { _ in pod }, keys)
    }
}
