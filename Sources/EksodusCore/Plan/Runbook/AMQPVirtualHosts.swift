import Foundation

/// The RabbitMQ virtual hosts a broker's consumers use, read from the `amqp://` / `amqps://` URLs in their env values
/// and the ConfigMaps they load. The vhost is the URL's path after its first `/`, percent-decoded; a URL without a path
/// uses the client's default, `/` (RabbitMQ URI Specification, https://www.rabbitmq.com/uri-spec.html). Consumers
/// that name the broker without such a URL (a bare `host:port`) leave their vhost to a decision.
struct AMQPVirtualHosts: Equatable {
    /// The vhosts found, sorted.
    var names: [String] = []
    /// The consumers whose vhost the manifests do not say (their labels).
    var unknown: [String] = []
    /// Whether the broker these consumers reach is one cluster (`RabbitMQClustering`): carried with its vhosts to the
    /// shovel, which copies and checks every standalone broker.
    var clustering = RabbitMQClustering()

    /// `broker` is the broker's Service name: only URLs to it count. `configMap` gives a ConfigMap's string values by
    /// namespace and name.
    static func used(by consumers: [Estate.Workload], broker: String, configMap: (String, String) -> [String]?) -> AMQPVirtualHosts {
        var found: Set<String> = [], unknown: [String] = []
        for consumer in consumers {
            var texts: [String] = [], maps: Set<String> = []
            for container in consumer.containers {
                for variable in container.env.items {
                    if let value = variable["value"]?.string { texts.append(value) }
                    if let map = variable["valueFrom", "configMapKeyRef", "name"]?.string { maps.insert(map) }
                }
                for source in container.envFrom.items {
                    if let map = source["configMapRef", "name"]?.string { maps.insert(map) }
                }
                texts += container.args.items.compactMap(\.string) + container.command.items.compactMap(\.string)
            }
            for map in maps.sorted() { texts += configMap(consumer.namespace, map) ?? [] }
            let vhosts = texts.compactMap { vhost(inURL: $0, broker: broker) }
            if vhosts.isEmpty { unknown.append(consumer.label) } else { found.formUnion(vhosts) }
        }
        return AMQPVirtualHosts(names: found.sorted(), unknown: unknown)
    }

    /// The vhost of an `amqp://` or `amqps://` URL (the whole text) whose host's first label is `broker`, nil for any other text.
    static func vhost(inURL text: String, broker: String) -> String? {
        let lower = text.lowercased()
        guard let scheme = ["amqp://", "amqps://"].first(where: lower.hasPrefix) else { return nil }
        let rest = text.dropFirst(scheme.count)
        let beforeQuery = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? rest
        let authority = beforeQuery.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? beforeQuery
        let host = authority.split(separator: "@").last ?? authority
        guard host.split(separator: ":").first?.split(separator: ".").first.map(String.init) == broker else { return nil }
        guard let slash = beforeQuery.firstIndex(of: "/") else { return "/" }
        let path = String(beforeQuery[beforeQuery.index(after: slash)...])
        return path.removingPercentEncoding ?? path
    }

    /// `vhost` percent-encoded for a URI's path: every byte but the unreserved characters, so `/` is `%2F`.
    static func encoded(_ vhost: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return vhost.addingPercentEncoding(withAllowedCharacters: unreserved) ?? vhost
    }
}
