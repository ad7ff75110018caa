/// Velero on both clusters of a move, over one BackupStorageLocation (an S3 bucket, a prefix per source cluster): the
/// source backs up into it, EKS restores from it (Velero docs, "Cluster migration": both clusters' Velero point at the
/// same location; https://velero.io/docs/main/migration-case/). The EKS side reads it through Pod Identity, the source
/// through a credentials file `velero install --secret-file` reads (Velero docs, customize-installation: --secret-file,
/// --no-secret, --use-node-agent for file-system backups); no key is ever on a command line. EKS only restores, so its
/// location is read-only (Velero docs, disaster-case: accessMode ReadOnly), and neither side is used before its location
/// reports Available and its node-agent runs.
struct VeleroInstall {
    var sourceCluster: String
    var eksCluster: String
    var region: String
    var accountID: String

    /// The AWS plugin matching Velero 1.17 (velero-plugin-for-aws README, compatibility table).
    static let awsPlugin = "velero/velero-plugin-for-aws:v1.13.1"

    /// EKS Pod Identity's trust policy (EKS User Guide, pod-id-role).
    static let podIdentityTrust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#

    /// The bucket's objects and the bucket itself, as a printf format taking the bucket name twice.
    var bucketPolicy: String {
        let partition = AWSPartition.of(region: region).name
        return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],"Resource":"arn:"# + partition
            + #":s3:::%s/*"},{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":"arn:"# + partition + #":s3:::%s"}]}"#
    }

    var roleName: String { String("eksodus-velero-\(eksCluster)".prefix(64)) }

    /// `context`: the quoted context expression, `"$SOURCE_CONTEXT"` or a per-cluster variable (FinalBackup).
    private func install(_ context: String, credentials: String, wait: Bool = true) -> String {
        "velero install --kubecontext \(context) --provider aws --plugins \(Self.awsPlugin) --bucket \"$VELERO_BUCKET\" --prefix \(ShellQuote.word(sourceCluster))"
            + " --backup-location-config region=\(ShellQuote.word(region)) \(credentials) --use-node-agent --use-volume-snapshots=false" + (wait ? " --wait" : "")
    }

    /// `velero install` gives its Deployment and its Linux node-agent no toleration and has no flag for one (Velero,
    /// pkg/install/deployment.go and daemonset.go), and every group the compute plan makes for EKS but `general` is tainted
    /// (`ComputePlan`): where all workloads are stateful there is none, the server stays Pending (`--wait` gives up after
    /// three minutes), and no node-agent runs where the restored pods and their volumes are. So EKS installs without
    /// waiting; the server joins the system group, beside the other cluster controllers (its taint's toleration and label),
    /// and the node-agent tolerates every taint (its own node affinity keeps it off Windows nodes), then both are waited for.
    var eksPlacement: [String] {
        let velero = Kubectl(side: .eks, namespace: "velero")
        let label = ComputePlan.systemLabel
        let server = JSONWriter.string(.mapping([("spec", .mapping([("template", .mapping([("spec", .mapping([
            ("tolerations", .sequence([ComputePlan.systemTaint.tolerationNode])), ("nodeSelector", .mapping([(label.key, .string(label.value))]))]))]))]))]))
        return [velero("patch deployment velero --type strategic -p \(ShellQuote.word(server))") + "  # the server: on the system group",
                velero("patch daemonset node-agent --type strategic -p " + ShellQuote.word(#"{"spec":{"template":{"spec":{"tolerations":[{"operator":"Exists"}]}}}}"#))
                    + "  # the node-agent: on every group, the tainted stateful ones included",
                velero("rollout status deployment/velero --timeout=10m")]
    }

    private func ready(_ context: String, which: String) -> [String] {
        let velero = { (arguments: String) in "kubectl --context \(context) -n \(ShellQuote.word("velero")) " + arguments }
        return ["{ PHASE=$(" + velero("get backupstoragelocations.velero.io default -o jsonpath='{.status.phase}'") + ") && test \"$PHASE\" = Available; } || { echo "
                    + ShellQuote.word("the \(which) cluster's Velero cannot reach the bucket (location not Available)") + "\" (${PHASE:-no answer})\" >&2; false; }",
                velero("rollout status daemonset/node-agent --timeout=10m") + "  # the file-system backups run in it, on every node"]
    }

    var commands: [String] {
        let q = ShellQuote.word
        let role = AWSPartition.of(region: region).iamARN(account: accountID, "role/\(roleName)")
        return ["# VELERO_BUCKET: one S3 bucket (versioned, encrypted, private) for both clusters",
                "aws s3api head-bucket --bucket \"$VELERO_BUCKET\" --region \(q(region)) || { echo 'create the bucket first (aws s3api create-bucket)' >&2; false; }",
                "# EKS: Velero's ServiceAccount takes an IAM role through Pod Identity, with the S3 permissions of velero-plugin-for-aws's README",
                "aws iam create-role --role-name \(q(roleName)) --assume-role-policy-document " + q(Self.podIdentityTrust),
                "aws iam put-role-policy --role-name \(q(roleName)) --policy-name velero-bucket --policy-document \"$(printf " + q(bucketPolicy) + " \"$VELERO_BUCKET\" \"$VELERO_BUCKET\")\"",
                "aws eks create-pod-identity-association --region \(q(region)) --cluster-name \(q(eksCluster)) --namespace velero --service-account velero --role-arn \(q(role))",
                install(Kubectl.Side.eks.context, credentials: "--no-secret", wait: false)]
            + eksPlacement
            + [Kubectl(side: .eks, namespace: "velero")("patch backupstoragelocations.velero.io default --type merge -p '{\"spec\":{\"accessMode\":\"ReadOnly\"}}'") + "  # EKS restores only: it never writes or deletes a backup"]
            + ready(Kubectl.Side.eks.context, which: "EKS")
            + ["# the source: the key of an IAM user with the same bucket policy, in a credentials file ([default] aws_access_key_id/aws_secret_access_key, mode 600, from your vault); velero install reads the file",
               Self.credentialsCheck, sourceInstall(Kubectl.Side.source.context)]
            + ready(Kubectl.Side.source.context, which: "source")
    }

    static let credentialsCheck = "test -s \"$VELERO_CREDENTIALS_FILE\" || { echo 'set VELERO_CREDENTIALS_FILE to the source credentials file' >&2; false; }"

    private func sourceInstall(_ context: String) -> String {
        install(context, credentials: "--secret-file \"$VELERO_CREDENTIALS_FILE\"") + "  # --kubelet-root-dir if its kubelet does not use /var/lib/kubelet"
    }

    /// Velero on a source reached through `context`, installed only where it is missing (plan:backup installed it on the
    /// clusters that copied volumes with it), then checked like plan:backup checks it: location Available, node-agent running.
    func onSource(_ context: String) -> [String] {
        let q = ShellQuote.word
        return ["kubectl --context \(context) -n \(q("velero")) get deployment velero >/dev/null 2>&1 || { { aws s3api head-bucket --bucket \"$VELERO_BUCKET\" --region \(q(region))"
                    + " || { echo 'create the bucket first (aws s3api create-bucket)' >&2; false; }; } && { " + Self.credentialsCheck + "; } && " + install(context, credentials: "--secret-file \"$VELERO_CREDENTIALS_FILE\"") + "; }"
                    + "  # VELERO_BUCKET, VELERO_CREDENTIALS_FILE: as for plan:backup"]
            + ready(context, which: "source \(sourceCluster)")
    }

    var rollback: [String] {
        let q = ShellQuote.word
        let eks = "--region \(q(region)) --cluster-name \(q(eksCluster))"
        return ["velero uninstall --kubecontext \"$EKS_CONTEXT\" --force", "velero uninstall --kubecontext \"$SOURCE_CONTEXT\" --force",
                "for id in $(aws eks list-pod-identity-associations \(eks) --namespace velero --service-account velero --query 'associations[].associationId' --output text); do aws eks delete-pod-identity-association \(eks) --association-id \"$id\"; done",
                "aws iam delete-role-policy --role-name \(q(roleName)) --policy-name velero-bucket && aws iam delete-role --role-name \(q(roleName))",
                "# the bucket keeps the backups until you delete it"]
    }
}
