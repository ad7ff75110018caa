/// A host under a name no public certificate authority can validate: a top-level domain kept for private networks. ACM
/// issues a public certificate only for a name validated by DNS or email, and a private one, from ACM Private CA, without
/// validation (ACM API Reference, RequestCertificate: https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html);
/// `admin.acme.internal` needs the private one, or an imported certificate from the company's own CA.
/// `.internal` is reserved for private use (ICANN Board resolution of 29 July 2024), `.local` is multicast DNS (RFC 6762),
/// `.home.arpa` home networks (RFC 8375); the rest are never delegated and are common inside companies.
enum PrivateDNSName {
    static let suffixes = ["internal", "local", "home.arpa", "localdomain", "lan", "corp", "home", "intranet", "private"]

    static func isPrivate(_ host: String) -> Bool {
        let name = host.lowercased().hasSuffix(".") ? String(host.lowercased().dropLast()) : host.lowercased()
        return suffixes.contains { name == $0 || name.hasSuffix("." + $0) }
    }
}
