/// Decides which literal values are secrets that must never be stored: values of environment variables
/// whose names say they hold credentials, and passwords inside URLs. Runs on every object an import reads,
/// so it compares bytes rather than going through Foundation's string search.
public enum SecretRedaction {
    public static let marker = "<redacted by eksodus>"

    private static let sensitiveWords: [[UInt8]] = [
        "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "API_KEY", "ACCESS_KEY", "ACCESSKEY",
        "PRIVATE_KEY", "PRIVATEKEY", "CREDENTIAL", "SESSION_KEY", "AUTH_KEY", "CLIENT_KEY", "SIGNING_KEY",
        "ENCRYPTION_KEY", "CONNECTION_STRING", "DSN",
    ].map { Array($0.utf8) }

    /// Whether an environment variable of this name holds a credential (AWS_SECRET_ACCESS_KEY, DB_PASSWORD...).
    public static func isSensitiveName(_ name: String) -> Bool {
        let upper: [UInt8] = name.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - 32
            case UInt8(ascii: "-"), UInt8(ascii: "."): return UInt8(ascii: "_")
            default: return byte
            }
        }
        if upper.ends(with: Array("_PWD".utf8)) { return true }
        return sensitiveWords.contains { upper.containsSubsequence($0) }
    }

    /// The text with any `scheme://user:password@` password replaced by the marker.
    public static func redactURLPasswords(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.containsSubsequence(Array("://".utf8)), bytes.contains(UInt8(ascii: "@")) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard let schemeEnd = bytes.firstRange(of: Array("://".utf8), from: index) else { break }
            result += bytes[index..<schemeEnd]
            var authorityEnd = schemeEnd
            while authorityEnd < bytes.count, !Self.endsAuthority(bytes[authorityEnd]) { authorityEnd += 1 }
            let authority = bytes[schemeEnd..<authorityEnd]
            if let at = authority.lastIndex(of: UInt8(ascii: "@")),
               let colon = authority[..<at].firstIndex(of: UInt8(ascii: ":")) {
                result += bytes[schemeEnd...colon]
                result += Array(marker.utf8)
                result += bytes[at..<authorityEnd]
            } else {
                result += authority
            }
            index = authorityEnd
        }
        if index < bytes.count { result += bytes[index...] }
        return String(decoding: result, as: UTF8.self)
    }

    private static func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "?")
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        firstRange(of: needle, from: 0) != nil
    }

    /// The index just past the first occurrence of `needle` at or after `start`.
    func firstRange(of needle: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, count >= needle.count else { return nil }
        var index = start
        while index <= count - needle.count {
            if self[index] == needle[0] {
                var matched = true
                for offset in 1..<needle.count where self[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index + needle.count }
            }
            index += 1
        }
        return nil
    }

    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
