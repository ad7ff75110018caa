/// The DataSync task of one claim, created by the runbook and read back before the first pass: its own source location
/// (the NFS export the source PV mounts, read through the agent), its own destination (the claim's EFS access point) and
/// its own task, each ARN kept in a file of its own, so a re-run reuses them and the final pass at the promotion starts
/// the same task. One task for every claim would copy one export into every claim, or nothing.
///
/// - The agent is the team's: DATASYNC_AGENT_ARN, deployed next to the file server and ONLINE (DataSync API Reference,
///   DescribeAgent, Status ONLINE | OFFLINE). CreateLocationNfs takes the server's host name, its export path and the
///   agent (OnPremConfig AgentArns); an SMB share (create-location-smb) or object storage (create-location-object-storage)
///   is made by hand, its ARN written to the source file.
/// - The EFS destination needs the file system's ARN and a subnet and security groups of a mount target (Ec2Config; the
///   subnet "in the same Availability Zone as at least one mount target"), and, through an access point, TLS1_2
///   (DataSync API Reference, CreateLocationEfs).
/// - The task writes without the source's owners (Uid=NONE,Gid=NONE: `EFSAccessPointCopy`) and removes what the source
///   deleted between passes (PreserveDeletedFiles=REMOVE, which needs TransferMode CHANGED: DataSync API Reference, Options).
/// - Its live passes verify ONLY_FILES_TRANSFERRED: the source still takes writes, and POINT_IN_TIME_CONSISTENT, which
///   "scans the entire source and destination" at the end, would fail on every file written during the pass. The final
///   pass, writes stopped, overrides it with POINT_IN_TIME_CONSISTENT: the whole copy is proved equal to the frozen source.
struct DataSyncClaimTask {
    var cluster: String
    var workload: Estate.Workload
    var claim: String
    var mountPath: String
    /// Where it lands on EFS; nil for an FSx target, whose destination location is made by hand.
    var efs: EFSAccessPointCopy?
    /// The claim's capacity, which bounds how long a pass is waited for (`DataSyncRun.waitSeconds`).
    var sizeBytes: Int? = nil

    static let liveVerifyMode = "ONLY_FILES_TRANSFERRED"
    static let finalVerifyMode = "POINT_IN_TIME_CONSISTENT"

    private var claimText: String { workload.namespace + "/" + claim }
    func fail(_ message: String) -> String { " || { echo " + ShellQuote.word(message) + " >&2; false; }" }

    /// The file holding one of its ARNs (`source`, `destination`, `task`), in the folder the runbook runs from.
    func stateFile(_ what: String) -> String {
        ShellQuote.fileName(["datasync", cluster, workload.namespace, claim, what], suffix: ".arn")
    }

    func file(_ what: String) -> String { ShellQuote.word(stateFile(what)) }

    /// The task's name in DataSync (letters, digits, `-` and `_` only: its names allow no more).
    var taskName: String { ShellQuote.fileName(["eksodus", cluster, workload.namespace, claim], suffix: "") }

    /// Its options: see the type's comment. Owners are dropped only where an access point enforces its own.
    var options: String {
        "VerifyMode=\(Self.liveVerifyMode),TransferMode=CHANGED,PreserveDeletedFiles=REMOVE,OverwriteMode=ALWAYS" + (efs == nil ? "" : ",Uid=NONE,Gid=NONE")
    }

    /// The agent must be named and online.
    static let agent = "{ test -n \"${DATASYNC_AGENT_ARN:-}\" && DATASYNC_AGENT_STATUS=$(aws datasync describe-agent --agent-arn \"$DATASYNC_AGENT_ARN\" --query Status --output text) && test \"$DATASYNC_AGENT_STATUS\" = ONLINE; }"
        + " || { echo 'set DATASYNC_AGENT_ARN to the DataSync agent deployed next to the source file server (aws datasync list-agents): it must be ONLINE' >&2; echo \"agent: ${DATASYNC_AGENT_STATUS:-no answer}\" >&2; false; }"

