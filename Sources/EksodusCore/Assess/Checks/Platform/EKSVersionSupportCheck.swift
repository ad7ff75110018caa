/// The target Kubernetes version against the EKS support calendar on the assessment date.
struct EKSVersionSupportCheck: Check {
    let info = CheckInfo(
        id: "PLT001", title: "Target version out of, or about to leave, EKS standard support", severity: .warning, category: .platform,
        rationale: "EKS gives each version 14 months of standard support ($0.10 per cluster-hour), then 12 of extended support ($0.60 per cluster-hour); after that the control plane is upgraded for you.",
        remediation: "Target the newest EKS version with several months of standard support left (eksodus names it in the finding), unless an add-on holds you back, so the new cluster does not start on a clock.",
        triggering: ["""
            # target: 1.29
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            """, """
            # target: 1.19
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            """, """
            # target: 1.34
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            """],
        nonTriggering: ["""
            # target: 1.35
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let cluster = Estate.Resource(id: 0, clusterID: estate.cluster.id, apiVersion: "", group: "", kind: "Cluster", namespace: "",
                                      name: estate.cluster.name, labels: [:], annotations: [:], bodyText: "{}", sourceFile: "", sourceLine: 0)
        func clusterFinding(_ message: String, _ severity: Severity) -> Finding {
            var result = finding(cluster, field: "--target-version", message, severity: severity)
            result.resourceID = nil
            result.sourceFile = nil
            result.sourceLine = nil
            return result
        }
        guard let today = CalendarDay(context.date) else { return [] }
        let recommended = context.reference.recommendedEKSVersion(on: today)
        let advice = recommended.map { " Recommended: EKS \($0.version) (standard support until \($0.endOfStandard))." } ?? ""
        guard let version = context.reference.eksVersion(context.target) else {
            let newest = context.reference.eksVersions.map(\.version).max()
            if let newest, context.target > newest {
                return [clusterFinding("Kubernetes \(context.target) is newer than any EKS version eksodus knows (newest: \(newest)): check it is available in your region and read its support dates on the EKS calendar.\(advice)", .warning)]
            }
            return [clusterFinding("Kubernetes \(context.target) is past the end of EKS extended support (or never was an EKS version): target a supported version.\(advice)", .blocker)]
        }
        switch version.support(on: today) {
        case .notYetReleased:
            return [clusterFinding("EKS \(version.version) is not released on \(today) (release \(version.released)).\(advice)", .warning)]
        case .ended:
            return [clusterFinding("EKS \(version.version) left extended support on \(version.endOfExtended): EKS upgrades such control planes itself; target a newer version.\(advice)", .blocker)]
        case .extended(let daysLeft):
            return [clusterFinding("EKS \(version.version) is in extended support since \(version.endOfStandard) (billed from 00:00 UTC that day): $0.60 per cluster-hour instead of $0.10, and it ends \(version.endOfExtended), in \(daysLeft) days.\(advice)", .warning)]
        case .standard(let daysLeft) where daysLeft < ReferenceData.minimumStandardSupportDays:
            return [clusterFinding("EKS \(version.version) leaves standard support on \(version.endOfStandard), in \(daysLeft) days; extended support then costs $0.60 per cluster-hour instead of $0.10.\(advice)", .warning)]
        case .standard:
            return []
        }
    }
}
