import Foundation
import CZlib

/// The decompressed bytes of a gzip file, read in chunks from a `ByteSource` (which hashes and counts the
/// compressed bytes). Concatenated gzip members are read as one stream, as `gzip -d` does. An input that is
/// not gzip passes through unchanged, so a plain `.tar` reads the same way.
final class GzipStream {
    private let input: ByteSource
    private let archive: String
    private let limits: ArchiveLimits
    private var stream = z_stream()
    private var inputBuffer: UnsafeMutablePointer<UInt8>
    private static let chunk = 64 << 10
    private var isGzip = false
    private var started = false
    private var inputEnded = false
    private var streamEnded = false
    /// Decompressed bytes handed out so far.
    private(set) var totalOut = 0

    init(input: ByteSource, archive: String, limits: ArchiveLimits) {
        self.input = input
        self.archive = archive
        self.limits = limits
        inputBuffer = .allocate(capacity: Self.chunk)
    }

    deinit {
        if isGzip { inflateEnd(&stream) }
        inputBuffer.deallocate()
    }

    /// Fills up to `size` bytes; 0 at the end of the data.
    func read(into buffer: UnsafeMutablePointer<UInt8>, size: Int) throws -> Int {
        if !started { try start() }
        let count = isGzip ? try inflateSome(into: buffer, size: size) : try passThrough(into: buffer, size: size)
        totalOut += count
        if totalOut > limits.maxTotal || totalOut > input.bytesRead * limits.maxExpansion + limits.slack {
            throw ArchiveError(archive: archive, member: nil, message: "expands to more than \(limits.maxExpansion) times its compressed size "
                + "(\(totalOut) bytes from \(input.bytesRead)); refusing it as a possible decompression bomb")
        }
        return count
    }

    private func start() throws {
        started = true
        try refill()
        guard stream.avail_in >= 2, inputBuffer[0] == 0x1f, inputBuffer[1] == 0x8b else { return }
        isGzip = true
        // 15 + 16: a gzip wrapper (not zlib, not raw deflate) with the largest window.
        let status = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ArchiveError(archive: archive, member: nil, message: "zlib cannot start (\(status))") }
    }

    private func refill() throws {
        let count = input.read(into: inputBuffer, size: Self.chunk)
        if count < 0 {
            throw ArchiveError(archive: archive, member: nil, message: "read error: \(String(cString: strerror(input.lastError)))")
        }
        if count == 0 { inputEnded = true }
        stream.next_in = inputBuffer
        stream.avail_in = UInt32(count)
    }

    private func passThrough(into buffer: UnsafeMutablePointer<UInt8>, size: Int) throws -> Int {
        if stream.avail_in == 0 && !inputEnded { try refill() }
        let count = min(size, Int(stream.avail_in))
        if count > 0, let next = stream.next_in {
            buffer.update(from: next, count: count)
            stream.next_in = next + count
            stream.avail_in -= UInt32(count)
        }
        return count
    }

    private func inflateSome(into buffer: UnsafeMutablePointer<UInt8>, size: Int) throws -> Int {
        stream.next_out = buffer
        stream.avail_out = UInt32(min(size, Int(UInt32.max)))
        while stream.avail_out == UInt32(min(size, Int(UInt32.max))) {
            if streamEnded {
                // Another gzip member may follow (pigz and `cat a.gz b.gz` write several); trailing zeros end the file.
                if stream.avail_in == 0 && !inputEnded { try refill() }
                if stream.avail_in == 0 || stream.next_in?.pointee != 0x1f { return 0 }
                inflateReset(&stream)
                streamEnded = false
            }
            if stream.avail_in == 0 {
                if inputEnded {
                    throw ArchiveError(archive: archive, member: nil, message: "the gzip data ends early: the file is truncated")
                }
                try refill()
                if stream.avail_in == 0 && inputEnded {
                    throw ArchiveError(archive: archive, member: nil, message: "the gzip data ends early: the file is truncated")
                }
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR: continue
            case Z_STREAM_END: streamEnded = true
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw ArchiveError(archive: archive, member: nil, message: "not valid gzip data (\(reason))")
            }
        }
        return Int(UInt32(min(size, Int(UInt32.max))) - stream.avail_out)
    }
}
