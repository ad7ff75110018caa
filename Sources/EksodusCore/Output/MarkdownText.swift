/// Puts text from the manifests and flags into the Markdown reports without letting it become Markdown (or HTML):
/// inline text is backslash-escaped on one line, code spans and fences are delimited by more backticks than they hold.
enum MarkdownText {
    /// The ASCII punctuation that can open or close Markdown markup, a table cell, a link or raw HTML in the middle of a line.
    static let special: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "<", ">", "|", "~"]

    /// Text for a heading, list item or table cell: one visible line (breaks shown as `\n`), markup characters escaped,
    /// and a first character that would open a heading or list (`#`, `- `, `+ `) escaped too.
    /// An `_` between two letters or digits (`REDIS_ADDR`) cannot open or close emphasis, and stays bare; `[` and `]` are escaped
    /// only where they could make a task box or a link (first character; `]` before `(`, `[` or `:`).
    static func escape(_ text: String) -> String {
        var out = ""
        let scalars = Array(text.visibleLine.unicodeScalars)
        func isWordScalar(_ index: Int) -> Bool {
            index >= 0 && index < scalars.count && (scalars[index].properties.isAlphabetic || scalars[index].properties.numericType != nil)
        }
        for (index, scalar) in scalars.enumerated() {
            let intraword = scalar == "_" && isWordScalar(index - 1) && isWordScalar(index + 1)
            let link = scalar == "]" && index + 1 < scalars.count && ["(", "[", ":"].contains(scalars[index + 1])
            let listMarker = (scalar == "-" || scalar == "+") && index + 1 < scalars.count && scalars[index + 1] == " "
            if (special.contains(scalar) && !intraword) || link || (index == 0 && (scalar == "#" || scalar == "[" || listMarker)) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// A code span: delimited by one backtick more than the longest run inside, padded when the text starts or ends with one.
    static func code(_ text: String) -> String {
        let line = text.visibleLine
        let ticks = String(repeating: "`", count: longestBacktickRun(line) + 1)
        let padding = line.hasPrefix("`") || line.hasSuffix("`") ? " " : ""
        return ticks + padding + line + padding + ticks
    }

    /// A fenced code block whose fence no line inside can close.
    static func fence(_ body: String, language: String) -> String {
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(body) + 1))
        return fence + language + "\n" + body + "\n" + fence
    }

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0, run = 0
        for scalar in text.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
