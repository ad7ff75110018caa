/// Decides which literal values are credentials that must never be stored, and masks them inside text.
/// Runs on every name and scalar an import reads, so it works on bytes, allocates only when it changes
/// something, and uses no Foundation string search.
public enum SecretRedaction {
    public static let marker = "<redacted by eksodus>"
    static let markerBytes = Array(marker.utf8)

    // MARK: Names

    /// Words that mark a credential anywhere in a name (DB_PASSWORD, PGPASSWORD, dbPassword, AWS_SECRET_ACCESS_KEY).
    /// `_` stands for an optional separator: API_KEY matches API_KEY, api-key and apiKey.
    private static let sensitiveWords: [[UInt8]] = [
        "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE", "AUTHORIZATION", "BEARER",
        "API_KEY", "ACCESS_KEY", "SESSION_KEY", "AUTH_KEY", "CLIENT_KEY", "SIGNING_KEY", "ENCRYPTION_KEY", "MASTER_KEY",
        "LICENSE_KEY", "CONNECTION_STRING", "DSN",
    ].map { Array($0.utf8) }

    /// Words that mark a credential only as a whole segment of a name: DB_PASS and dbPass, but not PASSIVE_MODE.
    private static let sensitiveSegments: [[UInt8]] = ["PASS", "PWD", "PW", "AUTH", "CREDS"].map { Array($0.utf8) }

    /// Last segments that make a name a reference to a credential rather than one (secretName, DB_PASSWORD_FILE).
    private static let referenceSuffixes: [[UInt8]] = ["NAME", "NAMESPACE", "REF", "PATH", "FILE", "SECONDS", "MODE", "TYPE"]
        .map { Array($0.utf8) }

