/// What the live cluster's API endpoint access must be once `eksctl create cluster` has made it, and the check that fails
/// when it is not: plan:endpoint decides the access, only the created cluster can show it was applied (an edited config,
/// a later `update-cluster-config`, or eksctl's own defaults would otherwise pass unseen).
///
/// `aws eks describe-cluster` reports it as `cluster.resourcesVpcConfig` with `endpointPublicAccess`, `endpointPrivateAccess`
/// and `publicAccessCidrs` (EKS API Reference, VpcConfigResponse: https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigResponse.html).
struct EndpointAccessCheck {
    var publicAccess: Bool
    var privateAccess: Bool
    /// The networks the public endpoint admits, sorted; nil where no public endpoint exists to admit anyone.
    var publicCIDRs: [String]?

    /// As the eksctl config states it (`EksctlConfig`): a private cluster has only the private endpoint; otherwise both,
    /// the public one open to the given networks or, undecided, to 0.0.0.0/0.
    init(_ access: LandingZoneOptions) {
        publicAccess = !access.privateEndpoint
        privateAccess = true
        publicCIDRs = access.privateEndpoint ? nil : (access.publicAccessCIDRs.isEmpty ? ["0.0.0.0/0"] : access.publicAccessCIDRs.sorted())
    }

    /// The expected access in words, for the item's title.
    var expected: String {
        guard publicAccess, let publicCIDRs else { return "private endpoint only, no public endpoint" }
        return "private endpoint, public endpoint from " + publicCIDRs.joined(separator: ", ") + " only"
    }

    /// The jq program that is true only for the expected access; the values come in as jq arguments, never inside the program.
    /// It reads its input with `input` (jq -n): given nothing, as when describe-cluster failed, jq -e exits 0, `input` fails.
    static let matches = "input | .endpointPublicAccess == $public and .endpointPrivateAccess == $private"
        + " and ($cidrs == \"\" or ((.publicAccessCidrs // []) | sort | join(\",\")) == $cidrs)"

    /// Prints the live access, then fails (non-zero) unless it is the expected one.
    func commands(region: String, cluster: String) -> [String] {
        let q = ShellQuote.word
        let describe = "aws eks describe-cluster --region \(q(region)) --name \(q(cluster)) --query cluster.resourcesVpcConfig --output json"
        let arguments = "--argjson public \(publicAccess) --argjson private \(privateAccess) --arg cidrs \(q((publicCIDRs ?? []).joined(separator: ",")))"
        return [describe + " | jq '{endpointPublicAccess, endpointPrivateAccess, publicAccessCidrs}'",
                describe + " | jq -en \(arguments) \(q(Self.matches)) >/dev/null || { echo \(q("the API endpoint of \(cluster) is not " + expected)) >&2; false; }"]
    }
}
