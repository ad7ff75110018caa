import Crypto

/// The first hex digits of a SHA-256 digest: a suffix that keeps apart names an attacker may choose (registry hosts,
/// ServiceAccounts), where ShortHash's 32-bit FNV could be collided on purpose in a few minutes.
enum DigestHex {
    static func sha256(_ text: String, digits: Int = 10) -> String {
        let hex = SHA256.hash(data: Array(text.utf8)).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        return String(hex.prefix(digits))
    }
}
