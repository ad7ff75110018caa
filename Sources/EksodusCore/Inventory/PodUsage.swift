/// What one pod used when it was measured, summed over its containers: from `kubectl top pods` text or from a
/// metrics.k8s.io `PodMetrics` object (`kubectl get podmetrics -A -o yaml`, or the metrics API's JSON).
struct PodUsage: Sendable, Equatable {
    var namespace: String
    var pod: String
    var cpuMillicores: Int
    var memoryBytes: Int
    /// `top` or `PodMetrics`.
    var source: String
    /// When metrics-server took the sample (PodMetrics `timestamp`), if the input says.
    var observedAt: String?
    var line: Int

    /// The usage a PodMetrics object reports, or nil when the object is not one. The metrics API serves only
    /// PodMetrics and NodeMetrics, both read-only: the object is a measurement, not something to migrate.
    static func podMetrics(_ node: ManifestNode, line: Int, defaultNamespace: String) -> PodUsage? {
        guard node["kind"]?.string == "PodMetrics", node["apiVersion"]?.string?.hasPrefix("metrics.k8s.io/") == true,
              let name = node["metadata", "name"]?.string, !name.isEmpty else { return nil }
        var cpu = 0, memory = 0
        for container in node["containers"]?.items ?? [] {
            cpu = cpu.saturatingAdding(container["usage", "cpu"]?.string.flatMap(Quantity.millicores) ?? 0)
            memory = memory.saturatingAdding(container["usage", "memory"]?.string.flatMap(Quantity.bytes) ?? 0)
        }
        let namespace = node["metadata", "namespace"]?.string ?? defaultNamespace
        guard DNSLabel.isValid(namespace) else { return nil }
        return PodUsage(namespace: namespace, pod: name, cpuMillicores: cpu, memoryBytes: memory, source: "PodMetrics",
                        observedAt: node["timestamp"]?.string.map(SecretRedaction.redactText), line: line)
    }
}
