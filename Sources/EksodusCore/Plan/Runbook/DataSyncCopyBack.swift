/// Undoing a DataSync promotion: what EKS wrote since the switch goes back to the source's NFS export before the source
/// scales up, as the PostgreSQL rollback copies back first. Each claim gets a task of its own in the other direction,
/// from the claim's EFS (or FSx) location to its NFS location: a DataSync location names storage, not a direction, so
/// the data step's two locations serve again ("DataSync can use this location as a source or destination": DataSync API
/// Reference, CreateLocationNfs; https://docs.aws.amazon.com/datasync/latest/userguide/API_CreateLocationNfs.html).
///
/// - A live pass (ONLY_FILES_TRANSFERRED) while EKS still serves moves the bulk; then EKS's writers stop and read back
///   stopped, and a final pass verifies POINT_IN_TIME_CONSISTENT, which "scans the entire source and destination" at
///   its end: the source's copy is proved equal to the stopped EKS one (DataSync API Reference, Options VerifyMode;
///   https://docs.aws.amazon.com/datasync/latest/userguide/API_Options.html). A pod still terminating that writes
///   fails that verification rather than being lost.
/// - PreserveDeletedFiles=REMOVE (with TransferMode CHANGED): a file EKS deleted is deleted on the source too.
/// - Owners are not copied back from an access point (Uid=NONE,Gid=NONE): through it every file is the access point's
///   user, never the source's.
extension DataSyncClaimTask {
    /// The return task's name in DataSync.
    var returnTaskName: String { ShellQuote.fileName(["eksodus", cluster, workload.namespace, claim, "return"], suffix: "") }

    /// The return task's options: the forward task's, from the other side.
    var returnOptions: String { options }

    /// The return task: kept, or made from the data step's locations the other way round; then read back.
    func returnTask() -> [String] {
        let locations = "--source-location-arn \"$(cat \(file("destination")))\" --destination-location-arn \"$(cat \(file("source")))\""
        let create = "test -s \(file("return-task")) || { test -s \(file("source")) && test -s \(file("destination"))"
            + " && DATASYNC_NEW=$(aws datasync create-task \(locations) --name \(ShellQuote.word(returnTaskName)) --options \(returnOptions) --query TaskArn --output text)"
            + " && test -n \"$DATASYNC_NEW\" && printf '%s\\n' \"$DATASYNC_NEW\" > \(file("return-task")); }"
        let readBack = Self.readBack(task: file("return-task"), from: file("destination"), to: file("source"))
        return [create + fail("could not create the DataSync task copying \(workload.namespace)/\(claim) back to the source (the data step's locations \(stateFile("source")) and \(stateFile("destination")) are needed)"),
                readBack + fail("the DataSync task in \(stateFile("return-task")) does not copy \(stateFile("destination")) back to \(stateFile("source")), or is not AVAILABLE, QUEUED or RUNNING: fix it, or delete the file to make a new one")
                    + " || { echo \"task: ${DATASYNC_TASK:-no answer}\" >&2; false; }"]
    }

    /// One pass of the return task: live, or the final one with EKS's writers stopped.
    func returnPass(final: Bool) -> [String] {
        DataSyncRun.pass((final ? "the final copy back of " : "the copy back of ") + workload.namespace + "/" + claim + " (" + mountPath + ")", taskFile: stateFile("return-task"),
                         verifyMode: final ? Self.finalVerifyMode : Self.liveVerifyMode, madeBy: "the rollback's line above", sizeBytes: sizeBytes)
    }

    /// The whole rollback of a workload's DataSync promotion: every claim copied back, EKS stopped, verified, then the
    /// source's freeze lifts.
    static func copyBack(_ claims: [DataSyncClaimTask], _ workload: Estate.Workload, liftSourceFreeze: [String]) -> [String] {
        let eks = Kubectl.eks(workload.namespace), ref = Kubectl.ref(workload, on: .eks)
        let stopped = "{ EKS_PODS=$(" + eks("get \(ref) -o jsonpath='{.spec.replicas} {.status.replicas}'") + ") && read -r EKS_WANT EKS_HAVE <<<\"$EKS_PODS\""
            + " && test \"$EKS_WANT\" = 0 && test \"${EKS_HAVE:-0}\" = 0; } || { echo "
            + ShellQuote.word("\(workload.kind)/\(workload.namespace)/\(workload.name) still runs pods on EKS (or did not answer): its writes would miss the final copy back; wait for them to stop, then re-run") + " >&2; echo \"replicas wanted, running: ${EKS_PODS:-no answer}\" >&2; false; }"
        return [DataCopy.writesOnEKS + "; each claim is copied back first"]
            + claims.flatMap { $0.returnTask() + $0.returnPass(final: false) }
            + ["# the source stays stopped; EKS's writers stop now (point its callers back at the source first)", eks("scale \(ref) --replicas=0"), stopped]
            + claims.flatMap { $0.returnPass(final: true) }
            + liftSourceFreeze
    }
}
