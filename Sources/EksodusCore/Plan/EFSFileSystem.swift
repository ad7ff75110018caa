/// The EFS file system a cluster's shared claims need, made by plan:storage before the efs StorageClass names it: an
/// encrypted file system, a security group allowing NFS (TCP 2049) from the cluster's VPC, and a mount target in each of
/// the cluster's private subnets, one per zone (EFS CSI driver, docs/efs-create-filesystem.md; Amazon EFS User Guide,
/// "Creating mount targets": one mount target per Availability Zone). Its id is read back and written into the class
/// file, which is applied only once it names that file system.
///
/// Every line can run again: the file system is found by its creation token, the group by its name, the rule and the
/// mount targets by what exists. Each line fails, with why, when AWS answers nothing usable.
struct EFSFileSystem {
    /// The EKS cluster's name.
    var cluster: String
    var region: String
    /// The StorageClass file plan:storage applies (`converted/<cluster>/storageclasses.yaml`).
    var classFile: String

    /// Idempotency token of create-file-system (at most 64 characters).
    var creationToken: String { String(("eksodus-" + cluster + "-efs").prefix(64)) }
    var securityGroupName: String { cluster + "-efs-nfs" }

    /// Sets VPC_ID, VPC_CIDR, SUBNETS, EFS_SG and FS_ID, makes what is missing, and writes FS_ID into the class file.
    func commands() -> [String] {
        let q = ShellQuote.word
        let region = "--region " + q(self.region)
        func fail(_ message: String) -> String { "{ echo \(q(message)) >&2; false; }" }
        let placeholder = StoragePlan.fileSystemPlaceholder
        return [
            "{ VPC_ID=$(aws eks describe-cluster \(region) --name \(q(cluster)) --query cluster.resourcesVpcConfig.vpcId --output text) && [[ $VPC_ID == vpc-* ]]; } || "
                + fail("the cluster VPC could not be read"),
            "{ VPC_CIDR=$(aws ec2 describe-vpcs \(region) --vpc-ids \"$VPC_ID\" --query 'Vpcs[0].CidrBlock' --output text) && [[ $VPC_CIDR == */* ]]; } || "
                + fail("the VPC CIDR could not be read"),
            // eksctl tags its private subnets kubernetes.io/role/internal-elb=1: one per zone, where the nodes run.
            "{ SUBNETS=$(aws ec2 describe-subnets \(region) --filters Name=vpc-id,Values=\"$VPC_ID\" Name=tag:kubernetes.io/role/internal-elb,Values=1 --query 'Subnets[].SubnetId' --output text) && [[ $SUBNETS == subnet-* ]]; } || "
                + fail("no private subnet (tag kubernetes.io/role/internal-elb=1) in the cluster VPC"),
            "EFS_SG=$(aws ec2 describe-security-groups \(region) --filters Name=vpc-id,Values=\"$VPC_ID\" Name=group-name,Values=\(q(securityGroupName)) --query 'SecurityGroups[0].GroupId' --output text) || EFS_SG=; "
                + "if [[ $EFS_SG != sg-* ]]; then EFS_SG=$(aws ec2 create-security-group \(region) --vpc-id \"$VPC_ID\" --group-name \(q(securityGroupName)) "
                + "--description 'NFS (TCP 2049) to EFS from the cluster VPC' --query GroupId --output text) || EFS_SG=; fi; [[ $EFS_SG == sg-* ]] || "
                + fail("the EFS security group could not be found or made"),
            "{ NFS_FROM=$(aws ec2 describe-security-groups \(region) --group-ids \"$EFS_SG\" --query \"SecurityGroups[0].IpPermissions[?FromPort==\\`2049\\`].IpRanges[].CidrIp\" --output text) && "
                + "{ tr '\\t' '\\n' <<<\"$NFS_FROM\" | grep -qxF \"$VPC_CIDR\" || aws ec2 authorize-security-group-ingress \(region) --group-id \"$EFS_SG\" --protocol tcp --port 2049 --cidr \"$VPC_CIDR\" >/dev/null; }; } || "
                + fail("NFS (TCP 2049) from the cluster VPC could not be allowed"),
            "FS_ID=$(aws efs describe-file-systems \(region) --creation-token \(q(creationToken)) --query 'FileSystems[0].FileSystemId' --output text) || FS_ID=; "
                + "if [[ $FS_ID != fs-* ]]; then FS_ID=$(aws efs create-file-system \(region) --creation-token \(q(creationToken)) --encrypted --performance-mode generalPurpose "
                + "--throughput-mode elastic --tags Key=Name,Value=\(q(cluster + "-efs")) --query FileSystemId --output text) || FS_ID=; fi; [[ $FS_ID =~ ^fs-[0-9a-f]+$ ]] || "
                + fail("the EFS file system could not be found or made"),
            "for _ in $(seq 60); do FS_STATE=$(aws efs describe-file-systems \(region) --file-system-id \"$FS_ID\" --query 'FileSystems[0].LifeCycleState' --output text) || FS_STATE=; "
                + "[ \"$FS_STATE\" = available ] && break; sleep 5; done; [ \"$FS_STATE\" = available ] || " + fail("the EFS file system is not available"),
            // Word splitting of $SUBNETS is wanted: AWS prints the subnet ids separated by tabs.
            "{ MOUNTED=$(aws efs describe-mount-targets \(region) --file-system-id \"$FS_ID\" --query 'MountTargets[].SubnetId' --output text) && MOUNT_FAILED= && "
                + "for SUBNET in $SUBNETS; do tr '\\t' '\\n' <<<\"$MOUNTED\" | grep -qxF \"$SUBNET\" || aws efs create-mount-target \(region) --file-system-id \"$FS_ID\" "
                + "--subnet-id \"$SUBNET\" --security-groups \"$EFS_SG\" >/dev/null || MOUNT_FAILED=\"$MOUNT_FAILED $SUBNET\"; done && [ -z \"$MOUNT_FAILED\" ]; } || "
                + fail("a mount target could not be made in every private subnet"),
            "for _ in $(seq 60); do MT_PENDING=$(aws efs describe-mount-targets \(region) --file-system-id \"$FS_ID\" --query \"length(MountTargets[?LifeCycleState!='available'])\" --output text) || MT_PENDING=; "
                + "[ \"$MT_PENDING\" = 0 ] && break; sleep 5; done; [ \"$MT_PENDING\" = 0 ] || " + fail("the EFS mount targets are not available"),
            // The id replaces the placeholder; the class is applied only once the file names this very file system.
            "{ sed -i \"s/\(placeholder)/$FS_ID/\" \(q(classFile)) && grep -qxF \"  fileSystemId: $FS_ID\" \(q(classFile)); } || "
                + fail("\(classFile) does not name the EFS file system (still \(placeholder), or another id): StorageClasses cannot be updated, so fix the file before it is applied"),
        ]
    }

    /// The check after the apply: the live efs class names the file system (a class applied earlier keeps its old parameters).
    func liveCheck(eks: Kubectl) -> String {
        "test \"$(\(eks("get storageclass efs -o jsonpath='{.parameters.fileSystemId}'")))\" = \"$FS_ID\" || "
            + "{ echo \(ShellQuote.word("the live efs StorageClass names another file system: StorageClasses cannot be updated; delete it (no claim uses it yet) and apply \(classFile) again")) >&2; false; }"
    }
}
