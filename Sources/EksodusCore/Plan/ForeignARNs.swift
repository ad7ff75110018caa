import Foundation

/// The ARNs a source annotation names that the plan's AWS account and region cannot use: an ALB listener takes ACM
/// certificates of its own account and region only (ACM certificates are regional and cannot be copied between regions) or
/// IAM server certificates of its own account, and a web ACL, user pool or target group is found in the load balancer's own
/// account and region.
struct ForeignARNs {
    var partition: String
    var region: String
    var accountID: String

    init(region: String, accountID: String) {
        partition = AWSPartition.of(region: region).name
        self.region = region
        self.accountID = accountID
    }

    /// Why the plan cannot use `arn` (`arn:partition:service:region:account:resource`), nil when it can. An empty region
    /// (IAM, S3) or account (S3) is no objection.
    func objection(_ arn: String) -> String? {
        // Each part as a note shows it: the value is the manifest's, unchecked.
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map { String($0.prefix(64)).visibleLine }
        guard parts.count == 6, parts[0] == "arn", !parts[5].isEmpty else { return "not an ARN" }
        var why: [String] = []
        if parts[1] != partition { why.append("partition \(parts[1]), not \(partition)") }
        if !parts[3].isEmpty && parts[3] != region { why.append("region \(parts[3]), not \(region)") }
        if !parts[4].isEmpty && parts[4] != accountID { why.append("account \(parts[4]), not \(accountID)") }
        return why.isEmpty ? nil : why.joined(separator: ", ")
    }

    /// The ARNs in `text` (a comma-separated list, a JSON action) the plan cannot use, each with why.
    func foreign(in text: String) -> [(arn: String, why: String)] {
        Self.arns(in: text).compactMap { arn in objection(arn).map { (arn, $0) } }
    }

    /// Why a `certificate-arn` value cannot be copied, one reason per certificate; empty when every one can.
    func certificateObjections(_ value: String) -> [(arn: String, why: String)] {
        let arns = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if arns.isEmpty { return [(value, "names no certificate")] }
        return arns.compactMap { arn in
            let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            let isCertificate = parts.count == 6 && ((parts[2] == "acm" && parts[5].hasPrefix("certificate/"))
                                                     || (parts[2] == "iam" && parts[3].isEmpty && parts[5].hasPrefix("server-certificate/")))
            guard isCertificate else { return (arn, "not an ACM certificate or IAM server certificate ARN") }
            return objection(arn).map { (arn, $0) }
        }
    }

    /// An Elastic Load Balancing target group's ARN (`…:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID`).
    static func isTargetGroup(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[2] == "elasticloadbalancing" && parts[5].hasPrefix("targetgroup/")
    }

    static let pattern = try! NSRegularExpression(pattern: #"arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s",\]}']+"#)

    static func arns(in text: String) -> [String] {
        guard text.contains("arn:") else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }
}
