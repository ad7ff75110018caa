/// A workload's stored pod spec, read only when its body names `marker` (parsing every body is what assess must not spend).
enum PodSpecs {
    static func stored(_ workload: Estate.Workload, in estate: Estate, containing marker: String) -> ManifestNode? {
        guard let resource = estate.resource(id: workload.resourceID), resource.bodyText.containsBytes(marker) else { return nil }
        return CheckSupport.podPath(workload.kind).split(separator: ".").reduce(resource.body as ManifestNode?) { node, key in node?[String(key)] }
    }
}
