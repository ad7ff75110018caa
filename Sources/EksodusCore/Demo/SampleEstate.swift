import Foundation

/// The sample estate that ships inside the binary (the top-level `samples/` folder): two clusters of a
/// fictional retailer, written for eksodus.
public enum SampleEstate {
    public struct Cluster: Sendable {
        public var name: String
        public var environment: String
        public var kubernetesVersion: String
        /// The folder under `samples/`.
        public var folder: String
        /// The namespace for objects that name none (the staging export is `helm template` output).
        public var defaultNamespace: String
    }

    public static let clusters = [
        Cluster(name: "prod", environment: "prod", kubernetesVersion: "1.24", folder: "prod", defaultNamespace: "default"),
        Cluster(name: "staging", environment: "staging", kubernetesVersion: "1.26", folder: "staging", defaultNamespace: "shop-staging"),
    ]

    /// Writes the sample's files under `folder` (as `samples/...`) and returns that path.
    public static func write(to folder: URL) throws -> URL {
        let root = folder.appendingPathComponent("samples")
        for (path, text) in EmbeddedResources.files where path.hasPrefix("samples/") {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }
}
