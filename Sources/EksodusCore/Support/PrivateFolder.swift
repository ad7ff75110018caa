import Foundation

/// A folder only this user can enter, made by `mkdtemp` (mode 0700 from its creation: no moment when another user could
/// enter it), whose files are created with `O_EXCL | O_NOFOLLOW` (never through a link or over a file put there first).
struct PrivateFolder {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/eksodus-run-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot make a private folder in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))"])
        }
        path = String(cString: made)
    }

    /// Creates `name` in the folder, readable and writable by this user only, holding `contents`; its path.
    func create(_ name: String, contents: Data) throws -> String {
        let file = path + "/" + name
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot create \(file)") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: contents)
        try handle.close()
        return file
    }

    /// Makes the folder `name` in it (mode 0700); its path.
    func folder(_ name: String) throws -> String {
        let folder = path + "/" + name
        guard mkdir(folder, 0o700) == 0 else { throw Self.failure("cannot make \(folder)") }
        return folder
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func failure(_ what: String) -> Error {
        CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(what): \(String(cString: strerror(errno)))"])
    }
}
