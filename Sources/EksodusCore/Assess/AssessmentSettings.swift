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
    /// Keys of the file that eksodus does not know (`file:line: unknown key …`): a typo would otherwise change nothing, silently.
    public var warnings: [String] = []

    public init() {}

    static let knownKeys = ["minimumReplicas", "systemNamespaces", "ignore"]
    static let knownIgnoreKeys = ["check", "cluster", "namespace", "name"]

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
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        /// The line where `key` is written (the reader keeps no positions); 0 when it cannot be told.
        func line(of key: String, indented: Bool) -> Int {
            for (index, line) in lines.enumerated() {
                let trimmed = indented ? line.drop { $0 == " " || $0 == "-" } : line[...]
                if trimmed.hasPrefix(key + ":") || trimmed.hasPrefix("\"" + key + "\":") || trimmed.hasPrefix("'" + key + "':") { return index + 1 }
            }
            return 0
        }
        func unknown(_ key: String, indented: Bool, known: [String]) -> String {
            let at = line(of: key, indented: indented)
            let nearest = known.min { EditDistance.between(key, $0) < EditDistance.between(key, $1) }
            let hint = nearest.flatMap { EditDistance.between(key, $0) <= 3 ? " (did you mean \($0)?)" : nil } ?? " (known: \(known.joined(separator: ", ")))"
            return "\(path)\(at > 0 ? ":\(at)" : ""): unknown key \(key.visibleLine), ignored" + hint
        }
        for (key, _) in root.entries where !knownKeys.contains(key) {
            settings.warnings.append(unknown(key, indented: false, known: knownKeys))
        }
        for entry in root["ignore"]?.items ?? [] {
            for (key, _) in entry.entries where !knownIgnoreKeys.contains(key) {
                settings.warnings.append(unknown(key, indented: true, known: knownIgnoreKeys))
            }
        }
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
