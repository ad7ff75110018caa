/// Quoting for the shell commands eksodus writes: every name taken from a manifest goes through here, so that no
/// name, however hostile, can end a word, start a command or expand a variable.
enum ShellQuote {
    /// `text` as one bash word: single-quoted (an embedded `'` becomes `'\''`), or, when it holds control characters, line
    /// or paragraph separators, ANSI-C quoted (`$'a\nb'`) so the word stays on one line of a script or a report.
    static func word(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isInvisible) else {
            // Most names hold no quote: no replacement pass for the tens of thousands of them a large plan quotes.
            guard text.utf8.contains(UInt8(ascii: "'")) else { return "'" + text + "'" }
            return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        var out = "$'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isInvisible(scalar):
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    /// C0 and C1 controls, DEL, the Unicode line and paragraph separators and the BOM.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
    }

    /// A `#` comment; line breaks become spaces, so nothing after them can run as a command.
    static func comment(_ text: String) -> String {
        "# " + String(text.map { $0.isNewline ? " " : $0 })
    }

    /// A file name made from manifest names: only ASCII letters, digits, `-` and `_` survive, so it never leaves the folder.
    static func fileName(_ parts: [String], suffix: String = ".yaml") -> String {
        let joined = parts.joined(separator: "-")
        var name = String(joined.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
        // Never an option (`-f…`), never past a file system's name limit: long names keep 80 characters and a hash of the whole.
        if name.hasPrefix("-") { name = "_" + name }
        if name.utf8.count > 100 { name = String(name.prefix(80)) + "-" + ShortHash.hex(joined) }
        return (name.isEmpty ? "object" : name) + suffix
    }
}
