/// Before `eksctl create cluster`: the principal running it must not be one of the `--admin-role-arn` roles. The config
/// keeps `bootstrapClusterCreatorAdminPermissions: true` (someone must be admin until those roles are checked), so EKS
/// makes an access entry for the creator; an explicit `accessEntries` entry for the same role then collides, EKS answers
/// 409 ResourceInUseException ("access entry resource is already in use") and eksctl's stack rolls back (EKS API
/// Reference, CreateAccessConfigRequest; aws/eks-distro#2805). The plan cannot know who will run eksctl, so this is checked
/// where it runs, from `aws sts get-caller-identity`.
enum CreatorAccessGate {
    /// What a session of `role` looks like to STS: `arn:<p>:sts::<account>:assumed-role/<name>/<session>` (the role's path
    /// is dropped: IAM User Guide, reference_identifiers, "IAM ARNs"), or the role ARN itself. nil for an ARN that is not
    /// a role's (checked by `AdminAccess.isRoleARN` before it reaches here).
    static func callerPatterns(role: String) -> (sessionPrefix: String, roleARN: String)? {
        let parts = role.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[5].hasPrefix("role/"),
              let name = parts[5].split(separator: "/").last else { return nil }
        return ("arn:\(parts[1]):sts::\(parts[4]):assumed-role/\(name)/", role)
    }

    /// One line: read the caller (a failed call, an empty answer or `None` fails), then fail when it is one of the admin roles.
    /// The ARNs were validated (`AdminAccess.isRoleARN`) and are quoted anyway; the session part is the only glob.
    static func commands(admins: [String], cluster: String) -> [String] {
        let patterns = admins.compactMap(callerPatterns)
        guard !patterns.isEmpty else { return [] }
        let q = ShellQuote.word
        let alternatives = patterns.map { q($0.sessionPrefix) + "*|" + q($0.roleARN) }.joined(separator: "|")
        let advice = "eksctl is running as an --admin-role-arn role, which also gets the creator's admin entry: EKS would refuse the second entry (409, access entry already in use) and roll back \(cluster). Run eksctl create cluster as another principal, or plan again without that role in --admin-role-arn"
        return ["{ { CALLER=$(aws sts get-caller-identity --query Arn --output text) && test -n \"$CALLER\" && test \"$CALLER\" != None; }"
                    + " || { echo 'could not read who runs eksctl: aws sts get-caller-identity' >&2; false; }; }"
                    + " && case \"$CALLER\" in \(alternatives)) echo \(q(advice)) >&2; false ;; esac"]
    }
}
