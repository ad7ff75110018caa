/// How a load balancer faces its clients: what the exposure rules read from a platform's annotations, and what the plan
/// keeps on EKS (`LoadBalancerExposure`).
public enum LoadBalancerScheme: String, Sendable, Codable {
    case `internal`
    case internetFacing = "internet-facing"
}
