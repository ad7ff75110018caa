import Crypto

/// The first hex digits of a SHA-256 digest: a suffix that keeps apart names an attacker may choose (registry hosts,
/// ServiceAccounts), where ShortHash's 32-bit FNV could be collided on purpose in a few minutes.
enum DigestHex {
    static func sha256(_ text: String, digits: Int = 10) -> String {
        // Only the digits asked for, from a table: the runbook names thousands of files this way (a String per byte was
        // most of `ShellQuote.fileName`'s time).
        var hex: [UInt8] = []
        hex.reserveCapacity(digits)
        for byte in SHA256.hash(data: Array(text.utf8)) where hex.count < digits {
            hex.append(Self.digits[Int(byte >> 4)])
            if hex.count < digits { hex.append(Self.digits[Int(byte & 0x0f)]) }
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The SHA-256 of several fields, each written with its length first (`5:alpha3:bet`): no two lists of fields write the
    /// same text ("ab", "c" and "a", "bc" differ), so the digest names the fields themselves, not their concatenation.
    static func sha256(fields: [String], digits: Int = 10) -> String {
        sha256(fields.map { "\($0.utf8.count):\($0)" }.joined(), digits: digits)
    }

    private static let digits = Array("0123456789abcdef".utf8)
}
