import Foundation

/// Finds the on-premises endpoints a value names: private IPv4 addresses and host names under private DNS suffixes
/// (`db01.corp`, `ldap.acme.internal`), never cluster-local Service names.
struct OnPremisesEndpoints {
    let suffixes: [String]

    init(reference: ReferenceData) { suffixes = reference.privateDNSSuffixes }

    enum Endpoint: Hashable, CustomStringConvertible {
        case address(String)
        case host(String)

        var description: String {
            switch self {
            case .address(let address): return "\(address) (private address)"
            case .host(let host): return "\(host) (private DNS name)"
            }
        }
    }

    /// The endpoints in free text (an env value, a URL, a host name), in order of appearance.
    func endpoints(in text: String) -> [Endpoint] {
        var found: [Endpoint] = []
        // In an e-mail address the domain after `@` is a mailbox, not a host called (URLs' `user@host` keep theirs).
        let isURL = text.contains("://")
        let tokens = text.split { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-")) }
        for token in tokens {
            // Both an address (four octets) and a host name (two labels or more) have a dot: the rest costs nothing to skip.
            guard token.contains(".") else { continue }
            if !isURL, token.startIndex > text.startIndex, text[text.index(before: token.startIndex)] == "@" { continue }
            let word = String(token).trimmingCharacters(in: .init(charactersIn: ".-")).lowercased()
            guard !word.isEmpty else { continue }
            if let range = IPv4Range(word) {
                let loopbackOrAny = word.hasPrefix("127.") || word == "0.0.0.0"
                if range.isPrivate && !loopbackOrAny { found.append(.address(word)) }
                continue
            }
            let labels = word.split(separator: ".")
            guard labels.count >= 2, !word.hasSuffix(".cluster.local"), !labels.contains("svc") else { continue }
            if suffixes.contains(where: { word.hasSuffix("." + $0) }) { found.append(.host(word)) }
        }
        var seen: Set<Endpoint> = []
        return found.filter { seen.insert($0).inserted }
    }
}
