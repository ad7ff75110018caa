extension String {
    /// Whether `needle` occurs in this text byte for byte: checks that scan stored bodies for a field name
    /// before parsing them ran Foundation's `contains` over every body, which cost more than the parsing it avoided.
    /// Bytes are more permissive than Unicode equivalence, so a prefilter built on this never skips what it should read.
    func containsBytes(_ needle: String) -> Bool {
        var text = self, needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { pattern in
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
}
