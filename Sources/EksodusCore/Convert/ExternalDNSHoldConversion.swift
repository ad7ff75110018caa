/// `ExternalDNSHold` in convert: the annotations an Ingress or Service is written with.
extension ExternalDNSHold {
    /// The annotations to write: without the hostname, with the hold. `hosts`: an Ingress's rule and TLS hosts, which
    /// external-dns publishes with no annotation: held off too.
    static func apply(_ annotations: [(key: String, value: ManifestNode)], hosts: [String] = [], object: String, result: inout ManifestConverter.Result) -> [(key: String, value: ManifestNode)] {
        if hosts.contains(where: { !$0.isEmpty }), annotations.first(where: { $0.key == hostnameKey })?.value.string.map({ $0.allSatisfy(\.isWhitespace) }) ?? true {
            result.changes.append(ManifestConverter.Change(field: "metadata.annotations[\(controllerKey)]",
                                                           why: "\(holdValue) added: external-dns publishes an Ingress's rule and TLS hosts without any annotation, and one on EKS would take the Route 53 record at apply time, before the planned switch"))
            result.todos.append(afterSwitch(object, hostnames: ""))
            return annotations.filter { $0.key != hostnameKey && $0.key != controllerKey } + [(controllerKey, .string(holdValue))]
        }
        guard let hostnames = annotations.first(where: { $0.key == hostnameKey })?.value.string,
              !hostnames.allSatisfy(\.isWhitespace) else { return annotations }
        result.changes.append(ManifestConverter.Change(field: "metadata.annotations[\(hostnameKey)]",
                                                       why: "dropped (was: \(hostnames.visibleLine)), and \(controllerKey): \(holdValue) added: an external-dns on EKS would take the Route 53 record at apply time, before the planned switch"))
        result.todos.append(afterSwitch(object, hostnames: hostnames))
        return annotations.filter { $0.key != hostnameKey && $0.key != controllerKey } + [(controllerKey, .string(holdValue))]
    }
}
