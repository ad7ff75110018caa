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
        // Non-ASCII goes the slow way too: DEL, C1, U+2028/U+2029 and the BOM are escaped, as libyaml (which reads this JSON back) refuses or folds them raw.
        for byte in text.utf8 where byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out += "\""
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
