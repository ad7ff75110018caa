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
    /// The runbook computes the same in the shell, at `DATASYNC_LINK_MBPS` where the link is slower (`wait`).
    static func waitSeconds(sizeBytes: Int?) -> Int {
        guard let sizeBytes, sizeBytes > 0 else { return unsizedWait }
        return max(shortestWait, (sizeBytes + floorBytesPerSecond - 1) / floorBytesPerSecond)
    }

    /// The floor rate in megabits a second, `DATASYNC_LINK_MBPS`'s default: 400 Mbit/s is 50 MB/s.
    static let floorMegabits = floorBytesPerSecond / 125_000

    /// The statuses of an execution that has not ended (DescribeTaskExecution's Status but SUCCESS, ERROR and CANCELLING,
    /// which ends on its own): one of these is the pass a run before this one started, waited for instead of starting
    /// another, which DataSync would queue behind it ("For each task, you can only run one task execution at a time":
    /// DataSync API Reference, StartTaskExecution; a queued one launches once "previously queued tasks" finish:
    /// DescribeTaskExecution, StartTime; https://docs.aws.amazon.com/datasync/latest/userguide/API_StartTaskExecution.html).
    static let unfinished = ["QUEUED", "LAUNCHING", "PREPARING", "TRANSFERRING", "VERIFYING"]

    /// The first unfinished execution in `list-task-executions`' JSON (TaskExecutions[].TaskExecutionArn and Status:
    /// DataSync API Reference, ListTaskExecutions), or nothing.
    static let firstUnfinished = "[.TaskExecutions[]? | select(.Status | IN(" + unfinished.map { "\"\($0)\"" }.joined(separator: ", ") + ")) | .TaskExecutionArn][0] // empty"

    /// Sets the bound (`DATASYNC_WAIT`, seconds) and the clock; fails on a `DATASYNC_LINK_MBPS` (megabits a second) or a
    /// `DATASYNC_WAIT_SECONDS` that is not a whole number. The bound is the claim's capacity at the link's rate, at least
    /// 15 minutes; two hours for a claim of unknown size.
    static func wait(sizeBytes: Int?) -> String {
        let bound: String
        if let sizeBytes, sizeBytes > 0 {
            bound = "DATASYNC_RATE=$(( DATASYNC_LINK * 125000 )); DATASYNC_BOUND=$(( (\(sizeBytes) + DATASYNC_RATE - 1) / DATASYNC_RATE )); DATASYNC_BOUND=$(( DATASYNC_BOUND > \(shortestWait) ? DATASYNC_BOUND : \(shortestWait) ))"
        } else {
            bound = "DATASYNC_BOUND=\(unsizedWait)"
        }
        return "DATASYNC_LINK=${DATASYNC_LINK_MBPS:-\(floorMegabits)}; if ! [[ \"$DATASYNC_LINK\" =~ ^[1-9][0-9]{0,5}$ && \"${DATASYNC_WAIT_SECONDS:-0}\" =~ ^[0-9]{1,8}$ ]]; then "
            + "echo 'DATASYNC_LINK_MBPS (the link to the source file server in megabits a second) and DATASYNC_WAIT_SECONDS must be whole numbers' >&2; false; else "
            + bound + "; DATASYNC_WAIT=${DATASYNC_WAIT_SECONDS:-$DATASYNC_BOUND}; DATASYNC_START=$(date -u +%s); DATASYNC_WAIT_UNTIL=$(( DATASYNC_START + DATASYNC_WAIT )); DATASYNC_POLLS=0"
    }

    static let progress = "DATASYNC_POLLS=$(( DATASYNC_POLLS + 1 )); if [ $(( DATASYNC_POLLS % 10 )) -eq 0 ]; then echo \"DataSync execution $DATASYNC_EXECUTION_ARN: ${DATASYNC_STATUS:-no answer} after $(( ($(date -u +%s) - DATASYNC_START) / 60 )) min of at most $(( DATASYNC_WAIT / 60 )) (DATASYNC_WAIT_SECONDS)\" >&2; fi"

    /// What the finished execution's description must show (jq -n, on `describe-task-execution`'s JSON: `input` fails
    /// when there is none, where `jq -e` alone exits 0 on no input).
    static func succeeded(verifyMode: String) -> String {
        "input | .Status == \"SUCCESS\" and .Options.VerifyMode == \"\(verifyMode)\" and .Result.VerifyStatus == \"SUCCESS\""
            + " and ([.FilesFailed // {} | .[]] | add // 0) == 0 and (.FilesTransferred // 0) >= (.EstimatedFilesToTransfer // 0)"
    }

    /// Sets `DATASYNC_EXECUTION_ARN`: the task's unfinished execution if it has one (a re-run), else a new one.
    static func start(_ what: String, taskFile: String, verifyMode: String, madeBy: String) -> String {
        let file = ShellQuote.word(taskFile)
        return "{ test -s \(file) && DATASYNC_LIST=$(aws datasync list-task-executions --task-arn \"$(cat \(file))\" --output json) && DATASYNC_RUNNING=$(jq -r \(ShellQuote.word(firstUnfinished)) <<<\"$DATASYNC_LIST\"); } || { echo "
            + ShellQuote.word("could not list the DataSync executions of " + what + " (its task, " + taskFile + ", is made by " + madeBy + "): nothing started") + " >&2; false; }; "
            + "if [ -n \"${DATASYNC_RUNNING:-}\" ]; then DATASYNC_EXECUTION_ARN=$DATASYNC_RUNNING; echo \"DataSync execution $DATASYNC_EXECUTION_ARN of this task has not ended (an earlier run started it): waiting for it, not starting another\" >&2; "
            + "else { test -s \(file) && DATASYNC_EXECUTION_ARN=$(aws datasync start-task-execution --task-arn \"$(cat \(file))\" --override-options VerifyMode=\(verifyMode) --query TaskExecutionArn --output text) && test -n \"$DATASYNC_EXECUTION_ARN\"; } || { echo "
            + ShellQuote.word("DataSync did not start " + what + ": its task (" + taskFile + ") is made by " + madeBy + "; check it and its locations") + " >&2; false; }; fi  " + ShellQuote.comment(what)
    }

    /// The commands of one pass: start (or find the one running), wait, check. `what` names it in the messages.
    static func pass(_ what: String, taskFile: String, verifyMode: String, madeBy: String = "the data step", sizeBytes: Int? = nil) -> [String] {
        let describe = "aws datasync describe-task-execution --task-execution-arn \"$DATASYNC_EXECUTION_ARN\" --output json"
        return [start(what, taskFile: taskFile, verifyMode: verifyMode, madeBy: madeBy),
                wait(sizeBytes: sizeBytes) + "; DATASYNC_STATUS=; while :; do DATASYNC_STATUS=$(" + describe + " --query Status) || DATASYNC_STATUS=; "
                    + "case \"$DATASYNC_STATUS\" in *SUCCESS*|*ERROR*) break ;; esac; [ \"$(date -u +%s)\" -lt \"$DATASYNC_WAIT_UNTIL\" ] || break; " + progress + "; sleep 30; done; "
                    + "case \"$DATASYNC_STATUS\" in *SUCCESS*) ;; *ERROR*) echo \"DataSync execution $DATASYNC_EXECUTION_ARN ended ERROR: see its Result in describe-task-execution\" >&2; false ;; "
                    + "*) echo \"DataSync execution $DATASYNC_EXECUTION_ARN still ${DATASYNC_STATUS//\\\"/} after $(( DATASYNC_WAIT / 60 )) min (the bound: the claim at DATASYNC_LINK_MBPS=$DATASYNC_LINK Mbit/s, or DATASYNC_WAIT_SECONDS): re-run to keep waiting, it will not start another execution\" >&2; false ;; esac; fi",
                describe + " | jq -n -e " + ShellQuote.word(succeeded(verifyMode: verifyMode)) + " >/dev/null || { echo "
                    + ShellQuote.word("DataSync reported failed or missing files, or no \(verifyMode) verification, for " + what + " (an execution an earlier pass of another mode started is waited for, not this one: re-run to start it): see FilesFailed, Options and Result in describe-task-execution, fix, re-run") + " >&2; false; }"]
    }
}

