/// A fenced Markdown code block whose fence is longer than any run of backticks in its content, so no content can close it.
enum CodeFence {
    static func block(_ lines: [String], language: String = "sh") -> String {
        let body = lines.joined(separator: "\n")
        var longest = 0, run = 0
        for character in body {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(language)\n\(body)\n\(fence)"
    }

    /// `text` as inline code, delimited by more backticks than any run inside it (padded when it starts or ends with one).
    static func inline(_ text: String) -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let ticks = String(repeating: "`", count: longest + 1)
        let padding = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return ticks + padding + text + padding + ticks
    }

    /// The fence a line opens (its leading backticks, at least three), or nil.
    static func opening(_ line: String) -> String? {
        let ticks = line.prefix { $0 == "`" }
        return ticks.count >= 3 ? String(ticks) : nil
    }

    /// Whether `line` closes a block opened with `fence`: only backticks, at least as many.
    static func closes(_ line: String, fence: String) -> Bool {
        let trimmed = line.trimmingWhitespace()
        return trimmed.count >= fence.count && trimmed.allSatisfy { $0 == "`" }
    }
}
