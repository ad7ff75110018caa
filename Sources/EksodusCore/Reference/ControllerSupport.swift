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

    static func controllerSupport(_ rows: [ManifestNode]) throws -> [ControllerSupport] {
        try rows.map { row in
            let name = row["name"]?.string ?? ""
            let releases = try (row["releases"]?.items ?? []).map { entry in
                let bounds = (entry["kubernetes"]?.string ?? "").split(separator: "-").compactMap { KubernetesVersion(String($0)) }
                guard let release = entry["release"]?.string.flatMap(KubernetesVersion.init), bounds.count == 2, bounds[0] <= bounds[1] else {
                    throw DataError(file: "controller-support.yaml", message: "\(name): a release needs `release` (major.minor) and `kubernetes` (first-last)")
                }
                return (release: release, first: bounds[0], last: bounds[1], endOfLife: entry["endOfLife"]?.string ?? "")
            }
            return ControllerSupport(name: name, images: (row["images"]?.items ?? []).compactMap(\.string), source: row["source"]?.string ?? "", releases: releases)
        }
    }
}