    /// The source location: kept, or made from the NFS export the source claim's PV mounts (in-tree `nfs`, or the
    /// nfs.csi.k8s.io driver's server, share and subdir).
    func sourceLocation() -> [String] {
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        let pv = "kubectl --context \"$SOURCE_CONTEXT\" get pv \"$DATASYNC_SOURCE_PV\" -o jsonpath="
        let read = "{ DATASYNC_SOURCE_PV=$(" + source("get pvc \(ShellQuote.word(claim)) -o jsonpath='{.spec.volumeName}'") + ") && test -n \"$DATASYNC_SOURCE_PV\""
            + " && DATASYNC_CSI=$(" + pv + "'{.spec.csi.driver}') && case \"$DATASYNC_CSI\" in ''|nfs.csi.k8s.io) ;; *) false ;; esac"
            + " && NFS_SERVER=$(" + pv + "'{.spec.nfs.server}{.spec.csi.volumeAttributes.server}') && NFS_EXPORT=$(" + pv + "'{.spec.nfs.path}{.spec.csi.volumeAttributes.share}')"
            + " && NFS_SUBDIR=$(" + pv + "'{.spec.csi.volumeAttributes.subdir}') && test -n \"$NFS_SERVER\" && case \"$NFS_EXPORT\" in /*) ;; *) false ;; esac"
            + " && NFS_EXPORT=${NFS_EXPORT%/}${NFS_SUBDIR:+/$NFS_SUBDIR}"
            + " && DATASYNC_NEW=$(aws datasync create-location-nfs --server-hostname \"$NFS_SERVER\" --subdirectory \"$NFS_EXPORT\" --on-prem-config AgentArns=\"$DATASYNC_AGENT_ARN\" --query LocationArn --output text)"
            + " && test -n \"$DATASYNC_NEW\" && printf '%s\\n' \"$DATASYNC_NEW\" > \(file("source")); }"
        return ["test -s \(file("source")) || " + read
                + fail("no DataSync source location for \(claimText): its source PV is not an NFS export (or the claim is not bound, or AWS refused). For an SMB share or object storage, create the location by hand (aws datasync create-location-smb / create-location-object-storage) and write its ARN to \(stateFile("source"))")]
    }

    /// The destination: kept, or made on the claim's EFS access point (after `EFSAccessPointCopy.accessPoint()` set EFS_AP
    /// and EFS_HANDLE), in the subnet and with the security groups of one of the file system's mount targets.
    func destinationLocation() -> [String] {
        guard efs != nil else {
            return ["test -s \(file("destination"))" + fail("no DataSync destination for \(claimText): create its location on the FSx file system by hand (aws datasync create-location-fsx-ontap / create-location-fsx-lustre) and write its ARN to \(stateFile("destination"))")]
        }
        let make = "{ EFS_FS_ARN=$(aws efs describe-file-systems --file-system-id \"${EFS_HANDLE%%::*}\" --query 'FileSystems[0].FileSystemArn' --output text)"
            + " && case \"$EFS_FS_ARN\" in arn:*:elasticfilesystem:*:file-system/fs-*) ;; *) false ;; esac"
            + " && EFS_AP_ARN=$(aws efs describe-access-points --access-point-id \"$EFS_AP\" --query 'AccessPoints[0].AccessPointArn' --output text)"
            + " && case \"$EFS_AP_ARN\" in arn:*:access-point/\"$EFS_AP\") ;; *) false ;; esac"
            + " && read -r EFS_MT EFS_SUBNET <<<\"$(aws efs describe-mount-targets --file-system-id \"${EFS_HANDLE%%::*}\" --query 'MountTargets[0].[MountTargetId,SubnetId]' --output text)\""
            + " && case \"$EFS_MT/$EFS_SUBNET\" in fsmt-*/subnet-*) ;; *) false ;; esac"
            + " && EFS_GROUPS=$(aws efs describe-mount-target-security-groups --mount-target-id \"$EFS_MT\" --query SecurityGroups --output text) && case \"$EFS_GROUPS\" in sg-*) ;; *) false ;; esac"
            + " && IFS=: read -r _ EFS_PARTITION _ EFS_REGION EFS_ACCOUNT _ <<<\"$EFS_FS_ARN\""
            + " && EFS_EC2=$(jq -n -c --arg prefix \"arn:$EFS_PARTITION:ec2:$EFS_REGION:$EFS_ACCOUNT:\" --arg subnet \"$EFS_SUBNET\" --arg groups \"$EFS_GROUPS\""
            + " '{SubnetArn: ($prefix + \"subnet/\" + $subnet), SecurityGroupArns: ($groups | split(\"\\t\") | map($prefix + \"security-group/\" + .))}')"
            + " && DATASYNC_NEW=$(aws datasync create-location-efs --efs-filesystem-arn \"$EFS_FS_ARN\" --access-point-arn \"$EFS_AP_ARN\" --in-transit-encryption TLS1_2 --ec2-config \"$EFS_EC2\" --query LocationArn --output text)"
            + " && test -n \"$DATASYNC_NEW\" && printf '%s\\n' \"$DATASYNC_NEW\" > \(file("destination")); }"
        return ["# shellcheck disable=SC2016  # $prefix, $subnet and $groups are jq's",
                "test -s \(file("destination")) || " + make
                    + fail("could not create the DataSync destination of \(claimText) on its EFS access point (file system, access point, mount target or its security groups unreadable, or AWS refused)")]
    }

