/// Every check eksodus runs, in catalogue order. IDs are permanent: a retired check keeps its ID unused.
public enum CheckCatalog {
    public static let all: [any Check] = [
        RemovedAPIVersionCheck(), DeprecatedAPIVersionCheck(), PodSecurityPolicyCheck(), MissingCustomResourceDefinitionCheck(),
        DefaultNamespaceCheck(), OpenShiftAPICheck(),
        InTreeProvisionerCheck(), UnmappedStorageClassCheck(), ReadWriteManyClaimCheck(), NodeLocalDataCheck(), NetworkStorageCopyCheck(),
        EBSWithoutWaitForFirstConsumerCheck(), InTreeVolumeTypeCheck(), DatabaseWithoutClaimCheck(),
        NodePortServiceCheck(), ForeignLoadBalancerAnnotationCheck(), LoadBalancerWithoutAWSControllerCheck(), PinnedClusterIPCheck(),
        NonALBIngressClassCheck(), NginxAnnotationWithoutALBEquivalentCheck(), HostNetworkCheck(), NetworkPolicyCheck(),
        MutableImageTagCheck(), ImageWithoutDigestCheck(), PrivateRegistryImageCheck(), DockerHubImageCheck(), OnPremisesPullSecretCheck(), MissingImageCheck(),
        MissingReadinessProbeCheck(), MissingLivenessProbeCheck(), IdenticalProbesCheck(), SingleReplicaCheck(), MissingPodDisruptionBudgetCheck(),
        BlockingPodDisruptionBudgetCheck(), NoZoneSpreadCheck(), MissingResourcesCheck(), ConflictingAutoscalerCheck(),
        OnPremisesNodePlacementCheck(), ZeroGracePeriodCheck(),
        PrivilegedContainerCheck(), HostNamespaceCheck(), DangerousCapabilitiesCheck(), DockerSocketCheck(), DefaultServiceAccountTokenCheck(),
        StaticCloudCredentialsCheck(), Kube2iamAnnotationCheck(), ClusterAdminBindingCheck(),
        EKSVersionSupportCheck(), ReplacedByEKSCheck(), EKSAddonAlternativeCheck(), OnPremisesDependencyCheck(),
    ]

    public static func check(id: String) -> (any Check)? {
        all.first { $0.info.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    /// The catalogue as a table, for `eksodus checks`.
    public static var table: Table {
        Table(columns: ["id", "severity", "category", "title"],
              rows: all.map { [.text($0.info.id), .text($0.info.severity.rawValue), .text($0.info.category.rawValue), .text($0.info.title)] })
    }

    /// What `eksodus explain ID` prints.
    public static func explanation(_ check: any Check) -> String {
        let info = check.info
        var text = "\(info.id): \(info.title)\n"
        text += "Severity: \(info.severity.rawValue)   Category: \(info.category.rawValue)\n\n"
        text += "Why it matters\n  \(info.rationale)\n\nWhat to do\n  \(info.remediation)\n"
        func indented(_ lines: [Substring]) -> String { lines.map { "    " + $0 }.joined(separator: "\n") + "\n" }
        // The first example in full; every other one as the lines it changes, so what makes the difference stands out.
        if let first = info.triggering.first {
            text += "\nFound in:\n" + indented(first.split(separator: "\n", omittingEmptySubsequences: false))
            for (title, examples) in [("Also found in", info.triggering.dropFirst()), ("Not found in", info.nonTriggering[...])] {
                for example in examples {
                    text += "\n\(title) (- the first example, + this one):\n" + indented(LineDiff.lines(from: first, to: example).map { $0[...] })
                }
            }
        } else {
            for example in info.nonTriggering { text += "\nNot found in:\n" + indented(example.split(separator: "\n", omittingEmptySubsequences: false)) }
        }
        text += "\nSilence it on an object with the annotation eksodus.io/ignore: \(info.id), or in .eksodus.yaml.\n"
        return text
    }
}
