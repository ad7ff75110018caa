/// One plan item per Helm release of a cluster: re-install its chart on EKS with the values it runs with today,
/// read from the source by `helm get values` (the inventory never holds them), at the release's chart version, or at
/// a newer one when its stored manifest renders an API version the target removed (finding API008). A release whose
/// every workload the assessment set apart (EKS provides it: CoreDNS, a CNI, an ingress controller the ALB replaces)
/// is not re-installed, nor is one uninstalled on the source: its item says so and runs nothing.
enum HelmReleaseItems {
    /// The workloads a release made: Helm 3.2+ annotates its objects with the release name, and charts following the
    /// Kubernetes recommended labels put it in `app.kubernetes.io/instance`.
    static func workloads(of release: HelmReleaseRecord, in estate: Estate) -> [Estate.Workload] {
        estate.workloads.filter { workload in
            workload.namespace == release.namespace
                && (workload.annotations["meta.helm.sh/release-name"] == release.name || workload.templateLabels["app.kubernetes.io/instance"] == release.name)
        }
    }

    static func build(_ input: Checklist.ClusterInput, eksName: String, target: KubernetesVersion) -> [PlanItem] {
        let c = input.estate.cluster
        let q = ShellQuote.word
        let removals = input.assessment.findings.filter { $0.checkID == "API008" && $0.severity == .blocker }
        return input.estate.helmReleases.map { release in
            let made = workloads(of: release, in: input.estate)
            if release.isUninstalled {
                return PlanItem(
                    key: "plan:helm:\(c.name)/\(release.namespace)/\(release.name)", phase: .plan, step: "helm-release",
                    title: "Leave Helm release \(release.namespace)/\(release.name) (\(release.chartLabel)) off \(eksName): it is \(release.status ?? "uninstalled") on the source",
                    clusterID: c.id, wave: nil, workloadID: nil, prerequisites: ["plan:platform:\(c.name)"],
                    evidence: "revision \(release.revision) is \(release.status ?? "uninstalled"); only its history is kept",
                    rollback: "Nothing to undo: nothing is installed", commands: [], rollbackCommands: [])
            }
            if !made.isEmpty, made.allSatisfy({ input.assessment.systemWorkloads.contains($0.id) }) {
                return PlanItem(
                    key: "plan:helm:\(c.name)/\(release.namespace)/\(release.name)", phase: .plan, step: "helm-release",
                    title: "Leave Helm release \(release.namespace)/\(release.name) (\(release.chartLabel)) off \(eksName): EKS provides what it runs",
                    clusterID: c.id, wave: nil, workloadID: nil, prerequisites: ["plan:platform:\(c.name)"],
                    evidence: "its workloads are set apart by the assessment: " + made.map(\.label).joined(separator: ", "),
                    rollback: "Nothing to undo: nothing is installed", commands: [], rollbackCommands: [])
            }
            let values = ShellQuote.fileName(["values", c.name, release.namespace, release.name])
            let removed = removals.filter { $0.namespace == release.namespace && $0.name.hasPrefix(release.name + "/") }
            let chart = release.chart ?? "CHART"
            let version: String
            var evidence = (made.isEmpty ? "" : "runs " + made.map(\.label).joined(separator: ", ") + "; ") + "revision \(release.revision)" + (release.status.map { ", \($0)" } ?? "") + (release.appVersion.map { ", app version \($0)" } ?? "")
            if removed.isEmpty, let chartVersion = release.chartVersion {
                version = "--version \(q(chartVersion))"
                evidence += "; chart version \(chartVersion) renders only API versions EKS \(target) serves"
            } else if !removed.isEmpty {
                version = "--version \"$CHART_VERSION\""
                let kinds = removed.map { "\($0.kind) \($0.name.dropFirst(release.name.count + 1))" }.sorted()
                evidence += "; chart version \(release.chartVersion ?? "?") renders removed API versions (\(kinds.joined(separator: ", "))): "
                    + "set CHART_VERSION to a chart version that renders current ones (helm search repo \(chart) --versions)"
            } else {
                version = "--version \"$CHART_VERSION\""
                evidence += "; the chart version is unknown: set CHART_VERSION"
            }
            if release.helmMajor == 2 { evidence += "; a Helm 2 (Tiller) release: install it with Helm 3 on EKS" }
            if let note = release.note { evidence += "; \(note)" }
            // Helm 2 keeps releases in Tiller's namespace and takes no -n for `get values`.
            let getValues = release.helmMajor == 2
                ? "helm get values \(q(release.name)) --kube-context \"$SOURCE_CONTEXT\" > \(q(values))"
                : "helm get values \(q(release.name)) -n \(q(release.namespace)) --kube-context \"$SOURCE_CONTEXT\" -o yaml > \(q(values))"
            return PlanItem(
                key: "plan:helm:\(c.name)/\(release.namespace)/\(release.name)", phase: .plan, step: "helm-release",
                title: "Re-install Helm release \(release.namespace)/\(release.name) (\(release.chartLabel)) on \(eksName) with its values",
                clusterID: c.id, wave: nil, workloadID: nil, prerequisites: ["plan:platform:\(c.name)"], evidence: evidence,
                rollback: "Uninstall the release from EKS; the source release is untouched",
                commands: [getValues,
                           "helm upgrade --install \(q(release.name)) \(q(chart)) --repo \"$CHART_REPO\" \(version) -n \(q(release.namespace)) --create-namespace --kube-context \"$EKS_CONTEXT\" -f \(q(values))"],
                rollbackCommands: ["helm uninstall \(q(release.name)) -n \(q(release.namespace)) --kube-context \"$EKS_CONTEXT\""])
        }
    }
}
