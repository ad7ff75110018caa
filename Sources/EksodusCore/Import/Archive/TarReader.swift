/// Reads a tar stream one member at a time, in the memory of one block: ustar headers (with their prefix),
/// GNU long names (`L`) and pax `path` records (`x`). Only regular files are handed out; directories, links
/// and devices are skipped, so nothing can point the import outside the archive. A path that is absolute, climbs
/// with `..` or holds control characters is refused: no export tool writes one, and a hostile archive would.
final class TarReader {
    struct Member {
        /// The member's path inside the archive, without a leading `./`.
        var path: String
        var size: Int64
    }

    private let input: GzipStream
    private let archive: String
    private let limits: ArchiveLimits
    private var block = [UInt8](repeating: 0, count: 512)
    /// Data bytes of the current member not yet read, and the padding after them.
    private var remaining: Int64 = 0
    private var padding = 0
    private(set) var current: Member?

    init(input: GzipStream, archive: String, limits: ArchiveLimits) {
        self.input = input
        self.archive = archive
        self.limits = limits
    }

    /// The next regular file, skipping what is left of the current one; nil at the end of the archive.
    func next() throws -> Member? {
        try skipRest()
        current = nil
        var longName: String?
        var paxPath: String?
        while true {
            guard try readBlock(allowEnd: true) else { return nil }
            if block.allSatisfy({ $0 == 0 }) { return nil }  // the end-of-archive marker
            let headerName = Self.text(block[0..<100])
            try verifyChecksum(headerName)
            let size = try declaredSize(headerName)
            let type = block[156]
            var path = headerName
            if block[257..<262].elementsEqual("ustar".utf8) {
                let prefix = Self.text(block[345..<500])
                if !prefix.isEmpty { path = prefix + "/" + headerName }
            }
            switch type {
            case UInt8(ascii: "L"), UInt8(ascii: "x"), UInt8(ascii: "g"):
                guard size <= Int64(limits.maxHeaderRecord) else {
                    throw error(path, "a \(type == UInt8(ascii: "L") ? "long-name" : "pax") header of \(size) bytes")
                }
                let record = try readAll(size)
                if type == UInt8(ascii: "L") {
                    longName = Self.text(record[...])
                } else if type == UInt8(ascii: "x"), let value = Self.paxPath(record) {
                    paxPath = value
                }
                continue
            default:
                break
            }
            let name = paxPath ?? longName ?? path
            longName = nil
            paxPath = nil
            remaining = size
            padding = Int((512 - size % 512) % 512)
            // '0' and NUL are regular files, '7' a contiguous one; everything else is skipped.
            guard type == UInt8(ascii: "0") || type == 0 || type == UInt8(ascii: "7") else {
                try skipRest()
                continue
            }
            let member = Member(path: try Self.cleaned(name, archive: archive), size: size)
            current = member
            return member
        }
    }

