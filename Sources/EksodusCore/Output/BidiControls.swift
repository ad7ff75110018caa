/// The Unicode bidirectional controls: the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069 and the
/// marks U+200E, U+200F and U+061C (Unicode Standard Annex #9, "Explicit Directional Formatting Characters" and
/// "Implicit Directional Formatting Characters"). They draw nothing, yet reorder the text around them on screen: a name
/// holding U+202E shows reversed, so the object a reader copies is not the one a command names.
extension Unicode.Scalar {
    var isBidiControl: Bool {
        switch value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
