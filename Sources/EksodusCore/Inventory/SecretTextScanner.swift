/// The text rules of `SecretRedaction.redactText`: one pass over the bytes of a text, copying them out only once
/// something must be masked.
struct SecretTextScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private var out: [UInt8]?
    private var copied = 0
    /// A secret found ahead of the scan, masked when the scan reaches it (so that masks stay in order).
    private var pendingSecret = Self.noPendingSecret
    private static let noPendingSecret = Int.max..<Int.max
    /// Whether the text is a `.netrc` (`machine h login u password p`, `default login u password p`), known once a
    /// `password` word asks.
    private var namesNetrcMachine: Bool?

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Text that opens with `{` or `[` is JSON.
    private var isJSONDocument: Bool {
        guard let first = bytes.firstIndex(where: { !isSpace($0) && !isLineEnd($0) }) else { return false }
        return bytes[first] == UInt8(ascii: "{") || bytes[first] == UInt8(ascii: "[")
    }

    /// Multi-line text is a file (.properties, .env, YAML): a `name=value` at the start of a line runs to its end.
    private var isFile: Bool { bytes.contains(UInt8(ascii: "\n")) }

    mutating func redacted() -> [UInt8]? {
        let count = bytes.count
        var index = 0
        while index < count {
            if index >= pendingSecret.lowerBound {
                // A secret found ahead (the AWS secret key after its key ID), unless another rule masked it already.
                let secret = pendingSecret
                pendingSecret = Self.noPendingSecret
                if secret.upperBound > copied { mask(max(secret.lowerBound, copied), secret.upperBound) }
                index = max(index, secret.upperBound)
                continue
            }
            switch bytes[index] {
            case UInt8(ascii: "="):
                if let end = redactValue(after: index) { index = end; continue }
            case UInt8(ascii: ":"):
                if index + 2 < count, bytes[index + 1] == UInt8(ascii: "/"), bytes[index + 2] == UInt8(ascii: "/") {
                    index = redactURL(schemeEnd: index + 3)
                    continue
                }
                if let end = redactValue(after: index) ?? redactPasswordFileLine(firstColon: index) { index = end; continue }
            case UInt8(ascii: "-"):
                // A program's `-p` password before the sensitive-flag rule, which took `-pCmdLinePw123` for a flag named like a
                // password and masked the word after it (`-h`) instead of the password.
                if let end = redactPrivateKey(at: index) ?? redactPasswordP(at: index) ?? redactFlagValue(at: index)
                    ?? redactUserFlag(at: index) ?? redactRedisClientPassword(at: index) {
                    index = end
                    continue
                }
            case UInt8(ascii: ">"):
                if let end = redactElement(endingAt: index) { index = end; continue }
            case UInt8(ascii: "A"), UInt8(ascii: "a"):
                if let end = redactAuthorizationHeader(at: index) ?? redactToken(at: index) { index = end; continue }
            case UInt8(ascii: "g"), UInt8(ascii: "r"), UInt8(ascii: "s"), UInt8(ascii: "x"),
                 UInt8(ascii: "S"), UInt8(ascii: "h"), UInt8(ascii: "n"), UInt8(ascii: "d"):
                if let end = redactToken(at: index) ?? redactRedisDirective(at: index) { index = end; continue }
            case UInt8(ascii: "m"):
                if let end = redactRedisDirective(at: index) { index = end; continue }
            case UInt8(ascii: "p"):
                if let end = redactNetrcPassword(at: index) ?? redactToken(at: index) { index = end; continue }
            case UInt8(ascii: "B"), UInt8(ascii: "b"):
                if let end = redactBasicCredentials(at: index) ?? redactBearerToken(at: index) ?? redactToken(at: index) { index = end; continue }
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
        if pendingSecret.lowerBound < start {
            // A rule masks past the secret found ahead: the secret goes first.
            let secret = pendingSecret
            pendingSecret = Self.noPendingSecret
            if secret.upperBound > copied { mask(max(secret.lowerBound, copied), min(secret.upperBound, start)) }
        }
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
        let quotedName = nameEnd > 0 && (bytes[nameEnd - 1] == UInt8(ascii: "\"") || bytes[nameEnd - 1] == UInt8(ascii: "'"))
        if quotedName { nameEnd -= 1 }
        var nameStart = nameEnd
        while nameStart > 0, isNameByte(bytes[nameStart - 1]) { nameStart -= 1 }
        guard nameStart < nameEnd, SecretRedaction.isSensitiveKey(UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]))
                || isSignedURLKey(nameStart, nameEnd, separator: separator) else { return nil }

        let count = bytes.count
        var start = separator + 1
        // `passwords:` ending its line in YAML: the list or mapping indented below holds the values.
        if bytes[separator] == UInt8(ascii: ":"), isFile {
            var lineEnd = start
            while lineEnd < count, isSpace(bytes[lineEnd]) { lineEnd += 1 }
            if lineEnd == count || isLineEnd(bytes[lineEnd]) {
                return redactBlockCollection(keyAt: nameStart - (quotedName ? 1 : 0), keyLineEnd: lineEnd)
            }
        }
        // `password:hunter2` (a .properties or .conf line) only where a line starts with the name, and compact JSON
        // (`"pin":1234`, `"passwords":[…]`): elsewhere a colon without a space is a tag, a port or a time (`vault-secret:1.2`, `host:5432`).
        if bytes[separator] == UInt8(ascii: ":"), !quotedName, start < count, !isSpace(bytes[start]), bytes[start] != UInt8(ascii: "\""),
           bytes[start] != UInt8(ascii: "'"), !(isFile && startsLine(nameStart)) || bytes[start] == UInt8(ascii: "/") { return nil }
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
        // A JSON or flow mapping or list under a sensitive key (`"passwords": ["a", "b"]`): all its values are credentials.
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return redactNested(from: start) }
        if bytes[separator] == UInt8(ascii: ":"), isBlockScalarHeader(start) {
            return redactBlockScalar(header: start, keyLine: nameStart)
        }
        let wholeLine = bytes[separator] == UInt8(ascii: ":") || (isFile && startsLine(nameStart))
        // `TOKEN = --password x`: the next word is a flag, looked at in turn.
        if !wholeLine, hasPrefix("--", at: start) { return nil }
        var end = start
        if quotedName, isJSONDocument {
            // A bare JSON value (`"pin":1234,"port":5432`) ends at the next comma or bracket, not the line.
            while end < count, !isLineEnd(bytes[end]), bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: "}"),
                  bytes[end] != UInt8(ascii: "]") { end += 1 }
        } else {
            while end < count, wholeLine ? !isLineEnd(bytes[end]) : !endsWord(bytes[end]) { end += 1 }
        }
        var valueEnd = end
        while valueEnd > start, isSpace(bytes[valueEnd - 1]) || bytes[valueEnd - 1] == UInt8(ascii: ",") { valueEnd -= 1 }
        if SecretRedaction.isBoolean(UnsafeBufferPointer(rebasing: bytes[start..<valueEnd])) { return end }
        mask(start, end)
        return end
    }

    /// The query keys of a presigned URL whose values sign or authorize it: anyone holding the URL can use it until it
    /// expires. AWS Signature Version 4 (`X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`: Amazon S3 API
    /// Reference, "Authenticating Requests: Using Query Parameters"), Google Cloud Storage V4 (`X-Goog-Signature`,
    /// `X-Goog-Credential`), Azure SAS (`sig`) and CloudFront (`Signature`). Only as a whole key after `?` or `&`, so
    /// `design=`, `signal=` and a `sig` in prose stay.
    private static let signedURLKeys: [StaticString] = ["x-amz-signature", "x-amz-credential", "x-amz-security-token",
                                                        "x-goog-signature", "x-goog-credential", "sig", "signature"]

    private func isSignedURLKey(_ start: Int, _ end: Int, separator: Int) -> Bool {
        guard bytes[separator] == UInt8(ascii: "="), end == separator, start > 0,
              bytes[start - 1] == UInt8(ascii: "?") || bytes[start - 1] == UInt8(ascii: "&") else { return false }
        return Self.signedURLKeys.contains { key in
            key.utf8CodeUnitCount == end - start
                && (0..<(end - start)).allSatisfy { bytes[start + $0] | (isLetter(bytes[start + $0]) ? 0x20 : 0) == key.utf8Start[$0] }
        }
    }

    /// `Basic dXNlcjpwYXNz` standing alone (a header value, a curl `-H` line, a webhook setting under any name): the
    /// HTTP Basic scheme's credentials are base64 of `user:password` (RFC 7617), so a padded base64 word that decodes to
    /// text holding a `:` is masked. Prose (`Basic auth`, `basic tier`) decodes to no such text and stays.
    private static let basicWord = Array("basic".utf8)

    private mutating func redactBasicCredentials(at index: Int) -> Int? {
        guard index == 0 || !(isAlphanumeric(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "_")),
              index + 6 < bytes.count, (0..<5).allSatisfy({ bytes[index + $0] | 0x20 == Self.basicWord[$0] }),
              isSpace(bytes[index + 5]) else { return nil }
        var start = index + 5
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        var end = start
        while end < bytes.count, isBase64(bytes[end]) { end += 1 }
        var padded = end
        while padded < bytes.count, padded - end < 2, bytes[padded] == UInt8(ascii: "=") { padded += 1 }
        guard padded - start >= 8, (padded - start) % 4 == 0, padded == bytes.count || !isNameByte(bytes[padded]) || bytes[padded] == UInt8(ascii: "."),
              decodesToUserAndPassword(start, end) else { return nil }
        mask(start, padded)
        return padded
    }

    /// Whether base64 `start..<end` (padding left off) decodes to printable text with a `:` in it.
    private func decodesToUserAndPassword(_ start: Int, _ end: Int) -> Bool {
        var bits: UInt32 = 0, count = 0, colon = false
        for index in start..<end {
            let byte = bytes[index]
            let value: UInt32 = isUpper(byte) ? UInt32(byte - UInt8(ascii: "A")) : isLower(byte) ? UInt32(byte - UInt8(ascii: "a")) + 26
                : isDigit(byte) ? UInt32(byte - UInt8(ascii: "0")) + 52 : byte == UInt8(ascii: "+") ? 62 : 63
            bits = (bits << 6) | value
            count += 6
            if count >= 8 {
                count -= 8
                let decoded = UInt8((bits >> UInt32(count)) & 0xFF)
                if decoded < 0x20 || decoded == 0x7F { return false }
                if decoded == UInt8(ascii: ":") { colon = true }
            }
        }
        return colon
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

    /// The lines below a key that ends its line (`passwords:`), while they are indented deeper than the key, or as deep
    /// and items (`- a`): masks every value in them and keeps item dashes, plain keys (`user:`), booleans and nulls, as
    /// for a flow structure. Nil when no such line follows (the key holds nothing).
    private mutating func redactBlockCollection(keyAt keyStart: Int, keyLineEnd: Int) -> Int? {
        var lineStart = keyStart
        while lineStart > 0, !isLineEnd(bytes[lineStart - 1]) { lineStart -= 1 }
        let keyColumn = keyStart - lineStart
        var position = keyLineEnd
        var end: Int?
        while position < bytes.count {
            while position < bytes.count, isLineEnd(bytes[position]) { position += 1 }
            var indent = 0
            while position + indent < bytes.count, bytes[position + indent] == UInt8(ascii: " ") { indent += 1 }
            let text = position + indent
            var textEnd = text
            while textEnd < bytes.count, !isLineEnd(bytes[textEnd]) { textEnd += 1 }
            position = textEnd
            if textEnd == text { continue }
            let isItem = bytes[text] == UInt8(ascii: "-") && (text + 1 == textEnd || isSpace(bytes[text + 1]))
            guard indent > keyColumn || (indent == keyColumn && isItem) else { break }
            maskBlockLine(text, textEnd)
            end = textEnd
        }
        return end
    }

    /// One line of a block collection: `- value`, `- name: value`, `name: value` or a bare continuation.
    private mutating func maskBlockLine(_ text: Int, _ textEnd: Int) {
        var start = text
        while start < textEnd, bytes[start] == UInt8(ascii: "-"), start + 1 == textEnd || isSpace(bytes[start + 1]) {
            start += 1
            while start < textEnd, isSpace(bytes[start]) { start += 1 }
        }
        guard start < textEnd, bytes[start] != UInt8(ascii: "#") else { return }
        var colon = start
        while colon < textEnd, isNameByte(bytes[colon]) || bytes[colon] == UInt8(ascii: "/") { colon += 1 }
        if colon > start, colon < textEnd, bytes[colon] == UInt8(ascii: ":"), colon + 1 == textEnd || isSpace(bytes[colon + 1]) {
            start = colon + 1
            while start < textEnd, isSpace(bytes[start]) { start += 1 }
        }
        var end = textEnd
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        if end - start >= 2, bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'"), bytes[end - 1] == bytes[start] {
            start += 1
            end -= 1
        }
        guard start < end, !isBlockScalarHeader(start) else { return }
        let value = UnsafeBufferPointer(rebasing: bytes[start..<end])
        // `~` is YAML's other spelling of null.
        guard !SecretRedaction.isBoolean(value), !isNull(value), !(value.count == 1 && value[0] == UInt8(ascii: "~")) else { return }
        mask(start, end)
    }

    /// A libpq password file line (`host:port:database:user:password`, written by a heredoc or an `echo` under any key):
    /// masks the password. The shape is strict, so that `host:5432`, `user:group`, times and MAC addresses stay: a host that
    /// starts its line, a quoted string or a word and is not all digits, a port of digits or `*`, two fields without blanks.
    private mutating func redactPasswordFileLine(firstColon: Int) -> Int? {
        var hostStart = firstColon
        var hostHasNonDigit = false
        while hostStart > 0, isNameByte(bytes[hostStart - 1]) || bytes[hostStart - 1] == UInt8(ascii: "*") {
            hostStart -= 1
            if !isDigit(bytes[hostStart]) { hostHasNonDigit = true }
        }
        guard hostStart < firstColon, hostHasNonDigit else { return nil }
        let quote: UInt8? = hostStart > 0 && (bytes[hostStart - 1] == UInt8(ascii: "\"") || bytes[hostStart - 1] == UInt8(ascii: "'"))
            ? bytes[hostStart - 1] : nil
        // A file's line runs to its end; `echo h:5432:d:u:pw > ~/.pgpass` is a shell word.
        let wholeLine = quote == nil && startsLine(hostStart)
        guard quote != nil || wholeLine || (hostStart > 0 && isSpace(bytes[hostStart - 1])) else { return nil }
        var position = firstColon + 1
        let portStart = position
        while position < bytes.count, isDigit(bytes[position]) || bytes[position] == UInt8(ascii: "*") { position += 1 }
        guard position > portStart, position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
        for _ in 0..<2 {
            // The database and the user: no blanks, `\:` is a colon inside the field.
            position += 1
            let fieldStart = position
            while position < bytes.count, bytes[position] != UInt8(ascii: ":"), !isSpace(bytes[position]), !isLineEnd(bytes[position]),
                  bytes[position] != quote {
                position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard position > fieldStart, position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
        }
        let passwordStart = position + 1
        var end = passwordStart
        while end < bytes.count, !isLineEnd(bytes[end]), bytes[end] != quote, wholeLine || quote != nil || !endsWord(bytes[end]) { end += 1 }
        guard end > passwordStart else { return nil }
        mask(passwordStart, end)
        return end
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
        guard at > schemeEnd else { return redactWebhookPath(host: schemeEnd..<end) ?? end }
        var colon = schemeEnd
        while colon < at - 1, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        if colon < at - 1 {
            mask(colon + 1, at - 1)
        } else if looksLikeToken(schemeEnd, at - 1) || hostEnds(with: "sentry.io", authority: at..<end) {
            // `https://ghp_…@github.com`: a token alone is the user part (Git over HTTPS takes it so); a Sentry DSN's user
            // part is its key, of any length (`https://KEY@o1.ingest.sentry.io/1`).
            mask(schemeEnd, at - 1)
        }
        return redactWebhookPath(host: at..<end) ?? end
    }

    /// Incoming-webhook URLs whose path is the credential (anyone holding one posts as the integration): the host, by its
    /// last labels, and the path prefix after which the IDs and token stand. Discord (`/api/webhooks/<id>/<token>`),
    /// Microsoft Teams (`<tenant>.webhook.office.com/webhookb2/…`), Slack (`hooks.slack.com/services/…`), Zapier
    /// (`hooks.zapier.com/hooks/catch/…`). Telegram's `bot<id>:<token>` is a token shape of its own.
    private static let webhookPaths: [(host: StaticString, path: StaticString)] = [
        ("discord.com", "/api/webhooks/"), ("discordapp.com", "/api/webhooks/"), ("webhook.office.com", "/webhookb2/"),
        ("outlook.office.com", "/webhook/"), ("hooks.slack.com", "/services/"), ("hooks.slack.com", "/workflows/"),
        ("hooks.slack.com", "/triggers/"), ("hooks.zapier.com", "/hooks/catch/"),
    ]

    /// Whether the host of `authority` (after any user part, before any port) is `suffix` or a name under it.
    private func hostEnds(with suffix: StaticString, authority: Range<Int>) -> Bool {
        var hostEnd = authority.lowerBound
        while hostEnd < authority.upperBound, bytes[hostEnd] != UInt8(ascii: ":") { hostEnd += 1 }
        let length = suffix.utf8CodeUnitCount
        let start = hostEnd - length
        return start >= authority.lowerBound && (start == authority.lowerBound || bytes[start - 1] == UInt8(ascii: "."))
            && (0..<length).allSatisfy { bytes[start + $0] | (isLetter(bytes[start + $0]) ? 0x20 : 0) == suffix.utf8Start[$0] }
    }

    /// When `host` (the authority after any user part) is a webhook host and its path starts with that host's prefix,
    /// masks the rest of the path and returns where it ends.
    private mutating func redactWebhookPath(host: Range<Int>) -> Int? {
        for (suffix, path) in Self.webhookPaths {
            guard hasPrefix(path, at: host.upperBound), hostEnds(with: suffix, authority: host) else { continue }
            let secretStart = host.upperBound + path.utf8CodeUnitCount
            var end = secretStart
            while end < bytes.count, !isSpace(bytes[end]), !isLineEnd(bytes[end]), bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "'"),
                  bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: "#") { end += 1 }
            guard end > secretStart else { return nil }
            mask(secretStart, end)
            return end
        }
        return nil
    }

    /// A user name no person picks: 20 or more letters, digits, `_` or `-`, with both letters and digits.
    private func looksLikeToken(_ start: Int, _ end: Int) -> Bool {
        guard end - start >= 20 else { return false }
        var letters = false, digits = false
        for byte in bytes[start..<end] {
            if isDigit(byte) { digits = true } else if isLetter(byte) { letters = true }
            else if byte != UInt8(ascii: "_"), byte != UInt8(ascii: "-") { return false }
        }
        return letters && digits
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }
    private func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }

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

    /// A `-p` password (`PasswordFlagPrograms`): `mysql -uroot -pSECRET` (attached, in text that names a MySQL or MariaDB
    /// client, or given to a program that takes one so), `sshpass -p SECRET` (its own word, only given to a program whose
    /// `-p` is a password: `redis-server -p 6379` and `mysql -p shop`, which prompts, keep theirs).
    private mutating func redactPasswordP(at index: Int) -> Int? {
        guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "p"),
              index == 0 || endsWord(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "\"") else { return nil }
        let found = PasswordFlagPrograms.program(before: index, in: bytes)
        var program = found.map { UnsafeBufferPointer(rebasing: bytes[$0]) }
        if let found, let name = program, PasswordFlagPrograms.stopsAtFirstOperand(name), hasOperand(between: found.upperBound, and: index) {
            program = nil
        }
        if !endsWord(bytes[index + 2]) || bytes[index + 2] == UInt8(ascii: "\"") || bytes[index + 2] == UInt8(ascii: "'") {
            guard SecretRedaction.namesMySQLClient(bytes) || program.map(PasswordFlagPrograms.takesAttachedPassword) == true else { return nil }
            return maskAttachedValue(from: index + 2)
        }
        guard isSpace(bytes[index + 2]), program.map(PasswordFlagPrograms.takesSeparatePassword) == true else { return nil }
        var start = index + 2
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count, !endsWord(bytes[start]) || bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'"),
              bytes[start] != UInt8(ascii: "-") else { return nil }
        return variableReferenceEnd(from: start) ?? maskAttachedValue(from: start)
    }

    /// Whether a word that is no option (`ssh`) stands between `start` and `end`; the value of a `-p` before it does not count.
    private func hasOperand(between start: Int, and end: Int) -> Bool {
        var position = start
        var afterP = false
        while position < end {
            while position < end, isSpace(bytes[position]) { position += 1 }
            var wordEnd = position
            while wordEnd < end, !isSpace(bytes[wordEnd]) { wordEnd += 1 }
            guard wordEnd > position else { break }
            let isOption = bytes[position] == UInt8(ascii: "-")
            if !isOption && !afterP { return true }
            afterP = wordEnd - position == 2 && hasPrefix("-p", at: position)
            position = wordEnd
        }
        return false
    }

    /// An `Authorization` header set without a colon, as nginx (`proxy_set_header Authorization "Bearer …";`, an ingress-nginx
    /// `configuration-snippet`), Apache (`RequestHeader set Authorization "Basic …"`) and HAProxy write it: masks the
    /// credentials after the scheme (`Bearer`, `Basic`, `Token`…), or the whole quoted value when it names none. A variable
    /// (`$http_authorization`, `"Bearer $token"`) holds no credential and stays; `Authorization: …` is a sensitive key's value.
    private static let authorizationWord = Array("authorization".utf8)

    private mutating func redactAuthorizationHeader(at index: Int) -> Int? {
        let length = Self.authorizationWord.count
        guard index + length < bytes.count, index == 0 || !isNameByte(bytes[index - 1]),
              (0..<length).allSatisfy({ bytes[index + $0] | 0x20 == Self.authorizationWord[$0] }) else { return nil }
        var start = index + length
        if bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'") { start += 1 }
        guard start < bytes.count, isSpace(bytes[start]) else { return nil }
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count else { return nil }
        let quote: UInt8? = bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'") ? bytes[start] : nil
        if quote != nil { start += 1 }
        func valueEnds(_ byte: UInt8) -> Bool {
            quote.map { byte == $0 || isLineEnd(byte) } ?? (isSpace(byte) || isLineEnd(byte) || byte == UInt8(ascii: ";"))
        }
        // The scheme: a word of letters and a blank, then the credentials.
        var scheme = start
        while scheme < bytes.count, isLetter(bytes[scheme]) { scheme += 1 }
        var credentials = start
        if scheme > start, scheme < bytes.count, isSpace(bytes[scheme]), quote != nil || isAuthScheme(start, scheme) {
            credentials = scheme
            while credentials < bytes.count, isSpace(bytes[credentials]) { credentials += 1 }
        } else if quote == nil {
            return nil  // `Authorization $http_authorization;`, or prose (`Authorization header required`)
        }
        guard credentials < bytes.count, !valueEnds(bytes[credentials]), bytes[credentials] != UInt8(ascii: "$") else { return nil }
        var end = credentials
        while end < bytes.count, !valueEnds(bytes[end]) { end += 1 }
        mask(credentials, end)
        return end
    }

    /// HTTP authentication schemes (IANA registry, and the common `Token`, `Bot`, `ApiKey`), for an unquoted header value.
    private static let authSchemes: [[UInt8]] = ["bearer", "basic", "token", "digest", "negotiate", "bot", "apikey"].map { Array($0.utf8) }

    private func isAuthScheme(_ start: Int, _ end: Int) -> Bool {
        Self.authSchemes.contains { word in word.count == end - start && (0..<word.count).allSatisfy { bytes[start + $0] | 0x20 == word[$0] } }
    }

    /// `Bearer <token>` anywhere (a header in a command line, a webhook setting): masks a token of 8 or more token
    /// characters (RFC 6750 `b64token`) that holds a digit, or of 20 or more; `Bearer tokens` and `Bearer authentication`
    /// are prose, `Bearer $TOKEN` a variable.
    private static let bearerWord = Array("bearer".utf8)

    private mutating func redactBearerToken(at index: Int) -> Int? {
        guard index == 0 || !isNameByte(bytes[index - 1]), index + 7 < bytes.count,
              (0..<6).allSatisfy({ bytes[index + $0] | 0x20 == Self.bearerWord[$0] }), isSpace(bytes[index + 6]) else { return nil }
        var start = index + 6
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        var end = start
        var digit = false
        while end < bytes.count, isAlphanumeric(bytes[end]) || [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                                                             UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "=")].contains(bytes[end]) {
            if isDigit(bytes[end]) { digit = true }
            end += 1
        }
        guard end - start >= 20 || (end - start >= 8 && digit) else { return nil }
        mask(start, end)
        return end
    }

    /// `redis-cli -a SECRET` (the Redis client's password): masks the next word. Only in text that names `redis-cli`,
    /// since `-a` means "all" or an address to most tools.
    private mutating func redactRedisClientPassword(at index: Int) -> Int? {
        guard hasPrefix("-a", at: index), index + 2 < bytes.count, isSpace(bytes[index + 2]), index == 0 || endsWord(bytes[index - 1]),
              SecretRedaction.namesRedisClient(bytes) else { return nil }
        var start = index + 2
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count, !endsWord(bytes[start]) || bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'"),
              bytes[start] != UInt8(ascii: "-") else { return nil }
        return variableReferenceEnd(from: start) ?? maskAttachedValue(from: start)
    }

    /// `requirepass SECRET` and `masterauth SECRET`: a redis.conf line, or `CONFIG SET requirepass …` (Redis configuration
    /// directives take their value after a blank). The `--requirepass` flag is a sensitive flag like any other.
    private mutating func redactRedisDirective(at index: Int) -> Int? {
        let length: Int
        if hasPrefix("requirepass", at: index) { length = 11 } else if hasPrefix("masterauth", at: index) { length = 10 } else { return nil }
        guard index == 0 || endsWord(bytes[index - 1]), index + length < bytes.count, isSpace(bytes[index + length]) else { return nil }
        var start = index + length
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count, !endsWord(bytes[start]) || bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'") else { return nil }
        return variableReferenceEnd(from: start) ?? maskAttachedValue(from: start)
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
        if let reference = variableReferenceEnd(from: start) { return reference }
        var end = start
        while end < bytes.count, !endsWord(bytes[end]) { end += 1 }
        mask(start, end)
        return end
    }

    /// Where a lone variable reference starting at `start` ends (`$(REDIS_PASSWORD)`, which Kubernetes expands from the
    /// container's env; `${NAME}`, `$NAME` in a shell), or nil: such a word names the secret, it holds none.
    private func variableReferenceEnd(from start: Int) -> Int? {
        guard start + 1 < bytes.count, bytes[start] == UInt8(ascii: "$") else { return nil }
        let open = bytes[start + 1]
        let close: UInt8? = open == UInt8(ascii: "(") ? UInt8(ascii: ")") : open == UInt8(ascii: "{") ? UInt8(ascii: "}") : nil
        var end = start + (close == nil ? 1 : 2)
        let nameStart = end
        while end < bytes.count, isAlphanumeric(bytes[end]) || bytes[end] == UInt8(ascii: "_") { end += 1 }
        guard end > nameStart, !isDigit(bytes[nameStart]) else { return nil }
        if let close {
            guard end < bytes.count, bytes[end] == close else { return nil }
            end += 1
        }
        return end == bytes.count || endsWord(bytes[end]) ? end : nil
    }

    /// `{…}` or `[…]` from `start`: masks every value in it, string or bare, and keeps keys (plain names), brackets,
    /// booleans and nulls; returns the end of the structure. Brackets that do not close are not a structure: nil.
    private mutating func redactNested(from start: Int) -> Int? {
        guard structureEnd(from: start) != nil else { return nil }
        var depth = 0
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                position += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                position += 1
                if depth == 0 { return position }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                var end = position + 1
                while end < bytes.count, bytes[end] != byte { end += byte == UInt8(ascii: "\"") && bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                end = min(end, bytes.count)
                if end > position + 1, !(isKey(after: end + 1) && isPlainName(position + 1, end)) { mask(position + 1, end) }
                position = end + 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                position += 1
            default:
                if isSpace(byte) || isLineEnd(byte) { position += 1; continue }
                var end = position
                while end < bytes.count, !endsFlowScalar(bytes[end]) { end += 1 }
                var valueEnd = end
                while valueEnd > position, isSpace(bytes[valueEnd - 1]) { valueEnd -= 1 }
                let value = UnsafeBufferPointer(rebasing: bytes[position..<valueEnd])
                if !(isKey(after: end) && isPlainName(position, valueEnd)), !SecretRedaction.isBoolean(value), !isNull(value) {
                    mask(position, valueEnd)
                }
                position = max(end, position + 1)
            }
        }
        return bytes.count
    }

    /// Where the brackets opened at `start` close (quotes respected), or nil.
    private func structureEnd(from start: Int) -> Int? {
        var depth = 0
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return position + 1 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                position += 1
                while position < bytes.count, bytes[position] != byte {
                    position += byte == UInt8(ascii: "\"") && bytes[position] == UInt8(ascii: "\\") ? 2 : 1
                }
            }
            position += 1
        }
        return nil
    }

    /// A key is kept only when it is a plain name (`user`, `db.host`): anything else in key position could be a credential.
    private func isPlainName(_ start: Int, _ end: Int) -> Bool {
        start < end && bytes[start..<end].allSatisfy { isNameByte($0) || $0 == UInt8(ascii: "/") }
    }

    private func endsFlowScalar(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: ":") || isLineEnd(byte)
            || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[")
    }

    /// Whether what ends before `index` is a key: a `:` comes next.
    private func isKey(after index: Int) -> Bool {
        var position = index
        while position < bytes.count, isSpace(bytes[position]) { position += 1 }
        return position < bytes.count && bytes[position] == UInt8(ascii: ":")
    }

    private func isNull(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.count == 4 && value[0] | 0x20 == UInt8(ascii: "n") && value[1] | 0x20 == UInt8(ascii: "u")
            && value[2] | 0x20 == UInt8(ascii: "l") && value[3] | 0x20 == UInt8(ascii: "l")
    }

    /// `curl -u user:password`, `curl -uuser:password`, `curl --user user:password`, `--proxy-user=user:password`: masks
    /// what follows the first colon. Not `-u 1000:1000` (a uid and gid) nor `-u http://…`.
    private mutating func redactUserFlag(at index: Int) -> Int? {
        guard index == 0 || endsWord(bytes[index - 1]) else { return nil }
        var start: Int
        if hasPrefix("-u", at: index), index + 2 < bytes.count, !isSpace(bytes[index + 2]) {
            // The attached form (`-uci:pw`); `-uroot` (MySQL's user) has no colon and stays below.
            start = index + 2
            guard !endsWord(bytes[start]) || bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'") else { return nil }
        } else {
            let flagEnd: Int
            if hasPrefix("-u ", at: index) {
                flagEnd = index + 2
            } else if hasPrefix("--user", at: index) {
                flagEnd = index + 6
            } else if hasPrefix("--proxy-user", at: index) {
                flagEnd = index + 12
            } else {
                return nil
            }
            guard flagEnd < bytes.count, isSpace(bytes[flagEnd]) || bytes[flagEnd] == UInt8(ascii: "=") else { return nil }
            start = flagEnd + 1
            while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        }
        var quote: UInt8?
        if start < bytes.count, bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'") {
            quote = bytes[start]
            start += 1
        }
        var end = start
        while end < bytes.count, quote.map({ bytes[end] != $0 }) ?? !endsWord(bytes[end]) { end += 1 }
        guard let colon = bytes[start..<end].firstIndex(of: UInt8(ascii: ":")), colon + 1 < end,
              bytes[colon + 1] != UInt8(ascii: "/"), !bytes[(colon + 1)..<end].allSatisfy(isDigit) else { return nil }
        mask(colon + 1, end)
        return end
    }

    /// `machine host login user password secret` or `default login user password secret` (a .netrc, also written by
    /// `echo … > ~/.netrc`): masks the word after `password`.
    private mutating func redactNetrcPassword(at index: Int) -> Int? {
        guard hasPrefix("password", at: index), index + 8 < bytes.count, isSpace(bytes[index + 8]),
              index == 0 || isSpace(bytes[index - 1]) || isLineEnd(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "\"")
                || bytes[index - 1] == UInt8(ascii: "'") else { return nil }
        if namesNetrcMachine == nil { namesNetrcMachine = contains("machine ") || hasNetrcDefault() }
        guard namesNetrcMachine == true else { return nil }
        var start = index + 8
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count, !endsWord(bytes[start]) else { return nil }
        var end = start
        while end < bytes.count, !endsWord(bytes[end]) { end += 1 }
        mask(start, end)
        return end
    }

    /// A `.netrc` `default` entry (the one for every other host): `default` and then, after blanks or lines, `login`.
    /// Only that sequence: `default` alone, or "the default password is…", is prose.
    private func hasNetrcDefault() -> Bool {
        var index = 0
        while index + 7 < bytes.count {
            if bytes[index] == UInt8(ascii: "d"), hasPrefix("default", at: index), index == 0 || !isNameByte(bytes[index - 1]) {
                var next = index + 7
                while next < bytes.count, isSpace(bytes[next]) || isLineEnd(bytes[next]) { next += 1 }
                if next > index + 7, hasPrefix("login ", at: next) { return true }
            }
            index += 1
        }
        return false
    }

    private func contains(_ needle: StaticString) -> Bool {
        let first = needle.utf8Start.pointee
        guard bytes.count >= needle.utf8CodeUnitCount else { return false }
        for index in 0...(bytes.count - needle.utf8CodeUnitCount) where bytes[index] == first && hasPrefix(needle, at: index) { return true }
        return false
    }

    // MARK: Token shapes

    /// Tokens known by their prefix, wherever they stand: GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`),
    /// GitLab (`glpat-`), Slack (`xoxb-`, `xoxa-`, `xoxp-`, `xoxr-`), Stripe (`sk_live_`, `rk_live_`, `sk_test_`),
    /// OpenAI (`sk-proj-`, `sk-svcacct-`, `sk-` and 32 or more letters and digits), Anthropic (`sk-ant-`), HashiCorp Vault
    /// (`hvs.`, `hvb.`, `hvr.`), SendGrid (`SG.id.secret`), npm (`npm_`), PyPI (`pypi-AgE…`), Shopify (`shpat_`, `shpss_`,
    /// `shpca_`, `shppa_`), DigitalOcean (`dop_v1_`, `doo_v1_`, `dor_v1_`), Databricks (`dapi`), Telegram bots (`bot<id>:`),
    /// Google API keys (`AIza`), AWS access key IDs (`AKIA`, `ASIA`, with the secret key that follows them) and the value
    /// of `aws_secret_access_key <value>` (`aws configure set`). Each needs a body of a key's length after its prefix, so
    /// words and image names that share a prefix (`sk-learn`, `hvs.conf`, `npm_config`) stay. The prefix stays, so a reader
    /// sees what was there. (Prefixes as GitHub's secret scanning lists them per provider, "Supported secret scanning patterns":
    /// https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns; PyPI's
    /// tokens are macaroons whose base64 starts `AgEIcHlwaS5vcmc`, "pypi.org".)
    private mutating func redactToken(at index: Int) -> Int? {
        guard index == 0 || !isAlphanumeric(bytes[index - 1]) else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "g"):
            if hasPrefix("ghp_", at: index) || hasPrefix("gho_", at: index) || hasPrefix("ghu_", at: index) || hasPrefix("ghs_", at: index)
                || hasPrefix("ghr_", at: index) {
                return maskTokenBody(from: index + 4, minimum: 30)
            }
            if hasPrefix("github_pat_", at: index) { return maskTokenBody(from: index + 11, minimum: 22, extra: UInt8(ascii: "_")) }
            if hasPrefix("glpat-", at: index) { return maskTokenBody(from: index + 6, minimum: 20, extra: UInt8(ascii: "_"), UInt8(ascii: "-")) }
        case UInt8(ascii: "x"):
            if hasPrefix("xox", at: index), index + 4 < bytes.count, bytes[index + 4] == UInt8(ascii: "-"),
               [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "p"), UInt8(ascii: "r")].contains(bytes[index + 3]) {
                return maskTokenBody(from: index + 5, minimum: 10, extra: UInt8(ascii: "-"))
            }
        case UInt8(ascii: "s"), UInt8(ascii: "r"):
            if hasPrefix("sk_live_", at: index) || hasPrefix("rk_live_", at: index) || hasPrefix("sk_test_", at: index) {
                return maskTokenBody(from: index + 8, minimum: 16)
            }
            if hasPrefix("sk-proj-", at: index) { return maskTokenBody(from: index + 8, minimum: 32, extra: UInt8(ascii: "_"), UInt8(ascii: "-")) }
            if hasPrefix("sk-svcacct-", at: index) { return maskTokenBody(from: index + 11, minimum: 32, extra: UInt8(ascii: "_"), UInt8(ascii: "-")) }
            if hasPrefix("sk-ant-", at: index) { return maskTokenBody(from: index + 7, minimum: 32, extra: UInt8(ascii: "_"), UInt8(ascii: "-")) }
            // An OpenAI key of the first form is `sk-` and 48 letters and digits; `sk-` words (`sk-cluster-2`) are short or dashed.
            if hasPrefix("sk-", at: index) { return maskTokenBody(from: index + 3, minimum: 32, mixed: true) }
            if hasPrefix("shpat_", at: index) || hasPrefix("shpss_", at: index) || hasPrefix("shpca_", at: index) || hasPrefix("shppa_", at: index) {
                return maskTokenBody(from: index + 6, minimum: 32)
            }
        case UInt8(ascii: "S"):
            if hasPrefix("SG.", at: index) { return redactSendGridKey(at: index) }
        case UInt8(ascii: "h"):
            if hasPrefix("hvs.", at: index) || hasPrefix("hvb.", at: index) || hasPrefix("hvr.", at: index) {
                return maskTokenBody(from: index + 4, minimum: 24, extra: UInt8(ascii: "_"), UInt8(ascii: "-"))
            }
        case UInt8(ascii: "n"):
            if hasPrefix("npm_", at: index) { return maskTokenBody(from: index + 4, minimum: 36) }
        case UInt8(ascii: "p"):
            // A PyPI token is a macaroon: `pypi-` and base64 that starts with the same bytes for every token.
            if hasPrefix("pypi-AgE", at: index) { return maskTokenBody(from: index + 8, minimum: 20, extra: UInt8(ascii: "_"), UInt8(ascii: "-")) }
        case UInt8(ascii: "d"):
            if hasPrefix("dop_v1_", at: index) || hasPrefix("doo_v1_", at: index) || hasPrefix("dor_v1_", at: index) {
                return maskTokenBody(from: index + 7, minimum: 40)
            }
            if hasPrefix("dapi", at: index) { return maskTokenBody(from: index + 4, minimum: 32, mixed: true) }
        case UInt8(ascii: "b"):
            if hasPrefix("bot", at: index) { return redactTelegramToken(at: index) }
        case UInt8(ascii: "A"):
            if hasPrefix("AIza", at: index) { return maskTokenBody(from: index + 4, minimum: 30, extra: UInt8(ascii: "_"), UInt8(ascii: "-")) }
            if hasPrefix("AKIA", at: index) || hasPrefix("ASIA", at: index) { return redactAWSKeyID(at: index) }
            return redactAWSSecretWord(at: index)
        case UInt8(ascii: "a"):
            return redactAWSSecretWord(at: index)
        default:
            break
        }
        return nil
    }

    /// Masks the letters and digits (and `extra` bytes) from `start` when there are at least `minimum` of them (and, when
    /// `mixed`, both letters and digits, and no `-` or `_` next: a generated key, not a long word).
    private mutating func maskTokenBody(from start: Int, minimum: Int, mixed: Bool = false, extra: UInt8...) -> Int? {
        var end = start
        var letters = false, digits = false
        while end < bytes.count, isAlphanumeric(bytes[end]) || extra.contains(bytes[end]) {
            if isDigit(bytes[end]) { digits = true } else if isLetter(bytes[end]) { letters = true }
            end += 1
        }
        guard end - start >= minimum else { return nil }
        if mixed, !(letters && digits) || (end < bytes.count && (bytes[end] == UInt8(ascii: "-") || bytes[end] == UInt8(ascii: "_"))) { return nil }
        mask(start, end)
        return end
    }

    /// A SendGrid API key: `SG.`, an ID of 22 and a secret of 43 URL-safe base64 characters, joined by a dot.
    private mutating func redactSendGridKey(at index: Int) -> Int? {
        func run(from start: Int) -> Int {
            var end = start
            while end < bytes.count, isAlphanumeric(bytes[end]) || bytes[end] == UInt8(ascii: "_") || bytes[end] == UInt8(ascii: "-") { end += 1 }
            return end
        }
        let idEnd = run(from: index + 3)
        guard idEnd - (index + 3) >= 16, idEnd < bytes.count, bytes[idEnd] == UInt8(ascii: "."), run(from: idEnd + 1) - (idEnd + 1) >= 30 else { return nil }
        let end = run(from: idEnd + 1)
        mask(index + 3, end)
        return end
    }

    /// A Telegram bot token, `bot<id>:<secret>` in the Bot API's URLs (`https://api.telegram.org/bot123456:AA…/sendMessage`):
    /// masks the secret after the numeric bot ID.
    private mutating func redactTelegramToken(at index: Int) -> Int? {
        var colon = index + 3
        while colon < bytes.count, isDigit(bytes[colon]) { colon += 1 }
        guard colon - (index + 3) >= 5, colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else { return nil }
        return maskTokenBody(from: colon + 1, minimum: 30, extra: UInt8(ascii: "_"), UInt8(ascii: "-"))
    }

    /// `AKIA` and 16 upper-case letters or digits: masks them, and the 40-character secret key when one follows within a few lines.
    private mutating func redactAWSKeyID(at index: Int) -> Int? {
        let end = index + 20
        guard end <= bytes.count, bytes[(index + 4)..<end].allSatisfy({ isUpper($0) || isDigit($0) }),
              end == bytes.count || !isAlphanumeric(bytes[end]) else { return nil }
        mask(index + 4, end)
        if pendingSecret == Self.noPendingSecret, let secret = awsSecretKey(from: end, before: min(bytes.count, end + 240)) {
            pendingSecret = secret
        }
        return end
    }

    /// The first word of exactly 40 base64 characters (letters of both cases) in `start..<limit`: an AWS secret access key.
    private func awsSecretKey(from start: Int, before limit: Int) -> Range<Int>? {
        var position = start
        while position < limit {
            guard isBase64(bytes[position]) else { position += 1; continue }
            var end = position
            var upper = false, lower = false
            while end < bytes.count, isBase64(bytes[end]) {
                if isUpper(bytes[end]) { upper = true } else if isLower(bytes[end]) { lower = true }
                end += 1
            }
            if end - position == 40, upper, lower { return position..<end }
            position = end
        }
        return nil
    }

    private func isBase64(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "+") }

    private static let awsSecretName = Array("aws_secret_access_key".utf8)

    /// `aws_secret_access_key wJalr…` (the name, blanks, the value: `aws configure set`, a credentials table).
    private mutating func redactAWSSecretWord(at index: Int) -> Int? {
        let length = 21
        guard index + length < bytes.count, isSpace(bytes[index + length]),
              (0..<length).allSatisfy({ bytes[index + $0] | (isLetter(bytes[index + $0]) ? 0x20 : 0) == Self.awsSecretName[$0] }) else { return nil }
        var start = index + length
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count, !endsWord(bytes[start]), bytes[start] != UInt8(ascii: "=") else { return nil }
        var end = start
        while end < bytes.count, !endsWord(bytes[end]) { end += 1 }
        mask(start, end)
        return end
    }
}