    /// Reads the current member's data; 0 at its end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, size: Int) throws -> Int {
        guard remaining > 0 else { return 0 }
        let wanted = Int(min(Int64(size), remaining))
        var filled = 0
        while filled < wanted {
            let count = try input.read(into: buffer + filled, size: wanted - filled)
            if count == 0 { throw error(current?.path, "the archive ends inside this member (declared \(current?.size ?? 0) bytes)") }
            filled += count
        }
        remaining -= Int64(filled)
        return filled
    }

    private func skipRest() throws {
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        try scratch.withUnsafeMutableBufferPointer { buffer in
            while remaining > 0 { _ = try read(into: buffer.baseAddress!, size: buffer.count) }
            while padding > 0 {
                let count = try input.read(into: buffer.baseAddress!, size: padding)
                if count == 0 { throw error(current?.path, "the archive ends inside this member's padding") }
                padding -= count
            }
        }
    }

    private func readAll(_ size: Int64) throws -> [UInt8] {
        remaining = size
        padding = Int((512 - size % 512) % 512)
        var data = [UInt8](repeating: 0, count: Int(size))
        try data.withUnsafeMutableBufferPointer { buffer in
            var filled = 0
            while filled < buffer.count { filled += try read(into: buffer.baseAddress! + filled, size: buffer.count - filled) }
        }
        try skipRest()
        return data
    }

    /// Reads one header block; false at a clean end of input (tolerated only where a header would start).
    private func readBlock(allowEnd: Bool) throws -> Bool {
        var filled = 0
        try block.withUnsafeMutableBufferPointer { buffer in
            while filled < 512 {
                let count = try input.read(into: buffer.baseAddress! + filled, size: 512 - filled)
                if count == 0 { break }
                filled += count
            }
        }
        if filled == 0 && allowEnd { return false }
        guard filled == 512 else { throw error(nil, "the archive ends inside a header (not a complete tar file)") }
        return true
    }

    private func verifyChecksum(_ name: String) throws {
        let stored = Self.octal(block[148..<156])
        var sum = 0
        for (index, byte) in block.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        guard let stored, stored == Int64(sum) else { throw error(name.isEmpty ? nil : name, "a header whose checksum is wrong (not a tar file, or damaged)") }
    }

    private func declaredSize(_ name: String) throws -> Int64 {
        let field = block[124..<136]
        var size: Int64
        if let first = field.first, first & 0x80 != 0 {
            // GNU base-256: big-endian, high bit set; a negative or wider-than-63-bit number is refused below.
            guard first == 0x80, field.dropFirst().prefix(3).allSatisfy({ $0 == 0 }) else { throw error(name, "a header with an impossible size") }
            size = field.dropFirst(4).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        } else {
            guard let value = Self.octal(field) else { throw error(name, "a header whose size is not a number") }
            size = value
        }
        guard size >= 0, size <= limits.maxMember else { throw error(name, "declares \(size) bytes, more than an export file can be (\(limits.maxMember))") }
        return size
    }

    private func error(_ member: String?, _ message: String) -> ArchiveError {
        ArchiveError(archive: archive, member: member, message: message)
    }

    /// A path with `./` and duplicate slashes removed; refused when absolute, climbing, or empty.
    static func cleaned(_ path: String, archive: String) throws -> String {
        if path.hasPrefix("/") {
            throw ArchiveError(archive: archive, member: path, message: "an absolute path in the archive; refusing it")
        }
        // A member name is printed in notices and stored as the objects' source: no terminal escapes, no line breaks.
        if path.unicodeScalars.contains(where: ShellQuote.isInvisible) {
            throw ArchiveError(archive: archive, member: path, message: "a path with control characters; refusing it")
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if parts.contains("..") {
            throw ArchiveError(archive: archive, member: path, message: "a path that climbs out with '..'; refusing it")
        }
        guard !parts.isEmpty else { throw ArchiveError(archive: archive, member: path, message: "a member without a name") }
        return parts.joined(separator: "/")
    }

    /// The `path` record of a pax header (`<length> path=<value>\n` records).
    static func paxPath(_ record: [UInt8]) -> String? {
        var index = 0
        var found: String?
        while index < record.count {
            guard let space = record[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: record[index..<space], as: UTF8.self)), length > 0,
                  index + length <= record.count, space + 1 <= index + length - 1 else { return found }
            let body = record[(space + 1)..<(index + length - 1)]  // without the trailing newline
            if let equals = body.firstIndex(of: UInt8(ascii: "=")), String(decoding: body[body.startIndex..<equals], as: UTF8.self) == "path" {
                found = String(decoding: body[(equals + 1)...], as: UTF8.self)
            }
            index += length
        }
        return found
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    private static func octal(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        for byte in bytes {
            if byte == 0 || byte == UInt8(ascii: " ") { if digits > 0 { break } else { continue } }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7"), digits < 20 else { return nil }
            value = value * 8 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
