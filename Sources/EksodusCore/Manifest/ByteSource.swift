#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto

/// Reads a file descriptor in large chunks for the YAML parser, hashing and counting every byte on the way,
/// so an import reads each file once.
final class ByteSource {
    let descriptor: Int32
    private let ownsDescriptor: Bool
    private(set) var bytesRead = 0
    private(set) var lastError: Int32 = 0
    var hasher: SHA256?
    /// Text already in memory (a JSON column, an embedded data table) instead of a descriptor.
    private let memory: [UInt8]?
    /// Bytes pulled from another reader (a member of an archive) instead of a descriptor: returns the count, 0 at
    /// the end, or -1 after an error, which the puller keeps so it can say what went wrong.
    private let pull: ((UnsafeMutablePointer<UInt8>, Int) -> Int)?

    init(descriptor: Int32, ownsDescriptor: Bool, hasher: SHA256?) {
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.hasher = hasher
        memory = nil
        pull = nil
    }

    init(pull: @escaping (UnsafeMutablePointer<UInt8>, Int) -> Int) {
        descriptor = -1
        ownsDescriptor = false
        hasher = nil
        memory = nil
        self.pull = pull
    }

    convenience init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    init(bytes: [UInt8]) {
        descriptor = -1
        ownsDescriptor = false
        hasher = nil
        memory = bytes
        pull = nil
    }

    /// Opens a file for reading; throws with the system's reason when it cannot.
    static func open(path: String, hasher: SHA256?) throws -> ByteSource {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ManifestSyntaxError(file: path, line: 0, column: 0, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        return ByteSource(descriptor: fd, ownsDescriptor: true, hasher: hasher)
    }

    /// Fills `buffer` with up to `size` bytes; returns the count (0 at the end) or -1 on error.
    func read(into buffer: UnsafeMutablePointer<UInt8>, size: Int) -> Int {
        if let memory {
            let count = min(size, memory.count - bytesRead)
            memory.withUnsafeBufferPointer { source in
                if count > 0, let base = source.baseAddress { buffer.update(from: base + bytesRead, count: count) }
            }
            bytesRead += count
            return count
        }
        if let pull {
            let count = pull(buffer, size)
            if count < 0 { lastError = EIO; return -1 }
            bytesRead += count
            return count
        }
        while true {
            let count = Glibc.read(descriptor, buffer, size)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { lastError = errno; return -1 }
            if count > 0 {
                bytesRead += count
                hasher?.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: count))
            }
            return count
        }
    }

    deinit {
        if ownsDescriptor { _ = close(descriptor) }
    }
}
