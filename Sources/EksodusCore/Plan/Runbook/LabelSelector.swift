/// An equality label selector (`app=orders,tier=db`) for `kubectl -l` and `velero --selector`, built only from labels that
/// follow Kubernetes' label syntax. Labels come from the export: a key such as `app!` would make `app!=x` — "every pod
/// but x" — and a `,` in a value would add terms, so a selector that is not exactly the workload's labels is no selector.
/// (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set)
enum LabelSelector {
    /// The selector matching all of `labels`, or nil when there are none or one breaks the syntax.
    static func matching(_ labels: [String: String]) -> String? {
        guard !labels.isEmpty, labels.allSatisfy({ isKey($0.key) && isValue($0.value) }) else { return nil }
        return labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// A name or value: at most 63 characters, alphanumerics at both ends, `-`, `_`, `.` between (a value may be empty).
    static func isValue(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 63 else { return false }
        guard let first = bytes.first, let last = bytes.last else { return true }
        func alphanumeric(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) }
        return alphanumeric(first) && alphanumeric(last) && bytes.allSatisfy { alphanumeric($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// `[prefix/]name`: the prefix a DNS subdomain (lower-case labels joined by dots, at most 253), the name as a value but non-empty.
    static func isKey(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last, !name.isEmpty, isValue(String(name)) else { return false }
        guard parts.count == 2 else { return true }
        let prefix = parts[0]
        return !prefix.isEmpty && prefix.utf8.count <= 253 && prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { DNSLabel.isValid(String($0)) }
    }
}
