/// Decides which literal values are secrets that must never be stored: values of environment variables
/// whose names say they hold credentials, and passwords inside URLs.
public enum SecretRedaction {
    public static let marker = "<redacted by eksodus>"

    private static let sensitiveWords = [
        "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "API_KEY", "ACCESS_KEY", "ACCESSKEY",
        "PRIVATE_KEY", "PRIVATEKEY", "CREDENTIAL", "SESSION_KEY", "AUTH_KEY", "CLIENT_KEY", "SIGNING_KEY",
        "ENCRYPTION_KEY", "CONNECTION_STRING", "DSN",
    ]

    /// Whether an environment variable of this name holds a credential (AWS_SECRET_ACCESS_KEY, DB_PASSWORD...).
    public static func isSensitiveName(_ name: String) -> Bool {
        let upper = name.uppercased().replacingDashes()
        if upper.hasSuffix("_PWD") || upper == "PWD_HASH" { return true }
        return sensitiveWords.contains { upper.contains($0) }
    }

    /// The text with any `scheme://user:password@` password replaced by the marker.
    public static func redactURLPasswords(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        var result = ""
        var rest = Substring(text)
        while let schemeEnd = rest.range(of: "://") {
            // Each pass copies through the scheme, then the authority with its password masked.
            result += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "\n" || $0 == "\"" || $0 == "'" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result += authority[...colon]
                result += marker
                result += authority[at...]
                rest = rest[authorityEnd...]
            }
        }
        return result + rest
    }
}

private extension String {
    func replacingDashes() -> String { String(map { $0 == "-" || $0 == "." ? "_" : $0 }) }
}
