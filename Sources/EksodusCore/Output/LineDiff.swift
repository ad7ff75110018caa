/// The lines two short texts differ in, as a unified diff body: `- ` for a line only in the first, `+ ` for a line only in
/// the second, `  ` for a shared line within `context` lines of a change, and `  …` for a longer shared run left out.
/// A longest-common-subsequence table: fine for what it is used on (check examples, tens of lines).
enum LineDiff {
    static func lines(from old: String, to new: String, context: Int = 2) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false), b = new.split(separator: "\n", omittingEmptySubsequences: false)
        // common[i][j]: the longest common subsequence of a[i...] and b[j...].
        var common = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var marked: [(mark: Character, line: Substring)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                marked.append((" ", a[i])); i += 1; j += 1
            } else if i < a.count, j == b.count || common[i + 1][j] >= common[i][j + 1] {
                marked.append(("-", a[i])); i += 1
            } else {
                marked.append(("+", b[j])); j += 1
            }
        }
        let changes = marked.indices.filter { marked[$0].mark != " " }
        var out: [String] = []
        var skipped = false
        for (index, entry) in marked.enumerated() {
            let near = changes.contains { abs($0 - index) <= context }
            if entry.mark == " " && !near {
                if !skipped { out.append("  …") }
                skipped = true
                continue
            }
            skipped = false
            out.append("\(entry.mark) \(entry.line)")
        }
        return out
    }
}
