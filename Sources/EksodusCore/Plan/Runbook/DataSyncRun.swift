/// One AWS DataSync pass that the runbook waits for: `start-task-execution` returns as soon as the execution is queued,
/// so its `TaskExecutionArn` is kept and `describe-task-execution` is polled until the execution ends. It ends in
/// `SUCCESS` or `ERROR` (AWS DataSync API Reference, DescribeTaskExecution, Status: QUEUED | CANCELLING | LAUNCHING |
/// PREPARING | TRANSFERRING | VERIFYING | SUCCESS | ERROR; https://docs.aws.amazon.com/datasync/latest/userguide/API_DescribeTaskExecution.html).
/// A success still counts: no file may have failed (`FilesFailed`) and `FilesTransferred`, which "can be less than
/// EstimatedFilesToTransfer" when failures occur, must reach that estimate. The pass runs one claim's task (its ARN in
/// the claim's file, `DataSyncClaimTask`) with the verification it asks for, and its description must show that mode
/// and a verification that ended SUCCESS (Result.VerifyStatus PENDING | SUCCESS | ERROR: DataSync API Reference,
/// TaskExecutionResultDetail).
enum DataSyncRun {
    /// The slowest copy a pass is waited for, in bytes a second: half of a 1 Gbit/s link, which a DataSync agent in front
    /// of a file server usually has at least (one agent task moves up to 10 Gbit/s: DataSync User Guide, Quotas).
    static let floorBytesPerSecond = 50_000_000
    static let shortestWait = 15 * 60
    /// For a claim of unknown size.
    static let unsizedWait = 2 * 3600

    /// How long a pass is waited for unless `DATASYNC_WAIT_SECONDS` says otherwise: the claim's whole capacity at the
    /// floor rate, at least 15 minutes (the execution's LAUNCHING and PREPARING, which lists both sides, come first), two
    /// hours when the claim's size is unknown. A claim holds at most its capacity, so this errs long where it is part
    /// full. A day, as before, left a stalled execution (an agent gone OFFLINE keeps it TRANSFERRING) blocking migration
    /// night in silence: the bound fails the step in time to decide, and the loop says where it is every five minutes.
    static func waitSeconds(sizeBytes: Int?) -> Int {
        guard let sizeBytes, sizeBytes > 0 else { return unsizedWait }
        return max(shortestWait, (sizeBytes + floorBytesPerSecond - 1) / floorBytesPerSecond)
    }

    /// Polls every 30 s, for at most `DATASYNC_WAIT_SECONDS` (`waitSeconds` unless set), printing the status every tenth poll.
    static func wait(sizeBytes: Int?) -> String {
        "DATASYNC_WAIT=${DATASYNC_WAIT_SECONDS:-\(waitSeconds(sizeBytes: sizeBytes))}; DATASYNC_START=$(date -u +%s); DATASYNC_WAIT_UNTIL=$(( DATASYNC_START + DATASYNC_WAIT )); DATASYNC_POLLS=0"
    }

    static let progress = "DATASYNC_POLLS=$(( DATASYNC_POLLS + 1 )); if [ $(( DATASYNC_POLLS % 10 )) -eq 0 ]; then echo \"DataSync execution $DATASYNC_EXECUTION_ARN: ${DATASYNC_STATUS:-no answer} after $(( ($(date -u +%s) - DATASYNC_START) / 60 )) min of at most $(( DATASYNC_WAIT / 60 )) (DATASYNC_WAIT_SECONDS)\" >&2; fi"

    /// What the finished execution's description must show (jq -n, on `describe-task-execution`'s JSON: `input` fails
    /// when there is none, where `jq -e` alone exits 0 on no input).
    static func succeeded(verifyMode: String) -> String {
        "input | .Status == \"SUCCESS\" and .Options.VerifyMode == \"\(verifyMode)\" and .Result.VerifyStatus == \"SUCCESS\""
            + " and ([.FilesFailed // {} | .[]] | add // 0) == 0 and (.FilesTransferred // 0) >= (.EstimatedFilesToTransfer // 0)"
    }

    /// The commands of one pass: start, wait, check. `what` names it in the messages.
    static func pass(_ what: String, taskFile: String, verifyMode: String, madeBy: String = "the data step", sizeBytes: Int? = nil) -> [String] {
        let describe = "aws datasync describe-task-execution --task-execution-arn \"$DATASYNC_EXECUTION_ARN\" --output json"
        let file = ShellQuote.word(taskFile)
        return ["{ test -s \(file) && DATASYNC_EXECUTION_ARN=$(aws datasync start-task-execution --task-arn \"$(cat \(file))\" --override-options VerifyMode=\(verifyMode) --query TaskExecutionArn --output text) && test -n \"$DATASYNC_EXECUTION_ARN\"; } || { echo "
                    + ShellQuote.word("DataSync did not start " + what + ": its task (" + taskFile + ") is made by " + madeBy + "; check it and its locations") + " >&2; false; }  " + ShellQuote.comment(what),
                wait(sizeBytes: sizeBytes) + "; DATASYNC_STATUS=; while :; do DATASYNC_STATUS=$(" + describe + " --query Status) || DATASYNC_STATUS=; "
                    + "case \"$DATASYNC_STATUS\" in *SUCCESS*|*ERROR*) break ;; esac; [ \"$(date -u +%s)\" -lt \"$DATASYNC_WAIT_UNTIL\" ] || break; " + progress + "; sleep 30; done; "
                    + "case \"$DATASYNC_STATUS\" in *SUCCESS*) ;; *) echo \"DataSync execution $DATASYNC_EXECUTION_ARN ended ${DATASYNC_STATUS:-without an answer} (or is still running): see its Result in describe-task-execution\" >&2; false ;; esac",
                describe + " | jq -n -e " + ShellQuote.word(succeeded(verifyMode: verifyMode)) + " >/dev/null || { echo "
                    + ShellQuote.word("DataSync reported failed or missing files, or no \(verifyMode) verification, for " + what + ": see FilesFailed, Options and Result in describe-task-execution, fix, re-run") + " >&2; false; }"]
    }
}
