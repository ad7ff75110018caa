/// Which of the AWS load balancer annotations an object the source's AWS load balancer served carry over to EKS, which the plan
/// sets itself, and which name a resource of the source's VPC, account or region (`data/alb-source-annotations.yaml` for
/// Ingresses, `data/nlb-source-annotations.yaml` for Services). Names are without the prefix; one ending in `*` matches every
/// name it starts.
public struct SourceAnnotationRules: Sendable {
    public var carried: [String] = []
    public var planned: [String] = []
    public var bound: [(name: String, why: String)] = []

    public enum Rule: Equatable, Sendable {
        case carried, planned, bound(why: String), unknown
    }

    /// Whether `name` is `pattern`, or starts it when the pattern ends in `*`.
    public static func matches<Name: StringProtocol>(_ name: Name, _ pattern: String) -> Bool {
        pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
    }

    public func rule(_ name: String) -> Rule {
        func matches(_ pattern: String) -> Bool { Self.matches(name, pattern) }
        if planned.contains(where: matches) { return .planned }
        if let bound = bound.first(where: { matches($0.name) }) { return .bound(why: bound.why) }
        if carried.contains(where: matches) { return .carried }
        return .unknown
    }
}
