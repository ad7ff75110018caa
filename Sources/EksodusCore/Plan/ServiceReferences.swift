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
        var bytes = text
        if let found = bytes.withUTF8({ findInASCII($0, key: key, namespace: namespace, exists: exists) }) { return found }
        return findInCharacters(text, key: key, namespace: namespace, exists: exists)
    }

    /// `find` over the text's Characters: the general path, for text that is not plain ASCII.
    static func findInCharacters(_ text: String, key: String?, namespace: String, exists: (String, String) -> Bool) -> [Reference] {
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

    /// `find` over the bytes of an ASCII text without `\r`, where each byte is one Character (`\r\n` is one Character, which
    /// no separator matches): nearly every env value, argument and ConfigMap value. Walking Characters and making a String of
    /// every token and label cost most of the dependency graph; here only a candidate reference becomes a String. nil for
    /// any other text.
    private static func findInASCII(_ bytes: UnsafeBufferPointer<UInt8>, key: String?, namespace: String, exists: (String, String) -> Bool) -> [Reference]? {
        guard !bytes.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\r") }) else { return nil }
        let separatorTable = asciiSeparators
        func isSeparator(_ byte: UInt8) -> Bool { separatorTable[Int(byte)] }
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        // The whole value, trimmed, as `trimmingWhitespace` gives it.
        var whole: Range<Int>?
        if isHostLike(key: key) {
            var lower = 0, upper = bytes.count
            while lower < upper && isWhitespace(bytes[lower]) { lower += 1 }
            while upper > lower && isWhitespace(bytes[upper - 1]) { upper -= 1 }
            whole = lower..<upper
        }
        func firstIndex(of pattern: [UInt8], in range: Range<Int>) -> Int? {
            guard range.count >= pattern.count else { return nil }
            return (range.lowerBound...(range.upperBound - pattern.count)).first { start in
                pattern.indices.allSatisfy { bytes[start + $0] == pattern[$0] }
            }
        }
        var found: [Reference] = []
        var start = 0
        while start < bytes.count {
            guard !isSeparator(bytes[start]) else { start += 1; continue }
            var end = start
            while end < bytes.count && !isSeparator(bytes[end]) { end += 1 }
            let token = start..<end
            start = end
            var rest = token
            var hasScheme = false
            if let scheme = firstIndex(of: schemeSeparator, in: rest) {
                rest = (scheme + 3)..<rest.upperBound
                hasScheme = true
            }
            if let slash = rest.first(where: { bytes[$0] == UInt8(ascii: "/") || bytes[$0] == UInt8(ascii: "?") || bytes[$0] == UInt8(ascii: "#") }) {
                rest = rest.lowerBound..<slash
            }
            if let at = rest.last(where: { bytes[$0] == UInt8(ascii: "@") }) { rest = (at + 1)..<rest.upperBound }
            var host = rest
            var hasPort = false
            if let colon = rest.last(where: { bytes[$0] == UInt8(ascii: ":") }) {
                let port = (colon + 1)..<rest.upperBound
                guard !port.isEmpty, port.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }) else { continue }
                host = rest.lowerBound..<colon
                hasPort = true
            }
            // Labels are split on every dot, empty ones kept; only 1, 2, 3 and 5 labels can name a Service. Both checks come
            // before any String is made: most tokens are plain words.
            var dots = 0
            for index in host where bytes[index] == UInt8(ascii: ".") { dots += 1 }
            guard dots == 0 || dots == 1 || dots == 2 || dots == 4 else { continue }
            if dots == 0 {
                guard hasPort || hasScheme || whole.map({ bytes[$0].elementsEqual(bytes[token]) }) == true else { continue }
            }
            let labels = UnsafeBufferPointer(rebasing: bytes[host]).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
                .map { String(decoding: $0.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self) }
            let name = labels[0]
            guard DNSLabel.isValid(name) else { continue }
            var targetNamespace = namespace
            switch labels.count {
            case 1:
                break
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
            found.append(Reference(namespace: targetNamespace, name: name, token: String(decoding: UnsafeBufferPointer(rebasing: bytes[token]), as: UTF8.self)))
        }
        return found
    }

    /// `separators` by ASCII byte.
    private static let asciiSeparators: [Bool] = (0..<128).map { separators.contains(Character(Unicode.Scalar(UInt8($0)))) }
    private static let schemeSeparator = Array("://".utf8)
}
