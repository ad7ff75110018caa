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
        // Redis's own words for its passwords (`--requirepass`, `--masterauth`, redis.conf): one word, so PASS and AUTH are no segment of them.
        "REQUIREPASS", "MASTERAUTH",
    ].map { Array($0.utf8) }

    /// Words that mark a credential only as a whole segment of a name: DB_PASS and dbPass, but not PASSIVE_MODE.
    /// (PAT: a personal access token, GITHUB_PAT; PIN; SK: a secret key, STRIPE_SK.)
    private static let sensitiveSegments: [[UInt8]] = ["PASS", "PWD", "PW", "AUTH", "CREDS", "PAT", "PIN", "SK"].map { Array($0.utf8) }

    /// Last segments that make a name a reference to a credential rather than one (secretName, DB_PASSWORD_FILE), or a
    /// setting about one (passwordPolicy, TOKEN_TTL, passwordMinLength).
    private static let referenceSuffixes: [[UInt8]] = ["NAME", "NAMESPACE", "REF", "PATH", "FILE", "SECONDS", "MODE", "TYPE",
                                                       "POLICY", "POLICIES", "LENGTH", "TTL", "TIMEOUT", "EXPIRY", "ALGORITHM"]
        .map { Array($0.utf8) }

    /// Segments before a last `Key` that make it structure, not a credential (topologyKey, partitionKey, routingKey).
    private static let structureKeyPrefixes: [[UInt8]] = ["TOPOLOGY", "PARTITION", "SORT", "ROUTING", "PRIMARY", "FOREIGN", "SHARD",
                                                          "CACHE", "LABEL", "HASH", "INDEX", "LOOKUP", "GROUP", "MATCH", "METRIC"]
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

    /// Whether the text names the Redis client, whose `-a SECRET` is a password (for other tools `-a` means anything).
    static func namesRedisClient(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index + redisClientWord.count <= text.count {
            if text[index] == UInt8(ascii: "r") || text[index] == UInt8(ascii: "R"), matchesWord(redisClientWord, in: text, at: index) != nil { return true }
            index += 1
        }
        return false
    }

    static func namesRedisClient(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { namesRedisClient($0) }
    }

    private static let redisClientWord = Array("REDIS-CLI".utf8)
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
                   end == count || (end == count - 1 && upper(name[end]) == UInt8(ascii: "S")),
                   !isStructureKey(name, keyAt: index) { return true }
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

    /// Whether the segment before the `Key` at `keyAt` is a structure word (`topologyKey`, `routing_key`).
    private static func isStructureKey(_ name: UnsafeBufferPointer<UInt8>, keyAt: Int) -> Bool {
        var end = keyAt
        if end > 0, isSeparator(name[end - 1]) { end -= 1 }
        var start = end
        while start > 0, isLetter(name[start - 1]) {
            start -= 1
            if startsSegment(name, at: start) { break }
        }
        return structureKeyPrefixes.contains { word in end - start == word.count && matchesWord(word, in: name, at: start) == end }
    }

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
    /// (`PGPASSWORD=…` in a shell line, `db.password=…` in a .properties file, `password: …` in YAML, `--token …`), every
    /// value of a JSON or flow structure under such a name, `curl -u user:…`, `.netrc` passwords, and tokens known by
    /// their shape (`ghp_…`, `glpat-…`, `xoxb-…`, `sk_live_…`, `AIza…`, `AKIA…` with its secret key).
    public static func redactText(_ text: String) -> String {
        maskedText(text) ?? text
    }

    /// A libpq password file (`.pgpass`): each `host:port:database:user:password` line with its password masked
    /// (`\:` is a colon inside a field, `#` starts a comment), or nil when it holds none.
    static func maskedPasswordFile(_ text: String) -> String? {
        var out: [UInt8]?
        var text = text
        text.withUTF8 { bytes in
            var copied = 0
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n"), bytes[lineEnd] != UInt8(ascii: "\r") { lineEnd += 1 }
                var colons = 0
                var position = lineStart
                while position < lineEnd, colons < 4, bytes[lineStart] != UInt8(ascii: "#") {
                    if bytes[position] == UInt8(ascii: "\\") { position += 1 } else if bytes[position] == UInt8(ascii: ":") { colons += 1 }
                    position += 1
                }
                if colons == 4, position < lineEnd {
                    if out == nil { out = [] }
                    out! += bytes[copied..<position]
                    out! += markerBytes
                    copied = lineEnd
                }
                lineStart = lineEnd + 1
            }
            if out != nil { out! += bytes[copied...] }
        }
        return out.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether a ConfigMap key names a libpq password file (`.pgpass`, `pgpass`, `app.pgpass`).
    static func namesPasswordFile(_ key: String) -> Bool {
        let suffix = pgpassWord
        var key = key
        return key.withUTF8 { name in
            name.count >= suffix.count && (0..<suffix.count).allSatisfy { upper(name[name.count - suffix.count + $0]) == suffix[$0] }
        }
    }

    private static let pgpassWord = Array("PGPASS".utf8)

    /// The text with its credentials masked, or nil when it holds none.
    static func maskedText(_ text: String) -> String? {
        var text = text
        let redacted: [UInt8]? = text.withUTF8 { bytes in
            var scanner = SecretTextScanner(bytes: bytes)
            return scanner.redacted()
        }
        let scanned = redacted.map { String(decoding: $0, as: UTF8.self) }
        return BearerTokens.masked(scanned ?? text) ?? scanned
    }
}
