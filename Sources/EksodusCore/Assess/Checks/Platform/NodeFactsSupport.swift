/// Shared by the checks that read the source nodes.
enum NodeFactsSupport {
    /// Up to five node names and how many more, for a finding about a group of nodes.
    static func names(_ nodes: [Estate.Node]) -> String {
        let shown = nodes.prefix(5).map { $0.resource.name.visibleLine }.joined(separator: ", ")
        return nodes.count > 5 ? shown + " and \(nodes.count - 5) more" : shown
    }

    /// A minimal Node for check examples: `info` is the status.nodeInfo flow mapping's content.
    static func node(_ name: String, labels: String = "kubernetes.io/os: linux", info: String) -> String {
        """
        apiVersion: v1
        kind: Node
        metadata:
          name: \(name)
          labels: {\(labels)}
        status:
          nodeInfo: {\(info)}
          capacity: {cpu: "4", memory: 16Gi, pods: "110"}
          allocatable: {cpu: 3920m, memory: 15Gi, pods: "110"}
        """
    }
}
