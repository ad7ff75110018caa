/// What replaces the source's cluster-admin bindings (plan:access): the bindings ClusterAdminBindingCheck finds, which
/// convert does not write, and the narrower grants the team puts in their place on EKS.
///
/// - A ServiceAccount gets the `admin` ClusterRole in the namespaces it deploys to, a RoleBinding in each.
/// - A User gets an access entry for the IAM principal the person signs in as (`PRINCIPAL_ARN_<i>`, one per user), with
///   AmazonEKSAdminPolicy scoped to those namespaces (or AmazonEKSClusterAdminPolicy on the cluster where it must manage
///   cluster-scoped objects: EKS User Guide, "Associate access policies with access entries"; AccessScope).
/// - A Group has no principal of its own: an access entry's principal is one IAM user or role (EKS User Guide, "Create
///   access entries", https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html; an IAM user group is
///   no principal: IAM User Guide, "IAM user groups"), and one principal has one access entry. So each group is a
///   decision: the role its members assume on EKS (`GROUP_ROLE_ARN_<i>`), checked to be a role and no user's principal,
///   never a user's ARN reused.
///
/// `NAMESPACES` has one format everywhere: comma-separated DNS-1123 labels (`shop,payments`), as the CLI's shorthand
/// `--access-scope type=namespace,namespaces=shop,payments` takes it, split into an array for the RoleBindings; every
/// command that reads it checks it first.
extension AdminAccess {
    struct Grants {
        var bindings: [String] = []
        var commands: [String] = []
        var rollback: [String] = []
    }

    /// The check every use of `$NAMESPACES` runs first.
    static let namespacesGate = "{ [[ \"${NAMESPACES:-}\" =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(,[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$ ]] || { echo "
        + ShellQuote.word("NAMESPACES must name the namespaces these grants cover, comma-separated DNS-1123 labels without spaces (export NAMESPACES=shop,payments)")
        + " >&2; false; }; }"

    /// The check of one principal variable: an IAM role ARN of the region's partition, or (`users: true`) a user's too.
    static func principalGate(_ variable: String, region: String, users: Bool, notEqual others: [String] = [], why: String) -> String {
        let partition = AWSPartition.of(region: region).name
        let types = users ? "(user|role)" : "role"
        var gate = "[[ \"${\(variable):-}\" =~ ^arn:\(partition):iam::[0-9]{12}:\(types)/[A-Za-z0-9+=,.@_/-]+$ ]]"
        for other in others { gate += " && [ \"$\(variable)\" != \"${\(other):-}\" ]" }
        return "{ { \(gate); } || { echo " + ShellQuote.word(why) + " >&2; false; }; }"
    }

