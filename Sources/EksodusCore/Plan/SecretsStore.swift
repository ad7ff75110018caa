/// The stores the converted ExternalSecrets read: one External Secrets Operator `SecretStore` per namespace that has
/// Secrets, on AWS Secrets Manager, each signed in as a ServiceAccount of its own namespace whose IAM role reads only
/// `<source cluster>/<namespace>/*`. A store is namespaced, so an ExternalSecret can only name its own namespace's store
/// (ESO API, SecretStore vs ClusterSecretStore), and the role trusts that one ServiceAccount, so a store another
/// namespace writes naming this role's ServiceAccount or ARN cannot sign in. The operator's own pod holds no AWS identity:
/// a store without `auth` gets nothing. Without the stores, the roles and the chart's repository, no ExternalSecret ever
/// syncs and every workload reading its Secret stops at CreateContainerConfigError.
///
/// Why IRSA on every cluster, Pod Identity ones too: ESO signs in as a referenced ServiceAccount (`auth.jwt.serviceAccountRef`)
/// by requesting that account's token and calling AssumeRoleWithWebIdentity, and its AWS provider page says
/// `serviceAccountRef` cannot be used with EKS Pod Identity ("ESO can not impersonate service accounts which have iam
/// roles bound using pod identity"; https://external-secrets.io/latest/provider/aws-access/). So these roles are eksctl
/// `iam.serviceAccounts` (an OIDC provider for the cluster), whatever the workloads use.
enum SecretsStore {
    static let name = "aws-secrets-manager"
    /// What every converted ExternalSecret names: the namespaced store of its own namespace.
    static var reference: ManifestNode { .mapping([("kind", .string("SecretStore")), ("name", .string(name))]) }
    /// The operator's namespace and ServiceAccount: it needs Kubernetes rights only (the chart's ClusterRole grants
    /// `serviceaccounts/token` create, which the jwt sign-in uses), no IAM role.
    static let namespace = "external-secrets"
    static let serviceAccount = "external-secrets"
    /// The ServiceAccount each namespace's store signs in as; eksctl creates it with its role annotation.
    static let readerServiceAccount = "secrets-store-reader"
    static let chartRepository = "https://charts.external-secrets.io"
    /// Beside the cluster's wave folders of `eksodus convert`: applied by plan:secrets, before any wave's support/.
    static let fileName = "secret-store.yaml"

    /// Whether `part` can stand in an IAM resource ARN as itself: the characters of a Secrets Manager secret name except
    /// `/` (CreateSecret, Name: ASCII letters, digits and `/_+=.@-`). IAM reads `*` and `?` in a resource as wildcards and
    /// `${…}` as a policy variable (IAM User Guide, "IAM JSON policy elements: Resource"), so a namespace or cluster
    /// named with any other character gets no store and no role; its ExternalSecrets stay unsynced rather than widen a grant.
    static func isLiteralARNPart(_ part: String) -> Bool {
        !part.isEmpty && part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_+=.@-".unicodeScalars.contains($0) }
    }

    /// The namespaces whose Secrets convert writes as ExternalSecrets (`ManifestConverter`: not service-account tokens or
    /// Helm release records, not owned by another object), one reader each; none for a name that is no literal ARN part.
    static func readers(_ estate: Estate) -> [IdentityPlan.SecretReader] {
        let cluster = estate.cluster.name
        guard isLiteralARNPart(cluster) else { return [] }
        var namespaces = Set(estate.resources(kind: "Secret").filter { secret in
            let type = secret.body["type"]?.string ?? "Opaque"
            return secret.ownerKind == nil && type != "kubernetes.io/service-account-token" && !type.hasPrefix("helm.sh/release")
        }.map(\.namespace))
        // A workload whose env value eksodus masked reads it through an ExternalSecret of its own (convert's `MaskedValues`):
        // its namespace needs a store too, Secrets or not.
        for workload in estate.workloads where !namespaces.contains(workload.namespace)
            && workload.containers.contains(where: { $0.env.items.contains { $0["value"]?.string.map(MaskedFields.isWhollyMasked) ?? false } }) {
            namespaces.insert(workload.namespace)
        }
        namespaces = namespaces.filter(isLiteralARNPart)
        return namespaces.sorted().map { namespace in
            IdentityPlan.SecretReader(cluster: cluster, namespace: namespace,
                                      roleName: IdentityPlan.roleName(cluster: cluster, namespace: namespace, serviceAccount: readerServiceAccount))
        }
    }

