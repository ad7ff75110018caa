import Foundation

/// Rows ready to print: every listing builds one and hands it to a renderer (table, JSON or CSV).
public struct Table: Sendable, Equatable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case integer(Int)
        case bool(Bool)
        /// A byte count: shown as 512Mi or 10Gi in a table, a whole number of bytes in JSON, YAML and CSV.
        case bytes(Int)
        /// Several values: an array in JSON and YAML, space-separated in CSV, `shown` (else comma-separated) in a table.
        case list([String], shown: String? = nil)
        case null

        var display: String {
            switch self {
            case .text(let text): return text
            case .integer(let value): return String(value)
            case .bool(let flag): return flag ? "yes" : "no"
            case .bytes(let value): return Quantity.formatBytes(value)
            case .list(let values, let shown): return shown ?? values.joined(separator: ",")
            case .null: return ""
            }
        }

        /// The cell as CSV carries it: data, not the table's short forms.
        var csv: String {
            switch self {
            case .bool(let flag): return flag ? "true" : "false"
            case .bytes(let value): return String(value)
            case .list(let values, _): return values.joined(separator: " ")
            default: return display
            }
        }
    }

    public var columns: [String]
    public var rows: [[Cell]]
    /// Columns a table shows only with `-o wide` (kubectl's long columns); JSON, YAML and CSV always carry them.
    public var wideColumns: Set<String>
    /// Table headers that differ from the column's key (`SIZE` for `size_bytes`, whose cells show 10Gi).
    public var headers: [String: String]

    public init(columns: [String], rows: [[Cell]] = [], wideColumns: Set<String> = [], headers: [String: String] = [:]) {
        self.columns = columns
        self.rows = rows
        self.wideColumns = wideColumns
        self.headers = headers
    }

    /// The cells of one column, by name.
    public func column(_ name: String) -> [Cell] {
        guard let index = columns.firstIndex(of: name) else { return [] }
        return rows.map { $0[index] }
    }
}

/// The `-o` values every listing accepts.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, wide, json, yaml, csv
}

public enum TableRenderer {
    public static func render(_ table: Table, as format: OutputFormat) -> String {
        switch format {
        case .table: return text(table)
        case .wide: return text(table, wide: true)
        case .json: return json(table)
        case .yaml: return yaml(table)
        case .csv: return csv(table)
        }
    }

    /// Aligned columns with upper-case headers, as kubectl prints them; a line break or control character in a cell
    /// is shown escaped (`\n`), so one row stays one line.
    public static func text(_ table: Table, wide: Bool = false) -> String {
        let shown = table.columns.indices.filter { wide || !table.wideColumns.contains(table.columns[$0]) }
        let headers = shown.map { (table.headers[table.columns[$0]] ?? table.columns[$0]).uppercased().visibleLine }
        let cells = table.rows.map { row in shown.map { row[$0].display.visibleLine } }
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

    /// An array of objects, one per row, keyed by column name (in column order), each value written by `JSONEncoder`:
    /// numbers as numbers, booleans as booleans, lists as arrays, a missing value as null.
    public static func json(_ table: Table) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let rows = table.rows.map { row in
            "  {" + zip(table.columns, row).map { column, cell in
                encoded(column, encoder) + ": " + encoded(JSONCell(cell: cell), encoder)
            }.joined(separator: ", ") + "}"
        }
        return rows.isEmpty ? "[]\n" : "[\n" + rows.joined(separator: ",\n") + "\n]\n"
    }

    private static func encoded<Value: Encodable>(_ value: Value, _ encoder: JSONEncoder) -> String {
        // Strings, numbers and arrays of strings always encode.
        (try? JSONInvisibles.escaped(String(decoding: encoder.encode(value), as: UTF8.self))) ?? "null"
    }

    private struct JSONCell: Encodable {
        var cell: Table.Cell
        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch cell {
            case .text(let text): try container.encode(text)
            case .integer(let value), .bytes(let value): try container.encode(value)
            case .bool(let flag): try container.encode(flag)
            case .list(let values, _): try container.encode(values)
            case .null: try container.encodeNil()
            }
        }
    }

    /// A YAML sequence of mappings, one per row, written by libyaml with every string double-quoted.
    public static func yaml(_ table: Table) -> String {
        guard !table.rows.isEmpty else { return "[]\n" }
        let value = YAMLValue.sequence(table.rows.map { row in
            .mapping(zip(table.columns, row).map { column, cell in
                switch cell {
                case .text(let text): return (column, .string(text))
                case .integer(let number), .bytes(let number): return (column, .int(number))
                case .bool(let flag): return (column, .bool(flag))
                case .list(let values, _): return (column, .sequence(values.map { .string($0) }))
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
        for row in table.rows { line(row.map(\.csv)) }
        return out
    }
}
