/// Add-ons a team installed that EKS also offers as a managed add-on: still migrated, but the plan names the alternative.
struct EKSAddonAlternativeCheck: Check {
    let info = CheckInfo(
        id: "PLT003", title: "EKS add-on can replace this add-on", severity: .info, category: .platform,
        rationale: "An EKS add-on is installed, patched and upgraded with the cluster through the EKS API; a self-managed copy is one more thing to upgrade by hand.",
        remediation: "Decide per add-on: install the EKS add-on in the platform wave (and carry over its configuration), or migrate this one as it is.",
        triggering: ["""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: snapshot-controller, namespace: kube-system}
            spec:
              selector: {matchLabels: {app: snapshot-controller}}
              template:
                metadata: {labels: {app: snapshot-controller}}
                spec: {containers: [{name: snapshot-controller, image: 'registry.k8s.io/sig-storage/snapshot-controller:v8.2.0'}]}
            """],
        nonTriggering: ["""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: descheduler, namespace: kube-system}
            spec:
              selector: {matchLabels: {app: descheduler}}
              template:
                metadata: {labels: {app: descheduler}}
                spec: {containers: [{name: descheduler, image: 'registry.k8s.io/descheduler/descheduler:v0.30.1'}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload in
            guard let component = context.component(of: workload), component.role == .alternative else { return nil }
            return finding(workload, field: "metadata.name",
                           "\(workload.label) is a self-managed \(component.name); \(component.replacedBy) can take its place: install it in the platform wave, or migrate this one as it is")
        }
    }
}
