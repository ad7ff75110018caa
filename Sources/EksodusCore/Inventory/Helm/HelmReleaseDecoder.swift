import Foundation

/// Reads a Helm release out of the object Helm stores it in, in memory and before redaction drops the data:
/// - Helm 3: a Secret of type `helm.sh/release.v1` whose `data.release` is base64 (the Secret's encoding) of
///   Helm's own base64 of gzipped JSON (helm/helm pkg/storage/driver/util.go encodeRelease).
/// - Helm 2: a ConfigMap labelled `OWNER=TILLER` whose `data.release` is base64 of a gzipped `hapi.release.Release`
///   protobuf (helm/helm v2 _proto/hapi/release/release.proto: name 1, info 2 → status 1 → code 1, chart 3 →
///   metadata 1 → name 1, version 4, appVersion 13, manifest 5, version 7, namespace 8). When the data cannot be
///   read, the release is still recorded from the ConfigMap's NAME, VERSION and STATUS labels, with a note.
/// The decoded values and manifest text go no further than this type.
enum HelmReleaseDecoder {
    static let secretType = "helm.sh/release.v1"
    /// A release JSON is the chart's templates plus the manifest: far below this.
    static let limits: ArchiveLimits = {
        var limits = ArchiveLimits()
        limits.maxTotal = 256 << 20
        return limits
    }()

    /// A ConfigMap Tiller (Helm 2) keeps a release in: labelled `OWNER=TILLER`, in any case. Compared without allocating:
    /// it runs on every ConfigMap an import reads, in the redaction pass and here.
    static func isTillerRelease(_ labels: [(key: String, value: ManifestNode)]) -> Bool {
        labels.contains { label in
            label.key.utf8.count == 5 && label.key.caseInsensitiveCompare("OWNER") == .orderedSame
                && label.value.string.map { $0.utf8.count == 6 && $0.caseInsensitiveCompare("TILLER") == .orderedSame } == true
        }
    }

    /// The release `object` (as read, before redaction) stores, or nil when it stores none.
    static func decode(_ object: ManifestNode, kind: String, namespace: String) -> HelmRelease? {
        switch kind {
        case "Secret" where object["type"]?.string == secretType:
            return helm3(object, namespace: namespace)
        case "ConfigMap":
            let labels = object["metadata", "labels"]?.entries ?? []
            guard isTillerRelease(labels) else { return nil }
            return helm2(object, namespace: namespace, labels: labels)
        default:
            return nil
        }
    }

