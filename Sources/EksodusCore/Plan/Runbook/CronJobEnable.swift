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

    /// The deadline it has, when it is a whole number of at least 10 s and at most `$max` (null: no limit): nothing otherwise,
    /// and `jq -e` then fails.
    static let heldDeadline = "input | .spec.startingDeadlineSeconds | numbers | select(. >= 10 and . == floor and ($max == null or . <= $max))"

    /// The longest the unsuspend waits for the other side's last run to leave the deadline.
    static let longestWait = 600

    /// `eksodus_cron_deadline`, `eksodus_cron_last`, `eksodus_cron_wait_out` and `eksodus_cron_enable`, in the runbook library.
    static let library = """
        # eksodus_cron_deadline SIDE NAMESPACE REF [MAX]: prints the startingDeadlineSeconds of the suspended CronJob REF on SIDE once it
        # is a whole number of 10 s (the controller checks every 10 s: a shorter one can miss every schedule) to MAX s (no
        # limit when empty), patching in \(deadline) s when it has none such: without one, its unsuspend runs every schedule missed
        # while it was suspended at once. Convert writes \(deadline) s into the file; this patches one a Helm release installed
        # without it, one edited away since, or a longer one than MAX. Fails when the cluster does not answer or the patch did
        # not take (read back): the CronJob stays suspended.
        eksodus_cron_deadline() {
          local held deadline
          # shellcheck disable=SC2016  # $max is jq's
          held=\(ShellQuote.word(heldDeadline))
          if ! eksodus_kubectl "$1" "$2" get "$3" -o json | jq -e -n --argjson max "${4:-null}" "$held" >/dev/null; then
            eksodus_kubectl "$1" "$2" patch "$3" --type=merge -p \(deadlinePatch) || { echo "$3 on $1: the starting deadline was not patched: it stays suspended" >&2; return 1; }
          fi
          if ! deadline=$(eksodus_kubectl "$1" "$2" get "$3" -o json | jq -e -n --argjson max "${4:-null}" "$held") || [ -z "$deadline" ]; then
            echo "$3 on $1 has no starting deadline of 10 to ${4:-any} s (or the cluster did not answer): it stays suspended" >&2
            return 1
          fi
          printf '%s\\n' "$deadline"
        }

        # eksodus_cron_last SIDE NAMESPACE REF: prints when the CronJob REF on SIDE last ran (.status.lastScheduleTime; none when
        # never); fails when it cannot be read, since the other side's unsuspend must wait that run out.
        eksodus_cron_last() {
          local last
          if ! last=$(eksodus_kubectl "$1" "$2" get "$3" -o json | jq -r -n 'input | .status.lastScheduleTime // "none"') || [ -z "$last" ]; then
            echo "$3 on $1 could not be read: its last run is unknown, nothing is unsuspended" >&2
            return 1
          fi
          printf '%s\\n' "$last"
        }

        # eksodus_cron_wait_out LAST DEADLINE WHAT REFUSAL: sleeps until LAST (a date, or none) is more than DEADLINE s ago, so that
        # the CronJob unsuspended next cannot start again the run WHAT has just done. A wait over \(longestWait) s (a manifest's
        # long deadline) is refused rather than hold the night, as is a LAST that is no date: both fail saying REFUSAL.
        eksodus_cron_wait_out() {
          local epoch left
          if [ "$1" = none ]; then return 0; fi
          epoch=$(date -u -d "$1" +%s) || { echo "$3 last schedule time is not a date ($1): $4" >&2; return 1; }
          left=$(( epoch + $2 - $(date -u +%s) + 1 ))
          if [ "$left" -gt \(longestWait) ]; then
            echo "$3 ran at $1: waiting $left s until it is older than the starting deadline ($2 s) is over \(longestWait / 60) minutes; $4" >&2
            return 1
          fi
          if [ "$left" -gt 0 ]; then
            echo "waiting $left s, until $3's run at $1 is older than the starting deadline ($2 s)"
            sleep "$left" || return 1
          fi
        }

        # eksodus_cron_enable NAMESPACE REF MANUAL_JOB: unsuspends the CronJob REF on EKS without a catch-up run and without a run
        # beside the source's: a starting deadline first (eksodus_cron_deadline), the source's last run waited out past it, and
        # the source checked suspended with no Job running right before (one unsuspended again since its suspend step, by a
        # rollback or a GitOps sync, would run beside EKS's: twice the mails, charges). The unsuspend is read back. A schedule
        # that fell between the source's suspend and this unsuspend, earlier than the deadline, ran on neither cluster, which
        # bash cannot tell (a cron expression, a time zone): it prints the source's last run, the schedule, and the command
        # that runs it once on EKS (a Job named MANUAL_JOB and the time).
        eksodus_cron_enable() {
          local deadline last schedule
          deadline=$(eksodus_cron_deadline eks "$1" "$2") || return 1
          last=$(eksodus_cron_last source "$1" "$2") || return 1
          eksodus_cron_wait_out "$last" "$deadline" 'the source' 'EKS stays suspended; re-run this step later, or lower its startingDeadlineSeconds on EKS' || return 1
          eksodus_kubectl source "$1" get "$2" -o json | jq -n -e \(ShellQuote.word(CronJobIdle.idle)) >/dev/null \\
            || { echo 'the source CronJob is not suspended, or a Job of it still runs (or the source did not answer): EKS stays suspended; run the suspend step again' >&2; return 1; }
          eksodus_kubectl eks "$1" patch "$2" --type=merge -p \(WorkloadSteps.suspendFalse) || return 1
          eksodus_kubectl eks "$1" get "$2" -o json | jq -e -n 'input | .spec.suspend == false and (.spec.startingDeadlineSeconds | numbers) >= 10' >/dev/null \\
            || { echo 'the CronJob on EKS is not unsuspended with its starting deadline: see kubectl describe' >&2; return 1; }
          eksodus_kubectl eks "$1" get "$2" -o jsonpath='{.spec.suspend} {.spec.startingDeadlineSeconds} {.status.lastScheduleTime}{"\\n"}' || return 1
          schedule=$(eksodus_kubectl eks "$1" get "$2" -o jsonpath='{.spec.schedule} {.spec.timeZone}') || schedule='(not read)'
          echo "WARNING: the source last ran at $last; if a schedule of '$schedule' fell after that and more than $deadline s ago, it ran on neither cluster: run it once on EKS with" >&2
          # shellcheck disable=SC2016  # the command is printed for the operator, $(date +%s) included
          printf '  kubectl --context "$EKS_CONTEXT" -n %q create job --from=%q %q$(date +%%s)\\n' "$1" "$2" "$3" >&2
        }

        """

    /// The name of a Job run by hand from the CronJob: at most 63 characters with the `-manual-` and 10-digit time.
    static func manualJob(_ name: String) -> String { String(name.prefix(44)) + "-manual-" }

    static func commands(eks: Kubectl, ref: String, name: String) -> [String] {
        [
            RunbookLibrary.load,
            "# a starting deadline first (missed schedules skipped, not run at once); unsuspended once the source is suspended, idle and its last run past it:",
            "eksodus_cron_enable " + ShellQuote.word(eks.namespace ?? "") + " " + ref + " " + ShellQuote.word(manualJob(name)),
        ]
    }
}
