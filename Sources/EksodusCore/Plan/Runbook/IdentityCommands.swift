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
///
/// Neither path trusts the manifest alone (`SourceRoleTrust`): a source IRSA role is read or kept only when its trust
/// policy already lets the source's OIDC provider sign in this exact ServiceAccount, a kube2iam/kiam role only when the
/// namespace's restriction permits it; otherwise the line fails naming the role.
///
/// Keeping a role with an ARN (a source IRSA role, or a kube2iam role of another account) instead of the new one is a
/// decision per role and ServiceAccount, taken after `eksctl create cluster` (`EKSODUS_KEEP_ROLE_<hash>=yes`, named in
/// the step; never one flag for every role): IRSA across accounts needs an IAM
/// OIDC provider for the new cluster's issuer IN THE ROLE'S ACCOUNT, and the role's trust policy names that provider
/// ("Authenticate to another account with IRSA", option 1: https://docs.aws.amazon.com/eks/latest/userguide/cross-account-access.html;
/// "Create an IAM OIDC provider for your cluster": https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html).
/// `eksodus_irsa_trust` reads the issuer from `aws eks describe-cluster` (the cluster's account), reuses the role
/// account's provider for that issuer or creates it, and adds one statement for the ServiceAccount, each IAM call through
/// the role account's profile.
enum IdentityCommands {
    /// The variable naming an AWS CLI profile of `account`; nil unless it is twelve digits (it becomes a variable name).
    static func profileVariable(_ account: String) -> String? {
        account.utf8.count == 12 && account.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ? "SOURCE_PROFILE_\(account)" : nil
    }

    /// `"${SOURCE_PROFILE_N:?…}"`: the profile of `account`, or the line stops.
    static func profileArgument(_ variable: String, _ account: String) -> String {
        "\"${\(variable):?set \(variable) to an AWS CLI profile of account \(account)}\""
    }

    /// `eksodus_irsa_trust PROFILE ROLE NAMESPACE SERVICEACCOUNT` (PROFILE empty: the signed-in account), defined once
    /// per item; every step is re-runnable: the provider for the issuer is reused, a statement already there is kept.
    /// The provider's client is `sts.amazonaws.com` and its thumbprint is left to IAM (optional for EKS issuers).
    static func trustFunction(region: String) -> String { "# shellcheck disable=SC2016  # jq's variables\n"
        + "eksodus_irsa_trust() { local profile=() issuer host arn trust;"
        + " if test -n \"$1\"; then profile=(--profile \"$1\"); fi;"
        + " { issuer=$(aws eks describe-cluster --region \(ShellQuote.word(region)) --name \"${EKS_CLUSTER:?set EKS_CLUSTER to the new cluster}\" --query cluster.identity.oidc.issuer --output text) && [[ \"$issuer\" =~ ^https://oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/id/[A-Za-z0-9]+$ ]]; } || { echo \"no OIDC issuer read for $EKS_CLUSTER: is eksctl create cluster done?\" >&2; return 1; };"
        + " host=${issuer#https://};"
        + " arn=$(aws iam list-open-id-connect-providers \"${profile[@]}\" --output json | jq -er --arg host \"$host\" '[.OpenIDConnectProviderList[].Arn | select(endswith(\":oidc-provider/\" + $host))] | .[0] // \"\"') || { echo \"the OIDC providers of profile ${1:-(signed-in)} could not be listed\" >&2; return 1; };"
        + " if test -z \"$arn\"; then arn=$(aws iam create-open-id-connect-provider \"${profile[@]}\" --url \"$issuer\" --client-id-list sts.amazonaws.com --query OpenIDConnectProviderArn --output text) || return 1; fi;"
        + " [[ \"$arn\" =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/ ]] || { echo \"no OIDC provider for $issuer in profile ${1:-(signed-in)}: got ${arn:-nothing}\" >&2; return 1; };"
        + " { trust=$(aws iam get-role \"${profile[@]}\" --role-name \"$2\" --query Role.AssumeRolePolicyDocument --output json | jq -ec --arg arn \"$arn\" --arg host \"$host\" --arg sub \"system:serviceaccount:$3:$4\" "
        + ShellQuote.word(".Statement |= (if type == \"array\" then . else [.] end) | if any(.Statement[]; (.Principal.Federated? // \"\") == $arn and (.Condition.StringEquals[$host + \":sub\"]? // \"\") == $sub) then . else .Statement += [{Effect: \"Allow\", Principal: {Federated: $arn}, Action: \"sts:AssumeRoleWithWebIdentity\", Condition: {StringEquals: {($host + \":sub\"): $sub, ($host + \":aud\"): \"sts.amazonaws.com\"}}}] end")
        + ") && test -n \"$trust\"; } || { echo \"the trust policy of role $2 could not be read\" >&2; return 1; };"
        + " aws iam update-assume-role-policy \"${profile[@]}\" --role-name \"$2\" --policy-document \"$trust\"; }"
    }

