/// Workloads on the namespace's default ServiceAccount with its token mounted.
struct DefaultServiceAccountTokenCheck: Check {
    let info = CheckInfo(
        id: "SEC005", title: "Default service account with token automount", severity: .info, category: .security,
        rationale: "Every pod of the namespace shares the default ServiceAccount; an IAM role for one workload (IRSA, Pod Identity) needs a ServiceAccount of its own.",
        remediation: "Give the workload its own ServiceAccount, and set automountServiceAccountToken: false where it never calls the Kubernetes API.",
        triggering: [CheckSupport.deployment(pod: CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(pod: "      serviceAccountName: web\n" + CheckSupport.goodContainer),
                        CheckSupport.deployment(pod: "      automountServiceAccountToken: false\n" + CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload in
            guard workload.serviceAccount == nil || workload.serviceAccount == "default", workload.automountToken != false else { return nil }
            return finding(workload, field: "\(CheckSupport.podPath(workload.kind)).serviceAccountName",
                           "\(workload.label) runs as the default ServiceAccount with its token mounted")
        }
    }
}
