/// The VPC CIDR and the Kubernetes Service CIDR of one target cluster, chosen clear of the on-premises networks its
/// workloads call or admit and of every other target cluster's: once the VPCs are linked to on-premises over Site-to-Site
/// VPN, Direct Connect or one Transit Gateway, an overlapping range makes those addresses route into the wrong VPC (or the
/// cluster's Service range), and two VPCs with one CIDR cannot both be routed from on-premises (Amazon VPC Transit
/// Gateways, "Transit gateway design best practices": overlapping CIDRs are not routed, use a unique CIDR per VPC).
///
/// eksctl's own VPC is 192.168.0.0/16 unless `vpc.cidr` is set (eksctl User Guide, "VPC Configuration"). Without
/// `kubernetesNetworkConfig.serviceIPv4CIDR`, EKS takes 10.100.0.0/16 or 172.20.0.0/16; a custom block must lie in
/// 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, be /24 to /12, overlap no CIDR of the VPC, and is fixed at creation; AWS
/// recommends one that overlaps no network peered or connected to the VPC (EKS API Reference, KubernetesNetworkConfigRequest).
public struct VPCAddressing: Sendable, Codable, Equatable {
    public var cluster: String
    public var vpcCIDR: String
    public var serviceCIDR: String
    /// The private networks the workloads call (env values, hostAliases, dnsConfig nameservers, ExternalName targets,
    /// pinned load balancer addresses) or admit (load balancer and Ingress allow-lists, NetworkPolicy ipBlocks), as their /16s.
    public var onPremises: [String]
    /// Host names under private DNS suffixes the workloads call (`smtp.acme.internal`): on-premises reach whose addresses
    /// the manifests do not give. nil in plans stored before.
    public var privateNames: [String]? = nil
    public var reason: String

    static let eksctlDefault = "192.168.0.0/16"
    static let eksServiceDefaults = ["10.100.0.0/16", "172.20.0.0/16"]

    /// RFC 1918 /16s in a fixed order: eksctl's default first, then 10.0–10.255, then 172.16–172.31.
    static let candidates: [UInt32] = [0xC0A8_0000] + (0...255).map { 0x0A00_0000 | UInt32($0) << 16 } + (16...31).map { 0xAC00_0000 | UInt32($0) << 16 }

    /// Every cluster's ranges, in the estates' order: each VPC and Service range is clear of the on-premises networks any
    /// estate reaches (they share the link) and of every range chosen before it, so no two clusters share one.
    static func choose(_ estates: [Estate], reference: ReferenceData) -> [VPCAddressing] {
        let reach = estates.map { OnPremisesReach($0, reference: reference) }
        let sourceNetworks = reach.reduce(into: Set<UInt32>()) { $0.formUnion($1.networks) }
        var chosen: Set<UInt32> = []
        return zip(estates, reach).map { estate, reach in
            let addressing = choose(estate.cluster.name, reach: reach, avoiding: sourceNetworks, chosen: chosen, clusters: estates.count)
            chosen.formUnion([addressing.vpc, addressing.service])
            return addressing.result
        }
    }

    /// One cluster's ranges, alone (a compute plan built without the planner's choice).
    static func choose(_ estate: Estate, reference: ReferenceData) -> VPCAddressing {
        choose([estate], reference: reference)[0]
    }

    /// What the workloads of one estate reach on-premises: private /16s and private DNS names.
    struct OnPremisesReach {
        var networks: Set<UInt32>
        var names: [String]

        init(_ estate: Estate, reference: ReferenceData) {
            var networks = Set(onPremisesAddresses(estate, reference: reference).map { $0 & 0xFFFF_0000 })
            for range in admittedRanges(estate) { networks.formUnion(sixteens(range)) }
            self.networks = networks
            names = privateNames(estate, reference: reference)
        }
    }

