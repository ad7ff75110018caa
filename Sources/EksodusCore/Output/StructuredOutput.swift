import Foundation

/// JSON and YAML for the documents commands print (`plan -o json`, `cutover list -o yaml`, …): JSON through `JSONEncoder`
/// (sorted keys, so the output is stable), YAML by decoding that JSON back into a `JSONValue` and handing it to libyaml's emitter.
public enum StructuredOutput {
    public enum Format: String, CaseIterable, Sendable {
        case json, yaml
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    public static func json<Value: Encodable>(_ value: Value) throws -> String {
        JSONInvisibles.escaped(String(decoding: try encoder().encode(value), as: UTF8.self)) + "\n"
    }

    public static func yaml<Value: Encodable>(_ value: Value) throws -> String {
        let tree = try decoder().decode(JSONValue.self, from: try encoder().encode(value))
        return try YAMLEmitter.emit(tree.yaml)
    }

    public static func render<Value: Encodable>(_ value: Value, as format: Format) throws -> String {
        switch format {
        case .json: return try json(value)
        case .yaml: return try yaml(value)
        }
    }
}

/// Any JSON value, keeping booleans, integers and other numbers apart (for YAML, where `true` and `"true"` differ).
public enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            var entries: [String: JSONValue] = [:]
            for key in object.allKeys { entries[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(entries)
        } else if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
        } else {
            let single = try decoder.singleValueContainer()
            // JSONDecoder refuses a number as a Bool and a Bool as a number, so the order only separates Int from Double.
            if single.decodeNil() { self = .null }
            else if let flag = try? single.decode(Bool.self) { self = .bool(flag) }
            else if let number = try? single.decode(Int.self) { self = .int(number) }
            else if let number = try? single.decode(Double.self) { self = .double(number) }
            else { self = .string(try single.decode(String.self)) }
        }
    }

    var yaml: YAMLValue {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .number(number.isFinite ? "\(number)" : "null")
        case .string(let text): return .string(text)
        case .array(let items): return .sequence(items.map(\.yaml))
        case .object(let entries): return .mapping(entries.keys.sorted().map { ($0, entries[$0]?.yaml ?? .null) })
        }
    }
}
