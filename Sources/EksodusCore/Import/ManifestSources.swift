import Foundation

/// The files an import reads: each PATH is a file, a folder (searched recursively for .yaml, .yml and .json,
/// in sorted order, hidden entries skipped), or `-` for standard input.
///
/// Symbolic links are followed, but each folder is entered once and each file read once (by device and inode),
/// so a link loop cannot repeat or hang the walk, and a file named twice is read once. Only regular files are read:
/// FIFOs, sockets and devices inside a folder are skipped with a warning (opening a FIFO would wait for a writer).
/// A `.tar`, `.tar.gz` or `.tgz` named explicitly is read as an archive of manifests (see `ArchiveManifests`).
/// A folder in Velero's layout has each object read once (see `VeleroLayout`); a Sonobuoy, troubleshoot or must-gather
/// dump only its objects (see `DumpLayouts`).
public enum ManifestSources {
    public static let extensions: Set<String> = ["yaml", "yml", "json"]
    public static let standardInput = "-"

    public enum SourceError: Error, CustomStringConvertible {
        case missing(String)
        case empty(String)
        case notRegular(String, String)
        case undecodableName(folder: String, name: String)

        public var description: String {
            switch self {
            case .missing(let path): return "\(path): no such file or folder"
            case .empty(let path): return "\(path): no .yaml, .yml or .json files in this folder"
            case .notRegular(let path, let what): return "\(path): is a \(what), not a regular file"
            case .undecodableName(let folder, let name):
                return "\(folder): '\(name.visibleLine)' has a name that is not UTF-8, so its objects cannot be read; rename it (convmv -f latin1 -t utf8) and import again"
            }
        }
    }

    /// The files to read, and warnings about what was left out.
    public struct Expansion: Sendable {
        public var files: [String] = []
        public var warnings: [String] = []
    }

    public static func expand(_ paths: [String]) throws -> [String] {
        try expandWithWarnings(paths).files
    }

    public static func expandWithWarnings(_ paths: [String]) throws -> Expansion {
        var walker = Walker()
        for path in paths {
            if path == standardInput {
                if !walker.expansion.files.contains(standardInput) { walker.expansion.files.append(path) }
                continue
            }
            guard let info = FileIdentity(path: path) else { throw SourceError.missing(path) }
            switch info.type {
            case .directory:
                if walker.visitedFolders.contains(info.id) { continue }
                if try walker.walk(path, identity: info) == 0 { throw SourceError.empty(path) }
            case .regular:
                walker.add(path, identity: info)
            case .other(let what):
                // Named explicitly: a FIFO or a character device (e.g. /dev/stdin, <(kubectl ...)) is meant to be read.
                if what == "FIFO" || what == "character device" {
                    walker.add(path, identity: info)
                } else {
                    throw SourceError.notRegular(path, what)
                }
            }
        }
        let selection = VeleroLayout.select(walker.expansion.files)
        if selection.leftOut > 0 {
            walker.expansion.warnings.append("\(selection.leftOut) copies of Velero objects stored under another API group or version were left out (the preferred copy is read)")
        }
        let dump = DumpLayouts.select(selection.paths)
        walker.expansion.files = dump.paths
        if dump.leftOut > 0 {
            walker.expansion.warnings.append("\(dump.leftOut) files of a diagnostic dump that hold no objects or hold them twice (logs, errors, events, per-Pod copies) were left out")
        }
        return walker.expansion
    }

    /// Whether a file name ends in .yaml, .yml or .json (any case).
    static func hasManifestExtension(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    private struct Walker {
        var expansion = Expansion()
        var visitedFolders: Set<FileIdentity.ID> = []
        var readFiles: Set<FileIdentity.ID> = []

        mutating func add(_ path: String, identity: FileIdentity) {
            if readFiles.insert(identity.id).inserted { expansion.files.append(path) }
        }

        /// Walks a folder not entered before; returns how many manifests it holds, including ones already read.
        @discardableResult
        mutating func walk(_ folder: String, identity: FileIdentity) throws -> Int {
            guard visitedFolders.insert(identity.id).inserted else { return 0 }
            var manifests = 0
            // Skipping what cannot be opened by name would leave its objects out silently (and --replace would delete them).
            if let undecodable = UndecodableNames.entries(in: folder).first(where: { $0.isFolder || $0.hasManifestExtension }) {
                throw SourceError.undecodableName(folder: folder, name: undecodable.shown)
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            // A Crane export keeps failed API reads in failures/ beside resources/: those are not objects.
            let isCraneExport = names.contains("resources") && names.contains("failures")
            for name in names where !name.hasPrefix(".") {
                let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
                guard let info = FileIdentity(path: path) else {
                    if hasManifestExtension(name) { expansion.warnings.append("skipping \(path): a broken symbolic link") }
                    continue
                }
                switch info.type {
                case .directory:
                    if isCraneExport && name == "failures" { continue }
                    manifests += try walk(path, identity: info)
                case .regular:
                    guard hasManifestExtension(name) else { continue }
                    manifests += 1
                    add(path, identity: info)
                case .other(let what):
                    expansion.warnings.append("skipping \(what) \(path): only regular files are read")
                }
            }
            return manifests
        }

    }
}

/// What `stat` says of a path, following symbolic links.
struct FileIdentity {
    struct ID: Hashable { var device: UInt64; var inode: UInt64 }
    enum Kind: Equatable { case regular, directory, other(String) }

    var id: ID
    var type: Kind

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        id = ID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        switch info.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        case S_IFIFO: type = .other("FIFO")
        case S_IFSOCK: type = .other("socket")
        case S_IFCHR: type = .other("character device")
        case S_IFBLK: type = .other("block device")
        default: type = .other("special file")
        }
    }
}
