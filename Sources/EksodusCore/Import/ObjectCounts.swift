/// The counts and the schedule the API server checks before it stores a workload, an autoscaler or a CronJob, checked as it
/// checks them: replicas, parallelism and completions are int32 fields of at least 0 (Kubernetes API reference,
/// DeploymentSpec, StatefulSetSpec, ReplicaSetSpec, ReplicationControllerSpec, JobSpec; OpenShift DeploymentConfigSpec), so
/// `-5`, `"3"` or `1.5` is no value any cluster held; an HPA's maxReplicas is at least 1 and at least its minReplicas
/// (HorizontalPodAutoscalerSpec, autoscaling validation); a CronJob's schedule is one cron line (five fields or an `@`
/// macro, parsed by robfig/cron's ParseStandard).
enum ObjectCounts {
    /// Why the counts of `node` cannot be, or nil.
    static func problem(_ node: ManifestNode, kind: String, group: String) -> String? {
        let spec = node["spec"]
        switch (group, kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("extensions", "Deployment"),
             ("extensions", "ReplicaSet"), ("", "ReplicationController"), ("apps.openshift.io", "DeploymentConfig"), ("", "DeploymentConfig"):
            return countProblem(spec?["replicas"], field: "spec.replicas")
        case ("batch", "Job"):
            return jobProblem(spec, path: "spec")
        case ("batch", "CronJob"):
            return scheduleProblem(spec?["schedule"]) ?? jobProblem(spec?["jobTemplate", "spec"], path: "spec.jobTemplate.spec")
        case ("autoscaling", "HorizontalPodAutoscaler"):
            if let problem = countProblem(spec?["minReplicas"], field: "spec.minReplicas") ?? countProblem(spec?["maxReplicas"], field: "spec.maxReplicas") { return problem }
            // minReplicas 0 is allowed where the HPAScaleToZero feature gate is on; maxReplicas never below 1.
            let minimum = spec?["minReplicas"]?.int ?? 1
            guard let maximum = spec?["maxReplicas"]?.int else { return "spec.maxReplicas is missing; the API server requires it" }
            if maximum < 1 { return "spec.maxReplicas is \(maximum); it must be at least 1" }
            if minimum > maximum { return "spec.minReplicas \(minimum) is greater than spec.maxReplicas \(maximum)" }
            return nil
        default:
            return nil
        }
    }

    private static func jobProblem(_ spec: ManifestNode?, path: String) -> String? {
        countProblem(spec?["parallelism"], field: path + ".parallelism")
            ?? countProblem(spec?["completions"], field: path + ".completions")
            ?? countProblem(spec?["backoffLimit"], field: path + ".backoffLimit")
    }

    /// An int32 of at least 0, when present. YAML's `3.0` is accepted (sigs.k8s.io/yaml hands the API server the number 3);
    /// a quoted `"3"` is a string, which the API server's decoder refuses for an integer field.
    static func countProblem(_ value: ManifestNode?, field: String) -> String? {
        guard let value, !value.isNull else { return nil }
        guard case .scalar(let text, let plain) = value, plain, let number = value.int else {
            return "\(field) is \(shown(value)), not a whole number"
        }
        guard (0...Int(Int32.max)).contains(number) else { return "\(field) is \(text.visibleLine); it must be 0 to \(Int32.max)" }
        return nil
    }

    /// A schedule the cron parser takes: five fields or a macro (after an optional CRON_TZ=/TZ= zone, which older API
    /// servers accepted), and no control character but a tab — a line break would also end the `#` comment the runbook
    /// prints the schedule in, and start a command. The parser trims the line and splits it on any run of white space
    /// (robfig/cron v3 parser.go: `strings.TrimSpace`, then `strings.Fields`), so tabs and repeated spaces separate fields
    /// as one space does; a macro is the whole trimmed rest, and `@every` is followed by one space ("@every ").
    static func scheduleProblem(_ value: ManifestNode?) -> String? {
        guard let value, !value.isNull else { return "spec.schedule is missing; the API server requires it" }
        guard value.isString, let schedule = value.string else { return "spec.schedule is \(shown(value)), not a string" }
        if schedule.unicodeScalars.contains(where: { $0 != "\t" && $0.properties.generalCategory == .control }) {
            return "spec.schedule '\(schedule.visibleLine)' holds a line break or another control character"
        }
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        var fields = schedule.split(whereSeparator: blank)
        if let zone = fields.first, zone.hasPrefix("CRON_TZ=") || zone.hasPrefix("TZ=") { fields.removeFirst() }
        if let first = fields.first, first.hasPrefix("@") {
            let macros: Set<Substring> = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]
            // The rest of the line from the macro on, as the parser's descriptor sees it (trimmed).
            let rest = schedule[first.startIndex..<(fields.last ?? first).endIndex]
            if (fields.count == 1 && macros.contains(first)) || (fields.count == 2 && first == "@every" && rest == "@every " + fields[1]) { return nil }
            return "spec.schedule '\(schedule.visibleLine)' is no cron macro (@yearly, @monthly, @weekly, @daily, @hourly, @every DURATION)"
        }
        guard fields.count == 5 else { return "spec.schedule '\(schedule.visibleLine)' has \(fields.count) fields; a cron schedule has 5" }
        return nil
    }

    private static func shown(_ value: ManifestNode) -> String {
        switch value {
        case .scalar(let text, let plain): return plain ? "'\(text.visibleLine)'" : "the string '\(text.visibleLine)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
