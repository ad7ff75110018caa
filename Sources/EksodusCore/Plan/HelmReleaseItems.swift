/// The plan items of each Helm release of a cluster: re-install its chart on EKS with the values it runs with today, read
/// from the source by `helm get values` (the inventory never holds them), at the release's chart version, or at a newer one
/// when its stored manifest renders an API version the target removed (finding API008). A release whose every workload the
/// assessment set apart (EKS provides it: CoreDNS, a CNI, an ingress controller the ALB replaces) is not re-installed, nor
/// is one uninstalled on the source: its item says so and runs nothing.
///
/// A release that makes workloads which move is the one way they reach EKS: it installs in the wave of its earliest
/// workload (`helm-install:…`), their deploy steps only check its rollout, and `eksodus convert` writes no file for them.
/// A chart version to choose is a decision ahead of that wave (`plan:helm:…`, its gate waits for it); stateful workloads
/// need the team's choice of how the install leaves their database stopped (`plan:helm-data:…`).
enum HelmReleaseItems {
    /// The workloads a release made: Helm 3.2+ annotates its objects with the release name, and charts following the
    /// Kubernetes recommended labels put it in `app.kubernetes.io/instance`.
    static func workloads(of release: HelmReleaseRecord, in estate: Estate) -> [Estate.Workload] {
        estate.workloads.filter { workload in
            workload.namespace == release.namespace
                && (workload.annotations["meta.helm.sh/release-name"] == release.name || workload.templateLabels["app.kubernetes.io/instance"] == release.name)
        }
    }

    /// Whether an exported object is one the release made, by the same annotation or label on the object itself.
    static func owns(_ release: HelmReleaseRecord, _ resource: Estate.Resource) -> Bool {
        resource.namespace == release.namespace
            && (resource.annotations["meta.helm.sh/release-name"] == release.name || resource.labels["app.kubernetes.io/instance"] == release.name)
    }

    /// The releases EKS gets by `helm upgrade --install`: deployed on the source and running something not set apart.
    static func reinstalled(_ estate: Estate, isSetApart: (Estate.Workload) -> Bool) -> [(release: HelmReleaseRecord, workloads: [Estate.Workload])] {
        estate.helmReleases.compactMap { release in
            let made = workloads(of: release, in: estate)
            guard !release.isUninstalled, made.isEmpty || !made.allSatisfy(isSetApart) else { return nil }
            return (release, made.filter { !isSetApart($0) })
        }
    }

    /// What a workload's runbook steps need to know of the release that installs it.
    struct Install {
        var key: PlanItemKey
        /// `namespace/name (chart version)`.
        var label: String
        /// Set for a stateful workload: the team's choice the install follows.
        var dataDecision: PlanItemKey?
    }

    struct Result {
        var items: [PlanItem] = []
        /// By workload: the release item its deploy step waits for.
        var installs: [Int64: Install] = [:]
        /// By wave: the decisions its gate waits for.
        var gateWaits: [Int: [PlanItemKey]] = [:]
    }

