/// The AWS partition a region belongs to: ARNs and service host names differ per partition
/// (`arn:aws-cn:` and `amazonaws.com.cn` in China, `arn:aws-us-gov:` in GovCloud).
public struct AWSPartition: Sendable, Equatable {
    /// The ARN partition: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`.
    public var name: String
    /// The DNS suffix of regional endpoints, e.g. of `<account>.dkr.ecr.<region>.<suffix>`.
    public var dnsSuffix: String

    /// From the region's prefix (AWS General Reference, "AWS partitions"; botocore `endpoints.json` regionRegex per partition).
    public static func of(region: String) -> AWSPartition {
        if region.hasPrefix("cn-") { return AWSPartition(name: "aws-cn", dnsSuffix: "amazonaws.com.cn") }
        if region.hasPrefix("us-gov-") { return AWSPartition(name: "aws-us-gov", dnsSuffix: "amazonaws.com") }
        if region.hasPrefix("us-isob-") { return AWSPartition(name: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov") }
        if region.hasPrefix("us-iso-") { return AWSPartition(name: "aws-iso", dnsSuffix: "c2s.ic.gov") }
        return AWSPartition(name: "aws", dnsSuffix: "amazonaws.com")
    }

    public func iamARN(account: String, _ resource: String) -> String { "arn:\(name):iam::\(account):\(resource)" }
}