    private static func helm3(_ object: ManifestNode, namespace: String) -> HelmRelease? {
        let labels = object["metadata", "labels"]
        let labelName = labels?["name"]?.string ?? ""
        let labelRevision = labels?["version"]?.string.flatMap { Int($0) } ?? 0
        var fallback = HelmRelease(helmMajor: 3, namespace: namespace, name: labelName, status: labels?["status"]?.string, revision: labelRevision)
        guard let encoded = object["data", "release"]?.string,
              let helmText = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters),
              let packed = Data(base64Encoded: helmText, options: .ignoreUnknownCharacters),
              let json = try? unpack(Array(packed), what: "release"),
              let release = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            guard !labelName.isEmpty else { return nil }
            fallback.note = "the release data could not be decoded; name, revision and status are from the Secret's labels"
            return plausible(fallback)
        }
        let chart = (release["chart"] as? [String: Any])?["metadata"] as? [String: Any]
        let info = release["info"] as? [String: Any]
        var result = HelmRelease(
            helmMajor: 3, namespace: namespace, name: release["name"] as? String ?? labelName,
            chart: chart?["name"] as? String, chartVersion: chart?["version"] as? String, appVersion: chart?["appVersion"] as? String,
            status: info?["status"] as? String ?? fallback.status, revision: (release["version"] as? Int) ?? labelRevision)
        guard var decoded = plausible(result) else { return nil }
        let releaseNamespace = release["namespace"] as? String ?? namespace
        (decoded.manifestObjects, decoded.note) = objects(in: release["manifest"] as? String ?? "", namespace: releaseNamespace)
        return decoded
    }

    private static func helm2(_ object: ManifestNode, namespace: String, labels: [(key: String, value: ManifestNode)]) -> HelmRelease? {
        func label(_ name: String) -> String? { labels.first { $0.key.uppercased() == name }?.value.string }
        var result = HelmRelease(helmMajor: 2, namespace: namespace, name: label("NAME") ?? "", status: label("STATUS")?.lowercased(),
                                 revision: label("VERSION").flatMap { Int($0) } ?? 0)
        guard let encoded = object["data", "release"]?.string,
              let packed = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters),
              let bytes = try? unpack(Array(packed), what: "release") else {
            guard !result.name.isEmpty else { return nil }
            result.note = "the release data could not be decoded; name, revision and status are from the ConfigMap's labels"
            return plausible(result)
        }
        let release = ProtobufFields(bytes[...])
        if let name = release.string(1), !name.isEmpty { result.name = name }
        if let code = release.message(2)?.message(1)?.integer(1), statusNames.indices.contains(code) { result.status = statusNames[code] }
        if let metadata = release.message(3)?.message(1) {
            result.chart = metadata.string(1)
            result.chartVersion = metadata.string(4)
            result.appVersion = metadata.string(13).flatMap { $0.isEmpty ? nil : $0 }
        }
        if let revision = release.integer(7) { result.revision = revision }
        if let releaseNamespace = release.string(8), DNSLabel.isValid(releaseNamespace) { result.namespace = releaseNamespace }
        guard var decoded = plausible(result) else { return nil }
        (decoded.manifestObjects, decoded.note) = objects(in: release.string(5) ?? "", namespace: decoded.namespace)
        return decoded
    }

    /// Helm names releases as DNS names (at most 53 characters) and charts and versions in plain words: a release whose
    /// name is not one is not Helm's; a chart field with control characters or of a page's length is dropped, since
    /// each is printed in plans and reports.
    static func plausible(_ release: HelmRelease) -> HelmRelease? {
        guard clean(release.name) != nil, release.name.count <= 253 else { return nil }
        var result = release
        result.chart = clean(release.chart)
        result.chartVersion = clean(release.chartVersion)
        result.appVersion = clean(release.appVersion)
        result.status = clean(release.status)
        return result
    }

    /// hapi.release.Status.Code, lower-cased as Helm 3 spells its statuses.
    static let statusNames = ["unknown", "deployed", "deleted", "superseded", "failed", "deleting", "pending-install",
                              "pending-upgrade", "pending-rollback"]

    /// Gunzips `bytes` when they are gzip (Helm 3 writes uncompressed JSON when asked to), capped as an archive is.
    private static func unpack(_ bytes: [UInt8], what: String) throws -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return bytes }
        let gzip = GzipStream(input: ByteSource(bytes: bytes), archive: what, limits: limits)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = try chunk.withUnsafeMutableBufferPointer { try gzip.read(into: $0.baseAddress!, size: $0.count) }
            if count == 0 { return output }
            output += chunk[..<count]
        }
    }

    /// A name, chart or version a helm command line takes: printable, and never starting with `-` (helm would read it as an option).
    private static func clean(_ text: String?) -> String? {
        guard let text, !text.isEmpty, text.count <= 253, !text.hasPrefix("-"), !text.unicodeScalars.contains(where: ShellQuote.isInvisible) else { return nil }
        return text
    }

    /// What identifies each object of a rendered manifest (objects whose names are not printable are left out); the
    /// text itself is dropped here.
    static func objects(in manifest: String, namespace: String) -> ([HelmRelease.ManifestObject], String?) {
        guard !manifest.isEmpty else { return ([], nil) }
        let stream = ManifestStreamReader(reader: YAMLEventReader(file: "release manifest", source: ByteSource(text: manifest)))
        var objects: [HelmRelease.ManifestObject] = []
        do {
            try stream.read { object in
                guard let apiVersion = clean(object.node["apiVersion"]?.string), let kind = clean(object.node["kind"]?.string),
                      let name = clean(object.node["metadata", "name"]?.string) else { return }
                let objectNamespace = object.node["metadata", "namespace"]?.string.flatMap { DNSLabel.isValid($0) ? $0 : nil } ?? namespace
                objects.append(HelmRelease.ManifestObject(apiVersion: apiVersion, kind: kind, namespace: objectNamespace, name: name))
            }
        } catch {
            return (objects, "the rendered manifest is not valid YAML after \(objects.count) object(s); the rest was not assessed")
        }
        return (objects, nil)
    }
}