    /// The guarded keep-the-role step of one entry: it runs only once the team decided for this role and ServiceAccount
    /// (`EKSODUS_KEEP_ROLE_<hash>=yes`), and only past the gate that the source already granted it (`SourceRoleTrust`),
    /// else it says what keeping the role takes. nil for a role without an account (a bare kube2iam name).
    static func keepRole(_ role: IdentityPlan.RoleReference, source: String, entry: IdentityPlan.Entry, origin: String, accountID: String?) -> String? {
        guard let arn = role.arn, let account = role.account else { return nil }
        let q = ShellQuote.word
        let foreign = accountID.map { $0 != account } ?? false
        let profile: String
        if foreign {
            guard let variable = profileVariable(account) else { return nil }
            profile = profileArgument(variable, account)
        } else {
            profile = "''"
        }
        let decision = SourceRoleTrust.keepVariable(role: arn, entry: entry)
        let gate = entry.sourceRole == nil ? SourceRoleTrust.irsaGate(profile: profile, role: role.name, entry: entry)
            : SourceRoleTrust.kube2iamGate(annotation: source, entry: entry)
        let why = "to keep \(origin) \(arn) for ServiceAccount \(entry.namespace)/\(entry.serviceAccount) instead of \(entry.roleName): after eksctl create cluster, run the eksodus_irsa_trust definition above and this line again (not the whole item: create-policy ran) with \(decision)=yes"
            + (foreign ? " and \(profileVariable(account) ?? "") set to a profile of account \(account) (its OIDC provider for the new cluster is made there)" : "")
            + "; it fails unless the source already granted the role to this ServiceAccount"
            + (entry.sourceRole == nil ? " (the role's trust policy; set SOURCE_OIDC_ISSUER to the source cluster's issuer to require that provider)" : " (the namespace's iam.amazonaws.com/permitted or allowed-roles)")
            + ", then annotate ServiceAccount \(entry.namespace)/\(entry.serviceAccount) with eks.amazonaws.com/role-arn: \(arn)"
        return "if test \"${\(decision):-}\" = yes; then \(gate) && eksodus_irsa_trust \(profile) \(q(role.name)) \(q(entry.namespace)) \(q(entry.serviceAccount)); else echo \(q("decision: " + why)); fi  "
            + ShellQuote.comment("decision: \(why)")
    }

    static func commands(_ entries: [IdentityPlan.Entry], region: String, accountID: String? = nil) -> (commands: [String], rollback: [String]) {
        let q = ShellQuote.word
        var commands: [String] = [], rollback: [String] = [], keep: [String] = []
        for entry in entries {
            let document = q(ShellQuote.fileName([entry.roleName], suffix: ".policy.json"))
            if let (source, origin) = entry.inheritedRole {
                commands += read(source, origin: origin, entry: entry, accountID: accountID)
                // The other way: keep the role (a source IRSA role, or a kube2iam role of another account), trusting the new
                // cluster's OIDC provider in the role's own account (only a validated ARN is named).
                if let role = IdentityPlan.RoleReference(source), role.account != nil, entry.sourceRole == nil || role.account != accountID,
                   let line = keepRole(role, source: source, entry: entry, origin: origin, accountID: accountID) {
                    keep.append(line)
                }
            }
            commands.append("aws iam create-policy --region \(q(region)) --policy-name \(q(entry.roleName)) --policy-document file://\(document)  " + ShellQuote.comment("what \(entry.workload) uses today; the eksctl config attaches it to role \(entry.roleName)"))
            rollback.append("aws iam delete-policy --policy-arn \"arn:aws:iam::$AWS_ACCOUNT_ID:policy/\"\(q(entry.roleName))")
        }
        if !keep.isEmpty { commands += trustFunction(region: region).components(separatedBy: "\n") + keep }
        RunbookLibrary.loadFirst(&commands)  // the gates are the library's
        return (commands, rollback)
    }

