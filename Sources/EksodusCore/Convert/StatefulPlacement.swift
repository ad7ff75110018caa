/// A stateful workload's pods select the stateful node groups (`ComputePlan.statefulLabel`); with the toleration of
/// their taint (`ComputePlan.statefulTaint`, added beside it) they run there and nowhere else. A toleration only allows
/// a tainted node: without the selector the scheduler still put them on `general`, one group over every zone, where
/// the Cluster Autoscaler cannot add a node in the zone of a pending pod's EBS volume (eksctl docs, autoscaling,
/// "Zone-aware Auto Scaling"). The workload's own selector entries stay; one that names the label itself is its own
/// choice, kept, and a TODO.
enum StatefulPlacement {
    static func select(_ pod: ManifestNode, placement: String?, result: inout ManifestConverter.Result) -> ManifestNode {
        guard placement == "stateful" else { return pod }
        let label = ComputePlan.statefulLabel
        let own = pod["nodeSelector"]?.entries ?? []
        if let theirs = own.first(where: { $0.key == label.key }) {
            if theirs.value.string != label.value {
                result.todos.append("nodeSelector \(label.key): \(theirs.value.string ?? "?") is its own and kept: the plan's stateful groups carry \(label.key): \(label.value), so check a group has its label")
            }
            return pod
        }
        result.changes.append(Change(field: "nodeSelector", why: "compute plan: \(label.key): \(label.value), the stateful node groups (one per zone with --zones), tainted \(ComputePlan.statefulTaint.text)"))
        return pod.replacing("nodeSelector", with: .mapping(own + [(label.key, .string(label.value))]))
    }

    typealias Change = ManifestConverter.Change
}
