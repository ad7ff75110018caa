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
        String(decoding: csvBytes(table), as: UTF8.self)
    }

    /// `csv` as UTF-8 bytes, escaped by byte runs straight into one buffer: a report's detail files reach tens of megabytes.
    static func csvBytes(_ table: Table) -> [UInt8] {
        var out: [UInt8] = []
        // Room for the text and separators, so that a large file is not copied as its buffer grows.
        var size = 0
        for row in table.rows {
            for cell in row {
                if case .text(let text) = cell { size += text.utf8.count + 1 } else { size += 8 }
            }
            size += 2
        }
        out.reserveCapacity(size + size / 32)
        func field(_ index: Int, _ text: String) {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            CSVField.append(text, to: &out)
        }
        for (index, column) in table.columns.enumerated() { field(index, column) }
        out.append(contentsOf: CSVField.lineEnd)
        for row in table.rows {
            for (index, cell) in row.enumerated() { field(index, cell.csv) }
            out.append(contentsOf: CSVField.lineEnd)
        }
        return out
    }
}

/// One CSV field, quoted when it must be.
enum CSVField {
    static let lineEnd: [UInt8] = [UInt8(ascii: "\r"), UInt8(ascii: "\n")]

    static func append(_ cell: String, to out: inout [UInt8]) {
        var raw = shown(cell)
        // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) starts with a quote mark instead (OWASP
        // "CSV injection"); numbers such as -5 stay as they are.
        let formula = raw.utf8.first.map { "=+-@\t\r".utf8.contains($0) } ?? false
        let guarded = formula && Double(raw) == nil
        raw.withUTF8 { text in
            // By byte (these are ASCII): "\r\n" is one Character, equal to neither "\r" nor "\n".
            let quoted = needsQuotes(text)
            if quoted { out.append(UInt8(ascii: "\"")) }
            if guarded { out.append(UInt8(ascii: "'")) }
            guard quoted else {
                out.append(contentsOf: text)
                return
            }
            appendDoublingQuotes(text, to: &out)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// `lines` joined by LF as one field, byte for byte what `append(lines.joined(separator: "\n"))` writes, without
    /// making the joined copy (a runbook's commands are tens of megabytes).
    static func append(lines: [String], to out: inout [UInt8]) {
        guard lines.count > 1 else { return append(lines.first ?? "", to: &out) }
        // Two lines or more hold an LF: quoted, and never a number. A formula's first byte is the first line's (an empty
        // first line starts the field with the LF).
        var first = shown(lines[0])
        let formula = first.withUTF8 { $0.first.map { "=+-@\t\r".utf8.contains($0) } ?? false }
        out.append(UInt8(ascii: "\""))
        if formula { out.append(UInt8(ascii: "'")) }
        first.withUTF8 { appendDoublingQuotes($0, to: &out) }
        for line in lines.dropFirst() {
            out.append(UInt8(ascii: "\n"))
            var shownLine = shown(line)
            shownLine.withUTF8 { appendDoublingQuotes($0, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The bytes of a quoted field's text: every quote byte doubles, even one a combining mark follows (a CSV reader sees the byte).
    private static func appendDoublingQuotes(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let base = text.baseAddress else { return }
        var start = 0
        while let found = memchr(base + start, Int32(UInt8(ascii: "\"")), text.count - start) {
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...index]))
            out.append(UInt8(ascii: "\""))
            start = index + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
    }

    /// `text` with the scalars a CSV viewer (`cat`, `less -R`, a terminal pager) would act on spelled as `\u{1B}`: C0 controls
    /// other than tab, CR and LF (which stay: inside quotes they are data, RFC 4180), DEL, C1 and the bidi controls. ESC and
    /// BEL in a workload name or an env URL would otherwise retitle or clear the terminal of whoever reads the file.
    static func shown(_ text: String) -> String {
        guard !isPlain(text), text.unicodeScalars.contains(where: isHidden) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isHidden(scalar) {
                out.append(contentsOf: ("\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}").unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\r" && scalar != "\n") || (0x7F...0x9F).contains(scalar.value) || scalar.isBidiControl
    }

    /// Whether every byte is printable ASCII, tab, CR or LF, eight bytes at a time (nearly every cell): none is hidden then.
    private static func isPlain(_ text: String) -> Bool {
        func plain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var index = 0
            if let base = bytes.baseAddress {
                let raw = UnsafeRawPointer(base), ones: UInt64 = 0x0101_0101_0101_0101, high = ones &* 0x80
                while index + 8 <= bytes.count {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    // No byte ≥ 0x80, none below 0x20 (the high bit of word − 0x20 in a byte that had none), no DEL.
                    guard word & high == 0, (word &- ones &* 0x20) & ~word & high == 0, !has(word, 0x7F) else { break }
                    index += 8
                }
            }
            return bytes[index...].allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        }
        var text = text
        return text.withUTF8(plain)
    }

    /// Whether `text` holds a comma, quote, CR or LF, looked for eight bytes at a time: detail files run to a hundred
    /// megabytes of cells, and a byte-by-byte search was most of their writing.
    private static func needsQuotes(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if let base = text.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= text.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if has(word, UInt8(ascii: ",")) || has(word, UInt8(ascii: "\"")) || has(word, UInt8(ascii: "\n")) || has(word, UInt8(ascii: "\r")) { return true }
                index += 8
            }
        }
        return text[index...].contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
    }

    /// Whether one of the word's eight bytes is `byte`: the exact "has a zero byte" test on the word XOR `byte` in every byte.
    private static func has(_ word: UInt64, _ byte: UInt8) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & (ones &* 0x80) != 0
    }
}
