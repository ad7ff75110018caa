/// The commands that prepare each ServiceAccount's IAM role of the identity plan. The eksctl config creates the roles
/// with the cluster (IRSA `iam.serviceAccounts`, or `iam.podIdentityAssociations`, whose roles eksctl makes trust
/// `pods.eks.amazonaws.com` for `sts:AssumeRole` and `sts:TagSession`: EKS User Guide, "Create IAM role with trust policy
/// required by EKS Pod Identity", https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html) and attaches to each
/// the customer managed policy of the same name, so those policies exist first. A kube2iam/kiam role's permissions carry
/// over into that policy; a workload that ran as `default` gets the ServiceAccount `eksodus convert` writes for it, so
/// `default` (and every other pod using it) never holds the role.
///
/// A source IRSA role (`eks.amazonaws.com/role-arn`) trusts the source cluster's OIDC provider only (its trust policy's
/// `oidc.eks.<region>.amazonaws.com/id/<id>:sub` condition), so pods on the new cluster would get AccessDenied from
/// AssumeRoleWithWebIdentity: its permissions carry over the same way (EKS User Guide, "Assign IAM roles to Kubernetes
/// service accounts", https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
///
/// The role read is the annotation's own: an ARN keeps its account and path, and `get-role` must answer that exact ARN
/// before any policy is listed, so a same-named role of whatever account the operator is signed in to is never copied.
/// A role of another account than the plan's is read only through a profile of that account (`SOURCE_PROFILE_<account>`).
enum IdentityCommands {
    /// The variable naming an AWS CLI profile of `account` (twelve digits, checked by `RoleReference`).
    static func profileVariable(_ account: String) -> String { "SOURCE_PROFILE_\(account)" }

    static func commands(_ entries: [IdentityPlan.Entry], region: String, accountID: String? = nil) -> (commands: [String], rollback: [String]) {
        let q = ShellQuote.word
        var commands: [String] = [], rollback: [String] = []
        for entry in entries {
            let document = q(ShellQuote.fileName([entry.roleName], suffix: ".policy.json"))
            if let (source, origin) = entry.inheritedRole {
                commands += read(source, origin: origin, into: entry.roleName, accountID: accountID)
                // The other way: keep the source IRSA role, trusting the new cluster's OIDC provider too (only a validated ARN is named).
                if entry.sourceRole == nil, let role = IdentityPlan.RoleReference(source), let arn = role.arn {
                    commands.append("true  " + ShellQuote.comment("decision: to keep \(arn) instead of \(entry.roleName), after eksctl create cluster add the new cluster's OIDC provider to its trust policy (a second Statement for system:serviceaccount:\(entry.namespace):\(entry.serviceAccount)): aws eks describe-cluster --name <new cluster> --query cluster.identity.oidc.issuer --output text; aws iam get-role --role-name \(role.name) --query Role.AssumeRolePolicyDocument; aws iam update-assume-role-policy --role-name \(role.name) --policy-document file://trust.json"))
                }
            }
            commands.append("aws iam create-policy --region \(q(region)) --policy-name \(q(entry.roleName)) --policy-document file://\(document)  " + ShellQuote.comment("what \(entry.workload) uses today; the eksctl config attaches it to role \(entry.roleName)"))
            rollback.append("aws iam delete-policy --policy-arn \"arn:aws:iam::$AWS_ACCOUNT_ID:policy/\"\(q(entry.roleName))")
        }
        return (commands, rollback)
    }

    /// The commands that read one source role's permissions, or a failing gate that says why they cannot be read.
    static func read(_ source: String, origin: String, into roleName: String, accountID: String?) -> [String] {
        let q = ShellQuote.word
        let shown = String(source.prefix(300)).visibleLine
        // Each comment follows its command: a hostile name never starts a line of the runbook.
        guard let role = IdentityPlan.RoleReference(source) else {
            return ["{ echo " + q("\(origin) \(shown) is no IAM role name or ARN: write \(roleName).policy.json by hand from the role the pods assume today, then run this item's remaining commands") + " >&2; false; }  "
                    + ShellQuote.comment("decision: \(origin) \(shown) is no IAM role name or ARN: find the role the pods assume today and write its permissions into \(roleName)'s policy by hand")]
        }
        let name = q(role.name)
        guard let arn = role.arn, let account = role.account else {
            // A bare name: kube2iam prefixes its --base-role-arn, whose account the manifests do not give.
            return ["aws iam get-role --role-name \(name) --query Role.Arn --output text  " + ShellQuote.comment("\(origin) \(shown) names no account (kube2iam/kiam prefixed its --base-role-arn): sign in to that account; this must answer that --base-role-arn followed by \(role.path.dropFirst())\(role.name)"),
                    "aws iam list-attached-role-policies --role-name \(name)  " + ShellQuote.comment("\(origin) \(shown): its permissions go into \(roleName)'s policy"),
                    "aws iam list-role-policies --role-name \(name)  # and its inline policies (get-role-policy)"]
        }
        let foreign = accountID.map { $0 != account } ?? false
        let profile = foreign ? " --profile \"${\(profileVariable(account)):?set \(profileVariable(account)) to an AWS CLI profile of account \(account)}\"" : ""
        let wrongAccount = foreign
            ? "cross-account: \(arn) is in account \(account), not the plan's \(accountID ?? ""): \(profileVariable(account)) must be a profile of account \(account) (get-role does not answer that ARN)"
            : "get-role does not answer \(arn): sign in to account \(account) (the role's), never read a same-named role of another account"
        let decision = !foreign ? "" : "  " + ShellQuote.comment("decision: cross-account \(origin) \(arn) is in account \(account), not the plan's \(accountID ?? ""): its permissions are read in account \(account) only; decide whether \(roleName) (in \(accountID ?? "")) gets them, which may need resource policies in \(account) for the new role, or the workload keeps assuming \(arn) across accounts (then that role's trust policy must name the new role)")
        return ["test \"$(aws iam get-role\(profile) --role-name \(name) --query Role.Arn --output text)\" = \(q(arn)) || { echo \(q(wrongAccount)) >&2; false; }" + decision,
                "aws iam list-attached-role-policies\(profile) --role-name \(name)  " + ShellQuote.comment("\(origin) \(arn): its permissions go into \(roleName)'s policy"),
                "aws iam list-role-policies\(profile) --role-name \(name)  # and its inline policies (get-role-policy)"]
    }
}
