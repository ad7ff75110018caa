/// Every check eksodus runs, in catalogue order. IDs are permanent: a retired check keeps its ID unused.
public enum CheckCatalog {
    public static let all: [any Check] = [
        RemovedAPIVersionCheck(), DeprecatedAPIVersionCheck(), PodSecurityPolicyCheck(), MissingCustomResourceDefinitionCheck(),
        DefaultNamespaceCheck(), OpenShiftAPICheck(), AppliedAPIVersionCheck(),
        HelmReleaseAPICheck(),
        InTreeProvisionerCheck(), UnmappedStorageClassCheck(), ReadWriteManyClaimCheck(), NodeLocalDataCheck(), NetworkStorageCopyCheck(),
        EBSWithoutWaitForFirstConsumerCheck(), InTreeVolumeTypeCheck(), DatabaseWithoutClaimCheck(),
        NodePortServiceCheck(), ForeignLoadBalancerAnnotationCheck(), LoadBalancerWithoutAWSControllerCheck(), PinnedClusterIPCheck(),
        NonALBIngressClassCheck(), NginxAnnotationWithoutALBEquivalentCheck(), UnparsedAllowListCheck(), InertAWSLoadBalancerAnnotationCheck(), HostNetworkCheck(), NetworkPolicyCheck(),
        MutableImageTagCheck(), ImageWithoutDigestCheck(), PrivateRegistryImageCheck(), DockerHubImageCheck(), OnPremisesPullSecretCheck(), MissingImageCheck(),
        MissingReadinessProbeCheck(), MissingLivenessProbeCheck(), IdenticalProbesCheck(), SingleReplicaCheck(), MissingPodDisruptionBudgetCheck(),
        BlockingPodDisruptionBudgetCheck(), NoZoneSpreadCheck(), MissingResourcesCheck(), ConflictingAutoscalerCheck(),
        OnPremisesNodePlacementCheck(), ZeroGracePeriodCheck(),
        PrivilegedContainerCheck(), HostNamespaceCheck(), DangerousCapabilitiesCheck(), DockerSocketCheck(), DefaultServiceAccountTokenCheck(),
        StaticCloudCredentialsCheck(), Kube2iamAnnotationCheck(), SourceIRSARoleCheck(), ClusterAdminBindingCheck(), UnsafeClusterAccessCheck(),
        NodeTakeoverHostPathCheck(), SystemNodeTolerationCheck(), ServiceExternalIPsCheck(), WeakenedPodSecurityCheck(), SystemPriorityClassCheck(),
        EKSVersionSupportCheck(), ReplacedByEKSCheck(), EKSAddonAlternativeCheck(), ControllerReleaseSupportCheck(), OnPremisesDependencyCheck(),
        DockershimRuntimeCheck(), WindowsNodeCheck(), KubeletVersionSkewCheck(),
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
        // Each triggering example against a passing one, as a diff: `-` lines are what the check finds, `+` lines what passes.
        let pairs = max(info.triggering.count, info.nonTriggering.count)
        for index in 0..<pairs {
            let found = index < info.triggering.count ? info.triggering[index] : info.triggering.last ?? ""
            let passing = index < info.nonTriggering.count ? info.nonTriggering[index] : info.nonTriggering.last ?? ""
            text += "\nExample \(index + 1) (- found by \(info.id), + passes):\n"
            text += LineDiff.lines(from: found, to: passing).joined(separator: "\n") + "\n"
        }
        text += "\nSilence it on an object with the annotation eksodus.io/ignore: \(info.id), or in .eksodus.yaml.\n"
        return text
    }
}
