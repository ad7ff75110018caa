/// Platform agents a team runs for the whole cluster (log shippers, monitoring agents, cert-manager, ingress controllers,
/// operators): they move with the platform in wave 0, before the applications that rely on them, not in an application wave.
/// (What EKS replaces outright — CNI, kube-proxy, CoreDNS — is set apart by the assessment and never reaches here.)
enum PlatformAgents {
    /// (image repository pattern, role): a pattern ending in `/` or containing one matches the repository path, otherwise the
    /// start of its last component.
    static let patterns: [(String, String)] = [
        ("fluent-bit", "log shipper"), ("fluentd", "log shipper"), ("filebeat", "log shipper"), ("promtail", "log shipper"),
        ("timberio/vector", "log shipper"), ("metricbeat", "monitoring agent"), ("node-exporter", "monitoring agent"),
        ("kube-state-metrics", "monitoring agent"), ("prometheus", "monitoring agent"), ("alertmanager", "monitoring agent"),
        ("grafana-agent", "monitoring agent"), ("grafana/alloy", "monitoring agent"), ("opentelemetry-collector", "telemetry collector"),
        ("jaeger-agent", "tracing agent"), ("datadog/agent", "monitoring agent"), ("sysdig/agent", "monitoring agent"),
        ("newrelic/infrastructure", "monitoring agent"), ("dynatrace/oneagent", "monitoring agent"), ("cert-manager", "certificate manager"),
        ("ingress-nginx/controller", "ingress controller"), ("nginx-ingress-controller", "ingress controller"), ("traefik", "ingress controller"),
        ("haproxy-ingress", "ingress controller"), ("kong/kubernetes-ingress-controller", "ingress controller"), ("external-dns", "DNS controller"),
        ("sealed-secrets-controller", "secrets controller"),
    ]

    /// The agent's role, or nil for an application workload.
    static func role(of workload: Estate.Workload) -> String? {
        for image in workload.appContainers.compactMap(\.image) {
            let reference = ImageReference(image)
            let path = reference.repository.lowercased()
            let last = String(path.split(separator: "/").last ?? "")
            if let match = patterns.first(where: { pattern, _ in pattern.contains("/") ? path.hasSuffix(pattern) || path.contains(pattern + "/") : last.hasPrefix(pattern) }) {
                return match.1
            }
            if last.hasSuffix("-operator") { return "operator" }
        }
        return nil
    }

    /// Monitoring stores whose data is history, not state: they run fresh on EKS before the first application wave and the
    /// source's copy stays, read-only, for its history until its retention ends; their TSDB is never copied like an app's data.
    static let monitoringStores: Set<String> = ["prometheus", "alertmanager", "thanos", "loki", "mimir", "tempo", "victoria-metrics",
                                                "victoria-metrics-single", "vmstorage"]

    /// `reference` parses an image reference (a run's memo of `ImageReference.init` where thousands of workloads share images).
    static func isMonitoringStore(_ workload: Estate.Workload, reference: (String) -> ImageReference = { ImageReference($0) }) -> Bool {
        workload.appContainers.compactMap(\.image).contains { image in
            monitoringStores.contains(String(reference(image).repository.lowercased().split(separator: "/").last ?? ""))
        }
    }
}
