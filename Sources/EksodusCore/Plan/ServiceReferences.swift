/// Finds Kubernetes Service DNS names in free text (env values, args, ConfigMap data):
/// `svc`, `svc:port`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`, bare or inside URLs.
/// A bare one-label name counts only when it carries a port or a scheme, or is the whole value of a host-like key
/// (`DB_HOST`, `CART_URL`, `queue.endpoint`): `MYSQL_DATABASE=wordpress` names a database, not the Service `wordpress`.
enum ServiceReferences {
    struct Reference: Hashable {
        var namespace: String
        var name: String
        var token: String
    }

    private static let separators: Set<Character> = [" ", "\t", "\n", "\r", ",", ";", "\"", "'", "=", "(", ")", "[", "]", "{", "}", "<", ">"]

    /// Endings of keys whose value is an address.
    static let hostLikeKeyEndings = ["host", "hostname", "hosts", "addr", "address", "url", "uri", "service", "server", "servers",
                                     "endpoint", "endpoints", "dsn", "broker", "brokers", "upstream", "backend"]

    static func isHostLike(key: String?) -> Bool {
        guard let key = key?.lowercased() else { return false }
        return hostLikeKeyEndings.contains { key.hasSuffix($0) }
    }

    /// `key` is the environment variable or ConfigMap key the text is the value of (nil for command and args).
    static func find(in text: String, key: String? = nil, namespace: String, exists: (String, String) -> Bool) -> [Reference] {
        var found: [Reference] = []
        let whole = isHostLike(key: key) ? text.trimmingWhitespace() : nil
        for token in text.split(whereSeparator: { separators.contains($0) }) {
            var rest = Substring(token)
            var hasScheme = false
            if let scheme = rest.range(of: "://") {
                rest = rest[scheme.upperBound...]
                hasScheme = true
            }
            if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<slash] }
            if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
            var host = rest
            var hasPort = false
            if let colon = rest.lastIndex(of: ":") {
                let port = rest[rest.index(after: colon)...]
                guard !port.isEmpty, port.allSatisfy(\.isNumber) else { continue }
                host = rest[..<colon]
                hasPort = true
            }
            let labels = host.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard let name = labels.first, DNSLabel.isValid(name) else { continue }
            var targetNamespace = namespace
            switch labels.count {
            case 1:
                guard hasPort || hasScheme || String(token) == whole else { continue }
            case 2:
                targetNamespace = labels[1]
            case 3 where labels[2] == "svc":
                targetNamespace = labels[1]
            case 5 where labels[2] == "svc" && labels[3] == "cluster" && labels[4] == "local":
                targetNamespace = labels[1]
            default:
                continue
            }
            guard DNSLabel.isValid(targetNamespace), exists(targetNamespace, name) else { continue }
            found.append(Reference(namespace: targetNamespace, name: name, token: String(token)))
        }
        return found
    }
}
