import Foundation

/// `--target-version` checked against eksodus's EKS calendar (`data/eks-versions.yaml`): `1.99` is no EKS version, and
/// planning for it would write eksctl configs, add-on versions and runbooks for a cluster EKS cannot create.
/// A version one past the calendar's newest is accepted once the calendar is stale (`EKSVersionGate.staleCalendar`: EKS
/// releases a minor version about every four months, https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html),
/// because it may be out by then: the plan's cluster step checks it with `aws eks describe-cluster-versions` before
/// creating anything, and assess warns that eksodus knows no dates for it.
public enum TargetVersionChoice {
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// The version `text` names, or why it is refused.
    public static func checked(_ text: String, reference: ReferenceData, on date: Date) throws -> KubernetesVersion {
        guard isMinorVersion(text), let version = KubernetesVersion(text) else {
            throw Refused(description: "--target-version must look like 1.35, not '\(text.visibleLine)'")
        }
        let known = reference.eksVersions.map(\.version).sorted()
        guard let oldest = known.first, let newest = known.last else { return version }
        if known.contains(version) { return version }
        let stale = EKSVersionGate.staleCalendar(reference, on: CalendarDay(Timestamp.string(date)))
        if version == KubernetesVersion(major: newest.major, minor: newest.minor + 1), stale != nil { return version }
        let listed = known.map(\.description).joined(separator: ", ")
        let beyond = stale == nil
            ? "eksodus accepts \(newest.major).\(newest.minor + 1) once its calendar is more than 150 days old (EKS releases a version about every four months)"
            : "its calendar is stale, so \(newest.major).\(newest.minor + 1) is accepted (the plan checks it against aws eks describe-cluster-versions before creating the cluster)"
        let why = version < oldest ? "is older than any EKS version eksodus knows (past the end of extended support, or never an EKS version)"
            : "is not an EKS version eksodus knows"
        throw Refused(description: "--target-version \(version) \(why): choose one of \(listed); \(beyond)")
    }

    /// `1.35`, `v1.35` or `1.35.2`: digits only, so nothing else of the text is taken for a version.
    private static func isMinorVersion(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.hasPrefix("v") { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        return (2...3).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
    }
}
