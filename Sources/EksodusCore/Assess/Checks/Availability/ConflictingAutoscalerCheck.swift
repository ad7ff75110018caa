/// HorizontalPodAutoscalers that fight: several on one target, or bounds that contradict each other.
struct ConflictingAutoscalerCheck: Check {
    let info = CheckInfo(
        id: "AVL009", title: "Conflicting HorizontalPodAutoscalers", severity: .warning, category: .availability,
        rationale: "Two autoscalers on one workload overwrite each other's replica count; a minimum above the maximum never settles.",
        remediation: "Keep one HPA per workload (autoscaling/v2) with minReplicas ≤ maxReplicas.",
        triggering: ["""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web-cpu, namespace: shop}
            spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 10}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web-memory, namespace: shop}
            spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 3, maxReplicas: 6}
            """],
        nonTriggering: ["""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web, namespace: shop}
            spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 10}
            """]
    )

    let bodies = Estate.Bodies(kinds: ["HorizontalPodAutoscaler"])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let autoscalers = estate.resources(kind: "HorizontalPodAutoscaler").map { ($0, $0.body["spec"] ?? .null) }
        var findings: [Finding] = []
        let byTarget = Dictionary(grouping: autoscalers) { entry in
            "\(entry.0.namespace)/\(entry.1["scaleTargetRef", "kind"]?.string ?? "")/\(entry.1["scaleTargetRef", "name"]?.string ?? "")"
        }
        for (target, group) in byTarget.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            for (resource, _) in group {
                findings.append(finding(resource, field: "spec.scaleTargetRef",
                                        "\(group.count) HorizontalPodAutoscalers target \(target.split(separator: "/").dropFirst().joined(separator: "/")): keep one"))
            }
        }
        for (resource, spec) in autoscalers {
            if let min = spec["minReplicas"]?.int, let max = spec["maxReplicas"]?.int, min > max {
                findings.append(finding(resource, field: "spec.minReplicas", "HorizontalPodAutoscaler \(resource.name) has minReplicas \(min) above maxReplicas \(max)"))
            }
        }
        return findings
    }
}
