import Foundation

/// The plan's sections as `JSONEncoder` with `.sortedKeys` writes them, byte for byte, in a fraction of its time: values are
/// written straight into one byte buffer as they are encoded, and an object's entries are put in key order (by UTF-8, as
/// swift-foundation sorts them off Apple platforms) when its value has finished encoding, instead of building a tree of
/// boxed values first. It covers what the sections hold (structs, enums, arrays, optionals, strings, integers, booleans);
/// anything JSONEncoder treats specially or this does not follow (floating point, dates, data, URLs, nested containers)
/// makes `encode` throw `Unsupported`, and the caller uses JSONEncoder instead.
enum SectionJSONEncoder {
    struct Unsupported: Error {}

    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let output = Output()
        try ValueEncoder(output).encodeValue(value)
        if output.unsupported { throw Unsupported() }
        return output.bytes
    }

    /// The buffer every level of a value writes into. Its accesses never overlap (one encoding, one thread): the runtime's
    /// exclusivity check on each append cost a quarter of the encoding.
    final class Output {
        @exclusivity(unchecked) var bytes: [UInt8] = []
        var unsupported = false

        init() { bytes.reserveCapacity(1 << 16) }

        func write(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        func write<Integer: BinaryInteger>(integer value: Integer) {
            bytes.append(contentsOf: String(value).utf8)
        }

        /// A JSON string as swift-foundation's writer escapes it: the quote, the backslash and `/`, and the C0 controls.
        func write(string text: String) {
            bytes.append(UInt8(ascii: "\""))
            var text = text
            text.withUTF8 { utf8 in
                var runStart = 0
                for index in utf8.indices {
                    let byte = utf8[index]
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") else { continue }
                    if index > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                    runStart = index + 1
                    bytes.append(UInt8(ascii: "\\"))
                    switch byte {
                    case 0x08: bytes.append(UInt8(ascii: "b"))
                    case 0x0C: bytes.append(UInt8(ascii: "f"))
                    case 0x0A: bytes.append(UInt8(ascii: "n"))
                    case 0x0D: bytes.append(UInt8(ascii: "r"))
                    case 0x09: bytes.append(UInt8(ascii: "t"))
                    case _ where byte < 0x20:
                        let hex = Array("0123456789abcdef".utf8)
                        bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                    default: bytes.append(byte)  // the quote, the backslash or the slash itself
                    }
                }
                if utf8.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count])) }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// The encoder of one value: it becomes an object, an array or a single value, at the end of the output.
    final class ValueEncoder: Encoder {
        enum Shape { case undecided, object, array, single }

        let output: Output
        /// The value's place, kept as its parent and key: a path is made only if someone asks (errors), not for every value.
        let parent: ValueEncoder?
        let key: (any CodingKey)?
        var codingPath: [any CodingKey] { (parent?.codingPath ?? []) + (key.map { [$0] } ?? []) }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var shape = Shape.undecided
        /// Where the value starts in the output.
        let start: Int
        /// An object's entries as encoded: each key and where its value's bytes are.
        @exclusivity(unchecked) var entries: [(key: String, value: Range<Int>)] = []
        var elements = 0

        init(_ output: Output, parent: ValueEncoder? = nil, key: (any CodingKey)? = nil) {
            self.output = output
            self.parent = parent
            self.key = key
            start = output.bytes.count
        }

        func encodeValue<Value: Encodable>(_ value: Value) throws {
            // What JSONEncoder writes its own way rather than by the value's `encode(to:)`.
            if Value.self == Date.self || Value.self == Data.self || Value.self == URL.self || Value.self == Decimal.self {
                output.unsupported = true
                return
            }
            try value.encode(to: self)
            finish()
        }

        /// Closes the value once its `encode(to:)` has returned: an object's entries are put in key order.
        func finish() {
            switch shape {
            case .undecided: output.write("{}")
            case .single: break
            case .array: output.bytes.append(UInt8(ascii: "]"))
            case .object:
                // Stable, so that of two entries under one key the later (the one JSONEncoder keeps) comes last.
                let sorted = entries.enumerated().sorted { a, b in
                    a.element.key == b.element.key ? a.offset < b.offset : a.element.key.utf8.lexicographicallyPrecedes(b.element.key.utf8)
                }.map(\.element)
                let values = Array(output.bytes[start...])
                output.bytes.removeSubrange(start...)
                output.bytes.append(UInt8(ascii: "{"))
                var first = true
                for (index, entry) in sorted.enumerated() where index + 1 == sorted.count || sorted[index + 1].key != entry.key {
                    if !first { output.bytes.append(UInt8(ascii: ",")) }
                    first = false
                    output.write(string: entry.key)
                    output.bytes.append(UInt8(ascii: ":"))
                    output.bytes.append(contentsOf: values[(entry.value.lowerBound - start)..<(entry.value.upperBound - start)])
                }
                output.bytes.append(UInt8(ascii: "}"))
            }
        }

        /// Whether this value may take `shape` (a value is one thing; asking twice for the same container is allowed).
        func become(_ wanted: Shape) -> Bool {
            if shape == .undecided {
                shape = wanted
                if wanted == .array { output.bytes.append(UInt8(ascii: "[")) }
                return true
            }
            if shape != wanted || wanted == .single { output.unsupported = true }
            return shape == wanted
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            _ = become(.object)
            return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            _ = become(.array)
            return UnkeyedContainer(encoder: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleContainer(encoder: self)
        }

        /// One entry of an object: `write` puts its value at the end of the output.
        func entry(_ key: any CodingKey, _ write: () throws -> Void) rethrows {
            let valueStart = output.bytes.count
            try write()
            entries.append((key.stringValue, valueStart..<output.bytes.count))
        }

        /// One element of an array.
        func element(_ write: () throws -> Void) rethrows {
            if elements > 0 { output.bytes.append(UInt8(ascii: ",")) }
            elements += 1
            try write()
        }

        func child<Value: Encodable>(_ value: Value, key: any CodingKey) throws {
            try ValueEncoder(output, parent: self, key: key).encodeValue(value)
        }

        /// Nested containers and super encoders are filled after the call that makes them returns: not followed here.
        func unsupported() -> ValueEncoder {
            output.unsupported = true
            return ValueEncoder(Output(), parent: self)
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: ValueEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil(forKey key: Key) throws { encoder.entry(key) { encoder.output.write("null") } }
        mutating func encode(_ value: Bool, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(value ? "true" : "false") } }
        mutating func encode(_ value: String, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(string: value) } }
        mutating func encode(_ value: Int, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int8, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int16, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int32, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int64, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { encoder.entry(key) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Double, forKey key: Key) throws { encoder.output.unsupported = true }
        mutating func encode(_ value: Float, forKey key: Key) throws { encoder.output.unsupported = true }
        mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
            try encoder.entry(key) { try encoder.child(value, key: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.unsupported().container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { encoder.unsupported().unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { encoder.unsupported() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.unsupported() }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: ValueEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }
        var count: Int { encoder.elements }

        mutating func encodeNil() throws { encoder.element { encoder.output.write("null") } }
        mutating func encode(_ value: Bool) throws { encoder.element { encoder.output.write(value ? "true" : "false") } }
        mutating func encode(_ value: String) throws { encoder.element { encoder.output.write(string: value) } }
        mutating func encode(_ value: Int) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int8) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int16) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int32) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int64) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt8) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt16) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt32) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt64) throws { encoder.element { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Double) throws { encoder.output.unsupported = true }
        mutating func encode(_ value: Float) throws { encoder.output.unsupported = true }
        mutating func encode<Value: Encodable>(_ value: Value) throws {
            let key = IndexKey(intValue: encoder.elements)
            try encoder.element { try encoder.child(value, key: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            encoder.unsupported().container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder.unsupported().unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { encoder.unsupported() }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: ValueEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { if encoder.become(.single) { encoder.output.write("null") } }
        mutating func encode(_ value: Bool) throws { if encoder.become(.single) { encoder.output.write(value ? "true" : "false") } }
        mutating func encode(_ value: String) throws { if encoder.become(.single) { encoder.output.write(string: value) } }
        mutating func encode(_ value: Int) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int8) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int16) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int32) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Int64) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt8) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt16) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt32) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: UInt64) throws { if encoder.become(.single) { encoder.output.write(integer: value) } }
        mutating func encode(_ value: Double) throws { encoder.output.unsupported = true }
        mutating func encode(_ value: Float) throws { encoder.output.unsupported = true }
        mutating func encode<Value: Encodable>(_ value: Value) throws {
            // A wrapper encoding what it wraps as itself: the wrapped value is this value.
            guard encoder.become(.single) else { return }
            let inner = ValueEncoder(encoder.output, parent: encoder.parent, key: encoder.key)
            try inner.encodeValue(value)
        }
    }

    struct IndexKey: CodingKey {
        var stringValue: String { String(intValue ?? 0) }
        var intValue: Int?
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
