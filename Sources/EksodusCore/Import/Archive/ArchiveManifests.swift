import Crypto

/// The manifests inside a `.tar`, `.tar.gz` or `.tgz` export (a Velero backup, a support bundle), read straight
/// from the archive: nothing is extracted to disk, and memory holds one block of the tar and one of gzip.
///
/// The archive is read twice. The first pass lists the members, so that a Velero object stored under several
/// groups or versions is read once, from its preferred copy, whatever order the tar holds them in; the second
/// streams the chosen members to the manifest reader. Members are named `archive:path` in notices and errors.
enum ArchiveManifests {
    static let suffixes = [".tar.gz", ".tgz", ".tar"]

    static func isArchive(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return suffixes.contains { lowered.hasSuffix($0) }
    }

    /// What the first pass found: the members to read, how many Velero copies it left out, and how many files of a
    /// diagnostic dump that hold no objects.
    struct Listing {
        var members: Set<String>
        var leftOut: Int
        var dumpLeftOut: Int
    }

    static func list(_ archive: String, limits: ArchiveLimits = .standard) throws -> Listing {
        let tar = TarReader(input: GzipStream(input: try ByteSource.open(path: archive, hasher: nil), archive: archive, limits: limits),
                            archive: archive, limits: limits)
        var paths: [String] = []
        while let member = try tar.next() {
            if isManifest(member.path) { paths.append(member.path) }
        }
        let selection = VeleroLayout.select(paths)
        let dump = DumpLayouts.select(selection.paths)
        return Listing(members: Set(dump.paths), leftOut: selection.leftOut, dumpLeftOut: dump.leftOut)
    }

    /// What the second pass read of the archive file itself.
    struct Reading {
        var bytes: Int
        var digest: [UInt8]
    }

    /// Streams each listed member to `body`, in archive order, with the archive file itself (for its bytes read so far).
    /// An error inside the archive (truncated data, a refused path) is thrown as such, even when the manifest reader saw
    /// only a failed read.
    static func read(_ archive: String, members: Set<String>, limits: ArchiveLimits = .standard,
                     body: (_ member: String, _ source: ByteSource, _ archive: ByteSource) throws -> Void) throws -> Reading {
        let file = try ByteSource.open(path: archive, hasher: SHA256())
        let tar = TarReader(input: GzipStream(input: file, archive: archive, limits: limits), archive: archive, limits: limits)
        while let member = try tar.next() {
            guard members.contains(member.path) else { continue }
            var failure: Error?
            let source = ByteSource(pull: { buffer, size in
                do { return try tar.read(into: buffer, size: size) } catch { failure = error; return -1 }
            })
            do {
                try body(member.path, source, file)
            } catch {
                throw failure ?? error
            }
            if let failure { throw failure }
        }
        // Hash what follows the end-of-archive marker too, so the digest is the whole file's.
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        while scratch.withUnsafeMutableBufferPointer({ file.read(into: $0.baseAddress!, size: $0.count) }) > 0 {}
        return Reading(bytes: file.bytesRead, digest: Array(file.hasher?.finalize() ?? SHA256().finalize()))
    }

    static func isManifest(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[path.index(after: dot)...].contains("/") else { return false }
        let name = path.split(separator: "/").last ?? ""
        return !name.hasPrefix(".") && ManifestSources.extensions.contains(path[path.index(after: dot)...].lowercased())
    }
}