    /// Whether a variable, key or flag of this name holds a credential (AWS_SECRET_ACCESS_KEY, DB_PASS, db.password,
    /// --client-secret, STRIPE_KEY...). Leading dashes of a flag are ignored.
    public static func isSensitiveName(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isSensitiveName($0, keySuffix: true) }
    }

    /// Whether a key of a free-form map (annotations, ConfigMap data) names a credential: a sensitive name
    /// that is not a reference to one (`DB_PASSWORD_FILE`, `auth-secret-name`).
    static func isSensitiveKey(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { isSensitiveKey($0) }
    }

    static func isSensitiveKey(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        isSensitiveName(name, keySuffix: true) && !isReference(name)
    }

    /// `true` and `false` say whether something is on (GF_AUTH_BASIC_ENABLED=true), never what a secret is.
    static func isBoolean(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isBoolean($0) }
    }

    static func isBoolean(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count == 4 || value.count == 5 else { return false }
        return matchesWord(trueWord, in: value, at: 0) == value.count || matchesWord(falseWord, in: value, at: 0) == value.count
    }

    /// Whether the text names the MySQL or MariaDB client (`mysql`, `mysqldump`, `mariadb-admin`...), whose `-pSECRET`
    /// carries a password.
    static func namesMySQLClient(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index + 5 <= text.count {
            if text[index] == UInt8(ascii: "m"), matchesWord(mysqlWord, in: text, at: index) != nil || matchesWord(mariadbWord, in: text, at: index) != nil {
                return true
            }
            index += 1
        }
        return false
    }

    static func namesMySQLClient(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { namesMySQLClient($0) }
    }

    private static let mysqlWord = Array("MYSQL".utf8)
    private static let mariadbWord = Array("MARIADB".utf8)

    private static let trueWord = Array("TRUE".utf8)
    private static let falseWord = Array("FALSE".utf8)

    /// Whether a field of an object's spec holds a credential (`password: …` in a custom resource). Stricter than a
    /// free-form key: a field ending in `Key` is structure (`topologyKey`), and references (`secretName`) are not values.
    static func isSensitiveField(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { isSensitiveName($0, keySuffix: false) && !isReference($0) }
    }

    private static func isReference(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = name.count
        while start > 0, isLetter(name[start - 1]) {
            start -= 1
            if startsSegment(name, at: start) { break }
        }
        return referenceSuffixes.contains { word in
            name.count - start == word.count && matchesWord(word, in: name, at: start) == name.count
        }
    }

    /// `keySuffix`: whether a last segment KEY after another one counts (STRIPE_KEY, tls.key, sshKey; never `key` itself).
    static func isSensitiveName(_ name: UnsafeBufferPointer<UInt8>, keySuffix: Bool = true) -> Bool {
        let count = name.count
        var index = 0
        while index < count {
            let letter = Int(upper(name[index])) - Int(UInt8(ascii: "A"))
            if letter >= 0, letter < 26 {
                for (word, wholeSegment) in wordsByInitial[letter] {
                    guard let end = matchesWord(word, in: name, at: index) else { continue }
                    if !wholeSegment || (startsSegment(name, at: index) && endsSegment(name, at: end)) { return true }
                }
                if keySuffix, letter == Int(UInt8(ascii: "K") - UInt8(ascii: "A")), index > 0, startsSegment(name, at: index),
                   let end = matchesWord(keyWord, in: name, at: index),
                   end == count || (end == count - 1 && upper(name[end]) == UInt8(ascii: "S")) { return true }
            }
            index += 1
        }
        return false
    }

    /// The sensitive words by their first letter (A = 0), so that each position of a name tries only a few.
    private static let wordsByInitial: [[(word: [UInt8], wholeSegment: Bool)]] = {
        var table = [[(word: [UInt8], wholeSegment: Bool)]](repeating: [], count: 26)
        for word in sensitiveWords { table[Int(word[0] - UInt8(ascii: "A"))].append((word, false)) }
        for word in sensitiveSegments { table[Int(word[0] - UInt8(ascii: "A"))].append((word, true)) }
        return table
    }()

    private static let keyWord = Array("KEY".utf8)

    /// The index just past `word` matched case-insensitively at `start`, or nil; `_` in the word matches one separator or none.
    private static func matchesWord(_ word: [UInt8], in name: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var position = start
        for letter in word {
            if letter == UInt8(ascii: "_") {
                if position < name.count, isSeparator(name[position]) { position += 1 }
                continue
            }
            guard position < name.count, upper(name[position]) == letter else { return nil }
            position += 1
        }
        return position
    }

    private static func upper(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isUpperLetter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// A segment starts after a non-letter or at a lower-to-upper case change (camelCase).
    private static func startsSegment(_ name: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index > 0 else { return true }
        let previous = name[index - 1]
        return !isLetter(previous) || (isLower(previous) && isUpperLetter(name[index]))
    }

    private static func endsSegment(_ name: UnsafeBufferPointer<UInt8>, at end: Int) -> Bool {
        guard end < name.count else { return true }
        let next = name[end]
        return !isLetter(next) || (isLower(name[end - 1]) && isUpperLetter(next))
    }

    // MARK: Text

    /// The text with any `scheme://user:password@` password replaced by the marker (and, as `redactText`, every other
    /// credential it holds: there is one text pass).
    public static func redactURLPasswords(_ text: String) -> String {
        redactText(text)
    }

    /// The text with every credential-looking literal replaced by the marker: URL passwords, PEM private key blocks,
    /// the value of `name=value`, `name: value`, `"name": "value"` and `--name value` when the name is sensitive
    /// (`PGPASSWORD=…` in a shell line, `db.password=…` in a .properties file, `password: …` in YAML, `--token …`).
    public static func redactText(_ text: String) -> String {
        maskedText(text) ?? text
    }

    /// The text with its credentials masked, or nil when it holds none.
    static func maskedText(_ text: String) -> String? {
        var text = text
        let redacted: [UInt8]? = text.withUTF8 { bytes in
            var scanner = TextScanner(bytes: bytes)
            return scanner.redacted()
        }
        return redacted.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// One pass over the bytes of a text, copying them out only once something must be masked.
private struct TextScanner {
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
