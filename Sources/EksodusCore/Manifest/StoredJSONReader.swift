/// Reads the compact JSON the inventory stores (JSONWriter's and JSONEncoder's output) straight into the `ManifestNode`
/// the YAML reader would build from it: strings are quoted scalars, numbers, booleans and null plain ones, a repeated key
/// keeps its first place and its last value. A large estate decodes hundreds of thousands of stored columns and bodies,
/// and libyaml's event parser is most of that cost. Anything outside the subset this knows (whitespace, escapes libyaml
/// reads differently or refuses, characters it folds, deep nesting) returns nil and takes the YAML reader instead, so the
/// result never depends on which path read it.
enum StoredJSONReader {
    /// Nesting the fast path handles; deeper text takes the YAML reader, which enforces the real limit.
    static let maxDepth = 64

    static func value(_ text: String) -> ManifestNode? {
        var text = text
        return text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            guard let node = parser.value(depth: 0), parser.position == bytes.count else { return nil }
            return node
        }
    }

    /// `value(text)?.stringMap` for the common case of a flat object of quoted strings (labels, annotations: ~100,000 of
    /// them on a large estate), read straight into a dictionary; nil for anything else, which takes `value`.
    static func stringMap(_ text: String) -> [String: String]? {
        var text = text
        return text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            guard let map = parser.flatStringMap(), parser.position == bytes.count else { return nil }
            return map
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// libyaml gives up on a key that spans more than 1024 characters before its `:` (a simple key's limit): longer
        /// ones take the YAML reader, to fail there as they always have.
        static let maxKeyBytes = 1000

        private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func value(depth: Int) -> ManifestNode? {
            guard depth < StoredJSONReader.maxDepth, let byte = current else { return nil }
            switch byte {
            case UInt8(ascii: "{"): return mapping(depth: depth)
            case UInt8(ascii: "["): return sequence(depth: depth)
            case UInt8(ascii: "\""): return string().map { .scalar($0, plain: false) }
            default: return literal().map { .scalar($0, plain: true) }
            }
        }

        private mutating func mapping(depth: Int) -> ManifestNode? {
            position += 1
            var entries = MappingEntries()
            if current == UInt8(ascii: "}") {
                position += 1
                return .mapping([])
            }
            while true {
                let keyStart = position
                guard current == UInt8(ascii: "\""), let key = string(), current == UInt8(ascii: ":"),
                      position - keyStart <= Self.maxKeyBytes else { return nil }
                position += 1
                guard let value = value(depth: depth + 1) else { return nil }
                entries.set(key, value)
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return .mapping(entries.entries)
                default: return nil
                }
            }
        }

        /// What `mapping` reads when every value is a quoted string, as a dictionary (a repeated key keeps its last value).
        mutating func flatStringMap() -> [String: String]? {
            guard current == UInt8(ascii: "{") else { return nil }
            position += 1
            var result: [String: String] = [:]
            if current == UInt8(ascii: "}") {
                position += 1
                return result
            }
            while true {
                let keyStart = position
                guard current == UInt8(ascii: "\""), let key = string(), current == UInt8(ascii: ":"),
                      position - keyStart <= Self.maxKeyBytes else { return nil }
                position += 1
                guard current == UInt8(ascii: "\""), let value = string() else { return nil }
                result[key] = value
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return result
                default: return nil
                }
            }
        }

        private mutating func sequence(depth: Int) -> ManifestNode? {
            position += 1
            var items: [ManifestNode] = []
            if current == UInt8(ascii: "]") {
                position += 1
                return .sequence([])
            }
            while true {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .sequence(items)
                default: return nil
                }
            }
        }

        /// `sequence` of quoted strings only.
        mutating func strings() -> [String]? {
            guard current == UInt8(ascii: "[") else { return nil }
            position += 1
            var items: [String] = []
            if current == UInt8(ascii: "]") {
                position += 1
                return items
            }
            while true {
                guard current == UInt8(ascii: "\""), let item = string() else { return nil }
                items.append(item)
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return items
                default: return nil
                }
            }
        }

        /// true, false, null or a number, ending where the enclosing collection goes on (or at the end of the text).
        private mutating func literal() -> String? {
            let start = position
            while let byte = current, byte != UInt8(ascii: ","), byte != UInt8(ascii: "]"), byte != UInt8(ascii: "}") {
                position += 1
            }
            let token = UnsafeBufferPointer(rebasing: bytes[start..<position])
            guard let first = token.first else { return nil }
            if first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) {
                guard token.count > (first == UInt8(ascii: "-") ? 1 : 0), token.allSatisfy(Self.isNumberByte) else { return nil }
            } else {
                guard Self.matches(token, "true") || Self.matches(token, "false") || Self.matches(token, "null") else { return nil }
            }
            return String(decoding: token, as: UTF8.self)
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
        }

        private static func matches(_ token: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
            token.count == word.utf8CodeUnitCount && token.elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
        }

        /// A quoted string, its escapes decoded; nil for raw characters YAML refuses or folds in a quoted scalar (controls,
        /// C1, line and paragraph separators, the byte-order mark, non-characters) and for escapes of surrogates or NUL.
        private mutating func string() -> String? {
            position += 1
            let start = position
            var escaped = false
            while true {
                guard let byte = current else { return nil }
                switch byte {
                case UInt8(ascii: "\""):
                    let source = UnsafeBufferPointer(rebasing: bytes[start..<position])
                    position += 1
                    return escaped ? Self.unescaped(source) : String(decoding: source, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    // Decoded once the string's end is known; the escaped byte (a quote, say) ends nothing.
                    escaped = true
                    position += 2
                case 0..<0x20, 0x7F:
                    return nil
                case 0x80...:
                    guard Self.printable(bytes, at: position) else { return nil }
                    position += 1
                default:
                    position += 1
                }
            }
        }

        /// Whether the non-ASCII sequence starting at `index` (the text is valid UTF-8) is one YAML reads as itself.
        private static func printable(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
            let lead = bytes[index]
            let second = index + 1 < bytes.count ? bytes[index + 1] : 0
            let third = index + 2 < bytes.count ? bytes[index + 2] : 0
            switch lead {
            case 0xC2: return second >= 0xA0  // U+0080–U+009F: C1 controls and NEL
            case 0xE2: return !(second == 0x80 && (third == 0xA8 || third == 0xA9))  // U+2028, U+2029
            case 0xEF: return !(second == 0xBB && third == 0xBF) && !(second == 0xBF && (third == 0xBE || third == 0xBF))  // U+FEFF, U+FFFE/F
            default: return true
            }
        }

        /// A quoted string's bytes (between its quotes) with their escapes decoded, written straight into the string's storage
        /// (decoded text is never longer than its source); nil for an escape JSON lacks, or one of NUL or a surrogate.
        private static func unescaped(_ source: UnsafeBufferPointer<UInt8>) -> String? {
            var valid = true
            let text = String(unsafeUninitializedCapacity: source.count) { out in
                var read = 0, written = 0
                func put(_ byte: UInt8) {
                    out[written] = byte
                    written += 1
                }
                while read < source.count {
                    let byte = source[read]
                    read += 1
                    guard byte == UInt8(ascii: "\\") else {
                        put(byte)
                        continue
                    }
                    guard read < source.count else { valid = false; return 0 }
                    let escape = source[read]
                    read += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): put(escape)
                    case UInt8(ascii: "b"): put(0x08)
                    case UInt8(ascii: "f"): put(0x0C)
                    case UInt8(ascii: "n"): put(0x0A)
                    case UInt8(ascii: "r"): put(0x0D)
                    case UInt8(ascii: "t"): put(0x09)
                    case UInt8(ascii: "u"):
                        guard read + 4 <= source.count else { valid = false; return 0 }
                        var value: UInt32 = 0
                        for _ in 0..<4 {
                            guard let digit = hexDigit(source[read]) else { valid = false; return 0 }
                            value = value << 4 | digit
                            read += 1
                        }
                        guard value != 0, !(0xD800...0xDFFF).contains(value), let scalar = Unicode.Scalar(value) else { valid = false; return 0 }
                        UTF8.encode(scalar, into: put)
                    default:
                        valid = false
                        return 0
                    }
                }
                return written
            }
            return valid ? text : nil
        }

        private static func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
    }

    /// A flat array of strings (a stored list column: commands, prerequisites) straight to its strings, without the nodes
    /// `value` builds; nil for any other value, or for text `value` would not read either.
    static func strings(_ text: String) -> [String]? {
        var text = text
        return text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            guard let strings = parser.strings(), parser.position == bytes.count else { return nil }
            return strings
        }
    }
}
