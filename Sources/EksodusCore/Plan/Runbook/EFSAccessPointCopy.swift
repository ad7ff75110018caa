/// Where DataSync must write a claim that the EFS CSI driver provisioned dynamically (provisioningMode efs-ap): each such
/// volume is an access point rooted at its own directory (basePath/<pv name>, created with directoryPerms 700), whose
/// POSIX user and group (a GID from gidRangeStart, 50000 by default) EFS enforces on every request through it (EFS CSI
/// driver README, dynamic provisioning parameters; EFS User Guide, "Enforcing a user identity using an access point").
/// A DataSync location on the file system's root writes where the pod never looks; one on the root directory with the
/// source's owners leaves files the pod's enforced user cannot write. So the task must write through the claim's own
/// access point (CreateLocationEfs AccessPointArn, which requires InTransitEncryption TLS1_2; the subdirectory is then
/// relative to the access point's root: DataSync API Reference, CreateLocationEfs) with Options Uid=NONE and Gid=NONE,
/// so every file lands owned by the access point's user. Read from the live claim before the copy, checked after it.
struct EFSAccessPointCopy {
    var workload: Estate.Workload
    var claim: String
    var mountPath: String

    private var claimText: String { workload.namespace + "/" + claim }
    private func fail(_ message: String) -> String { " || { echo " + ShellQuote.word(message) + " >&2; false; }" }

    /// The claim's access point, from the bound PV's volumeHandle (`fs-…::fsap-…`), with its root and POSIX user: sets
    /// EFS_AP, EFS_ROOT, EFS_UID and EFS_GID, or fails (no answer, `None` and a non-number fail alike).
    func accessPoint() -> [String] {
        let q = ShellQuote.word
        let eks = Kubectl.eks(workload.namespace)
        return [
            "{ EFS_PV=$(" + eks("get pvc \(q(claim)) -o jsonpath='{.spec.volumeName}'") + ") && test -n \"$EFS_PV\"; }"
                + fail("claim \(claimText) is not bound on EKS: deploy it first, the copy needs its access point"),
            "{ EFS_HANDLE=$(kubectl --context \"$EKS_CONTEXT\" get pv \"$EFS_PV\" -o jsonpath='{.spec.csi.volumeHandle}') && case \"$EFS_HANDLE\" in fs-*::fsap-*) ;; *) false ;; esac && EFS_AP=${EFS_HANDLE##*::}; }"
                + fail("the volume of \(claimText) is not a dynamically provisioned EFS access point (volumeHandle fs-…::fsap-…): decide its DataSync destination by hand"),
            "{ EFS_AP_INFO=$(aws efs describe-access-points --access-point-id \"$EFS_AP\" --query 'AccessPoints[0].[RootDirectory.Path,PosixUser.Uid,PosixUser.Gid]' --output text)"
                + " && read -r EFS_ROOT EFS_UID EFS_GID <<<\"$EFS_AP_INFO\" && case \"$EFS_ROOT\" in /?*) ;; *) false ;; esac"
                + " && [[ \"$EFS_UID\" =~ ^[0-9]+$ && \"$EFS_GID\" =~ ^[0-9]+$ ]]"
                + " && echo \"\(claimText): access point $EFS_AP, root $EFS_ROOT, files owned by $EFS_UID:$EFS_GID\"; }"
                + fail("could not read the root directory and POSIX user of the access point of \(claimText): aws efs describe-access-points"),
        ]
    }

    /// Before the first pass, after `accessPoint()`: the claim's task (its ARN in `taskFile`) writes through exactly the
    /// claim's access point, without the source's owners. A task the runbook made passes; one kept from an earlier run
    /// or made by hand is checked alike.
    func destination(taskFile: String) -> [String] {
        let task = "\"$(cat " + ShellQuote.word(taskFile) + ")\""
        return [
            "{ EFS_DEST=$(aws datasync describe-task --task-arn " + task + " --query DestinationLocationArn --output text)"
                + " && EFS_DEST_AP=$(aws datasync describe-location-efs --location-arn \"$EFS_DEST\" --query AccessPointArn --output text)"
                + " && case \"$EFS_DEST_AP\" in *\":access-point/$EFS_AP\") ;; *) false ;; esac; }"
                + fail("the DataSync task of \(claimText) does not write through its access point: its files would land outside the pod's directory. "
                       + "Delete " + taskFile + " and the destination's file, then re-run: the step makes them on the access point"),
            "{ EFS_OWNERS=$(aws datasync describe-task --task-arn " + task + " --query '[Options.Uid,Options.Gid]' --output text) && test \"${EFS_OWNERS//$'\\t'/ }\" = 'NONE NONE'; }"
                + fail("the DataSync task of \(claimText) copies the source's owners: through the access point they are not the pod's; aws datasync update-task --options Uid=NONE,Gid=NONE"),
        ]
    }

    /// After the copy, through the EKS pod: nothing under the mount is owned by another user or group than the access
    /// point's, and the pod can write there. EFS_UID and EFS_GID go in as arguments, never into the script's text.
    func ownedByTheAccessPoint() -> [String] {
        let q = ShellQuote.word
        let script = "cd " + q(mountPath) + " && test -z \"$(find . \\( ! -uid \"$1\" -o ! -gid \"$2\" \\) -print | head -n 1)\""
            + " && touch .eksodus-write-check && rm .eksodus-write-check"
        let exec = Kubectl.eks(workload.namespace)("exec \(Kubectl.ref(workload, on: .eks)) -- sh -c \(q(script)) sh \"$EFS_UID\" \"$EFS_GID\"")
        return accessPoint() + ["# shellcheck disable=SC2016  # $1 and $2 expand in the pod", exec + fail(mountPath + " on EKS: files the access point's user does not own, or the pod cannot write there: set the task's Options Uid=NONE,Gid=NONE and copy again")]
    }
}
