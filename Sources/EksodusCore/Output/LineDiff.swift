/// A line diff of two texts, in unified style without hunk headers: ` ` kept, `-` only in the first, `+` only in the second.
/// `explain` shows a check's triggering example against its passing one this way, so the difference that matters stands out.
public enum LineDiff {
    public static func lines(from old: String, to new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Longest common subsequence by dynamic programming: examples are a few dozen lines.
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                out.append(" " + a[i]); i += 1; j += 1
            } else if i < a.count, j == b.count || lengths[i + 1][j] >= lengths[i][j + 1] {
                // Removals before additions, as diff -u prints a changed line.
                out.append("-" + a[i]); i += 1
            } else {
                out.append("+" + b[j]); j += 1
            }
        }
        // A trailing empty line on both sides (texts ending in a newline) is no difference worth a line.
        if out.last == " " { out.removeLast() }
        return out
    }
}
