/// An Ingress that must not be applied as it is on EKS. The AWS Load Balancer Controller ignores other controllers'
/// annotations, so a login the source's controller enforced (ingress-nginx `auth-type`/`auth-secret`, oauth2-proxy through
/// `auth-url`, a Traefik middleware such as basicAuth, HAProxy's `auth-type`) is gone and the ALB serves the pages to anyone;
/// and an ALB path condition takes only the `*` and `?` wildcards, no regular expression (AWS Load Balancer Controller,
/// "Ingress annotations" and the ALB listener rule's path condition:
/// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/,
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions).
/// An allow-list (whitelist-source-range, allowlist-source-range, inbound-cidrs) with an entry that does not parse is held
/// too: dropped, it would leave the ALB open to all.
/// `convert` holds such an Ingress out of `support/` with a TODO, and the switch of its host waits until the decided one
/// (ALB OIDC or Cognito through `alb.ingress.kubernetes.io/auth-type`, or the application's own login; a Prefix path) is
/// on EKS and refuses a request without credentials.
enum IngressHold {
    static let authPrefixes = ["nginx.ingress.kubernetes.io/auth-", "ingress.kubernetes.io/auth-", "haproxy.org/auth-",
                               "haproxy.router.openshift.io/auth-", "traefik.ingress.kubernetes.io/auth-"]
    /// Traefik attaches basicAuth, forwardAuth and the rest as middlewares: which one a name is, only its Middleware says.
    static let authKeys: Set<String> = ["traefik.ingress.kubernetes.io/router.middlewares", "konghq.com/plugins"]
    /// What makes an ingress-nginx path a regular expression (`use-regex`, or a rewrite's capture groups).
    static let regexCharacters = Set("()|*$^?[]+{}\\")

    /// The annotations that enforced a login, sorted.
    static func authAnnotations(_ annotations: [String: String]) -> [String] {
        annotations.keys.filter { key in authKeys.contains(key) || authPrefixes.contains { key.hasPrefix($0) } }.sorted()
    }

    /// Whether a path of this type is a regular expression the ALB cannot match (only ImplementationSpecific paths are read
    /// by ingress-nginx as one; Prefix and Exact are literal).
    static func isRegex(path: String, type: String?) -> Bool {
        (type == "ImplementationSpecific" || type == nil) && path.contains(where: regexCharacters.contains)
    }

    /// The regular-expression paths of an Ingress's rules.
    static func regexPaths(_ ingress: ManifestNode) -> [String] {
        (ingress["spec", "rules"]?.items ?? []).flatMap { rule in
            (rule["http", "paths"]?.items ?? []).compactMap { path in
                let text = path["path"]?.string ?? "/"
                return isRegex(path: text, type: path["pathType"]?.string) ? text : nil
            }
        }
    }

    /// The allow-list annotations with entries that do not parse, as a reason: without them the ALB would have no
    /// inbound-cidrs and admit every address its scheme reaches (the internet, for internet-facing), where the source
    /// admitted only the list (or, as ingress-nginx does with an allow-list it cannot parse, denied every request).
    static func allowListReason(_ annotations: [String: String]) -> String? {
        let unparsed = LoadBalancerExposure.unparsedIngressAllowList(annotations)
        guard !unparsed.isEmpty else { return nil }
        let named = unparsed.map { key, entries in
            "\(key) entries " + entries.prefix(5).map { "'\(String($0.prefix(80)).visibleLine)'" }.joined(separator: ", ") + (entries.count > 5 ? " and \(entries.count - 5) more" : "")
        }.joined(separator: "; ")
        return "its allow-list does not parse as IPv4/IPv6 CIDRs (\(named)): without it the ALB would admit everyone its scheme reaches; write alb.ingress.kubernetes.io/inbound-cidrs with the intended CIDRs (a bare address as /32 or /128) in the decided Ingress"
    }

    /// Why the Ingress is held out, one reason each; empty when it converts as it is.
    static func reasons(_ ingress: ManifestNode, annotations: [String: String]) -> [String] {
        let auth = authAnnotations(annotations)
        let paths = regexPaths(ingress)
        return [allowListReason(annotations)].compactMap { $0 } + (auth.isEmpty ? [] : ["its login (\(auth.joined(separator: ", "))) is enforced by the source's controller, which the ALB does not read: decide ALB OIDC or Cognito (alb.ingress.kubernetes.io/auth-type: oidc or cognito, with auth-idp-oidc or auth-idp-cognito) or the application's own login; ALB authentication runs on an HTTPS listener only: listen-ports [{\"HTTP\": 80}, {\"HTTPS\": 443}], ssl-redirect 443, and the host's certificate from plan:certificates in alb.ingress.kubernetes.io/certificate-arn"])
            + (paths.isEmpty ? [] : ["path \(paths.map(\.visibleLine).joined(separator: ", ")) is a regular expression, and ALB paths take only * and ?: rewrite it as a Prefix path (and the rewrite, if any, in the application or an alb.ingress.kubernetes.io/transforms annotation)"])
    }

    /// The literal start of a path, up to its first regular-expression character: where a probe without credentials asks.
    static func probePath(_ path: String?) -> String {
        let text = path ?? "/"
        let literal = String(text.prefix { !regexCharacters.contains($0) })
        return literal.hasPrefix("/") ? literal : "/"
    }
}
