/// JSONEncoder writes DEL, C1 controls, U+2028/U+2029 and the BOM raw; they are valid JSON but libyaml (which reads eksodus's JSON
/// back) refuses or folds them, and terminals act on some. Outside strings JSON has none of them, so escaping every occurrence
/// as `\uXXXX` keeps the document identical in meaning — the rule `JSONWriter.writeString` follows.
enum JSONInvisibles {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
    }
}
