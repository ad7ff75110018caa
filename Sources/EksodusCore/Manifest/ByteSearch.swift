extension String {
    /// Whether `needle` occurs in this text byte for byte: checks that scan stored bodies for a field name
    /// before parsing them ran Foundation's `contains` over every body, which cost more than the parsing it avoided.
    /// Bytes are more permissive than Unicode equivalence, so a prefilter built on this never skips what it should read.
    func containsBytes(_ needle: String) -> Bool {
        var text = self
        return text.withUTF8 { ByteSearch.find(needle, in: $0) }
    }

    /// This module's `text.contains("…")`: the same byte search, so these calls do not go through Foundation's
    /// `StringProtocol.contains`, which bridges to NSString and compares by Unicode rules (about 5 % of `plan` on a large
    /// estate went there). Every needle in the module is a literal matched byte for byte; as with Foundation's, an empty
    /// needle is never contained.
    func contains(_ other: String) -> Bool {
        !other.isEmpty && containsBytes(other)
    }
}

extension Substring {
    /// As `String.contains(_:)`, over the substring's own bytes only.
    func contains(_ other: String) -> Bool {
        guard !other.isEmpty else { return false }
        var text = self
        return text.withUTF8 { ByteSearch.find(other, in: $0) }
    }
}

private enum ByteSearch {
    /// `needle`'s bytes in `haystack` (an empty needle is found everywhere).
    static func find(_ needle: String, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        var needle = needle
        return needle.withUTF8 { pattern in
            guard let first = pattern.first else { return true }
            guard haystack.count >= pattern.count else { return false }
            var index = 0
            let last = haystack.count - pattern.count
            while index <= last {
                if haystack[index] == first {
                    var matched = 1
                    while matched < pattern.count && haystack[index + matched] == pattern[matched] { matched += 1 }
                    if matched == pattern.count { return true }
                }
                index += 1
            }
            return false
        }
    }
}
