/// An IAM role as a kube2iam/kiam or IRSA annotation names it: a bare name or path and name (kube2iam prefixes its
/// --base-role-arn, an account the manifests do not give), or a full ARN, whose account and path are kept.
public struct IAMRoleReference: Sendable, Equatable {
    /// The ServiceAccount annotation by which IRSA names the role its pods assume.
    public static let irsaAnnotation = "eks.amazonaws.com/role-arn"

    public var partition: String?
    /// The ARN's account; nil for a bare name.
    public var account: String?
    /// `/` or `/some/path/`.
    public var path: String
    public var name: String

    public var arn: String? {
        guard let partition, let account else { return nil }
        return "arn:\(partition):iam::\(account):role\(path)\(name)"
    }

    /// nil when the text is no role name, path and name, or role ARN: IAM role names are 1 to 64 of `[\w+=,.@-]`, paths
    /// `/` or `/` printable ASCII `/` up to 512 (IAM API Reference, CreateRole: RoleName, Path), accounts 12 digits.
    public init?(_ text: String) {
        let namePattern = #"[A-Za-z0-9_+=,.@-]{1,64}"#
        let pathPattern = #"/(?:[\x21-\x7E]{0,510}/)?"#
        if text.hasPrefix("arn:") {
            guard let match = text.firstMatch(of: try! Regex(#"\Aarn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]):iam::([0-9]{12}):role("# + pathPattern + ")(" + namePattern + #")\z"#)),
                  match.count == 5, let partition = match[1].substring, let account = match[2].substring,
                  let path = match[3].substring, let name = match[4].substring else { return nil }
            (self.partition, self.account, self.path, self.name) = (String(partition), String(account), String(path), String(name))
            return
        }
        let full = text.hasPrefix("/") ? text : "/" + text
        guard let match = full.firstMatch(of: try! Regex("\\A(" + pathPattern + ")(" + namePattern + #")\z"#)),
              match.count == 3, let path = match[1].substring, let name = match[2].substring else { return nil }
        (self.partition, self.account, self.path, self.name) = (nil, nil, String(path), String(name))
    }
}
