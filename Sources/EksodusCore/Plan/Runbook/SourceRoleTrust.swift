/// The gates that stop a manifest from granting an IAM role: before the identity plan reads a source role's permissions
/// into a tenant's new role, or keeps that role for the tenant's ServiceAccount, the source must show that this workload
/// was already allowed to assume it. A ServiceAccount's `eks.amazonaws.com/role-arn` or a pod's `iam.amazonaws.com/role`
/// is written by whoever may edit that namespace, and names any role at all (an account's admin role too).
///
/// - IRSA: the role's own trust policy must hold an Allow statement for `sts:AssumeRoleWithWebIdentity` whose
///   `Principal.Federated` is an IAM OIDC provider (the source cluster's, `SOURCE_OIDC_ISSUER`, when the operator sets it)
///   and whose `StringEquals` or `StringLike` condition on that provider's `:sub` is exactly
///   `system:serviceaccount:NAMESPACE:NAME` ("Assign IAM roles to Kubernetes service accounts", trust policy:
///   https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html). A wildcard, an account
///   principal or no condition does not count.
/// - kube2iam/kiam: the role trusts the nodes' role, not a ServiceAccount, so only the namespace's own restriction shows
///   the pods were meant to have it: kiam's `iam.amazonaws.com/permitted` regular expression (https://github.com/uswitch/kiam,
///   its namespace annotation) matched as kiam does (unanchored), or kube2iam's
///   `iam.amazonaws.com/allowed-roles` JSON list under `--namespace-restrictions` (https://github.com/jtblin/kube2iam,
///   "Namespace Restrictions") holding the annotation as written. The regex is a variable on the right of `=~`, never
///   spliced into the script.
enum SourceRoleTrust {
    static let library = """
        # eksodus_source_role_trusts PROFILE ROLE NAMESPACE SERVICEACCOUNT: fails unless ROLE's trust policy (through PROFILE when
        # set) lets the source's OIDC provider (SOURCE_OIDC_ISSUER's when set) sign in exactly system:serviceaccount:NAMESPACE:SERVICEACCOUNT.
        eksodus_source_role_trusts() {
          local profile=() issuer=${SOURCE_OIDC_ISSUER:-} policy
          if test -n "$1"; then profile=(--profile "$1"); fi
          issuer=${issuer#https://}
          { policy=$(aws iam get-role "${profile[@]}" --role-name "$2" --query Role.AssumeRolePolicyDocument --output json) && test -n "$policy"; } || { echo "the trust policy of role $2 could not be read" >&2; return 1; }
          # shellcheck disable=SC2016  # jq's variables
          if ! printf '%s' "$policy" | jq -e --arg sub "system:serviceaccount:$3:$4" --arg issuer "$issuer" '
              def list: if type == "array" then . elif . == null then [] else [.] end;
              [.Statement | list[] | select(.Effect == "Allow")
               | select(.Action | list | any(. == "sts:AssumeRoleWithWebIdentity" or . == "sts:*" or . == "*"))
               | . as $s | (.Principal.Federated? // null) | list[] | strings
               | (capture("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/(?<host>.+)$")? // empty) | .host
               | select($issuer == "" or . == $issuer) | . as $host
               | ($s.Condition // {}) | to_entries[] | select(.key == "StringEquals" or .key == "StringLike")
               | (.value | objects | to_entries[]) | select(.key == $host + ":sub") | .value | list | select(any(.[]; . == $sub))]
              | length > 0' >/dev/null 2>&1; then
            echo "role $2 does not trust ServiceAccount $3/$4 on the source (no statement of an OIDC provider${SOURCE_OIDC_ISSUER:+ for $SOURCE_OIDC_ISSUER} whose :sub is exactly system:serviceaccount:$3:$4): a manifest cannot grant it; its permissions are not read and it is not kept" >&2
            return 1
          fi
        }

        # eksodus_kube2iam_permitted ROLE NAMESPACE PERMITTED ALLOWED: fails unless the source namespace lets its pods assume ROLE (the
        # annotation as written): kiam's iam.amazonaws.com/permitted regex PERMITTED matches it, or kube2iam's allowed-roles JSON list ALLOWED holds it.
        eksodus_kube2iam_permitted() {
          local role=$1 permitted=$3
          if test -n "$permitted" && [[ "$role" =~ $permitted ]]; then return 0; fi
          if test -n "$4" && jq -e --arg role "$role" 'type == "array" and any(.[]; . == $role)' <<< "$4" >/dev/null 2>&1; then return 0; fi
          echo "decision: namespace $2 on the source does not permit kube2iam/kiam role $role (its iam.amazonaws.com/permitted regex or iam.amazonaws.com/allowed-roles list does not name it, or the export shows neither): the role trusts the nodes, so a pod annotation alone cannot grant it; confirm with the role's owner that namespace $2 may use it, then write its policy by hand and run the item's remaining commands" >&2
          return 1
        }

        """

    /// `eksodus_source_role_trusts PROFILE ROLE NAMESPACE SERVICEACCOUNT` (`profile`: a shell word already, `''` for the
    /// signed-in account).
    static func irsaGate(profile: String, role: String, entry: IdentityPlan.Entry) -> String {
        let q = ShellQuote.word
        return "eksodus_source_role_trusts \(profile) \(q(role)) \(q(entry.namespace)) \(q(entry.serviceAccount))"
    }

    /// `eksodus_kube2iam_permitted ROLE NAMESPACE PERMITTED ALLOWED`, from the namespace's annotations in the export.
    static func kube2iamGate(annotation: String, entry: IdentityPlan.Entry) -> String {
        let q = ShellQuote.word
        return "eksodus_kube2iam_permitted \(q(annotation)) \(q(entry.namespace)) \(q(entry.permittedRoles ?? "")) \(q(entry.allowedRoles ?? ""))"
    }

    /// `EKSODUS_KEEP_ROLE_<hash>`: the decision to keep one role for one ServiceAccount, 16 hex digits of a SHA-256 of the
    /// cluster, role and ServiceAccount (each with its length), so one `yes` never keeps another role nor another tenant's.
    static func keepVariable(role: String, entry: IdentityPlan.Entry) -> String {
        "EKSODUS_KEEP_ROLE_" + DigestHex.sha256(fields: [entry.cluster, role, entry.namespace, entry.serviceAccount], digits: 16)
    }
}
