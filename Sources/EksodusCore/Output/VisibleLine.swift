extension String {
    /// This text on one line with nothing invisible: line breaks, tabs, other control and format characters
    /// (DEL, C1, bidi overrides, the BOM) and the Unicode line and paragraph separators become `\n`, `\r`, `\t` or `\u{…}`.
    /// For comments, error messages and aligned tables, where raw input must not start a new line.
    public var visibleLine: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.isInvisible {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

extension Unicode.Scalar {
    /// Control, format, separator (other than space), surrogate, private-use and unassigned scalars.
    var isInvisible: Bool {
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return true
        case .spaceSeparator: return self != " "
        default: return false
        }
    }

    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
