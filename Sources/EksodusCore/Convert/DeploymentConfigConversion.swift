/// `convert` writes an OpenShift DeploymentConfig (apps.openshift.io/v1) as the apps/v1 Deployment that does its work on EKS:
/// replicas, pod template, minReadySeconds, revisionHistoryLimit and paused carry over; the plain-map selector becomes
/// `matchLabels`; the Rolling strategy becomes RollingUpdate with its maxSurge/maxUnavailable, Recreate stays Recreate.
/// What a Deployment has no field for is a TODO, never a guess: lifecycle hooks (pre/mid/post), Custom strategies, `test`
/// configs, and ImageChange triggers (EKS has no ImageStreams: the pipeline that pushes to ECR rolls the image instead).
/// A ConfigChange trigger needs nothing: a Deployment rolls out whenever its template changes.
extension ManifestConverter {
    func deployment(fromConfig object: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        let spec = object["spec"] ?? .mapping([])
        let label = "DeploymentConfig \(namespace)/\(name)"
        var converted: [(key: String, value: ManifestNode)] = []
        // Counts go in only as the API takes them (DeploymentSpec.replicas is an int32; maxSurge and maxUnavailable are
        // an integer or a percentage, never negative): kubectl would refuse the whole file for one that is not.
        func shown(_ node: ManifestNode) -> String { node.string.map { "'\($0.visibleLine)'" } ?? "(not a scalar)" }
        if let replicas = spec["replicas"] {
            if let count = replicas.int, (0...Int(Int32.max)).contains(count) {
                converted.append(("replicas", .scalar(String(count), plain: true)))
            } else {
                result.todos.append("\(label): replicas \(shown(replicas)) is not a count of pods: not written; set the Deployment's replicas")
            }
        }
        let selector = spec["selector"].flatMap { $0.entries.isEmpty ? nil : $0 } ?? spec["template", "metadata", "labels"]
        if let selector { converted.append(("selector", .mapping([("matchLabels", selector)]))) }
        for field in ["minReadySeconds", "revisionHistoryLimit", "paused"] {
            if let value = spec[field] { converted.append((field, value)) }
        }

        let strategy = spec["strategy"]
        switch strategy?["type"]?.string ?? "Rolling" {
        case "Recreate":
            converted.append(("strategy", .mapping([("type", .string("Recreate"))])))
        case "Rolling":
            var rolling: [(key: String, value: ManifestNode)] = []
            for field in ["maxSurge", "maxUnavailable"] {
                guard let value = strategy?["rollingParams", field] else { continue }
                if let count = value.int, (0...Int(Int32.max)).contains(count) {
                    rolling.append((field, .scalar(String(count), plain: true)))
                } else if let text = value.string, Self.isPercentage(text) {
                    rolling.append((field, .string(text)))
                } else {
                    result.todos.append("\(label): \(field) \(shown(value)) is neither a number of pods nor a percentage: not written (the Deployment's default, 25%, applies)")
                }
            }
            converted.append(("strategy", .mapping([("type", .string("RollingUpdate"))] + (rolling.isEmpty ? [] : [("rollingUpdate", .mapping(rolling))]))))
        case let other:
            result.todos.append("\(label): strategy \(other.visibleLine) has no Deployment equivalent (written RollingUpdate): run its custom deployer as a Job or a CI step")
            converted.append(("strategy", .mapping([("type", .string("RollingUpdate"))])))
        }
        for params in ["rollingParams", "recreateParams"] {
            for hook in ["pre", "mid", "post"] where strategy?[params, hook] != nil {
                result.todos.append("\(label): the \(hook) lifecycle hook is not carried over: run it as a Job (or an init container) around the rollout")
            }
        }
        if spec["test"]?.bool == true {
            result.todos.append("\(label) is a test configuration (scaled to zero after each deployment): decide whether EKS needs it")
        }
        for trigger in spec["triggers"]?.items ?? [] where trigger["type"]?.string == "ImageChange" {
            let params = trigger["imageChangeParams"]
            let from = params?["from", "name"]?.string ?? "an ImageStreamTag"
            let containers = (params?["containerNames"]?.items ?? []).compactMap(\.string).joined(separator: ", ")
            result.todos.append("\(label): ImageChange trigger on \(from.visibleLine)\(containers.isEmpty ? "" : " (\(containers.visibleLine))") is not carried over: EKS has no ImageStreams; the pipeline that pushes the image to ECR updates the Deployment")
        }
        if let template = spec["template"] {
            for container in (template["spec", "containers"]?.items ?? []) + (template["spec", "initContainers"]?.items ?? [])
            where (container["image"]?.string ?? "").trimmingWhitespace().isEmpty {
                result.todos.append("\(label): container \((container["name"]?.string ?? "?").visibleLine) has no image (its ImageChange trigger filled it in): set the ECR image")
            }
            converted.append(("template", template))
        }
        result.changes.append(Change(field: "kind", why: "DeploymentConfig → apps/v1 Deployment (selector as matchLabels, strategy \(strategy?["type"]?.string ?? "Rolling") → \(strategy?["type"]?.string == "Recreate" ? "Recreate" : "RollingUpdate"))"))
        return .mapping([
            ("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")),
            ("metadata", object["metadata"] ?? .mapping([("name", .string(name))])), ("spec", .mapping(converted)),
        ])
    }

    /// `25%`: digits and a percent sign, as an IntOrString percentage is written.
    static func isPercentage(_ text: String) -> Bool {
        text.utf8.count > 1 && text.utf8.count <= 11 && text.hasSuffix("%") && text.dropLast().allSatisfy { $0.isASCII && $0.isNumber }
    }
}
