/// What convert does not carry to EKS because it takes over a node or the cluster's traffic (SEC011, SEC012, SEC013).
/// A workload whose pod mounts the node's root, credentials or runtime socket, or may run on the system node group, is
/// held: not written into its wave (its deploy step, which applies that file, stops there), with a CHANGES.md line naming
/// why. Written with the field removed, it would run without what it relies on, silently; held, the team decides.
extension ManifestConverter {
    /// Why the workload `object` (of `kind`) is held, or nil when nothing in its pod takes over a node.
    static func nodeTakeoverHold(_ object: ManifestNode, kind: String, namespace: String, name: String) -> String? {
        let path = CheckSupport.podPath(kind == "DeploymentConfig" ? "Deployment" : kind).split(separator: ".").map(String.init)
        let pod = path.reduce(object as ManifestNode?) { node, key in node?[key] }
        let reasons = NodeTakeover.reasons(pod, kind: kind)
        guard !reasons.isEmpty else { return nil }
        return "\(kind) \(namespace.isEmpty ? "" : namespace + "/")\(name) not written (held: it would take over its EKS node, \(NodeTakeoverHostPathCheck().info.id)/\(SystemNodeTolerationCheck().info.id)): "
            + reasons.joined(separator: "; ")
            + ". Remove them (or have the platform team run it as a node agent in a namespace allowed the privileged level) and write its file by hand before its wave deploys it"
    }

    /// A Service's spec.externalIPs are dropped (SEC013): every node's kube-proxy would capture the cluster's traffic to
    /// those addresses (CVE-2020-8554); on EKS nothing outside routes to them, so the NLB or Ingress of the network plan
    /// is the way in.
    static func withoutExternalIPs(_ node: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        let addresses = ServiceExternalIPsCheck.addresses(node)
        guard node["spec", "externalIPs"] != nil else { return node }
        result.changes.append(Change(field: "spec.externalIPs", why: "dropped (\(addresses.prefix(5).map(\.visibleLine).joined(separator: ", "))): every node would intercept the cluster's traffic to them (CVE-2020-8554, \(ServiceExternalIPsCheck().info.id)); clients reach it through the network plan's load balancer"))
        result.todos.append("Service \(namespace)/\(name): its externalIPs were dropped; point its clients at its load balancer or ClusterIP on EKS")
        return node.updating(["spec", "externalIPs"]) { _ in nil }
    }
}
