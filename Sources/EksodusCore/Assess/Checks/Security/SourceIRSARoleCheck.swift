/// A ServiceAccount that holds an IRSA role on the source cluster (`eks.amazonaws.com/role-arn`). The role's trust policy
/// names the source cluster's OIDC provider (`oidc.eks.<region>.amazonaws.com/id/<id>:sub`); a new EKS cluster has a new
/// issuer, so copied as it is the annotation gives pods AccessDenied from AssumeRoleWithWebIdentity, or keeps a role of
/// another account unnoticed (EKS User Guide, "Assign IAM roles to Kubernetes service accounts" and "Create an IAM OIDC
/// provider for your cluster": https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html,
/// https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html).
struct SourceIRSARoleCheck: Check {
    let info = CheckInfo(
        id: "SEC010", title: "ServiceAccount with the source cluster's IRSA role", severity: .warning, category: .security,
        rationale: "An IRSA role trusts one cluster's OIDC provider: on the new cluster the same annotation fails AssumeRoleWithWebIdentity (AccessDenied), and a role of another account goes over unnoticed.",
        remediation: "Let the plan's role (plan:identity) take the role's permissions, or add the new cluster's OIDC provider to the role's trust policy (aws iam update-assume-role-policy) or move it to EKS Pod Identity; convert drops the old annotation.",
        triggering: ["""
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: web
              namespace: shop
              annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/web"}
            """],
        nonTriggering: ["""
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: web
              namespace: shop
            """]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.resources(kind: "ServiceAccount").compactMap { serviceAccount in
            guard let arn = serviceAccount.annotations[IAMRoleReference.irsaAnnotation] else { return nil }
            let shown = "'\(String(arn.prefix(300)).visibleLine)'"
            let field = "metadata.annotations[\(IAMRoleReference.irsaAnnotation)]"
            guard let role = IAMRoleReference(arn), let account = role.account else {
                return finding(serviceAccount, field: field, "ServiceAccount \(serviceAccount.namespace)/\(serviceAccount.name) names IRSA role \(shown), which is no IAM role ARN: find the role its pods assume before the cutover", severity: .blocker)
            }
            return finding(serviceAccount, field: field,
                           "ServiceAccount \(serviceAccount.namespace)/\(serviceAccount.name) holds IRSA role \(role.arn ?? "") of account \(account), whose trust policy names the source cluster's OIDC provider: on EKS its pods would get AccessDenied; the plan's role takes its permissions (plan:identity, which stops on a role of another account than --account-id)")
        }
    }
}
