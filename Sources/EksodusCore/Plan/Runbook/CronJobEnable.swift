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
/// That wait is bounded: above `longestWait` (a manifest's large deadline) the step refuses, saying what it waits for,
/// rather than hold the night for it. A schedule that fell between the source's suspend and this unsuspend, earlier than
/// the deadline, runs on neither cluster: the step cannot tell from bash whether one did (a cron expression, a time
/// zone), so it prints the source's last run and the schedule, and the command that runs it once on EKS.
enum CronJobEnable {
    static let deadline = 60

    static let deadlinePatch = ShellQuote.word("{\"spec\":{\"startingDeadlineSeconds\":\(deadline)}}")

    /// The deadline it has, when it is a whole number of at least 10 s: nothing otherwise, and `jq -e` then fails.
    static let heldDeadline = "input | .spec.startingDeadlineSeconds | numbers | select(. >= 10 and . == floor)"

    /// The longest the unsuspend waits for the source's last run to leave EKS's deadline.
    static let longestWait = 600

    /// The sleep until `$<last>` (a date, or `none`) is more than `$<deadline>` seconds ago; refuses above `longestWait`.
    static func waitOut(last: String, deadline: String, what: String, refusal: String) -> String {
        "if [ \"$\(last)\" = none ]; then :; elif LAST_EPOCH=$(date -u -d \"$\(last)\" +%s); then LAST_WAIT=$(( LAST_EPOCH + \(deadline) - $(date -u +%s) + 1 )); "
            + "if [ \"$LAST_WAIT\" -gt \(longestWait) ]; then echo \"\(what) ran at $\(last): waiting $LAST_WAIT s until it is older than the starting deadline ($\(deadline) s) is over \(longestWait / 60) minutes; \(refusal)\" >&2; false; "
            + "elif [ \"$LAST_WAIT\" -gt 0 ]; then echo \"waiting $LAST_WAIT s, until \(what)'s run at $\(last) is older than the starting deadline ($\(deadline) s)\"; sleep \"$LAST_WAIT\"; fi; "
            + "else echo '\(what) last schedule time is not a date: \(refusal)' >&2; false; fi"
    }

    /// The name of a Job run by hand from the CronJob: at most 63 characters with the `-manual-` and 10-digit time.
    static func manualJob(_ name: String) -> String { String(name.prefix(44)) + "-manual-" }

    static func commands(eks: Kubectl, source: Kubectl, ref: String, name: String) -> [String] {
        let read = eks("get \(ref) -o json") + " | jq -e -n " + ShellQuote.word(heldDeadline)
        return [
            "# a starting deadline, so that the schedules missed while it was suspended are skipped, not run at once:",
            // Convert writes the deadline into the file (ManifestConverter.startingDeadline), so this patches only one a Helm
            // release installed without it, or one edited away since the deploy.
            read + " >/dev/null || " + eks("patch \(ref) --type=merge -p \(deadlinePatch)"),
            "{ DEADLINE=$(" + read + ") && test -n \"$DEADLINE\"; } || { echo 'the CronJob on EKS has no starting deadline of at least 10 s (or the cluster did not answer): it stays suspended' >&2; false; }",
            "if ! SOURCE_LAST=$(" + source("get \(ref) -o json") + " | jq -r -n 'input | .status.lastScheduleTime // \"none\"') || [ -z \"$SOURCE_LAST\" ]; then"
                + " echo 'the source CronJob could not be read: its last run is unknown, EKS stays suspended' >&2; false; fi",
            waitOut(last: "SOURCE_LAST", deadline: "DEADLINE", what: "the source",
                    refusal: "EKS stays suspended; re-run this step later, or lower its startingDeadlineSeconds on EKS")
                + "  # the source's last run falls outside the deadline",
            source("get \(ref) -o json") + " | jq -n -e " + ShellQuote.word(CronJobIdle.idle) + " >/dev/null"
                + " || { echo 'the source CronJob is not suspended, or a Job of it still runs (or the source did not answer): EKS stays suspended; run the suspend step again' >&2; false; }",
            eks("patch \(ref) --type=merge -p \(WorkloadSteps.suspendFalse)"),
            eks("get \(ref) -o json") + " | jq -e -n 'input | .spec.suspend == false and (.spec.startingDeadlineSeconds | numbers) >= 10' >/dev/null"
                + " || { echo 'the CronJob on EKS is not unsuspended with its starting deadline: see kubectl describe' >&2; false; }",
            eks("get \(ref) -o jsonpath='{.spec.suspend} {.spec.startingDeadlineSeconds} {.status.lastScheduleTime}{\"\\n\"}'"),
            "# a schedule between the source's suspend and this unsuspend, earlier than the deadline, ran nowhere: check it by hand",
            "echo \"WARNING: the source last ran at $SOURCE_LAST; if a schedule of '$(" + eks("get \(ref) -o jsonpath='{.spec.schedule} {.spec.timeZone}'")
                + ")' fell after that and more than $DEADLINE s ago, it ran on neither cluster: run it once on EKS with\" >&2",
            "# shellcheck disable=SC2016  # the command is printed for the operator, $(date +%s) included",
            "printf '  %s\\n' " + ShellQuote.word(eks("create job --from=\(ShellQuote.word("cronjob/" + name)) \(ShellQuote.word(manualJob(name)))$(date +%s)")) + " >&2",
        ]
    }
}