    private static func choose(_ cluster: String, reach: OnPremisesReach, avoiding sourceNetworks: Set<UInt32>, chosen: Set<UInt32>, clusters: Int)
        -> (vpc: UInt32, service: UInt32, result: VPCAddressing) {
        let taken = sourceNetworks.union(chosen)
        let vpc = candidates.first { !taken.contains($0) } ?? candidates[0]
        let serviceOrder = [0x0A64_0000, 0xAC14_0000] + candidates.filter { $0 != 0x0A64_0000 && $0 != 0xAC14_0000 }
        let service = serviceOrder.first { $0 != vpc && !taken.contains($0) } ?? 0x0A64_0000
        let ranges = reach.networks.sorted().map(text)
        var parts: [String] = []
        if !ranges.isEmpty {
            parts.append("the workloads reach private networks in \(ranges.prefix(8).joined(separator: ", "))\(ranges.count > 8 ? " and \(ranges.count - 8) more" : "")")
        }
        if !reach.names.isEmpty {
            parts.append("they call \(reach.names.prefix(4).joined(separator: ", "))\(reach.names.count > 4 ? " and \(reach.names.count - 4) more" : "") on-premises, whose addresses the manifests do not give")
        }
        var reason = parts.isEmpty ? "no workload names an on-premises address or private DNS name" : parts.joined(separator: "; ")
        let clearOf = (sourceNetworks.isEmpty ? [] : ["every on-premises network the estates name"]) + (clusters > 1 ? ["the other target clusters' ranges"] : [])
        reason += ": the VPC takes \(text(vpc))" + (vpc == candidates[0] ? " (eksctl's default)" : taken.contains(candidates[0]) ? " (eksctl's default \(eksctlDefault) is taken)" : "") + " and Services \(text(service))"
            + (clearOf.isEmpty ? "" : ", clear of " + clearOf.joined(separator: " and "))
            + ", so the VPC can be routed from on-premises over one Transit Gateway or Direct Connect gateway beside the others; check both against the on-premises IPAM before the link is made"
        let result = VPCAddressing(cluster: cluster, vpcCIDR: text(vpc), serviceCIDR: text(service), onPremises: ranges,
                                   privateNames: reach.names.isEmpty ? nil : reach.names, reason: reason)
        return (vpc, service, result)
    }

    /// The private ranges the estate admits today: Service loadBalancerSourceRanges and its allow-list annotation, the
    /// Ingress allow-list annotations, and NetworkPolicy ipBlock CIDRs. Clients there reach the cluster over the link.
    static func admittedRanges(_ estate: Estate) -> [IPv4Range] {
        var texts: [String] = []
        for service in estate.services {
            texts += (service.resource.body["spec", "loadBalancerSourceRanges"]?.items ?? []).compactMap(\.string)
            texts += [service.resource.annotations[LoadBalancerExposure.serviceAllowListAnnotation]].compactMap { $0 }
        }
        for ingress in estate.ingresses {
            texts += LoadBalancerExposure.ingressAllowListAnnotations.compactMap { ingress.resource.annotations[$0] }
        }
        for policy in estate.resources(kind: "NetworkPolicy") {
            for direction in ["ingress", "egress"] {
                for rule in policy.body["spec", direction]?.items ?? [] {
                    for peer in (rule["from"]?.items ?? []) + (rule["to"]?.items ?? []) {
                        texts += [peer["ipBlock", "cidr"]?.string].compactMap { $0 }
                    }
                }
            }
        }
        return texts.flatMap(LoadBalancerExposure.cidrs).compactMap(IPv4Range.init).filter(\.isPrivate)
    }

    /// The /16s a range covers (a /8 covers 256 of them) or lies in.
    static func sixteens(_ range: IPv4Range) -> [UInt32] {
        guard range.prefix < 16 else { return [range.address & 0xFFFF_0000] }
        let mask: UInt32 = range.prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - range.prefix)
        let first = range.address & mask
        return (0..<(1 << (16 - range.prefix))).map { first &+ UInt32($0) << 16 }
    }

    /// The private DNS names the workloads call (env values, ExternalName targets), where NET009 looks for them.
    static func privateNames(_ estate: Estate, reference: ReferenceData) -> [String] {
        let finder = OnPremisesEndpoints(reference: reference)
        var texts: [String] = []
        for workload in estate.workloads {
            for container in workload.containers { texts += container.env.items.compactMap { $0["value"]?.string } }
        }
        texts += estate.services.compactMap { $0.resource.body["spec", "externalName"]?.string }
        // Only a text with a dot can hold a host name.
        var names: Set<String> = []
        for text in texts where text.utf8.contains(UInt8(ascii: ".")) {
            for case .host(let host) in finder.endpoints(in: text) { names.insert(host) }
        }
        return names.sorted()
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
