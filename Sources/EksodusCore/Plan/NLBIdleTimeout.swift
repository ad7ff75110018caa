/// The idle timeout of the NLB listeners in front of a data store. An NLB closes a TCP flow no data crossed for 350 s
/// (TLS listeners: fixed at 350 s); a TCP listener's `tcp.idle_timeout.seconds` takes 60–6000 (Elastic Load Balancing,
/// "Update the TCP idle timeout for your Network Load Balancer listener":
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html). Database and broker clients
/// keep pooled connections idle far longer (HikariCP retires them after 30 minutes, MySQL's `wait_timeout` is 8 hours), and a
/// pooled connection the NLB dropped fails on its next query: on migration night, errors an hour after the switch that the
/// source's load balancer never caused. The AWS Load Balancer Controller (v2.9+) sets it per listener from
/// `service.beta.kubernetes.io/aws-load-balancer-listener-attributes.${Protocol}-${Port}` (its Service annotations guide,
/// "Listener attributes"); one hour outlasts those pools' idle lifetimes and stays in range.
enum NLBIdleTimeout {
    static let seconds = 3600
    static let value = "tcp.idle_timeout.seconds=\(seconds)"

    /// Data stores (`data/databases.yaml` names) whose clients hold long-lived, mostly idle connections.
    static let pooledEngines: Set<String> = ["postgres", "mysql", "mariadb", "mongodb", "redis", "rabbitmq", "cassandra", "kafka"]

    static func annotation(port: Int) -> String {
        "service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-\(port)"
    }

    /// The listener annotations of `service`'s TCP ports when it fronts a pooled data store; none otherwise. Ports are
    /// numbers from the manifest, in range, never text.
    static func annotations<Workloads: Sequence>(_ service: Estate.Service, fronting workloads: Workloads, reference: ReferenceData) -> [String: String]
        where Workloads.Element == Estate.Workload {
        guard workloads.contains(where: { workload in
            workload.matches(service.selector)
                && workload.containers.contains { $0.image.flatMap(reference.database(image:)).map { pooledEngines.contains($0.name) } ?? false }
        }) else { return [:] }
        var annotations: [String: String] = [:]
        for port in service.ports.items where (port["protocol"]?.string ?? "TCP") == "TCP" {
            guard let number = port["port"]?.int, (1...65535).contains(number) else { continue }
            annotations[annotation(port: number)] = value
        }
        return annotations
    }

    /// The same for a Service `kubectl expose` made, in `jq`, from its own ports: nothing of the manifest is spliced.
    static let jqProgram = "reduce (.spec.ports // [] | .[] | select((.protocol // \"TCP\") == \"TCP\") | .port) as $port (.; "
        + ".metadata.annotations[\"service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-\\($port)\"] = \"\(value)\")"
}
