/// The top-level fields of a protobuf message, read by the wire format alone (no schema, no generated code):
/// enough to pick a few known string and integer fields out of a Helm 2 release. Malformed input ends the read.
struct ProtobufFields {
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
    }

    private(set) var fields: [(number: Int, value: Value)] = []

    init(_ bytes: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard let key = Self.varint(bytes, &index) else { return }
            let number = Int(key >> 3)
            switch key & 7 {
            case 0:
                guard let value = Self.varint(bytes, &index) else { return }
                fields.append((number, .varint(value)))
            case 1:
                guard bytes.endIndex - index >= 8 else { return }
                index += 8
            case 2:
                guard let length = Self.varint(bytes, &index), length <= UInt64(bytes.endIndex - index) else { return }
                let end = index + Int(length)
                fields.append((number, .bytes(bytes[index..<end])))
                index = end
            case 5:
                guard bytes.endIndex - index >= 4 else { return }
                index += 4
            default:
                return  // groups (3, 4) are not used by proto3
            }
        }
    }

    func bytes(_ number: Int) -> ArraySlice<UInt8>? {
        for field in fields where field.number == number { if case .bytes(let value) = field.value { return value } }
        return nil
    }

    func string(_ number: Int) -> String? {
        bytes(number).map { String(decoding: $0, as: UTF8.self) }
    }

    func message(_ number: Int) -> ProtobufFields? {
        bytes(number).map { ProtobufFields($0) }
    }

    func integer(_ number: Int) -> Int? {
        for field in fields where field.number == number { if case .varint(let value) = field.value { return Int(truncatingIfNeeded: value) } }
        return nil
    }

    private static func varint(_ bytes: ArraySlice<UInt8>, _ index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