    /// One store per reader, in the reader's namespace, signed in as the reader's ServiceAccount of that namespace. A
    /// SecretStore's `serviceAccountRef` names an account of its own namespace only: ESO reads `serviceAccountRef.namespace`
    /// for a ClusterSecretStore alone (its providers' token request takes the store's namespace otherwise), so a store
    /// written in another namespace cannot borrow this reader.
    static func manifests(region: String, readers: [IdentityPlan.SecretReader]) -> [YAMLValue] {
        readers.map { reader in
            .mapping([
                ("apiVersion", .string("external-secrets.io/v1")), ("kind", .string("SecretStore")),
                ("metadata", .mapping([("name", .string(name)), ("namespace", .string(reader.namespace))])),
                ("spec", .mapping([("provider", .mapping([("aws", .mapping([
                    ("service", .string("SecretsManager")), ("region", .string(region)),
                    ("auth", .mapping([("jwt", .mapping([("serviceAccountRef", .mapping([("name", .string(readerServiceAccount))]))]))])),
                ]))]))])),
            ])
        }
    }

    /// Read-only, on one namespace's prefix: GetSecretValue to read a secret and DescribeSecret for its metadata, nothing
    /// that lists or writes. Secrets Manager appends `-XXXXXX` to a secret's ARN, hence the trailing `*`; the `/` before it
    /// keeps `shop` from reading `shop-admin`. Nil when the cluster or namespace is no literal ARN part.
    static func policy(cluster: String, namespace: String, region: String, accountID: String) -> YAMLValue? {
        guard isLiteralARNPart(cluster), isLiteralARNPart(namespace) else { return nil }
        let partition = AWSPartition.of(region: region).name
        return .mapping([
            ("Version", .string("2012-10-17")),
            ("Statement", .sequence([.mapping([
                ("Effect", .string("Allow")),
                ("Action", .sequence(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"].map(YAMLValue.string))),
                ("Resource", .sequence([.string("arn:\(partition):secretsmanager:\(region):\(accountID):secret:\(cluster)/\(namespace)/*")])),
            ])])),
        ])
    }

    /// Exits non-zero unless every store reports Ready=True: a kubectl that fails or answers nothing fails the check, and
    /// so does a cluster with no store (`false`), where an ExternalSecret could never sync. One `kubectl get -A` for all
    /// the stores, read by jq against the namespaces expected (`--args`, never spliced into the program): a call per store
    /// made 100 calls per wave on a 100-namespace cluster. ESO sets the Ready condition once it validated the store
    /// against the provider (ESO API, SecretStore: `status.conditions`, https://external-secrets.io/latest/api/secretstore/).
    /// One command, grouped in braces, so that `A || check` stays `A || (every store)` (bash gives `||` and `&&` the same precedence).
    static func readyCheck(context: String, namespaces: [String]) -> String {
        guard !namespaces.isEmpty else { return "false  # no SecretStore is planned for this cluster" }
        let notReady = "input | [.items[] | select(.metadata.name == $name and any(.status.conditions[]?; .type == \"Ready\" and .status == \"True\")) | .metadata.namespace] as $ready"
            + " | ($ARGS.positional - $ready) | if length == 0 then true else error(\"SecretStore \\($name) missing or not Ready in: \" + join(\", \")) end"
        return "{ { STORES=$(kubectl --context \(context) get secretstores.external-secrets.io -A -o json) && jq -en --arg name \(ShellQuote.word(name)) \(ShellQuote.word(notReady)) --args "
            + namespaces.map(ShellQuote.word).joined(separator: " ") + " <<<\"$STORES\" >/dev/null; }"
            + " || { echo " + ShellQuote.word("the SecretStores \(name) of \(namespaces.count) namespaces are not all Ready (or could not be listed)") + " >&2; false; }; }"
    }
}