    /// `waveOf` places the cluster's moving workloads; `stateful` are those whose data the runbook copies; `installAfter`
    /// holds, by workload, steps the install must follow (a Job's decision whether it runs again: the chart would run it).
    static func build(_ input: Checklist.ClusterInput, eksName: String, target: KubernetesVersion, waveOf: [Int64: Int],
                      stateful: Set<Int64>, installAfter: [Int64: [PlanItemKey]]) -> Result {
        let c = input.estate.cluster
        let q = ShellQuote.word
        let removals = input.assessment.findings.filter { $0.checkID == "API008" && $0.severity == .blocker }
        var result = Result()
        for release in input.estate.helmReleases {
            let made = workloads(of: release, in: input.estate)
            let planKey = PlanItemKey.helmRelease(cluster: c.name, namespace: release.namespace, name: release.name)
            if release.isUninstalled {
                result.items.append(PlanItem(
                    key: planKey,
                    title: "Leave Helm release \(release.namespace)/\(release.name) (\(release.chartLabel)) off \(eksName): it is \(release.status ?? "uninstalled") on the source",
                    clusterID: c.id, wave: nil, workloadID: nil, prerequisites: [.plan(.platform, cluster: c.name)],
                    evidence: "revision \(release.revision) is \(release.status ?? "uninstalled"); only its history is kept",
                    rollback: "Nothing to undo: nothing is installed", commands: [], rollbackCommands: []))
                continue
            }
            if !made.isEmpty, made.allSatisfy({ input.assessment.systemWorkloads.contains($0.id) }) {
                result.items.append(PlanItem(
                    key: planKey,
                    title: "Leave Helm release \(release.namespace)/\(release.name) (\(release.chartLabel)) off \(eksName): EKS provides what it runs",
                    clusterID: c.id, wave: nil, workloadID: nil, prerequisites: [.plan(.platform, cluster: c.name)],
                    evidence: "its workloads are set apart by the assessment: " + made.map(\.label).joined(separator: ", "),
                    rollback: "Nothing to undo: nothing is installed", commands: [], rollbackCommands: []))
                continue
            }
            let moving = made.filter { waveOf[$0.id] != nil && !input.assessment.systemWorkloads.contains($0.id) }
            let values = ShellQuote.fileName(["values", c.name, release.namespace, release.name])
            let removed = removals.filter { $0.namespace == release.namespace && $0.name.hasPrefix(release.name + "/") }
            let chart = release.chart ?? "CHART"
            let version: String
            var evidence = (made.isEmpty ? "" : "runs " + made.map(\.label).joined(separator: ", ") + "; ") + "revision \(release.revision)" + (release.status.map { ", \($0)" } ?? "") + (release.appVersion.map { ", app version \($0)" } ?? "")
            var versionChoice: String?
            if removed.isEmpty, let chartVersion = release.chartVersion {
                version = "--version \(q(chartVersion))"
                evidence += "; chart version \(chartVersion) renders only API versions EKS \(target) serves"
            } else if !removed.isEmpty {
                version = "--version \"$CHART_VERSION\""
                let kinds = removed.map { "\($0.kind) \($0.name.dropFirst(release.name.count + 1))" }.sorted()
                versionChoice = "chart version \(release.chartVersion ?? "?") renders removed API versions (\(kinds.joined(separator: ", "))): "
                    + "set CHART_VERSION to a chart version that renders current ones (helm search repo \(chart) --versions)"
                evidence += "; " + (versionChoice ?? "")
            } else {
                version = "--version \"$CHART_VERSION\""
                versionChoice = "the chart version is unknown: set CHART_VERSION"
                evidence += "; " + (versionChoice ?? "")
            }
            if release.helmMajor == 2 { evidence += "; a Helm 2 (Tiller) release: install it with Helm 3 on EKS" }
            if let note = release.note { evidence += "; \(note)" }
            // Helm 2 keeps releases in Tiller's namespace and takes no -n for `get values`.
            // Values often hold passwords: the file is the operator's alone (umask 077 in a subshell) and goes after the install.
            let getValues = release.helmMajor == 2
                ? "(umask 077 && helm get values \(q(release.name)) --kube-context \"$SOURCE_CONTEXT\" > \(q(values)))"
                : "(umask 077 && helm get values \(q(release.name)) -n \(q(release.namespace)) --kube-context \"$SOURCE_CONTEXT\" -o yaml > \(q(values)))"
            let removeValues = "rm -f \(q(values))  " + ShellQuote.comment("the values may hold credentials: kept no longer than the install")
            var install = "helm upgrade --install \(q(release.name)) \(q(chart)) --repo \"$CHART_REPO\" \(version) -n \(q(release.namespace)) --create-namespace --kube-context \"$EKS_CONTEXT\" -f \(q(values))"
            let uninstall = ["helm uninstall \(q(release.name)) -n \(q(release.namespace)) --kube-context \"$EKS_CONTEXT\""]

            // A release of no moving workload (configuration, CRDs only) has no wave to wait for: it stays with the platform.
            guard let wave = moving.compactMap({ waveOf[$0.id] }).min() else {
                result.items.append(PlanItem(
                    key: planKey, title: "Re-install Helm release \(release.namespace)/\(release.name) (\(release.chartLabel)) on \(eksName) with its values",
                    clusterID: c.id, wave: nil, workloadID: nil, prerequisites: [.plan(.platform, cluster: c.name)], evidence: evidence,
                    rollback: "Uninstall the release from EKS; the source release is untouched", commands: [getValues, install, removeValues], rollbackCommands: uninstall))
                continue
            }

            let installKey = PlanItemKey.helmInstall(cluster: c.name, namespace: release.namespace, name: release.name)
            let releaseLabel = "\(release.namespace)/\(release.name) (\(release.chartLabel))"
            var after: [PlanItemKey] = [.wave(.apply, cluster: c.name, wave), .plan(.platform, cluster: c.name)]
            // The chart installs every workload at once: the images of later waves' members too.
            after += Set(moving.compactMap { waveOf[$0.id] }).sorted().map { .wave(.images, cluster: c.name, $0) }
            if let versionChoice {
                result.items.append(PlanItem(
                    key: planKey, title: "Choose the chart version Helm release \(releaseLabel) installs on \(eksName) (wave \(wave) waits for it)",
                    clusterID: c.id, wave: nil, workloadID: nil, prerequisites: [.plan(.platform, cluster: c.name)], evidence: versionChoice,
                    rollback: "Nothing to undo: a decision (record the version in the note)",
                    commands: ["helm search repo \(q(chart)) --versions  # after helm repo add for \"$CHART_REPO\"",
                               "helm template \(q(release.name)) \(q(chart)) --repo \"$CHART_REPO\" --version \"$CHART_VERSION\" -f \(q(values)) | grep -n '^apiVersion:'  # only versions EKS \(target) serves"]))
                after.append(planKey)
                result.gateWaits[wave, default: []].append(planKey)
            }

            let statefulMembers = moving.filter { stateful.contains($0.id) }
            var dataDecision: PlanItemKey?
            if !statefulMembers.isEmpty {
                let decision = PlanItemKey.helmData(cluster: c.name, namespace: release.namespace, name: release.name)
                let zero = ShellQuote.fileName(["values", c.name, release.namespace, release.name, "stopped"])
                let names = statefulMembers.map(\.label).joined(separator: ", ")
                result.items.append(PlanItem(
                    key: decision,
                    title: "Decide how Helm release \(releaseLabel) installs \(names) on \(eksName) without starting the database before its copy: "
                        + "(a) with replicas 0 through the chart's own value, or (b) left out of the chart and created from its source export, adopted by Helm later",
                    clusterID: c.id, wave: nil, workloadID: nil, prerequisites: [.assessment(.replication, cluster: c.name)],
                    evidence: "each chart names its replica count differently (eksodus does not guess it); the runbook keeps the copy method's order "
                        + "(empty target, replicate, verify, freeze, promote, switch) and its deploy step scales the workload up from 0. "
                        + "(a): write the value to \(zero); after the promote set it back in \(values), or the next helm upgrade stops the database. "
                        + "(b): write the chart's value that leaves the workload out to \(zero) and, in its deploy step, create it on EKS from its source "
                        + "export at 0 replicas instead of scaling; a helm upgrade after the promote, without that value, adopts it (Helm 3.2+ adopts "
                        + "objects carrying the release's meta.helm.sh annotations and managed-by label: https://github.com/helm/helm/pull/7649)",
                    rollback: "Nothing to undo: a decision (record (a) or (b) and the value in the note)",
                    commands: ["helm show values \(q(chart)) --repo \"$CHART_REPO\" \(version) | grep -n -i -e replica -e enabled  # the chart's own keys",
                               "printf '%s\\n' \"$STOPPED_VALUES\" > \(q(zero))  # (a) the chart's replicas key at 0; (b) the key that leaves the workload out, or nothing"]))
                after.append(decision)
                install += " -f \(q(zero))"
                dataDecision = decision
            }

            var commands = [getValues]
            // The chart would start its CronJobs on schedule while the source still runs them: a post-renderer (Helm 3.1+, any
            // executable reading the rendered manifests on stdin) suspends them whatever the chart's values say.
            // https://helm.sh/docs/topics/advanced/#post-rendering
            let cronJobs = moving.filter { $0.kind == "CronJob" }
            if !cronJobs.isEmpty {
                let renderer = ShellQuote.fileName(["suspend-cronjobs", c.name, release.namespace, release.name], suffix: ".sh")
                let filter = q("(select(.kind == \"CronJob\") | .spec.suspend) = true")
                commands.append("printf '%s\\n' '#!/bin/sh' \(q("exec yq " + filter)) > \(q(renderer)) && chmod +x \(q(renderer))")
                install += " --post-renderer ./\(renderer)"
                evidence += "; its CronJobs (\(cronJobs.map(\.label).joined(separator: ", "))) install suspended by a post-renderer: "
                    + "until each is enabled in its step, every helm upgrade needs the same --post-renderer"
            }
            if moving.contains(where: { $0.kind == "Job" }) {
                evidence += "; the chart runs its Jobs on install: a Job decided not to run again needs the chart's value that leaves it out"
            }
            let waves = Set(moving.compactMap { waveOf[$0.id] })
            if waves.count > 1 {
                evidence += "; installs its workloads of waves \(waves.sorted().map(String.init).joined(separator: ", ")) together in wave \(wave): a release installs whole"
            }
            commands += [install, removeValues, "helm status \(q(release.name)) -n \(q(release.namespace)) --kube-context \"$EKS_CONTEXT\""]
            after += moving.flatMap { installAfter[$0.id] ?? [] }
            result.items.append(PlanItem(
                key: installKey, title: "Install Helm release \(releaseLabel) on \(eksName) with its source values: the one way its workloads reach EKS",
                clusterID: c.id, wave: wave, workloadID: nil, prerequisites: Checklist.unique(after), evidence: evidence,
                rollback: "Uninstall the release from EKS; the source release is untouched", commands: commands, rollbackCommands: uninstall))
            for workload in moving {
                result.installs[workload.id] = Install(key: installKey, label: releaseLabel, dataDecision: stateful.contains(workload.id) ? dataDecision : nil)
            }
        }
        return result
    }
}