    static func grants(_ estate: Estate, cluster: String, region: String) -> Grants {
        let q = ShellQuote.word
        let eks = Kubectl.eks(nil)
        let policies = "arn:\(AWSPartition.of(region: region).name):eks::aws:cluster-access-policy/"
        let aws = "--region \(q(region)) --cluster-name \(q(cluster))"
        var result = Grants()
        var users: [ClusterAdminBindingCheck.Subject] = [], groups: [ClusterAdminBindingCheck.Subject] = []
        var accounts: [(binding: String, subject: ClusterAdminBindingCheck.Subject)] = []
        // Past the first ten subjects of a binding, none is written out: each is named, left to decide by hand (no grant).
        var unwritten: [String] = []
        for binding in estate.resources(kind: "ClusterRoleBinding") {
            let grantees = ClusterAdminBindingCheck.grantees(binding.body, name: binding.name)
            guard !grantees.isEmpty else { continue }
            result.bindings.append("ClusterRoleBinding \(binding.name) → \(grantees.map(\.label).joined(separator: ", "))")
            if grantees.count > 10 {
                unwritten.append("decision: ClusterRoleBinding \(binding.name) names \(grantees.count) subjects; the grants below cover its first 10, and these \(grantees.count - 10) get none until decided by hand: "
                                 + grantees.dropFirst(10).map(\.label).joined(separator: ", "))
            }
            for subject in grantees.prefix(10) {
                switch subject.kind {
                case "ServiceAccount": accounts.append((binding.name, subject))
                case "Group": if !groups.contains(subject) { groups.append(subject) }
                default: if !users.contains(subject) { users.append(subject) }
                }
            }
        }
        guard !result.bindings.isEmpty else { return result }
        result.commands.append(namespacesGate + "  " + ShellQuote.comment("every grant below covers these namespaces only"))
        result.commands += unwritten.map(ShellQuote.comment)
        let split = "IFS=, read -r -a EKSODUS_NAMESPACES <<< \"$NAMESPACES\" && EKSODUS_FAILED=0 && for ns in \"${EKSODUS_NAMESPACES[@]}\"; do "
        for (binding, subject) in accounts {
            let account = "\(subject.namespace ?? "default"):\(subject.name)"
            let grant = q(ShellQuote.fileName([binding, "admin"], suffix: ""))
            result.commands.append(ShellQuote.comment("instead of \(binding) for \(subject.label): the admin role in each of $NAMESPACES"))
            // create --dry-run | apply: a re-run updates the binding instead of failing on AlreadyExists.
            result.commands.append(namespacesGate + " && " + split
                + eks("-n \"$ns\" create rolebinding \(grant) --clusterrole=admin --serviceaccount=\(q(account)) --dry-run=client -o yaml") + " | " + eks("-n \"$ns\" apply -f -")
                + " || EKSODUS_FAILED=1; done && [ \"$EKSODUS_FAILED\" = 0 ]")
            result.rollback.append(namespacesGate + " && " + split + eks("-n \"$ns\" delete rolebinding \(grant) --ignore-not-found") + " || EKSODUS_FAILED=1; done && [ \"$EKSODUS_FAILED\" = 0 ]")
        }
        let userVariables = users.indices.map { "PRINCIPAL_ARN_\($0)" }
        func entry(_ variable: String, gate: String, for label: String) {
            let arn = "--principal-arn \"$\(variable)\""
            // describe first: an IAM principal has one access entry, and create refuses a second (ResourceInUseException).
            result.commands.append(gate + " && { aws eks describe-access-entry \(aws) \(arn) >/dev/null 2>&1 || aws eks create-access-entry \(aws) \(arn); }")
            result.commands.append(gate + " && " + namespacesGate + " && aws eks associate-access-policy \(aws) \(arn) --policy-arn \(q(policies + "AmazonEKSAdminPolicy")) --access-scope type=namespace,namespaces=\"$NAMESPACES\"  "
                + ShellQuote.comment("or \(policies)AmazonEKSClusterAdminPolicy with --access-scope type=cluster, if \(label) must manage cluster-scoped objects"))
            result.rollback.append(gate + " && { ! aws eks describe-access-entry \(aws) \(arn) >/dev/null 2>&1 || aws eks delete-access-entry \(aws) \(arn); }")
        }
        for (user, variable) in zip(users, userVariables) {
            let why = "\(variable) must be the IAM user or role ARN (arn:\(AWSPartition.of(region: region).name):iam::ACCOUNT:user/NAME or :role/NAME) that \(user.label) signs in as"
            result.commands.append(ShellQuote.comment("instead of cluster-admin for \(user.label): export \(variable)=the IAM user or role it signs in as"))
            entry(variable, gate: principalGate(variable, region: region, users: true, why: why), for: user.label)
        }
        for (index, group) in groups.enumerated() {
            let variable = "GROUP_ROLE_ARN_\(index)"
            let why = "decision: \(group.label) had cluster-admin; an EKS access entry takes one IAM user or role, never a group, so decide the IAM role its members assume on EKS and export \(variable)=arn:\(AWSPartition.of(region: region).name):iam::ACCOUNT:role/NAME (a role of its own: no user's PRINCIPAL_ARN_N)"
            result.commands.append(ShellQuote.comment(why))
            entry(variable, gate: principalGate(variable, region: region, users: false, notEqual: userVariables, why: why), for: group.label)
        }
        return result
    }
}
