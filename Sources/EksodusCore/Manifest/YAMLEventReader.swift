import CYAML
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thin, allocation-free view of libyaml's event parser. `next()` advances; the accessors read the
/// current event, which stays valid until the following `next()`. Skipping a subtree never builds a string.
final class YAMLEventReader {
    enum Event: Equatable {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias, scalar, sequenceStart, sequenceEnd, mappingStart, mappingEnd
    }

    let file: String
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private var event = yaml_event_t()
    private var hasEvent = false
    private let source: ByteSource
    /// Retained so libyaml's read callback can reach it.
    private var sourceBox: Unmanaged<ByteSource>

    init(file: String, source: ByteSource) {
        self.file = file
        self.source = source
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        sourceBox = Unmanaged.passRetained(source)
        yaml_parser_set_input(parser, { data, buffer, size, sizeRead in
            guard let data, let buffer, let sizeRead else { return 0 }
            let source = Unmanaged<ByteSource>.fromOpaque(data).takeUnretainedValue()
            let count = source.read(into: buffer, size: size)
            if count < 0 { return 0 }
            sizeRead.pointee = count
            return 1
        }, sourceBox.toOpaque())
    }

    deinit {
        if hasEvent { yaml_event_delete(&event) }
        yaml_parser_delete(parser)
        parser.deallocate()
        sourceBox.release()
    }

    func next() throws -> Event {
        if hasEvent {
            yaml_event_delete(&event)
            hasEvent = false
        }
        guard yaml_parser_parse(parser, &event) == 1 else { throw syntaxError() }
        hasEvent = true
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT: return .alias
        case YAML_SCALAR_EVENT: return .scalar
        case YAML_SEQUENCE_START_EVENT: return .sequenceStart
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT: return .mappingStart
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        default: throw ManifestSyntaxError(file: file, line: line, column: column, message: "unexpected YAML event")
        }
    }

    /// 1-based position of the current event's start.
    var line: Int { Int(event.start_mark.line) + 1 }
    var column: Int { Int(event.start_mark.column) + 1 }

    var scalarText: String {
        guard let value = event.data.scalar.value else { return "" }
        return String(decoding: UnsafeBufferPointer(start: value, count: Int(event.data.scalar.length)), as: UTF8.self)
    }

    var scalarIsPlain: Bool { event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE }

    /// The anchor of the current node event, or of the alias's target.
    var anchor: String? {
        let pointer: UnsafeMutablePointer<yaml_char_t>?
        switch event.type {
        case YAML_SCALAR_EVENT: pointer = event.data.scalar.anchor
        case YAML_SEQUENCE_START_EVENT: pointer = event.data.sequence_start.anchor
        case YAML_MAPPING_START_EVENT: pointer = event.data.mapping_start.anchor
        case YAML_ALIAS_EVENT: pointer = event.data.alias.anchor
        default: pointer = nil
        }
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Whether the current scalar equals `text`, compared without building a String.
    func scalarEquals(_ text: StaticString) -> Bool {
        let length = Int(event.data.scalar.length)
        guard length == text.utf8CodeUnitCount, let value = event.data.scalar.value else { return false }
        return memcmp(value, text.utf8Start, length) == 0
    }

    /// Consumes the rest of the node whose first event is current.
    func skipNode(_ first: Event) throws {
        guard first == .mappingStart || first == .sequenceStart else { return }
        var depth = 1
        while depth > 0 {
            switch try next() {
            case .mappingStart, .sequenceStart: depth += 1
            case .mappingEnd, .sequenceEnd: depth -= 1
            case .streamEnd, .documentEnd, .documentStart, .streamStart:
                throw ManifestSyntaxError(file: file, line: line, column: column, message: "unexpected end of document")
            default: break
            }
        }
    }

    /// 1-based line and column of a byte offset in a file (1:1 when the file cannot be read again, as standard input cannot).
    static func position(ofByte offset: Int, in path: String) -> (Int, Int) {
        guard let handle = fopen(path, "rb") else { return (1, 1) }
        defer { fclose(handle) }
        var line = 1, column = 1
        for _ in 0..<offset {
            let byte = fgetc(handle)
            if byte == EOF { break }
            if byte == 10 { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    private func syntaxError() -> ManifestSyntaxError {
        let p = parser.pointee
        if source.lastError != 0 {
            return ManifestSyntaxError(file: file, line: 0, column: 0, message: "read error: \(String(cString: strerror(source.lastError)))")
        }
        var message = p.problem.map { String(cString: $0) } ?? "invalid YAML"
        if p.error == YAML_READER_ERROR {
            // Encoding errors carry a byte offset, not a line: find the line by reading up to it.
            let (line, column) = Self.position(ofByte: Int(p.problem_offset), in: file)
            return ManifestSyntaxError(file: file, line: line, column: column, message: message + " (the file must be UTF-8 or UTF-16)")
        }
        if let context = p.context {
            message = "\(message) (\(String(cString: context)) at line \(p.context_mark.line + 1))"
        }
        return ManifestSyntaxError(file: file, line: Int(p.problem_mark.line) + 1, column: Int(p.problem_mark.column) + 1, message: message)
    }
}
