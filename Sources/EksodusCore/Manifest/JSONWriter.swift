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
        out += "\""
        var needsEscape = false
        // Non-ASCII goes the slow way too: DEL, C1, U+2028/U+2029, the BOM and U+FFFE/U+FFFF are escaped, as libyaml (which reads
        // this JSON back) refuses or folds them raw.
        for byte in text.utf8 where byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += text
        } else {
            var text = text
            text.withUTF8 { writeEscaped($0, to: &out) }
        }
        out += "\""
    }

    /// The escaping pass by UTF-8 byte: runs that need nothing are copied whole (commands and evidence are long and
    /// mostly plain); a run ends only before an ASCII byte or a lead byte, so every run is whole scalars.
    private static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout String) {
        var runStart = 0
        var index = 0
        func flush(upTo end: Int) {
            if end > runStart { out += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<end]), as: UTF8.self) }
        }
        func escape(_ value: UInt32, length: Int) {
            flush(upTo: index)
            switch value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            default:
                let hex = String(value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            index += length
            runStart = index
        }
        while index < bytes.count {
            let byte = bytes[index]
            let second = index + 1 < bytes.count ? bytes[index + 1] : 0
            let third = index + 2 < bytes.count ? bytes[index + 2] : 0
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                escape(UInt32(byte), length: 1)
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
        flush(upTo: bytes.count)
    }

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
        var out = "["
        for (index, item) in list.enumerated() {
            if index > 0 { out += "," }
            writeString(item, to: &out)
        }
        return out + "]"
    }
}
