/// Writes manifest values and plain Swift values as compact JSON, for the inventory's JSON columns.
/// Plain YAML scalars become JSON null, booleans and numbers the way Kubernetes' YAML decoder reads them.
public enum JSONWriter {
    public static func string(_ node: ManifestNode) -> String {
        var out = ""
        out.reserveCapacity(256)
        write(node, to: &out)
        return out
    }

    public static func write(_ node: ManifestNode, to out: inout String) {
        switch node {
        case .scalar(let text, let plain):
            if plain {
                if node.isNull { out += "null"; return }
                if let literal = plainLiteral(text) { out += literal; return }
            }
            writeString(text, to: &out)
        case .sequence(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .mapping(let entries):
            out += "{"
            for (index, entry) in entries.enumerated() {
                if index > 0 { out += "," }
                writeString(entry.key, to: &out)
                out += ":"
                write(entry.value, to: &out)
            }
            out += "}"
        }
    }

    /// The JSON spelling of a plain scalar that is a boolean or a number, or nil for a string.
    static func plainLiteral(_ text: String) -> String? {
        switch text {
        case "true", "True", "TRUE": return "true"
        case "false", "False", "FALSE": return "false"
        default: break
        }
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return nil }
        if let value = Int(text) { return String(value) }
        // Octal/hex spellings and the like stay strings; decimals and exponents become numbers.
        if let value = Double(text), value.isFinite, text.utf8.allSatisfy({ isDecimalChar($0) }) {
            return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
        return nil
    }

    private static func isDecimalChar(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
    }

    public static func writeString(_ text: String, to out: inout String) {
        // Non-ASCII goes the slow way too: DEL, C1, U+2028/U+2029, the BOM and U+FFFE/U+FFFF are escaped, as libyaml (which reads
        // this JSON back) refuses or folds them raw.
        func plain<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
            !bytes.contains { $0 < 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
        if text.utf8.withContiguousStorageIfAvailable(plain) ?? plain(text.utf8) {
            out += "\""
            out += text
            out += "\""
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        writeString(text, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// `text` as a JSON string appended to UTF-8 bytes, escaped as `writeString(_:to:)` on a String escapes it: for the plan's
    /// item columns, written row after row into one reused buffer instead of a String per command.
    public static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { appendEscaped($0, to: &out) }
        out.append(UInt8(ascii: "\""))
    }

    /// `text` escaped as in a JSON string, without the quotes: for a string written in pieces.
    public static func writeEscaped(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendEscaped($0, to: &out) }
    }

    /// The escaping pass by UTF-8 byte: runs that need nothing are copied whole (commands and evidence are long and
    /// mostly plain); a run ends only before an ASCII byte or a lead byte, so every run is whole scalars.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = bytes.count
        func escape(_ value: UInt32, length: Int) {
            if index > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            out.append(UInt8(ascii: "\\"))
            switch value {
            case 0x22: out.append(UInt8(ascii: "\""))
            case 0x5C: out.append(UInt8(ascii: "\\"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                out.append(UInt8(ascii: "u"))
                for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)]) }
            }
            index += length
            runStart = index
        }
        while index < count {
            let byte = bytes[index]
            // Printable ASCII but the quote and the backslash, continuation bytes and lead bytes of nothing escaped: part of the run.
            if (byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\"))
                || (byte >= 0x80 && byte != 0xC2 && byte != 0xE2 && byte != 0xEF) {
                index += 1
                continue
            }
            let second = index + 1 < count ? bytes[index + 1] : 0
            let third = index + 2 < count ? bytes[index + 2] : 0
            if byte < 0x80 {
                escape(UInt32(byte), length: 1)  // C0 controls, DEL, the quote and the backslash
            } else if byte == 0xC2 && (0x80...0x9F).contains(second) {
                escape(UInt32(second), length: 2)  // C1 controls, U+0080–U+009F
            } else if byte == 0xE2 && second == 0x80 && (third == 0xA8 || third == 0xA9) {
                escape(third == 0xA8 ? 0x2028 : 0x2029, length: 3)
            } else if byte == 0xEF && second == 0xBB && third == 0xBF {
                escape(0xFEFF, length: 3)
            } else if byte == 0xEF && second == 0xBF && (third == 0xBE || third == 0xBF) {
                escape(third == 0xBE ? 0xFFFE : 0xFFFF, length: 3)  // non-characters libyaml refuses raw
            } else {
                index += 1
            }
        }
        if count > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count])) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func string(_ map: [String: String]) -> String {
        var out = "{"
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            writeString(key, to: &out)
            out += ":"
            writeString(map[key] ?? "", to: &out)
        }
        return out + "}"
    }

    /// A mapping's scalar entries as a JSON object of strings, in source order (labels, annotations, selectors):
    /// what `stringMap` holds, without building a dictionary on the import's hot path.
    public static func stringMap(_ node: ManifestNode?) -> String {
        guard let node else { return "{}" }
        var out = "{"
        var first = true
        for (key, value) in node.entries {
            guard case .scalar(let text, _) = value else { continue }
            if !first { out += "," }
            first = false
            writeString(key, to: &out)
            out += ":"
            writeString(value.isNull ? "" : text, to: &out)
        }
        return out + "}"
    }

    public static func string(counts: [String: Int]) -> String {
        var out = "{"
        for (index, key) in counts.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            writeString(key, to: &out)
            out += ":" + String(counts[key] ?? 0)
        }
        return out + "}"
    }

    public static func string(_ list: [String]) -> String {
        var out: [UInt8] = []
        write(list, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A list of strings as a JSON array appended to UTF-8 bytes.
    public static func write(_ list: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, item) in list.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(item, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}
