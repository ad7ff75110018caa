/// What the assessment sets apart from the migration: whatever EKS replaces (its control plane, CoreDNS, kube-proxy, the
/// CNI…, by `data/eks-components.yaml`) and the namespaces the team declares as system namespaces. Everything else —
/// including the team's own add-ons in `kube-system` — is migrated, so its findings count.
struct SetApart {
    /// Workloads not migrated.
    let workloads: Set<Int64>
    /// Names of the replaced components present in the cluster, to recognise their other objects (flannel's ConfigMap and PSP).
    private let componentNames: [String]
    private let settings: AssessmentSettings

    init(_ estate: Estate, settings: AssessmentSettings, context: CheckContext) {
        var workloads: Set<Int64> = []
        var names: Set<String> = []
        for workload in estate.workloads {
            if settings.isSystem(workload.namespace) {
                workloads.insert(workload.id)
            } else if let component = context.component(of: workload), component.role == .replaced {
                workloads.insert(workload.id)
                names.insert(component.name)
            }
        }
        self.workloads = workloads
        self.componentNames = names.sorted()
        self.settings = settings
    }

    /// Whether a finding is about something set apart: a set-apart workload, an object in a system namespace, or an object
    /// named after a replaced component of this cluster (`kube-flannel-cfg`, `psp.flannel.unprivileged`).
    func contains(_ finding: Finding) -> Bool {
        if settings.isSystem(finding.namespace) { return true }
        if let workload = finding.workloadID { return workloads.contains(workload) }
        return componentNames.contains { finding.name.contains($0) }
    }
}
