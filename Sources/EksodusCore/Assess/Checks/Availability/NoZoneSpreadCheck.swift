/// Replicated workloads with nothing spreading them across Availability Zones.
struct NoZoneSpreadCheck: Check {
    let info = CheckInfo(
        id: "AVL007", title: "Replicas not spread across zones", severity: .info, category: .availability,
        rationale: "EKS nodes span Availability Zones; without a zone spread every replica can land in one zone and go down with it.",
        remediation: "Add a topologySpreadConstraint on topology.kubernetes.io/zone (maxSkew 1, ScheduleAnyway).",
        triggering: [CheckSupport.deployment(replicas: 3, pod: CheckSupport.goodContainer)],
        nonTriggering: [CheckSupport.deployment(replicas: 3, pod: """
                  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]
            """ + "\n" + CheckSupport.goodContainer)]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload in
            guard workload.isService, (workload.replicas ?? 1) >= 2 else { return nil }
            let zoneKeys = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]
            let spread = zoneKeys.contains { workload.topologySpread.contains($0) || (workload.affinity ?? "").contains($0) }
            guard !spread else { return nil }
            // A StatefulSet's members keep the zone of their first placement (their EBS volumes): all in one zone, a zone loss takes the quorum.
            guard workload.kind == "StatefulSet" else {
                return finding(workload, field: "\(CheckSupport.podPath(workload.kind)).topologySpreadConstraints",
                               "\(workload.label) has \(workload.replicas ?? 0) replicas and no spread across zones")
            }
            return finding(workload, field: "\(CheckSupport.podPath(workload.kind)).topologySpreadConstraints",
                           "\(workload.label) has \(workload.replicas ?? 0) stateful replicas and no spread across zones: on EKS their EBS volumes keep them in the zone they first land in, and one zone loss can take the quorum (eksodus convert adds the spread)",
                           severity: .warning)
        }
    }
}
