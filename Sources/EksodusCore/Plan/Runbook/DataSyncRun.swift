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
    /// Polls every 30 s, for at most `DATASYNC_WAIT_SECONDS` (a day unless set).
    static let wait = "DATASYNC_WAIT_UNTIL=$(( $(date -u +%s) + ${DATASYNC_WAIT_SECONDS:-86400} ))"

    /// What the finished execution's description must show (jq -n, on `describe-task-execution`'s JSON: `input` fails
    /// when there is none, where `jq -e` alone exits 0 on no input).
    static func succeeded(verifyMode: String) -> String {
        "input | .Status == \"SUCCESS\" and .Options.VerifyMode == \"\(verifyMode)\" and .Result.VerifyStatus == \"SUCCESS\""
            + " and ([.FilesFailed // {} | .[]] | add // 0) == 0 and (.FilesTransferred // 0) >= (.EstimatedFilesToTransfer // 0)"
    }

    /// The commands of one pass: start, wait, check. `what` names it in the messages.
    static func pass(_ what: String, taskFile: String, verifyMode: String, madeBy: String = "the data step") -> [String] {
        let describe = "aws datasync describe-task-execution --task-execution-arn \"$DATASYNC_EXECUTION_ARN\" --output json"
        let file = ShellQuote.word(taskFile)
        return ["{ test -s \(file) && DATASYNC_EXECUTION_ARN=$(aws datasync start-task-execution --task-arn \"$(cat \(file))\" --override-options VerifyMode=\(verifyMode) --query TaskExecutionArn --output text) && test -n \"$DATASYNC_EXECUTION_ARN\"; } || { echo "
                    + ShellQuote.word("DataSync did not start " + what + ": its task (" + taskFile + ") is made by " + madeBy + "; check it and its locations") + " >&2; false; }  " + ShellQuote.comment(what),
                wait + "; DATASYNC_STATUS=; while :; do DATASYNC_STATUS=$(" + describe + " --query Status) || DATASYNC_STATUS=; "
                    + "case \"$DATASYNC_STATUS\" in *SUCCESS*|*ERROR*) break ;; esac; [ \"$(date -u +%s)\" -lt \"$DATASYNC_WAIT_UNTIL\" ] || break; sleep 30; done; "
                    + "case \"$DATASYNC_STATUS\" in *SUCCESS*) ;; *) echo \"DataSync execution $DATASYNC_EXECUTION_ARN ended ${DATASYNC_STATUS:-without an answer} (or is still running): see its Result in describe-task-execution\" >&2; false ;; esac",
                describe + " | jq -n -e " + ShellQuote.word(succeeded(verifyMode: verifyMode)) + " >/dev/null || { echo "
                    + ShellQuote.word("DataSync reported failed or missing files, or no \(verifyMode) verification, for " + what + ": see FilesFailed, Options and Result in describe-task-execution, fix, re-run") + " >&2; false; }"]
    }
}
