/// The gate that a suspended CronJob has stopped writing: `.spec.suspend` is true and `.status.active` (the Jobs it runs
/// now) is empty. Suspending stops new runs only; a Job already running goes on (Kubernetes API, CronJobSpec.suspend:
/// "suspend subsequent executions, it does not apply to already started executions"), so the gate waits for it,
/// polling, for at most `JOB_WAIT_SECONDS` (six hours unless set), and fails when it still runs then, or when the
/// cluster does not answer: `input` fails on no input, where `jq -e` alone exits 0 (jq 1.6).
enum CronJobIdle {
    static let idle = "input | .spec.suspend == true and ((.status.active // []) | length) == 0"

    static func gate(_ kubectl: Kubectl, ref: String) -> String {
        "JOB_WAIT_UNTIL=$(( $(date -u +%s) + ${JOB_WAIT_SECONDS:-21600} )); JOB_IDLE=; while :; do if " + kubectl("get \(ref) -o json") + " | jq -n -e "
            + ShellQuote.word(idle) + " >/dev/null; then JOB_IDLE=1; break; fi; [ \"$(date -u +%s)\" -lt \"$JOB_WAIT_UNTIL\" ] || break; sleep 10; done; "
            + "[ -n \"$JOB_IDLE\" ] || { echo 'the CronJob is not suspended, or a Job of it still runs (or the cluster did not answer): wait for it (JOB_WAIT_SECONDS) and re-run' >&2; false; }"
    }
}
