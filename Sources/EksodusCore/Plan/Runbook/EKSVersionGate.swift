/// Before `eksctl create cluster`: the target version as EKS itself lists it in the region (`aws eks describe-cluster-versions`,
/// https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeClusterVersions.html), not as eksodus's calendar
/// (`data/eks-versions.yaml`) last knew it. The cluster is created only while its version is in standard support there;
/// the versions in standard support are listed, newest last, so that a calendar gone stale does not start a cluster on an old version.
enum EKSVersionGate {
    static func commands(target: KubernetesVersion, region: String) -> [String] {
        let q = ShellQuote.word
        let version = q(target.description)
        return [
            "{ STATUS=$(aws eks describe-cluster-versions --region \(q(region)) --cluster-versions \(version) --query 'clusterVersions[0].versionStatus' --output text)"
                + " && test \"$STATUS\" = STANDARD_SUPPORT; } || { echo \(q("EKS \(target) is not in standard support in \(region) (or the call failed): plan again with a version EKS lists as STANDARD_SUPPORT")) >&2; false; }",
            "aws eks describe-cluster-versions --region \(q(region)) --version-status STANDARD_SUPPORT --query 'clusterVersions[].[clusterVersion,endOfStandardSupportDate]' --output text | sort -V"
                + "  # the last line is the newest version in standard support: newer than \(target)? prefer it (eksodus plan --target-version) unless an add-on holds you back",
        ]
    }

    /// Said in the cluster item's evidence when the calendar's newest version is older than one release cycle plus a margin
    /// (EKS releases a minor version about every four months): a newer one is then likely out.
    static func staleCalendar(_ reference: ReferenceData, on day: CalendarDay?) -> String? {
        guard let day, let newest = reference.eksVersions.max(by: { $0.version < $1.version }),
              let released = CalendarDay(newest.released) else { return nil }
        let age = released.days(until: day)
        return age > 150 ? "eksodus's EKS calendar ends at \(newest.version), released \(newest.released) (\(age) days before this plan): check the live list below" : nil
    }
}
