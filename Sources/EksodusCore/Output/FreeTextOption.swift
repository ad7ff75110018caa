/// A command-line value that eksodus writes into its outputs (the plan's name into Markdown headings, YAML and the
/// runbooks' shell comments; a cutover note and actor into the audit log and reports) must stay on its line: a newline,
/// tab, other control or format character (bidi overrides, zero-width spaces) or a line separator is refused, never
/// escaped into the output.
public enum FreeTextOption {
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Throws when `value` holds a character that could start a line or hide text; `option` names the flag (`--name`).
    public static func check(_ value: String?, option: String) throws {
        guard let value, let bad = value.unicodeScalars.first(where: { $0.isInvisible }) else { return }
        let hex = String(bad.value, radix: 16, uppercase: true)
        let named = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        throw Refused(description: "\(option) must not hold control or invisible characters (it is written into reports, YAML and shell comments): '\(value.visibleLine)' holds \(named)")
    }
}
