import Crypto
import Foundation

/// A tiny image written as an OCI image layout (oci-layout, index.json, blobs/sha256/…): one gzipped layer tarball
/// and a config per platform, a manifest per platform and an image index over them. Tag `multi` names the index,
/// tag `single` the first platform's manifest alone. The digests are of the exact bytes written.
struct SampleImageLayout {
    let folder: URL
    private(set) var indexDigest = ""
    private(set) var singleDigest = ""

    static let indexType = "application/vnd.oci.image.index.v1+json"
    static let manifestType = "application/vnd.oci.image.manifest.v1+json"

    init(folder: URL, platforms: [String] = ["amd64", "arm64"]) throws {
        self.folder = folder
        let blobs = folder.appendingPathComponent("blobs/sha256")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        var manifests: [[String: Any]] = []
        for architecture in platforms {
            let tarball = try Self.layerTarball(file: "hello.txt", text: "hello from \(architecture)\n", work: folder.appendingPathComponent("build-\(architecture)"))
            let layer = try Self.gzip(tarball, work: folder.appendingPathComponent("build-\(architecture)"))
            let config = try Self.json(["architecture": architecture, "os": "linux", "config": [String: Any](),
                                        "rootfs": ["type": "layers", "diff_ids": [Self.digest(tarball)]]])
            let manifest = try Self.json([
                "schemaVersion": 2, "mediaType": Self.manifestType,
                "config": ["mediaType": "application/vnd.oci.image.config.v1+json", "digest": try write(config), "size": config.count],
                "layers": [["mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": try write(layer), "size": layer.count]],
            ])
            manifests.append(["mediaType": Self.manifestType, "digest": try write(manifest), "size": manifest.count,
                              "platform": ["architecture": architecture, "os": "linux"]])
        }
        let index = try Self.json(["schemaVersion": 2, "mediaType": Self.indexType, "manifests": manifests])
        indexDigest = try write(index)
        singleDigest = manifests[0]["digest"] as? String ?? ""
        let references: [[String: Any]] = [
            ["mediaType": Self.indexType, "digest": indexDigest, "size": index.count, "annotations": ["org.opencontainers.image.ref.name": "multi"]],
            ["mediaType": Self.manifestType, "digest": singleDigest, "size": manifests[0]["size"] ?? 0,
             "annotations": ["org.opencontainers.image.ref.name": "single"]],
        ]
        try Self.json(["schemaVersion": 2, "manifests": references]).write(to: folder.appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: folder.appendingPathComponent("oci-layout"))
    }

    /// Stores `data` as a blob and returns its digest.
    private func write(_ data: Data) throws -> String {
        let digest = Self.digest(data)
        try data.write(to: folder.appendingPathComponent("blobs/sha256/" + digest.dropFirst("sha256:".count)))
        return digest
    }

    static func digest(_ data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func json(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// A reproducible tarball (fixed owner and time) holding one file.
    static func layerTarball(file: String, text: String, work: URL) throws -> Data {
        let root = work.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try text.write(to: root.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let tarball = work.appendingPathComponent("layer.tar")
        try runTool("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", tarball.path, "-C", root.path, "."])
        return try Data(contentsOf: tarball)
    }

    static func gzip(_ data: Data, work: URL) throws -> Data {
        let file = work.appendingPathComponent("layer.bin")
        try data.write(to: file)
        try runTool("gzip", ["-n", "-f", file.path])
        return try Data(contentsOf: work.appendingPathComponent("layer.bin.gz"))
    }

    private static func runTool(_ name: String, _ arguments: [String]) throws {
        guard let path = executablePath(name) else { throw LoopbackError("\(name) is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LoopbackError("\(name) \(arguments.joined(separator: " ")) failed") }
    }
}
