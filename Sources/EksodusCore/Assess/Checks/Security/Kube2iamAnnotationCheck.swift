/// kube2iam and kiam annotations, which rely on intercepting the instance metadata service.
struct Kube2iamAnnotationCheck: Check {
    let info = CheckInfo(
        id: "SEC007", title: "kube2iam or kiam annotations", severity: .warning, category: .security,
        rationale: "kube2iam and kiam intercept IMDS to hand out roles; on EKS the supported ways are IRSA and EKS Pod Identity.",
        remediation: "Map each iam.amazonaws.com/role to an IAM role trusted by the workload's ServiceAccount (IRSA or Pod Identity), then drop the annotations and the agent.",
        triggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer).replacingOccurrences(of: "labels: {app: web}\n    spec:", with: "labels: {app: web}\n      annotations: {iam.amazonaws.com/role: web-s3}\n    spec:")],
        nonTriggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        for workload in estate.workloads {
            if let role = workload.templateAnnotations["iam.amazonaws.com/role"] {
                findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind).replacingOccurrences(of: ".spec", with: "")).metadata.annotations[iam.amazonaws.com/role]",
                                        "\(workload.label) asks kube2iam/kiam for role \(role): give its ServiceAccount that role through IRSA or Pod Identity"))
            }
        }
        for namespace in estate.resources(kind: "Namespace") {
            for key in ["iam.amazonaws.com/allowed-roles", "iam.amazonaws.com/permitted"] where namespace.annotations[key] != nil {
                findings.append(finding(namespace, field: "metadata.annotations[\(key)]", "namespace \(namespace.name) restricts kube2iam/kiam roles (\(key)): express it in the IAM roles' trust policies"))
            }
        }
        return findings
    }
}
