/// `ExternalDNSHold` in convert: the annotations an Ingress or Service is written with.
extension ExternalDNSHold {
    /// The annotations to write: without the hostname, with the hold.
    static func apply(_ annotations: [(key: String, value: ManifestNode)], object: String, result: inout ManifestConverter.Result) -> [(key: String, value: ManifestNode)] {
        guard let hostnames = annotations.first(where: { $0.key == hostnameKey })?.value.string,
              !hostnames.allSatisfy(\.isWhitespace) else { return annotations }
        result.changes.append(ManifestConverter.Change(field: "metadata.annotations[\(hostnameKey)]",
                                                       why: "dropped (was: \(hostnames.visibleLine)), and \(controllerKey): \(holdValue) added: an external-dns on EKS would take the Route 53 record at apply time, before the planned switch"))
        result.todos.append(afterSwitch(object, hostnames: hostnames))
        return annotations.filter { $0.key != hostnameKey && $0.key != controllerKey } + [(controllerKey, .string(holdValue))]
    }
}
