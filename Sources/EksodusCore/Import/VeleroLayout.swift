/// Velero's backup layout: `resources/<resource>.<group>/[<version>/]namespaces/<ns>/<name>.json` and
/// `resources/<resource>.<group>/[<version>/]cluster/<name>.json` (the core group has no `.<group>`). Format 1.1
/// (Velero 1.4 and later) adds version folders, the preferred one named `<version>-preferredversion`; with
/// EnableAPIGroupVersions the other served versions sit beside it. See velero.io/docs/v1.4/output-file-format.
///
/// One object can so appear several times: once per served version, and once per group that serves it (a
/// DaemonSet under `daemonsets.extensions` and `daemonsets.apps` on clusters before 1.16). This picks one
/// copy of each: the group the object lives in today, then the preferred version (or the only one).
enum VeleroLayout {
    /// Legacy groups that served another group's resource, by `<resource>.<legacy group>`, and that group.
    /// From the Kubernetes deprecation guide (kubernetes.io/docs/reference/using-api/deprecation-guide).
    static let successorGroups: [String: String] = [
        "deployments.extensions": "apps", "daemonsets.extensions": "apps", "replicasets.extensions": "apps",
        "ingresses.extensions": "networking.k8s.io", "networkpolicies.extensions": "networking.k8s.io",
        "podsecuritypolicies.extensions": "policy", "events.events.k8s.io": "",
    ]

    struct Placement: Equatable {
        /// What identifies the object whatever group or version folder holds it.
        var key: String
        /// Higher wins: 2 for the group the object lives in today, plus 1 for the preferred (or only) version.
        var rank: Int
    }

    /// Where `path` sits in a Velero layout, or nil when it is not a Velero resource file.
    static func placement(_ path: String) -> Placement? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let resources = parts.lastIndex(where: { $0 == "resources" }), resources + 3 < parts.count,
              parts.last?.hasSuffix(".json") == true else { return nil }
        let folder = String(parts[resources + 1])
        var index = resources + 2
        var preferred = true
        if isVersionFolder(parts[index]) {
            preferred = parts[index].hasSuffix("-preferredversion")
            index += 1
        }
        let scope: String
        switch parts[index] {
        case "namespaces" where index + 3 == parts.count: scope = "ns/" + parts[index + 1]
        case "cluster" where index + 2 == parts.count: scope = "cluster"
        default: return nil
        }
        let (resource, group) = split(folder)
        let successor = successorGroups[folder]
        let canonical = successor.map { $0.isEmpty ? resource : "\(resource).\($0)" } ?? (group.isEmpty ? resource : "\(resource).\(group)")
        let base = parts[..<resources].joined(separator: "/")
        return Placement(key: "\(base)|\(canonical)|\(scope)|\(parts[parts.count - 1])",
                         rank: (successor == nil ? 2 : 0) + (preferred ? 1 : 0))
    }

    /// The paths to read: every path outside a Velero layout, and one copy of each Velero object, in the
    /// order given. Also says how many copies were left out.
    static func select(_ paths: [String]) -> (paths: [String], leftOut: Int) {
        var best: [String: (rank: Int, path: String)] = [:]
        for path in paths {
            guard let placement = placement(path) else { continue }
            if let current = best[placement.key], current.rank >= placement.rank { continue }
            best[placement.key] = (placement.rank, path)
        }
        guard !best.isEmpty else { return (paths, 0) }
        let chosen = Set(best.values.map(\.path))
        let kept = paths.filter { placement($0) == nil || chosen.contains($0) }
        return (kept, paths.count - kept.count)
    }

    /// `v1`, `v1beta1`, `v2alpha1`, optionally with `-preferredversion`.
    static func isVersionFolder(_ name: Substring) -> Bool {
        let version = name.hasSuffix("-preferredversion") ? name.dropLast("-preferredversion".count) : name
        guard version.first == "v", let digit = version.dropFirst().first, digit.isNumber else { return false }
        let rest = version.dropFirst().drop(while: \.isNumber)
        if rest.isEmpty { return true }
        for stage in ["alpha", "beta"] where rest.hasPrefix(stage) {
            let number = rest.dropFirst(stage.count)
            return !number.isEmpty && number.allSatisfy(\.isNumber)
        }
        return false
    }

    /// `deployments.apps` → (`deployments`, `apps`); `pods` → (`pods`, ``).
    private static func split(_ folder: String) -> (String, String) {
        guard let dot = folder.firstIndex(of: ".") else { return (folder, "") }
        return (String(folder[..<dot]), String(folder[folder.index(after: dot)...]))
    }
}
