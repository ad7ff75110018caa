/// What the inventory keeps of one Helm release: who it is, which chart, and what its rendered manifest
/// holds (each object's apiVersion, kind and name, for the API checks). Never the values, never the manifest text.
struct HelmRelease: Sendable, Equatable {
    struct ManifestObject: Sendable, Equatable {
        var apiVersion: String
        var kind: String
        var namespace: String
        var name: String
    }

    var helmMajor: Int
    var namespace: String
    var name: String
    var chart: String?
    var chartVersion: String?
    var appVersion: String?
    var status: String?
    var revision: Int
    var manifestObjects: [ManifestObject] = []
    /// What could not be read (a manifest that is not YAML, a Helm 2 release without its data), if anything.
    var note: String?
}
