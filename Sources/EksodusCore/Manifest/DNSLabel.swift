/// RFC 1123 labels, as Kubernetes validates namespace names and the first label of a Service's DNS name: 1–63 lower-case
/// ASCII letters, digits and `-`, starting and ending with a letter or digit.
enum DNSLabel {
    static func isValid(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (1...63).contains(scalars.count) else { return false }
        func alphanumeric(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) }
        return alphanumeric(scalars[0]) && alphanumeric(scalars[scalars.count - 1]) && scalars.allSatisfy { alphanumeric($0) || $0 == "-" }
    }
}
