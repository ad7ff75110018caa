/// The VPC CIDR and the Kubernetes Service CIDR of one target cluster, chosen clear of the on-premises networks its
/// workloads call: once the VPC is linked to them over Site-to-Site VPN or Direct Connect, an overlapping range makes
/// those addresses route into the VPC (or the cluster's Service range) instead of on-premises.
///
/// eksctl's own VPC is 192.168.0.0/16 unless `vpc.cidr` is set (eksctl User Guide, "VPC Configuration"). Without
/// `kubernetesNetworkConfig.serviceIPv4CIDR`, EKS takes 10.100.0.0/16 or 172.20.0.0/16; a custom block must lie in
/// 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, be /24 to /12, overlap no CIDR of the VPC, and is fixed at creation; AWS
/// recommends one that overlaps no network peered or connected to the VPC (EKS API Reference, KubernetesNetworkConfigRequest).
public struct VPCAddressing: Sendable, Codable, Equatable {
    public var cluster: String
    public var vpcCIDR: String
    public var serviceCIDR: String
    /// The private addresses the workloads call (env values, hostAliases, dnsConfig nameservers, ExternalName targets,
    /// pinned load balancer addresses), as their /16s.
    public var onPremises: [String]
    public var reason: String

    static let eksctlDefault = "192.168.0.0/16"
    static let eksServiceDefaults = ["10.100.0.0/16", "172.20.0.0/16"]

    /// RFC 1918 /16s in a fixed order: eksctl's default first, then 10.0–10.255, then 172.16–172.31.
    static let candidates: [UInt32] = [0xC0A8_0000] + (0...255).map { 0x0A00_0000 | UInt32($0) << 16 } + (16...31).map { 0xAC00_0000 | UInt32($0) << 16 }

    static func choose(_ estate: Estate, reference: ReferenceData) -> VPCAddressing {
        let taken = Set(onPremisesAddresses(estate, reference: reference).map { $0 & 0xFFFF_0000 })
        let ranges = taken.sorted().map(text)
        let vpc = candidates.first { !taken.contains($0) } ?? candidates[0]
        let serviceOrder = [0x0A64_0000, 0xAC14_0000] + candidates.filter { $0 != 0x0A64_0000 && $0 != 0xAC14_0000 }
        let service = serviceOrder.first { $0 != vpc && !taken.contains($0) } ?? 0x0A64_0000
        var reason: String
        if ranges.isEmpty {
            reason = "no workload calls a private address: eksctl's default \(eksctlDefault) for the VPC and EKS's \(text(service)) for Services, both stated in the config; check them against the networks VPN or Direct Connect will bring"
        } else {
            reason = "the workloads call private addresses in \(ranges.prefix(8).joined(separator: ", "))\(ranges.count > 8 ? " and \(ranges.count - 8) more" : ""): "
                + (vpc == candidates[0] ? "the VPC keeps eksctl's \(eksctlDefault)" : "the VPC takes \(text(vpc)), not eksctl's \(eksctlDefault)")
                + " and Services \(text(service)), so neither overlaps a network reached over VPN or Direct Connect"
        }
        return VPCAddressing(cluster: estate.cluster.name, vpcCIDR: text(vpc), serviceCIDR: text(service), onPremises: ranges, reason: reason)
    }

    /// The private IPv4 addresses named where NET009 (OnPremisesDependencyCheck) looks.
    static func onPremisesAddresses(_ estate: Estate, reference: ReferenceData) -> [UInt32] {
        let finder = OnPremisesEndpoints(reference: reference)
        var texts: [String] = []
        for workload in estate.workloads {
            for container in workload.containers {
                texts += container.env.items.compactMap { $0["value"]?.string }
            }
            // Bytes, not Foundation's `contains`: that ran over every workload's body and cost more than the rest of the plan's networking.
            guard let stored = estate.resource(id: workload.resourceID),
                  stored.bodyText.containsBytes("\"hostAliases\"") || stored.bodyText.containsBytes("\"dnsConfig\"") else { continue }
            let pod = CheckSupport.podPath(workload.kind).split(separator: ".").reduce(Optional(stored.body)) { node, key in node?[String(key)] }
            texts += (pod?["hostAliases"]?.items ?? []).compactMap { $0["ip"]?.string }
            texts += (pod?["dnsConfig", "nameservers"]?.items ?? []).compactMap(\.string)
        }
        for service in estate.services {
            let spec = service.resource.body["spec"]
            texts += [spec?["externalName"]?.string, spec?["loadBalancerIP"]?.string].compactMap { $0 }
        }
        // Only a text with a digit and three dots can hold an address: most values are not worth tokenizing.
        func mayHoldAddress(_ text: String) -> Bool {
            text.utf8.contains { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } && text.utf8.lazy.filter { $0 == UInt8(ascii: ".") }.count >= 3
        }
        return texts.filter(mayHoldAddress).flatMap { text in
            finder.endpoints(in: text).compactMap { endpoint -> UInt32? in
                guard case .address(let address) = endpoint, let range = IPv4Range(address) else { return nil }
                return range.address
            }
        }
    }

    static func text(_ network: UInt32) -> String { "\(network >> 24).\(network >> 16 & 0xFF).0.0/16" }
}
