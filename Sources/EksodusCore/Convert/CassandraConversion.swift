/// A Cassandra container that reads its topology from the environment (`CASSANDRA_DC`, `CASSANDRA_SEEDS`: the official
/// image and Kubernetes' example) joins the source's ring on EKS as a datacenter of its own (`CassandraDatacenter`):
/// kept as it was, it started a second, empty ring of the same name whose seeds were its own pods.
///
/// - `CASSANDRA_DC` becomes the EKS datacenter; the cluster name stays, or the source refuses the nodes.
/// - GossipingPropertyFileSnitch, the snitch the docs name for datacenters read from each node's own properties.
/// - The seeds are the source seeds the EKS VPC reaches (ConfigMap `<name>-source-seeds`, written by the deploy step
///   from what the engineer gives), then the workload's own: `$(CASSANDRA_SOURCE_SEEDS)` expands a variable defined
///   before it (Kubernetes, "Define dependent environment variables"). Without the ConfigMap the pods do not start.
/// - Kubernetes' seed provider lists the pods of its own cluster only: it gives way to the seeds above.
enum CassandraConversion {
    static let sourceSeedsVariable = "CASSANDRA_SOURCE_SEEDS"
    static let kubernetesSeedProvider = "io.k8s.cassandra.KubernetesSeedProvider"

    /// The container joined to the source's ring, and what changed; unchanged when it sets neither variable.
    static func joinSourceRing(_ container: ManifestNode, workload: String, field: String) -> (ManifestNode, [ManifestConverter.Change]) {
        let env = container["env"]?.items ?? []
        func named(_ name: String) -> ManifestNode? { env.first { $0["name"]?.string == name } }
        guard named("CASSANDRA_DC") != nil || named("CASSANDRA_SEEDS") != nil, named(sourceSeedsVariable) == nil else { return (container, []) }
        let eks = CassandraDatacenter.eksDatacenter
        func variable(_ name: String, _ value: String) -> ManifestNode { .mapping([("name", .string(name)), ("value", .string(value))]) }
        let ownSeeds = named("CASSANDRA_SEEDS")?["value"]?.string
        let sourceSeeds: ManifestNode = .mapping([("name", .string(sourceSeedsVariable)), ("valueFrom", .mapping([("configMapKeyRef", .mapping([
            ("name", .string(CassandraDatacenter.seedsConfigMap(workload))), ("key", .string(CassandraDatacenter.seedsKey))]))]))])
        let replaced: [String: ManifestNode] = [
            "CASSANDRA_DC": variable("CASSANDRA_DC", eks),
            "CASSANDRA_ENDPOINT_SNITCH": variable("CASSANDRA_ENDPOINT_SNITCH", "GossipingPropertyFileSnitch"),
            "CASSANDRA_SEEDS": variable("CASSANDRA_SEEDS", "$(\(sourceSeedsVariable))" + (ownSeeds.map { $0.isEmpty ? "" : "," + $0 } ?? "")),
        ]
        // The source seeds come first: a dependent variable expands only those defined before it.
        var converted = [sourceSeeds]
        for entry in env {
            let name = entry["name"]?.string ?? ""
            if let new = replaced[name] {
                converted.append(new)
            } else if name == "CASSANDRA_SEED_PROVIDER", entry["value"]?.string == kubernetesSeedProvider {
                converted.append(variable(name, "org.apache.cassandra.locator.SimpleSeedProvider"))
            } else {
                converted.append(entry)
            }
        }
        for name in ["CASSANDRA_DC", "CASSANDRA_ENDPOINT_SNITCH", "CASSANDRA_SEEDS"] where named(name) == nil {
            converted.append(replaced[name]!)
        }
        let changes = [ManifestConverter.Change(field: "\(field).env[CASSANDRA_DC]", why: "joins the source's ring as datacenter '\(eks)' (the runbook ALTERs the keyspaces to it, then rebuilds each node from the source datacenter)"),
                       ManifestConverter.Change(field: "\(field).env[CASSANDRA_SEEDS]", why: "the source seeds first, from ConfigMap \(CassandraDatacenter.seedsConfigMap(workload)) (the deploy step writes it), then its own; GossipingPropertyFileSnitch and the simple seed provider, so both datacenters gossip as one ring")]
        return (container.replacing("env", with: .sequence(converted)), changes)
    }
}
