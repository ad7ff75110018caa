/// RFC 1123 labels, as Kubernetes validates namespace names and the first label of a Service's DNS name: 1–63 lower-case
/// ASCII letters, digits and `-`, starting and ending with a letter or digit. Checked on every object an import reads, so
/// it walks the UTF-8 bytes without copying them.
enum DNSLabel {
    static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        return alphanumeric(first) && alphanumeric(last) && bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
