/// A controller release (cert-manager, say) whose maintainers do not support the target Kubernetes version.
struct ControllerReleaseSupportCheck: Check {
    let info = CheckInfo(
        id: "PLT007", title: "Controller release does not support the target Kubernetes version", severity: .warning, category: .platform,
        // cert-manager, "Supported Releases" (https://cert-manager.io/docs/releases/): each release lists the Kubernetes
        // versions it supports; outside them it is neither tested nor fixed. data/controller-support.yaml keeps the table.
        rationale: "Each release of a controller such as cert-manager supports a stated range of Kubernetes versions; outside it the maintainers neither test it nor fix it. Moved to EKS as it runs now, an old release meets a newer API server (removed APIs, changed admission and webhook behaviour) on migration night, and certificates stop renewing weeks later.",
        // "Upgrading cert-manager" (https://cert-manager.io/docs/installation/upgrade/): "We recommend that you upgrade
        // cert-manager one minor version at a time, always choosing the latest patch version"; that is for a running
        // installation. The CRDs: its release's cert-manager.crds.yaml, or the chart's `crds.enabled` (`installCRDs` before
        // v1.15), https://cert-manager.io/docs/installation/helm/; the release decision applies and reads them back.
        remediation: "Install a release that supports the target on EKS (the finding names them), its CRDs first (cert-manager: the release's cert-manager.crds.yaml, or its Helm chart with crds.enabled=true; Helm never upgrades CRDs by itself), and carry its resources over (cert-manager: Issuers, ClusterIssuers and Certificates at cert-manager.io/v1, whose Secrets it then renews). A fresh install on EKS needs no intermediate release; upgrading it on the source instead goes one minor release at a time, always to its latest patch, as its upgrade notes recommend.",
        triggering: ["""
            # target: 1.33
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cert-manager, namespace: cert-manager}
            spec:
              selector: {matchLabels: {app: cert-manager}}
              template:
                metadata: {labels: {app: cert-manager}}
                spec: {containers: [{name: controller, image: 'quay.io/jetstack/cert-manager-controller:v1.9.1'}]}
            """],
        nonTriggering: ["""
            # target: 1.33
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cert-manager, namespace: cert-manager}
            spec:
              selector: {matchLabels: {app: cert-manager}}
              template:
                metadata: {labels: {app: cert-manager}}
                spec: {containers: [{name: controller, image: 'quay.io/jetstack/cert-manager-controller:v1.18.2'}]}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload in
            workload.containers.compactMap { container -> Finding? in
                guard let text = container.image, let image = container.imageReference, let tag = image.tag,
                      let controller = context.reference.controllers.first(where: { $0.runs(image.repository) }),
                      let range = controller.range(ofTag: tag), !(range.first <= context.target && context.target <= range.last) else { return nil }
                let supported = controller.releases(supporting: context.target, on: context.date)
                let instead = supported.isEmpty ? "no maintained release in eksodus's table supports it (see \(controller.source))"
                    : "maintained releases that do: " + supported.map(\.description).joined(separator: ", ")
                return finding(workload, field: "\(CheckSupport.containerPath(workload, container)).image",
                               "\(controller.name) \(range.release) (image \(text.visibleLine)) supports Kubernetes \(range.first)–\(range.last), not EKS \(context.target); \(instead) (\(controller.source))")
            }
        }
    }
}
