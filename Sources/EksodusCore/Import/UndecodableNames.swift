import Foundation

/// The entries of a folder whose names are not UTF-8 (a Latin-1 `équipe/`, say). Foundation lists them under a lossy name
/// no file can be opened by, so a walk that went on would leave their objects out without a word, and `import --replace`
/// would then delete those objects' workloads from the inventory. The walk stops on them instead.
enum UndecodableNames {
    struct Entry {
        /// The name with every byte that is not UTF-8 written `\xNN`.
        var shown: String
        var isFolder: Bool
        var hasManifestExtension: Bool
    }

    static func entries(in folder: String) -> [Entry] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var found: [Entry] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            guard !bytes.isEmpty, bytes.first != UInt8(ascii: "."), String(validating: bytes, as: UTF8.self) == nil else { continue }
            var path = Array(folder.utf8)
            if path.last != UInt8(ascii: "/") { path.append(UInt8(ascii: "/")) }
            path += bytes
            path.append(0)
            var info = stat()
            let isFolder = path.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &info) == 0 }
            } && info.st_mode & S_IFMT == S_IFDIR
            let lowered = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
            let manifest = ManifestSources.extensions.contains { lowered.ends(with: Array(("." + $0).utf8)) }
            found.append(Entry(shown: shown(bytes), isFolder: isFolder, hasManifestExtension: manifest))
        }
        return found.sorted { $0.shown < $1.shown }
    }

    /// Valid UTF-8 runs as they are, every other byte as `\xNN` (then made safe for a terminal by the caller's `visibleLine`).
    static func shown(_ bytes: [UInt8]) -> String {
        var text = ""
        var start = 0
        while start < bytes.count {
            var end = bytes.count
            while end > start, String(validating: bytes[start..<end], as: UTF8.self) == nil { end -= 1 }
            if end > start {
                text += String(decoding: bytes[start..<end], as: UTF8.self)
                start = end
            } else {
                text += "\\x" + (bytes[start] < 16 ? "0" : "") + String(bytes[start], radix: 16)
                start += 1
            }
        }
        return text
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
