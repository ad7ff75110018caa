/// The few lines `eksodus import` prints when it is done.
public enum ImportReport {
    public static func text(_ summary: ImportSummary) -> String {
        let megabytes = Double(summary.bytes) / 1_048_576
        var lines = [
            "Imported \(summary.objectsRead) objects (\(summary.objectsStored) distinct) from \(summary.files) file(s), "
                + "\(String(format: "%.1f", megabytes)) MB, into cluster \(summary.cluster.visibleLine) (import #\(summary.importID)).",
            "Workloads: \(summary.workloads)   Digest: \(summary.digest)",
        ]
        let kinds = summary.kinds.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key.visibleLine)=\($0.value)" }
        if !kinds.isEmpty { lines.append("Kinds: " + kinds.joined(separator: " ")) }
        var facts: [String] = []
        if summary.nodes > 0 { facts.append("\(summary.nodes) node(s)") }
        if summary.podsMeasured > 0 { facts.append("usage of \(summary.podsMeasured) pod(s)") }
        if let version = summary.serverVersion { facts.append("server version \(version.visibleLine) (kubectl version)") }
        if !facts.isEmpty { lines.append("Cluster facts: " + facts.joined(separator: ", ") + ".") }
        if summary.helmReleases > 0 {
            lines.append("Helm releases: \(summary.helmReleases) (chart and rendered API versions kept, never values: eksodus inventory helm).")
        }
        let skipped = summary.notices.reduce(0) { $0 + $1.skipped }
        if skipped > 0 { lines.append("Skipped \(skipped) document(s) that are not Kubernetes objects.") }
        if let replaced = summary.replacement {
            var line = "Replaced: removed \(replaced.removedObjects) object(s) and \(replaced.removedImages) image(s) this export no longer holds"
            if !replaced.vanishedWorkloads.isEmpty {
                let shown = replaced.vanishedWorkloads.prefix(10).map(\.visibleLine).joined(separator: ", ")
                line += "; \(replaced.vanishedWorkloads.count) workload(s) gone (\(shown)\(replaced.vanishedWorkloads.count > 10 ? ", …" : ""))"
                line += ", \(replaced.obsoleteItems) checklist item(s) now obsolete"
            }
            lines.append(line + ".")
        }
        return lines.joined(separator: "\n")
    }
}
