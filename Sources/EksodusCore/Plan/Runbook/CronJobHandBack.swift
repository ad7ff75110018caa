/// The rollback of a CronJob's enable: the run goes back from EKS to the source, never on both, never twice.
///
/// Suspending on EKS stops new runs only, a Job it started goes on ("it does not apply to already started executions",
/// CronJobSpec.suspend, https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/cron-job-v1/), so the
/// source is unsuspended only once EKS's `.status.active` is empty (`CronJobIdle.gate`, bounded by `JOB_WAIT_SECONDS`).
/// And the source, suspended since its suspend step, would then run its missed schedules at once ("the missed jobs are
/// scheduled immediately" without a starting deadline: https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-suspension),
/// the latest of them the one EKS has just run: so it gets a short deadline first (`CronJobEnable.deadline`, one of
/// 10–60 s it has is kept), and the unsuspend waits until EKS's last run is older than that deadline.
enum CronJobHandBack {
    /// A deadline the source keeps: a whole number of 10 to `CronJobEnable.deadline` seconds.
    static let shortDeadline = "input | .spec.startingDeadlineSeconds | numbers | select(. >= 10 and . <= \(CronJobEnable.deadline) and . == floor)"

    static func rollback(eks: Kubectl, source: Kubectl, ref: String) -> [String] {
        let read = source("get \(ref) -o json") + " | jq -e -n " + ShellQuote.word(shortDeadline)
        return [
            eks("patch \(ref) --type=merge -p \(WorkloadSteps.suspendTrue)"),
            CronJobIdle.gate(eks, ref: ref) + "  # no Job of it still runs on EKS (or delete it there: kubectl get jobs)",
            "# a short starting deadline on the source, so that its unsuspend does not run at once the schedule EKS has just run:",
            read + " >/dev/null || " + source("patch \(ref) --type=merge -p \(CronJobEnable.deadlinePatch)"),
            "{ SOURCE_DEADLINE=$(" + read + ") && test -n \"$SOURCE_DEADLINE\"; } || { echo 'the source CronJob has no starting deadline of 10 to \(CronJobEnable.deadline) s (or the source did not answer): it stays suspended' >&2; false; }",
            "# decision: the source keeps this startingDeadlineSeconds (a live patch); take it out once the schedule is back to normal if its manifest had none",
            "if ! EKS_LAST=$(" + eks("get \(ref) -o json") + " | jq -r -n 'input | .status.lastScheduleTime // \"none\"') || [ -z \"$EKS_LAST\" ]; then"
                + " echo 'the CronJob on EKS could not be read: its last run is unknown, the source stays suspended' >&2; false; fi",
            CronJobEnable.waitOut(last: "EKS_LAST", deadline: "SOURCE_DEADLINE", what: "the EKS CronJob", refusal: "the source stays suspended; re-run this rollback later")
                + "  # EKS's last run falls outside the source's deadline",
            source("patch \(ref) --type=merge -p \(WorkloadSteps.suspendFalse)"),
            source("get \(ref) -o jsonpath='{.spec.suspend} {.spec.startingDeadlineSeconds} {.status.lastScheduleTime}{\"\\n\"}'"),
        ]
    }
}
