/// A Service or Ingress that asked external-dns for a record (`external-dns.alpha.kubernetes.io/hostname`) is written
/// without it, and so is every Ingress with `spec.rules` or `spec.tls` hosts, which external-dns publishes with no
/// annotation at all, and with external-dns's controller annotation set to a value no external-dns answers to, so that an
/// external-dns on EKS (running there, or installed later) skips the object: otherwise it would point the Route 53 record
/// at the EKS load balancer the moment the object is applied, before the planned 10 → 50 → 100 % switch, and a source and
/// an EKS external-dns would rewrite each other's record unless their `--txt-owner-id` differ. external-dns skips every
/// Ingress and Service whose `external-dns.alpha.kubernetes.io/controller` is present and not `dns-controller` (its
/// Ingress and Service sources: https://github.com/kubernetes-sigs/external-dns/blob/master/source/ingress.go, service.go),
/// which also keeps it off an Ingress's `spec.rules` hosts, published without any annotation.
/// Once the name's switch is at 100 %, the operator removes the hold and puts the hostname back, with the EKS external-dns
/// running under an owner id of its own (`SharedSwitches` says so in the switch).
enum ExternalDNSHold {
    static let hostnameKey = "external-dns.alpha.kubernetes.io/hostname"
    static let controllerKey = "external-dns.alpha.kubernetes.io/controller"
    /// Not `dns-controller`: every external-dns skips the object.
    static let holdValue = "eksodus-hold-until-switched"

    /// The names the object asks external-dns for, or nil when it asks none.
    static func hostnames(_ annotations: [String: String]) -> String? {
        annotations[hostnameKey].flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
    }

    /// The names an Ingress or Service has external-dns publish: its hostname annotation, or "" for an Ingress's own
    /// rule/TLS hosts (`hosts`, published without any annotation); nil when none.
    static func heldNames(_ annotations: [String: String], hosts: [String]) -> String? {
        hostnames(annotations) ?? (hosts.contains { !$0.isEmpty } ? "" : nil)
    }

    /// An Ingress's rule and TLS hosts.
    static func ingressHosts(_ ingress: ManifestNode) -> [String] {
        (ingress["spec", "rules"]?.items ?? []).compactMap { $0["host"]?.string }
            + (ingress["spec", "tls"]?.items ?? []).flatMap { ($0["hosts"]?.items ?? []).compactMap(\.string) }
    }

    /// What the operator does after the switch, for CHANGES.md and the switch's evidence; `hostnames` "": the Ingress's
    /// own hosts, which external-dns publishes without the annotation.
    static func afterSwitch(_ object: String, hostnames: String) -> String {
        guard !hostnames.isEmpty else {
            return "\(object): external-dns held off (\(controllerKey): \(holdValue)), as external-dns publishes an Ingress's rule and TLS hosts without any annotation, so no external-dns moves the record before the planned switch;"
                + " once its traffic switch is at 100 %, remove \(controllerKey), with the EKS external-dns running under a --txt-owner-id other than the source's (two owners of one record rewrite each other's)"
        }
        return "\(object): external-dns hostname \(hostnames.visibleLine) dropped and external-dns held off (\(controllerKey): \(holdValue)) so no external-dns moves the record before the planned switch;"
            + " once its traffic switch is at 100 %, remove \(controllerKey) and add \(hostnameKey) back, with the EKS external-dns running under a --txt-owner-id other than the source's (two owners of one record rewrite each other's)"
    }

    /// The same as the switch's one-line reminder after its 100 % shift (its evidence carries `afterSwitch`).
    static func afterSwitchStep(_ object: String, hostnames: String) -> String {
        "\(object): remove \(controllerKey)" + (hostnames.isEmpty ? "" : " and add \(hostnameKey) back (\(hostnames.visibleLine))")
            + ", with the EKS external-dns under a --txt-owner-id of its own"
    }
}
