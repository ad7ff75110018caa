/// Fenced code in the runbook sections, and how the HTML renderer finds where a fence closes.
enum CodeFence {
    /// Commands as a fenced block (each command is one line: `ShellQuote` keeps line breaks out of words).
    static func block(_ lines: [String], language: String = "sh") -> String {
        MarkdownText.fence(lines.joined(separator: "\n"), language: language)
    }

    /// `text` as inline code on one visible line.
    static func inline(_ text: String) -> String { MarkdownText.code(text) }

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
