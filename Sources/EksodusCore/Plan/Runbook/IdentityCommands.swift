/// The commands that prepare each ServiceAccount's IAM role of the identity plan. The eksctl config creates the roles
/// with the cluster (IRSA `iam.serviceAccounts`, or `iam.podIdentityAssociations`, whose roles eksctl makes trust
/// `pods.eks.amazonaws.com` for `sts:AssumeRole` and `sts:TagSession`: EKS User Guide, "Create IAM role with trust policy
/// required by EKS Pod Identity", https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html) and attaches to each
/// the customer managed policy of the same name, so those policies exist first. A kube2iam/kiam role's permissions carry
/// over into that policy; a workload that ran as `default` gets the ServiceAccount `eksodus convert` writes for it, so
/// `default` (and every other pod using it) never holds the role.
enum IdentityCommands {
    static func commands(_ entries: [IdentityPlan.Entry], region: String) -> (commands: [String], rollback: [String]) {
        let q = ShellQuote.word
        var commands: [String] = [], rollback: [String] = []
        for entry in entries {
            let document = q(ShellQuote.fileName([entry.roleName], suffix: ".policy.json"))
            if let source = entry.sourceRole {
                let name = q(IdentityPlan.roleName(source))
                commands.append("aws iam list-attached-role-policies --role-name \(name)  " + ShellQuote.comment("kube2iam/kiam role \(source): its permissions go into \(entry.roleName)'s policy"))
                commands.append("aws iam list-role-policies --role-name \(name)  # and its inline policies (get-role-policy)")
            }
            commands.append("aws iam create-policy --region \(q(region)) --policy-name \(q(entry.roleName)) --policy-document file://\(document)  " + ShellQuote.comment("what \(entry.workload) uses today; the eksctl config attaches it to role \(entry.roleName)"))
            rollback.append("aws iam delete-policy --policy-arn \"arn:aws:iam::$AWS_ACCOUNT_ID:policy/\"\(q(entry.roleName))")
        }
        return (commands, rollback)
    }
}
