import Foundation

/// Thresholds and ignores from `.eksodus.yaml`:
///
/// ```yaml
/// minimumReplicas: 2
/// systemNamespaces: [kube-public, kube-node-lease, monitoring-system]   # set apart whole; the default is the first two
/// ignore:
///   - check: AVL004              # required
///     cluster: staging           # optional: the rest narrow it down
///     namespace: batch
///     name: nightly-report
/// ```
public struct AssessmentSettings: Sendable {
    public struct Ignore: Sendable {
        public var check: String
        public var cluster: String?
        public var namespace: String?
        public var name: String?
    }

    /// Namespaces set apart whole. `kube-system` is not one: EKS replaces only part of what runs there (see `SetApart`),
    /// and the add-ons a team installed there are migrated like any workload.
    public static let defaultSystemNamespaces = ["kube-public", "kube-node-lease"]

    public var minimumReplicas = 2
    public var systemNamespaces = Set(defaultSystemNamespaces)
    public var ignores: [Ignore] = []

    public init() {}

    public struct SettingsError: Error, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): \(message)" }
    }

    /// Reads a settings file; unknown check IDs are an error, so a typo does not silently ignore nothing.
    public static func load(path: String) throws -> AssessmentSettings {
        var settings = AssessmentSettings()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let root = try ManifestText.objects(text, name: path).first else { return settings }
        if let minimum = root["minimumReplicas"] {
            guard let value = minimum.int, value >= 1 else { throw SettingsError(file: path, message: "minimumReplicas must be a whole number ≥ 1") }
            settings.minimumReplicas = value
        }
        if let namespaces = root["systemNamespaces"] {
            settings.systemNamespaces = Set(namespaces.items.compactMap(\.string))
        }
        for entry in root["ignore"]?.items ?? [] {
            guard let check = entry["check"]?.string ?? entry.string else { throw SettingsError(file: path, message: "each ignore entry needs a check ID") }
            guard CheckCatalog.check(id: check) != nil else { throw SettingsError(file: path, message: "ignore names \(check), which is not a check (see eksodus checks)") }
            settings.ignores.append(Ignore(check: check.uppercased(), cluster: entry["cluster"]?.string, namespace: entry["namespace"]?.string, name: entry["name"]?.string))
        }
        return settings
    }

    func isSystem(_ namespace: String) -> Bool {
        systemNamespaces.contains(namespace) || namespace.hasPrefix("openshift-")
    }

    func ignores(_ finding: Finding, cluster: String) -> Bool {
        ignores.contains { rule in
            rule.check == finding.checkID && (rule.cluster == nil || rule.cluster == cluster)
                && (rule.namespace == nil || rule.namespace == finding.namespace) && (rule.name == nil || rule.name == finding.name)
        }
    }

    var json: String {
        var out = "{\"minimumReplicas\":\(minimumReplicas),\"systemNamespaces\":" + JSONWriter.string(systemNamespaces.sorted())
        out += ",\"ignore\":[" + ignores.map { rule in
            JSONWriter.string(["check": rule.check, "cluster": rule.cluster ?? "*", "namespace": rule.namespace ?? "*", "name": rule.name ?? "*"])
        }.joined(separator: ",") + "]}"
        return out
    }
}
