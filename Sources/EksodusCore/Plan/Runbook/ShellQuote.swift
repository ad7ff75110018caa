/// Quoting for the shell commands eksodus writes: every name taken from a manifest goes through here, so that no
/// name, however hostile, can end a word, start a command or expand a variable.
enum ShellQuote {
    /// `text` as one single-quoted bash word; an embedded `'` becomes `'\''`.
    static func word(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A `#` comment; line breaks become spaces, so nothing after them can run as a command.
    static func comment(_ text: String) -> String {
        "# " + String(text.map { $0.isNewline ? " " : $0 })
    }

    /// A file name made from manifest names: only ASCII letters, digits, `-` and `_` survive, so it never leaves the folder.
    static func fileName(_ parts: [String], suffix: String = ".yaml") -> String {
        let name = String(parts.joined(separator: "-").map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
        return (name.isEmpty ? "object" : name) + suffix
    }
}
