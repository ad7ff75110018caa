/// Where a one-off copy pod may run on EKS: on the node of the claim it mounts. A workload's EBS claim is bound in the zone
/// of its first pod, on the tainted stateful groups (`ComputePlan.statefulTaint`); the other groups need not have a node in
/// that zone, so a copy pod that does not tolerate the taint can stay Pending for good. The toleration only allows those
/// nodes: the volume's zone still chooses where it runs. On the source, where no node has the taint, it changes nothing.
enum CopyPodPlacement {
    /// The pod-level member, as JSON (no braces).
    static let tolerations = "\"tolerations\":[" + JSONWriter.string(ComputePlan.statefulTaint.tolerationNode) + "]"
}
