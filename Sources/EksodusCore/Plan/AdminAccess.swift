/// Who administers a new EKS cluster besides the principal that created it. Without access entries only the creator is
/// admin (accessConfig.bootstrapClusterCreatorAdminPermissions defaults to true: EKS API Reference, CreateAccessConfigRequest),
/// so the other on-call engineers and pipelines are locked out. The roles given to eksodus plan --admin-role-arn get an
/// access entry with AmazonEKSClusterAdminPolicy on the whole cluster (EKS User Guide, "Grant IAM users access to
/// Kubernetes with EKS access entries"; access policies, AmazonEKSClusterAdminPolicy). The authentication mode is
/// API_AND_CONFIG_MAP: access entries, and the aws-auth ConfigMap for tools that still edit it; moving on to API alone is
/// one-way, so it is left to the team (EKS User Guide, "Change authentication mode to use access entries").
enum AdminAccess {
    static let authenticationMode = "API_AND_CONFIG_MAP"

    static func policyARN(region: String) -> String {
        "arn:\(AWSPartition.of(region: region).name):eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    }

    /// `arn:<partition of region>:iam::<12 digits>:role/<optional path/><name>`: IAM's role name characters (letters, digits,
    /// `+=,.@_-`, at most 64) and a path of such segments (IAM User Guide, reference_identifiers, "IAM ARNs"; IAM quotas).
    static func isRoleARN(_ text: String, region: String) -> Bool {
        let prefix = "arn:\(AWSPartition.of(region: region).name):iam::"
        guard text.hasPrefix(prefix) else { return false }
        let rest = text.dropFirst(prefix.count)
        let account = rest.prefix { $0 != ":" }
        guard account.utf8.count == 12, account.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return false }
        let resource = rest.dropFirst(account.count)
        guard resource.hasPrefix(":role/") else { return false }
        let parts = resource.dropFirst(":role/".count).split(separator: "/", omittingEmptySubsequences: false)
        guard let name = parts.last, (1...64).contains(name.utf8.count), text.utf8.count <= 2048 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+=,.@_-".unicodeScalars.contains($0)) }
        }
    }

    /// Fails unless every given role has an access entry on the live cluster (an error or an empty answer fail too). The
    /// ARNs were validated (`isRoleARN`: no quote can occur in them) before they reach the JMESPath literal.
    static func check(roles: [String], region: String, cluster: String) -> String {
        let q = ShellQuote.word
        let listed = "length(accessEntries[?contains(['" + roles.joined(separator: "','") + "'], @)])"
        return "{ COUNT=$(aws eks list-access-entries --region \(q(region)) --cluster-name \(q(cluster)) --query \(q(listed)) --output text) && [ \"$COUNT\" = \(Set(roles).count) ]; }"
            + " || { echo \(q("not every --admin-role-arn role has an access entry on \(cluster): aws eks list-access-entries")) >&2; false; }"
    }

    /// eksctl's `accessConfig` for the cluster: the creator stays admin (someone must be until the roles are checked), and
    /// each given role gets cluster admin.
    static func eksctlConfig(roles: [String], region: String) -> YAMLValue {
        var fields: [(key: String, value: YAMLValue)] = [("authenticationMode", .string(authenticationMode)),
                                                         ("bootstrapClusterCreatorAdminPermissions", .bool(true))]
        if !roles.isEmpty {
            fields.append(("accessEntries", .sequence(roles.map { role in
                .mapping([("principalARN", .string(role)),
                          ("accessPolicies", .sequence([.mapping([("policyARN", .string(policyARN(region: region))),
                                                                  ("accessScope", .mapping([("type", .string("cluster"))]))])]))])
            })))
        }
        return .mapping(fields)
    }
}
