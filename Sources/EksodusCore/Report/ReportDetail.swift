/// Reports stay readable on a large estate: a long table shows its first rows and links the CSV file, written beside the
/// report, that holds every row.
enum ReportDetail {
    /// Rows a report table shows before it points to its detail file.
    static let rowLimit = 50
    /// Checklist items a report lists per phase before it points to `checklist.csv`.
    static let itemLimit = 200
    /// Plans up to this many items have their whole runbook in the reports; larger ones are cut as below.
    static let fullRunbookItems = 1000
    /// Runbook steps a report shows per section (a cluster's wave) before it points to `runbook.csv`.
    static let stepLimit = 25
    /// Commands and prerequisites a runbook step shows, and the characters of its evidence, before pointing to `runbook.csv`.
    static let listLimit = 10, textLimit = 400

    /// The Markdown table of `table`, cut to `limit` rows with a link to `file` when it is longer.
    static func table(_ table: Table, detail file: String, limit: Int = rowLimit) -> String {
        guard table.rows.count > limit else { return MarkdownTable.render(table) }
        var shown = table
        shown.rows = Array(table.rows.prefix(limit))
        return MarkdownTable.render(shown) + "\n" + more(shown: limit, of: table.rows.count, what: "rows", file: file) + "\n"
    }

    /// The line that says how much a report left out and where the rest is.
    static func more(shown: Int, of total: Int, what: String, file: String) -> String {
        "_First \(shown) of \(total) \(what); all of them: \(link(file))._"
    }

    /// A link to a detail file beside the report (a plain file name, never text from the inventory).
    static func link(_ file: String) -> String { "[\(file)](\(file))" }

    /// The CSV file of a detail table, as bytes (they run to tens of megabytes).
    static func csv(_ table: Table) -> [UInt8] { TableRenderer.csvBytes(table) }
}
