/// A container image reference split the way Docker's distribution/reference normalises it:
/// `nginx` → `docker.io/library/nginx:latest`, `quay.io/org/app@sha256:…` keeps its digest.
public struct ImageReference: Equatable, Sendable, Codable {
    public var original: String
    public var registry: String
    public var repository: String
    /// The tag as written; nil when only a digest, or nothing, was written.
    public var tag: String?
    public var digest: String?

    public init(_ reference: String) {
        original = reference
        var remainder = reference.trimmingWhitespace()
        if let at = remainder.firstIndex(of: "@") {
            digest = String(remainder[remainder.index(after: at)...])
            remainder = String(remainder[..<at])
        }
        // A tag follows the last ':' that comes after the last '/' (a ':' before it is a registry port).
        let lastSlash = remainder.lastIndex(of: "/")
        if let colon = remainder.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            tag = String(remainder[remainder.index(after: colon)...])
            remainder = String(remainder[..<colon])
        }
        let parts = remainder.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, Self.isRegistryHost(parts[0]) {
            registry = String(parts[0])
            repository = String(parts[1])
        } else {
            registry = "docker.io"
            repository = remainder
        }
        if registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = "docker.io" }
        if registry == "docker.io", !repository.contains("/") { repository = "library/" + repository }
    }

    /// distribution/reference: the first component is a host when it is `localhost` or holds `.`, `:` or an uppercase letter.
    static func isRegistryHost(_ component: Substring) -> Bool {
        component == "localhost" || component.contains(".") || component.contains(":")
            || component.contains(where: { $0.isUppercase })
    }

    /// The digits after the registry host's last `:` (`5000` of `reg:5000`, `[::1]:5000`), as written; nil without a port.
    /// distribution/reference allows any `[0-9]+` there (github.com/distribution/reference, regexp.go `port-number`), but a
    /// registry listens on a TCP port, 1 to 65535 (RFC 6335 §6): `reg:99999` can never be pulled from.
    var registryPort: Substring? {
        guard registry != "docker.io", let colon = registry.lastIndex(of: ":"), !registry[colon...].contains("]") else { return nil }
        let digits = registry[registry.index(after: colon)...]
        return digits.isEmpty ? nil : digits
    }

    public var isDockerHub: Bool { registry == "docker.io" }

    /// Why `reference` is not an image reference by the distribution/reference grammar
    /// (`[domain[:port]/]path[:tag][@algorithm:hex]`, lower-case path, tag `[\w][\w.-]{0,127}`, name under 256 characters, port
    /// 1-65535), or nil when it is one.
    public static func problem(with reference: String) -> String? {
        if reference.isEmpty { return "empty image" }
        if reference.utf8.count > 1024 { return "longer than any image reference" }
        if reference.unicodeScalars.contains(where: { $0.isInvisible || $0 == " " }) { return "contains spaces or control characters" }
        guard reference.range(of: grammar, options: .regularExpression) != nil else {
            return "not a valid image reference ([registry/]path[:tag][@algorithm:hex], lower-case path)"
        }
        let parsed = ImageReference(reference)
        if let port = parsed.registryPort, !(1...65535).contains(Int(port) ?? 0) {
            return "registry port \(port) is outside 1-65535"
        }
        let written = reference.count - (parsed.tag.map { $0.count + 1 } ?? 0) - (parsed.digest.map { $0.count + 1 } ?? 0)
        if written > 255 { return "name longer than 255 characters" }
        return nil
    }

    /// The reference grammar of github.com/distribution/reference (ASCII `\w`), anchored at both ends.
    static let grammar: String = {
        let alphaNumeric = "[a-z0-9]+"
        let separator = "(?:[._]|__|[-]+)"
        let pathComponent = "\(alphaNumeric)(?:\(separator)\(alphaNumeric))*"
        let domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
        let host = "(?:\(domainComponent)(?:\\.\(domainComponent))*|\\[[a-fA-F0-9:]+\\])"
        let domain = "\(host)(?::[0-9]+)?"
        let name = "(?:\(domain)/)?\(pathComponent)(?:/\(pathComponent))*"
        let tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
        let digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
        return "\\A\(name)(?::\(tag))?(?:@\(digest))?\\z"
    }()

    /// The fully qualified reference: registry/repository, then `:tag` (latest when neither tag nor digest) and `@digest`.
    public var normalized: String {
        var text = registry + "/" + repository
        if let tag { text += ":" + tag } else if digest == nil { text += ":latest" }
        if let digest { text += "@" + digest }
        return text
    }

    /// The tag a pull resolves to when no digest pins it: the written tag, or `latest`.
    public var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
