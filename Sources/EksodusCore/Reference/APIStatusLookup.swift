/// `ReferenceData.apiStatus` at one target, each apiVersion/kind pair looked up once: the API checks ask it of every object
/// of an estate (tens of thousands), which share a few dozen pairs, and each question scanned the whole table.
struct APIStatusLookup {
    typealias Status = (status: ReferenceData.APIVersionStatus, removed: Bool)

    private struct Pair: Hashable {
        var apiVersion: String
        var kind: String
    }

    private let reference: ReferenceData
    private let target: KubernetesVersion
    private var known: [Pair: Status?] = [:]
    /// The kinds the table names: an object of any other kind has no status.
    let kinds: Set<String>

    init(_ reference: ReferenceData, target: KubernetesVersion) {
        self.reference = reference
        self.target = target
        kinds = Set(reference.apiVersions.map(\.kind))
    }

    mutating func status(apiVersion: String, kind: String) -> Status? {
        let pair = Pair(apiVersion: apiVersion, kind: kind)
        if let status = known[pair] { return status }
        let status = reference.apiStatus(apiVersion: apiVersion, kind: kind, target: target)
        known[pair] = status
        return status
    }
}
