/// Quoting for the shell commands eksodus writes: every name taken from a manifest goes through here, so that no
/// name, however hostile, can end a word, start a command or expand a variable.
enum ShellQuote {
    /// `text` as one bash word: single-quoted (an embedded `'` becomes `'\''`), or, when it holds control characters, line
    /// or paragraph separators or bidi controls, ANSI-C quoted (`$'a\nb'`) so the word stays on one line of a script or a report.
    static func word(_ text: String) -> String {
        // Printable ASCII (nearly every name and script a plan quotes) holds nothing invisible: no scalar pass for it.
        let bytes = scan(text)
        guard !bytes.printable && text.unicodeScalars.contains(where: isInvisible) else { return singleQuoted(text, quotes: bytes.quotes) }
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

    /// `'text'`, each `'` in it spelled `'\''`. By byte, not by Character: a quote followed by a combining mark is still a quote
    /// to bash (Foundation's replacingOccurrences left `'\u{301}` as it was, which ended the word).
    private static func singleQuoted(_ text: String, quotes: Bool) -> String {
        var out = "'"
        out.reserveCapacity(text.utf8.count + 2)
        guard quotes else {
            out += text
            out += "'"
            return out
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "'") { bytes.append(contentsOf: "'\\''".utf8) } else { bytes.append(byte) }
        }
        out += String(decoding: bytes, as: UTF8.self)
        out += "'"
        return out
    }

    /// Whether every UTF-8 byte of `text` is printable ASCII, and whether one is a `'`: one pass over its bytes.
    private static func scan(_ text: String) -> (printable: Bool, quotes: Bool) {
        func scan<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> (printable: Bool, quotes: Bool) {
            var printable = true, quotes = false
            for byte in bytes {
                if byte == UInt8(ascii: "'") { quotes = true } else if byte < 0x20 || byte >= 0x7F { printable = false }
            }
            return (printable, quotes)
        }
        return text.utf8.withContiguousStorageIfAvailable(scan) ?? scan(text.utf8)
    }

    /// Whether every UTF-8 byte of `text` passes `test`, read from its storage (the generic view goes byte by byte).
    private static func every(_ text: String, _ test: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? text.utf8.allSatisfy(test)
    }

    /// C0 and C1 controls, DEL, the Unicode line and paragraph separators, the BOM and the bidi controls (which reorder
    /// the text shown around them, so a name on screen would not be the one the word holds).
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
            || scalar.isBidiControl
    }

    /// A `#` comment; line breaks and controls become spaces, so nothing after them can run as a command.
    static func comment(_ text: String) -> String {
        // Printable ASCII holds no line break and no control (Character.isNewline also takes U+0085, U+2028 and U+2029).
        if every(text, { $0 >= 0x20 && $0 < 0x7F }) { return "# " + text }
        // Invisible scalars (ESC and the other controls) become spaces too: a terminal showing the script must not
        // be told by a manifest's name to hide or rewrite the lines around it.
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { kept.append(isInvisible(scalar) || Character(scalar).isNewline ? " " : scalar) }
        return "# " + String(kept)
    }

    /// A file name made from manifest names: only ASCII letters, digits, `-` and `_` survive, so it never leaves the folder.
    /// Distinct parts give distinct names: where the joined name no longer says what the parts were (a part holding the `-`
    /// that joins them, a character replaced, an empty part), a SHA-256 of the parts follows. Cluster `c1` with host
    /// `a-b.example.com` and cluster `c1-a` with host `b.example.com` had shared one DNS state file, and one switch moved the
    /// other's name. A plain name has exactly one `-` between parts; a suffixed one has more, so the two never meet.
    static func fileName(_ parts: [String], suffix: String = ".yaml") -> String {
        let joined = parts.joined(separator: "-")
        // Names of ASCII letters, digits, '-' and '_' only (the usual ones) come through whole: no pass by Character.
        let kept = every(joined) { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        var name = kept ? joined : String(joined.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
        var ambiguous = !kept || parts.contains(where: \.isEmpty) || (parts.count > 1 && parts.contains { $0.contains("-") })
        // Never an option (`-f…`), never past a file system's name limit: long names keep 80 characters and the hash.
        if name.hasPrefix("-") {
            name = "_" + name
            ambiguous = true
        }
        if name.utf8.count > 100 {
            name = String(name.prefix(80))
            ambiguous = true
        }
        if ambiguous { name += "-" + DigestHex.sha256(parts.joined(separator: "\u{0}"), digits: 12) }
        return (name.isEmpty ? "object" : name) + suffix
    }
}