    /// The commands that read one source role's permissions, or a failing gate that says why they cannot be read.
    static func read(_ source: String, origin: String, entry: IdentityPlan.Entry, accountID: String?) -> [String] {
        let q = ShellQuote.word, roleName = entry.roleName
        let irsa = entry.sourceRole == nil
        let shown = String(source.prefix(300)).visibleLine
        // Each comment follows its command: a hostile name never starts a line of the runbook.
        guard let role = IdentityPlan.RoleReference(source) else {
            return ["{ echo " + q("\(origin) \(shown) is no IAM role name or ARN: write \(roleName).policy.json by hand from the role the pods assume today, then run this item's remaining commands") + " >&2; false; }  "
                    + ShellQuote.comment("decision: \(origin) \(shown) is no IAM role name or ARN: find the role the pods assume today and write its permissions into \(roleName)'s policy by hand")]
        }
        let name = q(role.name)
        // kube2iam/kiam: the namespace's restriction first, before any AWS call.
        let permitted = irsa ? [] : [SourceRoleTrust.kube2iamGate(annotation: source, entry: entry) + "  "
            + ShellQuote.comment("decision: the source namespace \(entry.namespace) must permit \(origin) \(shown) (iam.amazonaws.com/permitted or allowed-roles), else its permissions are not copied into \(roleName)")]
        guard let arn = role.arn, let account = role.account else {
            // A bare name: kube2iam prefixes its --base-role-arn, whose account the manifests do not give.
            return permitted + (irsa ? [SourceRoleTrust.irsaGate(profile: "''", role: role.name, entry: entry)] : []) + ["aws iam get-role --role-name \(name) --query Role.Arn --output text  " + ShellQuote.comment("\(origin) \(shown) names no account (kube2iam/kiam prefixed its --base-role-arn): sign in to that account; this must answer that --base-role-arn followed by \(role.path.dropFirst())\(role.name)"),
                    "aws iam list-attached-role-policies --role-name \(name)  " + ShellQuote.comment("\(origin) \(shown): its permissions go into \(roleName)'s policy"),
                    "aws iam list-role-policies --role-name \(name)  # and its inline policies (get-role-policy)"]
        }
        let foreign = accountID.map { $0 != account } ?? false
        guard !foreign || profileVariable(account) != nil else { return [] }
        let variable = profileVariable(account) ?? ""
        let profile = foreign ? " --profile " + profileArgument(variable, account) : ""
        let wrongAccount = foreign
            ? "cross-account: \(arn) is in account \(account), not the plan's \(accountID ?? ""): \(variable) must be a profile of account \(account) (get-role does not answer that ARN)"
            : "get-role does not answer \(arn): sign in to account \(account) (the role's), never read a same-named role of another account"
        let decision = !foreign ? "" : "  " + ShellQuote.comment("decision: cross-account \(origin) \(arn) is in account \(account), not the plan's \(accountID ?? ""): its permissions are read in account \(account) only; decide whether \(roleName) (in \(accountID ?? "")) gets them, which may need resource policies in \(account) for the new role, or the workload keeps assuming \(arn) (the keep step below: an OIDC provider for the new cluster in account \(account), named in that role's trust policy)")
        let trusted = irsa ? [SourceRoleTrust.irsaGate(profile: foreign ? profileArgument(variable, account) : "''", role: role.name, entry: entry) + "  "
            + ShellQuote.comment("the source IRSA role must trust \(entry.namespace)/\(entry.serviceAccount) already (set SOURCE_OIDC_ISSUER to the source cluster's issuer to require it): an annotation alone does not copy its permissions")] : []
        return permitted + ["test \"$(aws iam get-role\(profile) --role-name \(name) --query Role.Arn --output text)\" = \(q(arn)) || { echo \(q(wrongAccount)) >&2; false; }" + decision] + trusted + [
                "aws iam list-attached-role-policies\(profile) --role-name \(name)  " + ShellQuote.comment("\(origin) \(arn): its permissions go into \(roleName)'s policy"),
                "aws iam list-role-policies\(profile) --role-name \(name)  # and its inline policies (get-role-policy)"]
    }
}
