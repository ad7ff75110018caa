import Foundation
import CYAML

/// A value to write as YAML. Strings are always written double-quoted (libyaml escapes line breaks, control
/// characters, DEL, C1, U+2028/U+2029 and the BOM), so no input can end a scalar early or add a key.
indirect enum YAMLValue: Sendable {
    case string(String)
    case int(Int)
    /// A number as written in a manifest (`0.5`, `1e3`); written bare only when it is one, quoted otherwise.
    case number(String)
    case bool(Bool)
    case null
    case sequence([YAMLValue], flow: Bool = false)
    case mapping([(key: String, value: YAMLValue)])
}

/// Writes a `YAMLValue` through libyaml's emitter (the same system libyaml the reader uses).
enum YAMLEmitter {
    struct EmitError: Error, CustomStringConvertible {
        var description: String
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }

    /// One YAML document, after `comments` (each made a single printable `# ` line).
    static func emit(_ value: YAMLValue, comments: [String] = []) throws -> String {
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { throw EmitError(description: "libyaml could not start an emitter") }
        defer { yaml_emitter_delete(&emitter) }
        let sink = Sink()
        yaml_emitter_set_output(&emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            Unmanaged<Sink>.fromOpaque(data).takeUnretainedValue().bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, Unmanaged.passUnretained(sink).toOpaque())
        yaml_emitter_set_unicode(&emitter, 1)
        // No folding of long scalars onto continuation lines.
        yaml_emitter_set_width(&emitter, -1)
        yaml_emitter_set_indent(&emitter, 2)
        try withExtendedLifetime(sink) {
            try withUnsafeMutablePointer(to: &emitter) { pointer in
                let writer = EventWriter(emitter: pointer)
                try writer.send { yaml_stream_start_event_initialize(&$0, YAML_UTF8_ENCODING) }
                try writer.send { yaml_document_start_event_initialize(&$0, nil, nil, nil, 1) }
                try writer.write(value)
                try writer.send { yaml_document_end_event_initialize(&$0, 1) }
                try writer.send { yaml_stream_end_event_initialize(&$0) }
                guard yaml_emitter_flush(pointer) == 1 else { throw EmitError(description: "libyaml could not flush its output") }
            }
        }
        let header = comments.map { "# " + $0.visibleLine + "\n" }.joined()
        return header + bidiEscaped(String(decoding: sink.bytes, as: UTF8.self), lead: sink.bytes)
    }

    /// libyaml writes bidi controls raw (they are printable to YAML), and one in a name reorders the line on screen.
    /// Every string is double-quoted and comments are visible lines, so a bidi control can only stand inside a
    /// double-quoted scalar, where `\u202E` means the same scalar.
    private static func bidiEscaped(_ text: String, lead bytes: [UInt8]) -> String {
        // Every bidi control's UTF-8 starts with 0xD8 (U+061C) or 0xE2: no scalar pass for text without either.
        guard bytes.contains(where: { $0 == 0xE2 || $0 == 0xD8 }), text.unicodeScalars.contains(where: \.isBidiControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isBidiControl {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private struct EventWriter {
        var emitter: UnsafeMutablePointer<yaml_emitter_t>

        init(emitter: UnsafeMutablePointer<yaml_emitter_t>) {
            self.emitter = emitter
        }

        func send(_ initialize: (inout yaml_event_t) -> Int32) throws {
            var event = yaml_event_t()
            guard initialize(&event) == 1 else { throw EmitError(description: "libyaml refused an event") }
            // yaml_emitter_emit takes the event over, on success and failure alike.
            guard yaml_emitter_emit(emitter, &event) == 1 else {
                let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown problem"
                throw EmitError(description: "libyaml could not write YAML: \(problem)")
            }
        }

        func scalar(_ text: String, style: yaml_scalar_style_t, plainImplicit: Bool) throws {
            var bytes = Array(text.utf8)
            let length = Int32(bytes.count)
            bytes.append(0)
            try bytes.withUnsafeMutableBufferPointer { buffer in
                try send { yaml_scalar_event_initialize(&$0, nil, nil, buffer.baseAddress, length, plainImplicit ? 1 : 0, plainImplicit ? 0 : 1, style) }
            }
        }

        func write(_ value: YAMLValue) throws {
            switch value {
            case .string(let text): try scalar(text, style: YAML_DOUBLE_QUOTED_SCALAR_STYLE, plainImplicit: false)
            case .int(let number): try scalar(String(number), style: YAML_PLAIN_SCALAR_STYLE, plainImplicit: true)
            case .number(let text):
                let isNumber = text.range(of: "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$", options: .regularExpression) != nil
                try scalar(text, style: isNumber ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE, plainImplicit: isNumber)
            case .bool(let flag): try scalar(flag ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE, plainImplicit: true)
            case .null: try scalar("null", style: YAML_PLAIN_SCALAR_STYLE, plainImplicit: true)
            case .sequence(let items, let flow):
                try send { yaml_sequence_start_event_initialize(&$0, nil, nil, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE) }
                for item in items { try write(item) }
                try send { yaml_sequence_end_event_initialize(&$0) }
            case .mapping(let entries):
                try send { yaml_mapping_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE) }
                for (key, item) in entries {
                    if Self.isPlainKey(key) {
                        try scalar(key, style: YAML_PLAIN_SCALAR_STYLE, plainImplicit: true)
                    } else {
                        try scalar(key, style: YAML_DOUBLE_QUOTED_SCALAR_STYLE, plainImplicit: false)
                    }
                    try write(item)
                }
                try send { yaml_mapping_end_event_initialize(&$0) }
            }
        }

        /// Keys written bare: a letter, then letters, digits and `._/-`, and no word YAML 1.1 reads as a boolean or null.
        static func isPlainKey(_ key: String) -> Bool {
            guard let first = key.unicodeScalars.first, first.isASCIILetter else { return false }
            guard key.unicodeScalars.allSatisfy({ $0.isASCIILetter || ("0"..."9").contains($0) || "._/-".unicodeScalars.contains($0) }) else { return false }
            return !["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(key.lowercased())
        }
    }
}