    /// The task: kept, or made from the two locations; then read back: those two locations, AVAILABLE.
    func task() -> [String] {
        let locations = "--source-location-arn \"$(cat \(file("source")))\" --destination-location-arn \"$(cat \(file("destination")))\""
        let create = "test -s \(file("task")) || { DATASYNC_NEW=$(aws datasync create-task \(locations) --name \(ShellQuote.word(taskName)) --options \(options) --query TaskArn --output text)"
            + " && test -n \"$DATASYNC_NEW\" && printf '%s\\n' \"$DATASYNC_NEW\" > \(file("task")); }"
        let readBack = Self.readBack(task: file("task"), from: file("source"), to: file("destination"))
        return [create + fail("could not create the DataSync task of \(claimText)"),
                readBack + fail("the DataSync task in \(stateFile("task")) does not copy \(stateFile("source")) to \(stateFile("destination")), or is not AVAILABLE, QUEUED or RUNNING (its agent offline?): fix it, or delete the file to make a new one")
                    + " || { echo \"task: ${DATASYNC_TASK:-no answer}\" >&2; false; }"]
    }

    /// Reads the task back: it copies `from` to `to` and can run. A task whose execution is under way is QUEUED or RUNNING
    /// (DataSync API, DescribeTask: Status AVAILABLE | CREATING | QUEUED | RUNNING | UNAVAILABLE), which a re-run during a
    /// long pass meets: the pass step then waits for that execution instead of starting one.
    static func readBack(task: String, from source: String, to destination: String) -> String {
        "{ DATASYNC_TASK=$(aws datasync describe-task --task-arn \"$(cat \(task))\" --query '[SourceLocationArn,DestinationLocationArn,Status]' --output text)"
            + " && [[ \"$DATASYNC_TASK\" == \"$(cat \(source))\"$'\\t'\"$(cat \(destination))\"$'\\t'* ]]"
            + " && case \"${DATASYNC_TASK##*$'\\t'}\" in AVAILABLE|QUEUED|RUNNING) ;; *) false ;; esac; }"
    }

    /// Everything before the first pass, in order: agent, locations, task, and where the task writes (EFS).
    func prepare() -> [String] {
        let accessPoint = efs?.accessPoint() ?? []
        return [Self.agent] + sourceLocation() + accessPoint + destinationLocation() + task() + (efs?.destination(taskFile: stateFile("task")) ?? [])
    }

    /// One pass of its task: live (ONLY_FILES_TRANSFERRED) or the final one, writes stopped (POINT_IN_TIME_CONSISTENT).
    func pass(final: Bool) -> [String] {
        DataSyncRun.pass((final ? "the final pass of " : "the copy of ") + claimText + " (" + mountPath + ")", taskFile: stateFile("task"),
                         verifyMode: final ? Self.finalVerifyMode : Self.liveVerifyMode, sizeBytes: sizeBytes)
    }

    /// Undoing the copy: the tasks (the rollback's return task too), then their locations; each file goes once AWS has
    /// deleted what it names.
    func delete() -> [String] {
        [("return-task", "delete-task --task-arn"), ("task", "delete-task --task-arn"), ("destination", "delete-location --location-arn"), ("source", "delete-location --location-arn")].map { what, call in
            "! test -s \(file(what)) || { aws datasync \(call) \"$(cat \(file(what)))\" && rm -f \(file(what)); }"
        }
    }
}
