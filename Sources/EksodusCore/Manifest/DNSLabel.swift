/// RFC 1123 labels, as Kubernetes validates namespace names and the first label of a Service's DNS name: 1–63 lower-case
/// ASCII letters, digits and `-`, starting and ending with a letter or digit. Checked on every object an import reads, so
/// it walks the UTF-8 bytes without copying them.
enum DNSLabel {
    static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        return bytes.count <= 63 && isShaped(bytes[...])
    }

    /// apimachinery's IsDNS1123Subdomain, the rule most built-in kinds' and every custom resource's names follow: at most
    /// 253 bytes of dot-separated parts, each shaped as a label (a part has no 63-byte limit of its own).
    static func isSubdomain(_ text: String) -> Bool {
        let bytes = text.utf8
        return bytes.count <= 253 && bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy(isShaped)
    }

    /// Lower-case letters, digits and `-`, at least one, starting and ending with a letter or digit.
    private static func isShaped(_ bytes: Substring.UTF8View) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        return alphanumeric(first) && alphanumeric(last) && bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
