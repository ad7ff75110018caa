/// The repository names ECR accepts, for the image plan and the pull-through cache prefixes of the reference data.
enum ECRRepositoryName {
    /// A name ECR accepts: lowercase letters, digits and `-_./`, starting with a letter, no doubled separators,
    /// 2 to 256 characters (pattern `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`).
    static func make(_ text: String) -> String {
        var components: [String] = []
        for component in text.lowercased().split(separator: "/") {
            var out = ""
            var lastWasSeparator = true
            for character in component {
                if character.isASCII && (character.isLetter || character.isNumber) {
                    out.append(character)
                    lastWasSeparator = false
                } else if !lastWasSeparator {
                    out.append(character == "." || character == "_" ? character : "-")
                    lastWasSeparator = true
                }
            }
            while let last = out.last, !(last.isLetter || last.isNumber) { out.removeLast() }
            if !out.isEmpty { components.append(out) }
        }
        var name = components.joined(separator: "/")
        if let first = name.first, !first.isLetter { name = "img-" + name }
        if name.count < 2 { name = "img-" + name }
        return String(name.prefix(256))
    }
}
