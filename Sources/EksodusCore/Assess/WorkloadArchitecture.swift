extension Estate.Workload {
    static let architectureKeys: Set<String> = ["kubernetes.io/arch", "beta.kubernetes.io/arch"]

    /// The CPU architecture the pod template insists on (`arm64`, `amd64`), from its nodeSelector or a required node
    /// affinity that allows only one; nil when it runs anywhere.
    public var requiredArchitecture: String? {
        if let value = nodeSelector.first(where: { Self.architectureKeys.contains($0.key) })?.value { return value }
        guard let affinity, let node = ManifestText.value(affinity) else { return nil }
        var allowed: Set<String> = []
        var constrained = false
        for term in node["nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]?.items ?? [] {
            // Terms are ORed: a term without an architecture expression allows every architecture.
            let expressions = (term["matchExpressions"]?.items ?? []).filter { Self.architectureKeys.contains($0["key"]?.string ?? "") }
            guard let expression = expressions.first, expression["operator"]?.string == "In" else { return nil }
            constrained = true
            allowed.formUnion((expression["values"]?.items ?? []).compactMap(\.string))
        }
        return constrained && allowed.count == 1 ? allowed.first : nil
    }

    /// The pod template selects Windows nodes (kubernetes.io/os or the older beta label).
    public var selectsWindows: Bool { (nodeSelector["kubernetes.io/os"] ?? nodeSelector["beta.kubernetes.io/os"]) == "windows" }
}
