/// The store every converted ExternalSecret reads: External Secrets Operator's ClusterSecretStore on AWS Secrets Manager,
/// with the controller's own identity (Pod Identity or IRSA, from the eksctl config) allowed to read only the cluster's
/// secrets (`<source cluster>/<namespace>/<name>`). Without the store, the identity and the chart's repository, no
/// ExternalSecret ever syncs and every workload reading its Secret stops at CreateContainerConfigError.
enum SecretsStore {
    static let name = "aws-secrets-manager"
    static let namespace = "external-secrets"
    static let serviceAccount = "external-secrets"
    static let chartRepository = "https://charts.external-secrets.io"
    /// Beside the cluster's wave folders of `eksodus convert`: applied by plan:secrets, before any wave's support/.
    static let fileName = "secret-store.yaml"

    /// No `auth`: the provider then takes the controller pod's credentials from the AWS SDK's default chain, which Pod
    /// Identity or IRSA fill (https://external-secrets.io/latest/provider/aws-access/, "Controller's Pod Identity").
    static func manifest(region: String) -> YAMLValue {
        .mapping([
            ("apiVersion", .string("external-secrets.io/v1")), ("kind", .string("ClusterSecretStore")),
            ("metadata", .mapping([("name", .string(name))])),
            ("spec", .mapping([("provider", .mapping([("aws", .mapping([("service", .string("SecretsManager")), ("region", .string(region))]))]))])),
        ])
    }

    /// Read-only, on the cluster's own prefix: the actions the provider calls to read a secret (ESO's AWS Secrets Manager
    /// provider page lists these four). Secrets Manager appends `-XXXXXX` to a secret's ARN, hence the trailing `*`.
    static func policy(cluster: String, region: String, accountID: String) -> YAMLValue {
        let partition = AWSPartition.of(region: region).name
        return .mapping([
            ("Version", .string("2012-10-17")),
            ("Statement", .sequence([.mapping([
                ("Effect", .string("Allow")),
                ("Action", .sequence(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds",
                                      "secretsmanager:GetResourcePolicy"].map(YAMLValue.string))),
                ("Resource", .sequence([.string("arn:\(partition):secretsmanager:\(region):\(accountID):secret:\(cluster)/*")])),
            ])])),
        ])
    }

    /// Exits non-zero unless the store reports Ready=True: a kubectl that fails or answers nothing fails the check.
    static func readyCheck(context: String) -> String {
        "[ \"$(kubectl --context \(context) get clustersecretstore/\(name) -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}')\" = True ]"
    }
}
