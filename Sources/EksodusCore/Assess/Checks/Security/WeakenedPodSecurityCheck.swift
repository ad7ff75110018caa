/// Pod security settings that Pod Security Standards forbid: seccomp or AppArmor `Unconfined` and `procMount: Unmasked`
/// (baseline), `allowPrivilegeEscalation: true` and running as root (UID 0 without runAsNonRoot: restricted).
struct WeakenedPodSecurityCheck: Check {
    let info = CheckInfo(
        id: "SEC014", title: "Pod security weakened", severity: .warning, category: .security,
        rationale: "Pod Security Standards baseline forbids seccomp and AppArmor Unconfined and procMount Unmasked (they take away the kernel filters and /proc masking that stop container escapes); restricted forbids allowPrivilegeEscalation and root (runAsUser 0, no runAsNonRoot). Each widens what a compromised container reaches on the node; none is root on it alone.",
        remediation: "Use seccompProfile RuntimeDefault, the runtime's AppArmor profile, the default procMount, allowPrivilegeEscalation: false and a non-root user (runAsNonRoot: true), and label the namespace pod-security.kubernetes.io/enforce: baseline (or restricted) on EKS.",
        triggering: [CheckSupport.deployment(pod: "      securityContext: {seccompProfile: {type: Unconfined}}\n" + CheckSupport.goodContainer),
                     CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', securityContext: {allowPrivilegeEscalation: true, procMount: Unmasked}}]"),
                     CheckSupport.deployment(pod: "      securityContext: {runAsUser: 0}\n" + CheckSupport.goodContainer),
                     CheckSupport.deployment(pod: CheckSupport.goodContainer, metadata: "").replacingOccurrences(of: "      labels: {app: web}", with: "      labels: {app: web}\n      annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}")],
        nonTriggering: [CheckSupport.deployment(pod: "      securityContext: {seccompProfile: {type: RuntimeDefault}, runAsUser: 0, runAsNonRoot: true}\n" + CheckSupport.goodContainer),
                        CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', securityContext: {allowPrivilegeEscalation: false, runAsUser: 1000}}]")]
    )

    static let markers = ["\"Unconfined\"", "\"allowPrivilegeEscalation\"", "\"runAsUser\"", "\"procMount\""]
    let bodies = Estate.Bodies(workloadsContaining: Set(markers))

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.flatMap { workload -> [Finding] in
            let path = CheckSupport.podPath(workload.kind)
            // The AppArmor annotation (before Kubernetes 1.30's appArmorProfile field) is on the pod template.
            let prefix = "container.apparmor.security.beta.kubernetes.io/"
            let templatePath = path == "spec" ? "" : String(path.dropLast(4))
            var findings = workload.templateAnnotations.keys.sorted().compactMap { key -> Finding? in
                guard key.hasPrefix(prefix), workload.templateAnnotations[key]?.lowercased() == "unconfined" else { return nil }
                return finding(workload, field: "\(templatePath)metadata.annotations[\(key)]",
                               "container \(String(key.dropFirst(prefix.count)).visibleLine) of \(workload.label) runs without AppArmor (unconfined), which Pod Security Standards baseline forbids")
            }
            guard let pod = Self.markers.lazy.compactMap({ PodSpecs.stored(workload, in: estate, containing: $0) }).first else { return findings }
            let podContext = pod["securityContext"]
            for (list, containers) in [("initContainers", pod["initContainers"]?.items ?? []), ("containers", pod["containers"]?.items ?? [])] {
                for container in containers {
                    let name = container["name"]?.string ?? "?"
                    let context = container["securityContext"]
                    let field = "\(path).\(list)[\(name)].securityContext"
                    var weakened: [String] = []
                    let seccomp = context?["seccompProfile", "type"]?.string ?? podContext?["seccompProfile", "type"]?.string
                    if seccomp == "Unconfined" { weakened.append("seccompProfile Unconfined") }
                    let appArmor = context?["appArmorProfile", "type"]?.string ?? podContext?["appArmorProfile", "type"]?.string
                    if appArmor == "Unconfined" { weakened.append("appArmorProfile Unconfined") }
                    if context?["procMount"]?.string == "Unmasked" { weakened.append("procMount Unmasked") }
                    if context?["allowPrivilegeEscalation"]?.bool == true { weakened.append("allowPrivilegeEscalation true") }
                    let user = context?["runAsUser"]?.int ?? podContext?["runAsUser"]?.int
                    let nonRoot = context?["runAsNonRoot"]?.bool ?? podContext?["runAsNonRoot"]?.bool
                    if user == 0 && nonRoot != true { weakened.append("runAsUser 0 (root) without runAsNonRoot") }
                    if !weakened.isEmpty {
                        findings.append(finding(workload, field: field, "container \(name.visibleLine) of \(workload.label): \(weakened.joined(separator: ", ")), which Pod Security Standards forbid"))
                    }
                }
            }
            return findings
        }
    }
}
