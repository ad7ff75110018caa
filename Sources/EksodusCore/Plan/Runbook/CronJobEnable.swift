/// The unsuspend of a CronJob on EKS without a catch-up run.
///
/// It was applied suspended, so every schedule since then is a missed one, and "when .spec.suspend changes from true to
/// false on an existing CronJob without a starting deadline, the missed jobs are scheduled immediately" (Kubernetes docs,
/// CronJob, "Schedule suspension": https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-suspension):
/// the night's report or backup ran once more at unsuspend, on top of the source's run. With `startingDeadlineSeconds`
/// only the schedules of the last that many seconds count ("Deadline for starting the job if it misses scheduled time
/// for any reason", CronJobSpec, https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/cron-job-v1/), so
/// a CronJob without one gets `deadline` seconds (above the controller's 10 s check, which a shorter deadline can miss:
/// same page, "Job creation"), read back before the unsuspend; and the unsuspend waits until the source's last
/// scheduled run is older than the deadline, so that EKS never starts the run the source has just done. Right before the
/// unsuspend the source CronJob must still be suspended with no Job running (`CronJobIdle.idle`): one unsuspended again
/// since its suspend step (a rollback, a GitOps sync) would run beside EKS's, twice the side effects (mails, charges).
enum CronJobEnable {
    static let deadline = 60

    static let deadlinePatch = ShellQuote.word("{\"spec\":{\"startingDeadlineSeconds\":\(deadline)}}")

    /// The deadline it has, when it is a whole number of at least 10 s: nothing otherwise, and `jq -e` then fails.
    static let heldDeadline = "input | .spec.startingDeadlineSeconds | numbers | select(. >= 10 and . == floor)"

    static func commands(eks: Kubectl, source: Kubectl, ref: String) -> [String] {
        let read = eks("get \(ref) -o json") + " | jq -e -n " + ShellQuote.word(heldDeadline)
        return [
            "# a starting deadline, so that the schedules missed while it was suspended are skipped, not run at once:",
            // Convert writes the deadline into the file (ManifestConverter.startingDeadline), so this patches only one a Helm
            // release installed without it, or one edited away since the deploy.
            read + " >/dev/null || " + eks("patch \(ref) --type=merge -p \(deadlinePatch)"),
            "{ DEADLINE=$(" + read + ") && test -n \"$DEADLINE\"; } || { echo 'the CronJob on EKS has no starting deadline of at least 10 s (or the cluster did not answer): it stays suspended' >&2; false; }",
            "if ! SOURCE_LAST=$(" + source("get \(ref) -o json") + " | jq -r -n 'input | .status.lastScheduleTime // \"none\"') || [ -z \"$SOURCE_LAST\" ]; then"
                + " echo 'the source CronJob could not be read: its last run is unknown, EKS stays suspended' >&2; false; fi",
            "if [ \"$SOURCE_LAST\" = none ]; then :; elif SOURCE_EPOCH=$(date -u -d \"$SOURCE_LAST\" +%s); then SOURCE_WAIT=$(( SOURCE_EPOCH + DEADLINE - $(date -u +%s) + 1 )); "
                + "if [ \"$SOURCE_WAIT\" -gt 0 ]; then sleep \"$SOURCE_WAIT\"; fi; else echo 'the source last schedule time is not a date: EKS stays suspended' >&2; false; fi"
                + "  # the source's last run falls outside the deadline",
            source("get \(ref) -o json") + " | jq -n -e " + ShellQuote.word(CronJobIdle.idle) + " >/dev/null"
                + " || { echo 'the source CronJob is not suspended, or a Job of it still runs (or the source did not answer): EKS stays suspended; run the suspend step again' >&2; false; }",
            eks("patch \(ref) --type=merge -p \(WorkloadSteps.suspendFalse)"),
            eks("get \(ref) -o json") + " | jq -e -n 'input | .spec.suspend == false and (.spec.startingDeadlineSeconds | numbers) >= 10' >/dev/null"
                + " || { echo 'the CronJob on EKS is not unsuspended with its starting deadline: see kubectl describe' >&2; false; }",
            eks("get \(ref) -o jsonpath='{.spec.suspend} {.spec.startingDeadlineSeconds} {.status.lastScheduleTime}{\"\\n\"}'"),
        ]
    }
}
