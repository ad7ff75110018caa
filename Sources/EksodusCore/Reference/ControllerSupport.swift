extension ReferenceData {
    /// A controller whose releases each support a range of Kubernetes versions (`data/controller-support.yaml`).
    public struct ControllerSupport: Sendable {
        public var name: String
        /// Image repositories, matched as whole trailing path components.
        public var images: [String]
        public var source: String
        /// Each release (major.minor) with the first and last Kubernetes version it supports, and its end of life (YYYY-MM-DD;
        /// empty while it is maintained).
        public var releases: [(release: KubernetesVersion, first: KubernetesVersion, last: KubernetesVersion, endOfLife: String)]
        /// By release (`1.21`): the patch release to install (`v1.21.2`), where the table names one.
        public var patches: [KubernetesVersion: String] = [:]
        /// Its CRDs: one to read the installed version from (its `app.kubernetes.io/version` label) and the URL of a
        /// release's CRD manifest, `{version}` standing for the patch release; nil for a controller without CRDs of its own.
        public var crds: (check: String, manifest: String)?

        /// API versions (`group/version`) the releases the table recommends no longer serve.
        public var retiredAPIVersions: [String] = []

        /// The manifest URL of `patch`'s CRDs.
        public func crdManifest(_ patch: String) -> String? {
            crds.map { $0.manifest.replacingOccurrences(of: "{version}", with: patch) }
        }

        /// Whether `repository` (an image's, without registry or tag) is one of this controller's images.
        public func runs(_ repository: String) -> Bool {
            ImageReference.repository(repository, isOneOf: images)
        }

        /// The supported range of the release a `tag` names (`v1.9.1`, `1.9`); nil when the tag names none the table has.
        public func range(ofTag tag: String) -> (release: KubernetesVersion, first: KubernetesVersion, last: KubernetesVersion, endOfLife: String)? {
            guard let release = KubernetesVersion(tag) else { return nil }
            return releases.first { $0.release == release }
        }

        /// The releases that support `target`, newest first; with `date` (YYYY-MM-DD), only those still maintained then.
        public func releases(supporting target: KubernetesVersion, on date: String? = nil) -> [KubernetesVersion] {
            releases.filter { $0.first <= target && target <= $0.last && (date == nil || $0.endOfLife.isEmpty || $0.endOfLife > date!) }
                .map(\.release).sorted(by: >)
        }
    }

    /// A patch release as `data/controller-support.yaml` writes it; nothing else reaches a command line.
    static var patchRelease: Regex<Substring> { /^v?[0-9]+\.[0-9]+\.[0-9]+$/ }
    /// A CRD's name (DNS subdomain) and an https URL of plain characters around one `{version}`.
    static var crdName: Regex<Substring> { /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/ }
    static var apiVersion: Regex<Substring> { /^[a-z0-9.-]+\/v[0-9a-z]+$/ }
    static var manifestURL: Regex<Substring> { /^https:\/\/[A-Za-z0-9._\/-]+\{version\}[A-Za-z0-9._\/-]*$/ }

    static func controllerSupport(_ rows: [ManifestNode]) throws -> [ControllerSupport] {
        try rows.map { row in
            let name = row["name"]?.string ?? ""
            var patches: [KubernetesVersion: String] = [:]
            let releases = try (row["releases"]?.items ?? []).map { entry in
                let bounds = (entry["kubernetes"]?.string ?? "").split(separator: "-").compactMap { KubernetesVersion(String($0)) }
                guard let release = entry["release"]?.string.flatMap(KubernetesVersion.init), bounds.count == 2, bounds[0] <= bounds[1] else {
                    throw DataError(file: "controller-support.yaml", message: "\(name): a release needs `release` (major.minor) and `kubernetes` (first-last)")
                }
                if let patch = entry["patch"]?.string {
                    guard patch.wholeMatch(of: patchRelease) != nil, KubernetesVersion(patch) == release else {
                        throw DataError(file: "controller-support.yaml", message: "\(name) \(release): `patch` must be a patch release of it (v\(release).N)")
                    }
                    patches[release] = patch
                }
                return (release: release, first: bounds[0], last: bounds[1], endOfLife: entry["endOfLife"]?.string ?? "")
            }
            var crds: (check: String, manifest: String)?
            if let node = row["crds"] {
                guard let check = node["check"]?.string, check.wholeMatch(of: crdName) != nil,
                      let manifest = node["manifest"]?.string, manifest.wholeMatch(of: manifestURL) != nil else {
                    throw DataError(file: "controller-support.yaml", message: "\(name): `crds` needs `check` (a CRD name) and `manifest` (an https URL with {version})")
                }
                crds = (check, manifest)
            }
            let retired = (row["retiredAPIVersions"]?.items ?? []).compactMap(\.string)
            guard retired.allSatisfy({ $0.wholeMatch(of: apiVersion) != nil }) else {
                throw DataError(file: "controller-support.yaml", message: "\(name): `retiredAPIVersions` are group/version names")
            }
            return ControllerSupport(name: name, images: (row["images"]?.items ?? []).compactMap(\.string), source: row["source"]?.string ?? "",
                                     releases: releases, patches: patches, crds: crds, retiredAPIVersions: retired)
        }
    }
}
