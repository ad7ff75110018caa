/// What one file said of the cluster besides its objects: the server version of `kubectl version -o json`, and pod
/// usage from `kubectl top pods` text or PodMetrics objects. Neither is an object the inventory keeps.
struct ClusterFactsReading {
    var file: String
    var serverVersion: (version: String, line: Int)?
    var usage: [PodUsage] = []

    var isEmpty: Bool { serverVersion == nil && usage.isEmpty }
}
