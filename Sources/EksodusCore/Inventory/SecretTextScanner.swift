/// The text rules of `SecretRedaction.redactText`: one pass over the bytes of a text, copying them out only once
/// something must be masked.
struct SecretTextScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private var out: [UInt8]?
    private var copied = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Multi-line text is a file (.properties, .env, YAML): a `name=value` at the start of a line runs to its end.
    private var isFile: Bool { bytes.contains(UInt8(ascii: "\n")) }

    mutating func redacted() -> [UInt8]? {
        let count = bytes.count
        var index = 0
        while index < count {
            switch bytes[index] {
            case UInt8(ascii: "="):
                if let end = redactValue(after: index) { index = end; continue }
            case UInt8(ascii: ":"):
                let next = index + 1 < count ? bytes[index + 1] : UInt8(ascii: " ")
                if next == UInt8(ascii: "/"), index + 2 < count, bytes[index + 2] == UInt8(ascii: "/") {
                    index = redactURL(schemeEnd: index + 3)
                    continue
                }
                if next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\"") || next == UInt8(ascii: "'"),
                   let end = redactValue(after: index) { index = end; continue }
            case UInt8(ascii: "-"):
                if let end = redactPrivateKey(at: index) ?? redactFlagValue(at: index) ?? redactMySQLPassword(at: index) {
                    index = end
                    continue
                }
            case UInt8(ascii: ">"):
                if let end = redactElement(endingAt: index) { index = end; continue }
            default:
                break
            }
            index += 1
        }
        guard var out else { return nil }
        out += bytes[copied...]
        return out
    }

    /// Replaces `start..<end` by the marker.
    private mutating func mask(_ start: Int, _ end: Int) {
        if out == nil {
            out = []
            out!.reserveCapacity(bytes.count + 16)
        }
        out! += bytes[copied..<start]
        out! += SecretRedaction.markerBytes
        copied = end
    }

    private func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    private func isLineEnd(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") }

    private func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".")
    }

    /// Where a shell word ends.
    private func endsWord(_ byte: UInt8) -> Bool {
        isSpace(byte) || isLineEnd(byte) || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "|")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: ")")
    }

    /// For a separator (`=` or `:`) at `separator`, masks the value after it when the name before it is sensitive;
    /// returns where scanning goes on.
    private mutating func redactValue(after separator: Int) -> Int? {
        var nameEnd = separator
        while nameEnd > 0, isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
        if nameEnd > 0, bytes[nameEnd - 1] == UInt8(ascii: "\"") || bytes[nameEnd - 1] == UInt8(ascii: "'") { nameEnd -= 1 }
        var nameStart = nameEnd
        while nameStart > 0, isNameByte(bytes[nameStart - 1]) { nameStart -= 1 }
        guard nameStart < nameEnd, SecretRedaction.isSensitiveKey(UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])) else { return nil }

        let count = bytes.count
        var start = separator + 1
        // `name: value` and `name = value` (.ini) space their values; in a shell, `NAME= next` sets nothing.
        if bytes[separator] == UInt8(ascii: ":") || isSpace(bytes[separator - 1]) {
            while start < count, isSpace(bytes[start]) { start += 1 }
        }
        guard start < count, !isLineEnd(bytes[start]), !isSpace(bytes[start]) else { return nil }
        let first = bytes[start]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            var end = start + 1
            while end < count, bytes[end] != first, !isLineEnd(bytes[end]) {
                end += first == UInt8(ascii: "\"") && bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            end = min(end, count)
            if end > start + 1 { mask(start + 1, end) }
            return end
        }
        // A JSON or flow value that is a mapping or list: its own keys are looked at in turn.
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return nil }
        if bytes[separator] == UInt8(ascii: ":"), isBlockScalarHeader(start) {
            return redactBlockScalar(header: start, keyLine: nameStart)
        }
        let wholeLine = bytes[separator] == UInt8(ascii: ":") || (isFile && startsLine(nameStart))
        // `TOKEN = --password x`: the next word is a flag, looked at in turn.
        if !wholeLine, hasPrefix("--", at: start) { return nil }
        var end = start
        while end < count, wholeLine ? !isLineEnd(bytes[end]) : !endsWord(bytes[end]) { end += 1 }
        var valueEnd = end
        while valueEnd > start, isSpace(bytes[valueEnd - 1]) || bytes[valueEnd - 1] == UInt8(ascii: ",") { valueEnd -= 1 }
        if SecretRedaction.isBoolean(UnsafeBufferPointer(rebasing: bytes[start..<valueEnd])) { return end }
        mask(start, end)
        return end
    }

    /// `|`, `>-`, `|+2`... and nothing else up to the end of the line.
    private func isBlockScalarHeader(_ start: Int) -> Bool {
        guard bytes[start] == UInt8(ascii: "|") || bytes[start] == UInt8(ascii: ">") else { return false }
        var position = start + 1
        while position < bytes.count, !isLineEnd(bytes[position]) {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || isSpace(byte)
                    || (byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9")) else { return false }
            position += 1
        }
        return true
    }

    /// `password: |` in YAML: masks the lines below that are indented deeper than the key's line.
    private mutating func redactBlockScalar(header: Int, keyLine: Int) -> Int {
        var lineStart = keyLine
        while lineStart > 0, !isLineEnd(bytes[lineStart - 1]) { lineStart -= 1 }
        var keyIndent = 0
        while lineStart + keyIndent < bytes.count, bytes[lineStart + keyIndent] == UInt8(ascii: " ") { keyIndent += 1 }
        var position = header
        while position < bytes.count, !isLineEnd(bytes[position]) { position += 1 }
        let headerEnd = position
        var content: Range<Int>?
        while position < bytes.count {
            while position < bytes.count, isLineEnd(bytes[position]) { position += 1 }
            var indent = 0
            while position + indent < bytes.count, bytes[position + indent] == UInt8(ascii: " ") { indent += 1 }
            let text = position + indent
            var lineEnd = text
            while lineEnd < bytes.count, !isLineEnd(bytes[lineEnd]) { lineEnd += 1 }
            guard indent > keyIndent || lineEnd == text else { break }
            if lineEnd > text { content = (content?.lowerBound ?? text)..<lineEnd }
            position = lineEnd
        }
        guard let content else { return headerEnd }
        mask(content.lowerBound, content.upperBound)
        return content.upperBound
    }

    /// `<password>…</password>` in XML (Maven settings, Tomcat contexts): masks the element's text.
    private mutating func redactElement(endingAt close: Int) -> Int? {
        var nameStart = close
        while nameStart > 0, isNameByte(bytes[nameStart - 1]) || bytes[nameStart - 1] == UInt8(ascii: ":") { nameStart -= 1 }
        guard nameStart < close, nameStart > 0, bytes[nameStart - 1] == UInt8(ascii: "<"),
              SecretRedaction.isSensitiveKey(UnsafeBufferPointer(rebasing: bytes[nameStart..<close])) else { return nil }
        var end = close + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "<") { end += 1 }
        if end > close + 1 { mask(close + 1, end) }
        return end
    }

    /// Whether only spaces come before `index` on its line.
    private func startsLine(_ index: Int) -> Bool {
        var position = index
        while position > 0, isSpace(bytes[position - 1]) { position -= 1 }
        return position == 0 || isLineEnd(bytes[position - 1])
    }

    /// `scheme://user:password@host`: masks the password; returns the end of the authority.
    private mutating func redactURL(schemeEnd: Int) -> Int {
        var end = schemeEnd
        while end < bytes.count, !endsAuthority(bytes[end]) { end += 1 }
        var at = end
        while at > schemeEnd, bytes[at - 1] != UInt8(ascii: "@") { at -= 1 }
        guard at > schemeEnd else { return end }
        var colon = schemeEnd
        while colon < at - 1, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        if colon < at - 1 { mask(colon + 1, at - 1) }
        return end
    }

    private func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || isSpace(byte) || isLineEnd(byte) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
            || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }

    private func hasPrefix(_ prefix: StaticString, at index: Int) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<length where bytes[index + offset] != start[offset] { return false }
        return true
    }

    private func find(_ needle: StaticString, from start: Int, before limit: Int? = nil) -> Int? {
        let end = limit ?? bytes.count
        var index = start
        while index < end {
            if bytes[index] == UInt8(ascii: "-"), hasPrefix(needle, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// `-----BEGIN … PRIVATE KEY-----` … `-----END …`: masks what is between; returns where scanning goes on.
    private mutating func redactPrivateKey(at index: Int) -> Int? {
        guard hasPrefix("-----BEGIN ", at: index) else { return nil }
        let labelStart = index + 11
        var labelEnd = labelStart
        // A PEM label is upper-case words: RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY, PGP PRIVATE KEY BLOCK.
        while labelEnd < bytes.count, (bytes[labelEnd] >= UInt8(ascii: "A") && bytes[labelEnd] <= UInt8(ascii: "Z"))
                || bytes[labelEnd] == UInt8(ascii: " ") { labelEnd += 1 }
        guard hasPrefix("-----", at: labelEnd),
              SecretRedaction.isSensitiveName(UnsafeBufferPointer(rebasing: bytes[labelStart..<labelEnd])) else { return nil }
        let bodyStart = labelEnd + 5
        let bodyEnd = find("-----END", from: bodyStart) ?? bytes.count
        mask(bodyStart, bodyEnd)
        return bodyEnd == bytes.count ? bodyEnd : bodyEnd + 8
    }

    /// `mysql -uroot -pSECRET` (the MySQL and MariaDB clients' attached password): masks what follows `-p`.
    /// Only in text that names one of those clients, since `-p` means a port or a path to most tools.
    private mutating func redactMySQLPassword(at index: Int) -> Int? {
        guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "p"), index == 0 || endsWord(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "\""),
              !endsWord(bytes[index + 2]) || bytes[index + 2] == UInt8(ascii: "\"") || bytes[index + 2] == UInt8(ascii: "'"),
              SecretRedaction.namesMySQLClient(bytes) else { return nil }
        return maskAttachedValue(from: index + 2)
    }

    /// Masks a value written right after its flag: `"quoted"`, `'quoted'` or a bare word.
    private mutating func maskAttachedValue(from start: Int) -> Int {
        let quote = bytes[start]
        var end = start
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            end += 1
            while end < bytes.count, bytes[end] != quote { end += 1 }
            if end > start + 1 { mask(start + 1, end) }
            return end
        }
        while end < bytes.count, !endsWord(bytes[end]) { end += 1 }
        mask(start, end)
        return end
    }

    /// `--password value` (and `-token value`) inside a command line: masks the word after a sensitive flag.
    private mutating func redactFlagValue(at index: Int) -> Int? {
        guard index == 0 || endsWord(bytes[index - 1]) else { return nil }
        var nameStart = index
        while nameStart < bytes.count, bytes[nameStart] == UInt8(ascii: "-") { nameStart += 1 }
        var nameEnd = nameStart
        while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        guard nameEnd > nameStart, nameEnd < bytes.count, isSpace(bytes[nameEnd]),
              SecretRedaction.isSensitiveKey(UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])) else { return nil }
        var start = nameEnd
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count, !hasPrefix("--", at: start) else { return nameEnd }
        let quote = bytes[start]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            var end = start + 1
            while end < bytes.count, bytes[end] != quote { end += 1 }
            if end > start + 1 { mask(start + 1, end) }
            return end
        }
        guard !endsWord(quote) else { return nameEnd }
        var end = start
        while end < bytes.count, !endsWord(bytes[end]) { end += 1 }
        mask(start, end)
        return end
    }
}
