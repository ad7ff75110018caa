/// Whether a RabbitMQ workload's pods form one cluster, as its manifests say. Pods become one cluster only through peer
/// discovery (`cluster_formation.*` in rabbitmq.conf, a `rabbitmq_peer_discovery_*` plugin), the classic config's node
/// list (`cluster_formation.classic_config.nodes.*`, `cluster_nodes` in the Erlang-term config), `rabbitmqctl join_cluster`,
/// or the cluster operator (a `RabbitmqCluster`, whose StatefulSet carries its labels) (RabbitMQ docs, "Cluster Formation
/// and Peer Discovery", https://www.rabbitmq.com/docs/cluster-formation; "Clustering Guide",
/// https://www.rabbitmq.com/docs/clustering). Without any of them each pod boots as a single-node broker of its own:
/// `rabbitmq:3.8-management` with `replicas: 3` behind a ClusterIP Service is three brokers, each with its own vhosts,
/// users and queues, and `kubectl exec statefulset/NAME` reaches one of them.
///
/// The manifests can miss a cluster joined by hand, so this only decides that the runbook asks; its gate
/// (`RabbitMQShovel.clusterGate`) reads `rabbitmqctl cluster_status` on both sides.
struct RabbitMQClustering: Equatable {
    /// The pods that run as brokers of their own: the replicas when more than one and nothing clusters them, else 0.
    var standalonePods = 0

    var isStandalone: Bool { standalonePods > 1 }

    /// What in a manifest's text forms a cluster (lowercased).
    static let markers = ["cluster_formation.", "rabbitmq_peer_discovery", "rabbit_peer_discovery", "cluster_nodes", "join_cluster"]

    /// `configMap` gives a ConfigMap's string values by namespace and name (its rabbitmq.conf, its env).
    static func of(_ workload: Estate.Workload, configMap: (String, String) -> [String]?) -> RabbitMQClustering {
        let pods = max(workload.replicas ?? 1, 1)
        guard pods > 1 else { return RabbitMQClustering() }
        // The cluster operator's StatefulSet (`NAME-server`) is labelled as its part.
        if workload.templateLabels["app.kubernetes.io/part-of"] == "rabbitmq" || workload.annotations.keys.contains(where: { $0.hasPrefix("rabbitmq.com/") }) {
            return RabbitMQClustering()
        }
        var texts: [String] = [], maps: Set<String> = Set(workload.volumes.filter { $0.type == "configMap" }.compactMap(\.reference))
        for container in workload.containers {
            for variable in container.env.items {
                texts += [variable["name"]?.string, variable["value"]?.string].compactMap { $0 }
                if let map = variable["valueFrom", "configMapKeyRef", "name"]?.string { maps.insert(map) }
            }
            for source in container.envFrom.items {
                if let map = source["configMapRef", "name"]?.string { maps.insert(map) }
            }
            texts += (container.command.items + container.args.items).compactMap(\.string)
        }
        for map in maps.sorted() { texts += configMap(workload.namespace, map) ?? [] }
        let text = texts.joined(separator: "\n").lowercased()
        return markers.contains(where: text.contains) ? RabbitMQClustering() : RabbitMQClustering(standalonePods: pods)
    }
}
