import Foundation

/// Credentials that are whole tokens rather than `name=value`: JSON Web Tokens (`eyJ…` header.payload.signature) and
/// Slack incoming-webhook URLs, whose path is the secret. Only text that holds one of the markers pays for the pattern.
enum BearerTokens {
    private static let jwt = try! NSRegularExpression(pattern: "eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}")
    private static let slackHook = try! NSRegularExpression(pattern: "(hooks\\.slack\\.com/services/)[A-Za-z0-9/_-]+")

    /// The text with such tokens replaced by the marker, or nil when it holds none.
    static func masked(_ text: String) -> String? {
        let hasJWT = text.containsBytes("eyJ")
        let hasHook = text.containsBytes("hooks.slack.com/services/")
        guard hasJWT || hasHook else { return nil }
        var out = text
        if hasJWT {
            out = jwt.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: SecretRedaction.marker)
        }
        if hasHook {
            out = slackHook.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1" + SecretRedaction.marker)
        }
        return out == text ? nil : out
    }
}
