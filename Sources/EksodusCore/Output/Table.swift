/// Rows ready to print: every listing builds one and hands it to a renderer (table, JSON or CSV).
public struct Table: Sendable, Equatable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case integer(Int)
        case null

        var display: String {
            switch self {
            case .text(let text): return text
            case .integer(let value): return String(value)
            case .null: return ""
            }
        }
    }

    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The cells of one column, by name.
    public func column(_ name: String) -> [Cell] {
        guard let index = columns.firstIndex(of: name) else { return [] }
        return rows.map { $0[index] }
    }
}

public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, yaml, csv
}

public enum TableRenderer {
    public static func render(_ table: Table, as format: OutputFormat) -> String {
        switch format {
        case .table: return text(table)
        case .json: return json(table)
        case .yaml: return yaml(table)
        case .csv: return csv(table)
        }
    }

    /// Aligned columns with upper-case headers, as kubectl prints them; a line break or control character in a cell
    /// is shown escaped (`\n`), so one row stays one line.
    public static func text(_ table: Table) -> String {
        let headers = table.columns.map { $0.uppercased().visibleLine }
        let cells = table.rows.map { $0.map(\.display.visibleLine) }
        var widths = headers.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                if index == cells.count - 1 {
                    text += cell
                } else {
                    text += cell + String(repeating: " ", count: widths[index] - cell.count + 3)
                }
            }
            return text
        }
        var lines = [line(headers)]
        for row in cells { lines.append(line(row)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An array of objects, one per row, keyed by column name.
    public static func json(_ table: Table) -> String {
        var out = "[\n"
        for (rowIndex, row) in table.rows.enumerated() {
            out += "  {"
            for (index, cell) in row.enumerated() {
                if index > 0 { out += ", " }
                JSONWriter.writeString(table.columns[index], to: &out)
                out += ": "
                switch cell {
                case .text(let text): JSONWriter.writeString(text, to: &out)
                case .integer(let value): out += String(value)
                case .null: out += "null"
                }
            }
            out += rowIndex == table.rows.count - 1 ? "}\n" : "},\n"
        }
        return out + "]\n"
    }

    /// A YAML sequence of mappings, one per row, written by libyaml with every string double-quoted.
    public static func yaml(_ table: Table) -> String {
        guard !table.rows.isEmpty else { return "[]\n" }
        let value = YAMLValue.sequence(table.rows.map { row in
            .mapping(zip(table.columns, row).map { column, cell in
                switch cell {
                case .text(let text): return (column, .string(text))
                case .integer(let number): return (column, .int(number))
                case .null: return (column, .null)
                }
            })
        })
        do {
            return try YAMLEmitter.emit(value)
        } catch {
            // Only a libyaml failure (out of memory) gets here; JSON is YAML too.
            return json(table)
        }
    }

    /// RFC 4180 CSV with a header row, written into one string (detail files hold millions of cells).
    public static func csv(_ table: Table) -> String {
        var out = ""
        func field(_ raw: String) {
            // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) starts with a quote mark instead (OWASP
            // "CSV injection"); numbers such as -5 stay as they are.
            let formula = raw.utf8.first.map { "=+-@\t\r".utf8.contains($0) } ?? false
            let text = formula && Double(raw) == nil ? "'" + raw : raw
            // By byte (these are ASCII): "\r\n" is one Character, equal to neither "\r" nor "\n".
            var quoted = false, quotes = false
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r"): quoted = true
                case UInt8(ascii: "\""): quoted = true; quotes = true
                default: break
                }
            }
            guard quoted else { out += text; return }
            out += "\""
            if quotes {
                // Every quote scalar doubles, even one a combining mark follows: a CSV reader sees the byte.
                for scalar in text.unicodeScalars {
                    if scalar == "\"" { out += "\"\"" } else { out.unicodeScalars.append(scalar) }
                }
            } else {
                out += text
            }
            out += "\""
        }
        func line(_ cells: [String]) {
            for (index, cell) in cells.enumerated() {
                if index > 0 { out += "," }
                field(cell)
            }
            out += "\r\n"
        }
        line(table.columns)
        for row in table.rows { line(row.map(\.display)) }
        return out
    }
}
