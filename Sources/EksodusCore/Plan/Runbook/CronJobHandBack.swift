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
    /// `eksodus_cron_hand_back NAMESPACE REF`, in the runbook library.
    static let library = """
        # eksodus_cron_hand_back NAMESPACE REF: the run of the CronJob REF back from EKS to the source, never on both, never twice:
        # suspended on EKS, then the source unsuspended only once no Job of it runs on EKS (eksodus_cron_idle, JOB_WAIT_SECONDS),
        # the source given a starting deadline of 10 to \(CronJobEnable.deadline) s first (it would run its missed schedules at once, the latest
        # the one EKS has just run; one it has is kept), and EKS's last run waited out past that deadline. Read back after.
        eksodus_cron_hand_back() {
          local deadline last
          eksodus_kubectl eks "$1" patch "$2" --type=merge -p \(WorkloadSteps.suspendTrue) || return 1
          eksodus_cron_idle eks "$1" "$2" || return 1
          deadline=$(eksodus_cron_deadline source "$1" "$2" \(CronJobEnable.deadline)) || return 1
          last=$(eksodus_cron_last eks "$1" "$2") || return 1
          eksodus_cron_wait_out "$last" "$deadline" 'the EKS CronJob' 'the source stays suspended; re-run this rollback later' || return 1
          eksodus_kubectl source "$1" patch "$2" --type=merge -p \(WorkloadSteps.suspendFalse) || return 1
          eksodus_kubectl source "$1" get "$2" -o json | jq -e -n 'input | .spec.suspend == false and (.spec.startingDeadlineSeconds | numbers) >= 10' >/dev/null \\
            || { echo 'the source CronJob is not unsuspended with its starting deadline: see kubectl describe' >&2; return 1; }
          eksodus_kubectl source "$1" get "$2" -o jsonpath='{.spec.suspend} {.spec.startingDeadlineSeconds} {.status.lastScheduleTime}{"\\n"}'
        }

        """

    static func rollback(eks: Kubectl, ref: String) -> [String] {
        [
            RunbookLibrary.load,
            "# suspended on EKS; the source unsuspended once no EKS Job runs, with a short starting deadline, after EKS's last run is past it:",
            "eksodus_cron_hand_back " + ShellQuote.word(eks.namespace ?? "") + " " + ref,
            "# decision: the source keeps this startingDeadlineSeconds (a live patch); take it out once the schedule is back to normal if its manifest had none",
        ]
    }
}
