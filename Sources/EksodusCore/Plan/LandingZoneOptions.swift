/// How the target clusters are reached and where they run: API endpoint access, availability zones and who administers them.
public struct LandingZoneOptions: Sendable, Equatable, Codable {
    /// A fully private cluster (eksctl `privateCluster`): private endpoint only, no internet egress, VPC endpoints.
    public var privateEndpoint: Bool
    /// Who may reach the public API endpoint (eksctl `vpc.publicAccessCIDRs`); empty: anyone (EKS's default 0.0.0.0/0).
    public var publicAccessCIDRs: [String]
    /// Availability zone names of the target account (they differ per account); empty: eksctl picks them.
    public var zones: [String]
    /// IAM roles that get cluster admin through access entries (`AdminAccess`); nil or empty: a decision item, never a
    /// guessed ARN (nil in plans stored before it was asked).
    public var adminRoleARNs: [String]?

    public init(privateEndpoint: Bool = false, publicAccessCIDRs: [String] = [], zones: [String] = [], adminRoleARNs: [String] = []) {
        self.privateEndpoint = privateEndpoint
        self.publicAccessCIDRs = publicAccessCIDRs
        self.zones = zones
        self.adminRoleARNs = adminRoleARNs.isEmpty ? nil : adminRoleARNs
    }

    public enum Problem: Error, CustomStringConvertible, Equatable {
        /// EKS service quota "Public endpoint access CIDR ranges per cluster" (EKS User Guide, service-quotas).
        static let cidrQuota = 40

        case invalidCIDR(String)
        case cidrsWithPrivateEndpoint
        case tooManyCIDRs(Int)
        case invalidZone(String, region: String)
        case zoneCount(Int)
        case invalidAdminRole(String, partition: String)

        public var description: String {
            switch self {
            case .invalidCIDR(let value): return "--public-access-cidrs takes IPv4 networks such as 203.0.113.0/24, not '\(value.visibleLine)'"
            case .tooManyCIDRs(let count): return "--public-access-cidrs takes at most \(Self.cidrQuota) networks (EKS quota, not adjustable), not \(count)"
            case .cidrsWithPrivateEndpoint: return "--public-access-cidrs restricts the public endpoint, which --private-endpoint turns off: give one of them"
            case .invalidZone(let value, let region):
                return "--zones must be availability zones of \(region.visibleLine) such as \(region.visibleLine)a, not '\(value.visibleLine)'"
            case .zoneCount(let count): return "--zones needs 2 to 6 distinct zones (EKS needs subnets in at least two), not \(count)"
            case .invalidAdminRole(let value, let partition):
                return "--admin-role-arn takes IAM role ARNs such as arn:\(partition):iam::123456789012:role/platform-admins, not '\(value.visibleLine)'"
            }
        }
    }

    public func validate(region: String) throws {
        if privateEndpoint && !publicAccessCIDRs.isEmpty { throw Problem.cidrsWithPrivateEndpoint }
        for cidr in publicAccessCIDRs where !Self.isIPv4Network(cidr) { throw Problem.invalidCIDR(cidr) }
        if publicAccessCIDRs.count > Problem.cidrQuota { throw Problem.tooManyCIDRs(publicAccessCIDRs.count) }
        for role in adminRoleARNs ?? [] where !AdminAccess.isRoleARN(role, region: region) {
            throw Problem.invalidAdminRole(role, partition: AWSPartition.of(region: region).name)
        }
        guard !zones.isEmpty else { return }
        for zone in zones {
            guard zone.hasPrefix(region), zone.utf8.count == region.utf8.count + 1,
                  let letter = zone.unicodeScalars.last, ("a"..."z").contains(letter) else { throw Problem.invalidZone(zone, region: region) }
        }
        guard (2...6).contains(Set(zones).count), Set(zones).count == zones.count else { throw Problem.zoneCount(Set(zones).count) }
    }

    /// `a.b.c.d/n` with decimal octets, no host bits set (EKS refuses those).
    static func isIPv4Network(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = decimal(parts[1], max: 32) else { return false }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        var address: UInt32 = 0
        for octet in octets {
            guard let value = decimal(octet, max: 255) else { return false }
            address = address << 8 | UInt32(value)
        }
        let hostMask: UInt32 = length == 32 ? 0 : UInt32.max >> UInt32(length)
        return address & hostMask == 0
    }

    private static func decimal(_ text: Substring, max: Int) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 3, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              text == "0" || !text.hasPrefix("0"), let value = Int(text), value <= max else { return nil }
        return value
    }
}
