/// GitHub-flavoured Markdown tables, so templates only place finished tables.
enum MarkdownTable {
    static func render(_ table: Table) -> String {
        guard !table.rows.isEmpty else { return "_None._\n" }
        func cell(_ text: String) -> String { MarkdownText.escape(text) }
        var lines = ["| " + table.columns.map { cell($0.replacingOccurrences(of: "_", with: " ")) }.joined(separator: " | ") + " |",
                     "|" + table.columns.map { _ in " --- |" }.joined()]
        for row in table.rows {
            lines.append("| " + row.map { cell($0.display) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
