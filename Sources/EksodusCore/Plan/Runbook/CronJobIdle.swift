/// The gate that a suspended CronJob has stopped writing: `.spec.suspend` is true and `.status.active` (the Jobs it runs
/// now) is empty. Suspending stops new runs only; a Job already running goes on (Kubernetes API, CronJobSpec.suspend:
/// "suspend subsequent executions, it does not apply to already started executions"), so the gate waits for it,
/// polling, for at most `JOB_WAIT_SECONDS` (six hours unless set), and fails when it still runs then, or when the
/// cluster does not answer: `input` fails on no input, where `jq -e` alone exits 0 (jq 1.6).
enum CronJobIdle {
    static let idle = "input | .spec.suspend == true and ((.status.active // []) | length) == 0"

    static let defaultWait = 21600

    /// `eksodus_cron_idle SIDE NAMESPACE REF` and `eksodus_cron_suspend SIDE NAMESPACE REF`, in the runbook library.
    static let library = """
        # eksodus_cron_idle SIDE NAMESPACE REF: waits until the CronJob REF (cronjob/NAME) on SIDE (source or eks) is suspended with no Job
        # running: suspending stops new runs only, a Job already started goes on. Polls every 10 s for at most JOB_WAIT_SECONDS
        # (\(defaultWait) unless set), and fails when it still runs then or the cluster does not answer (jq's input fails on no input).
        eksodus_cron_idle() {
          local seconds=${JOB_WAIT_SECONDS:-\(defaultWait)} end
          case "$seconds" in ''|*[!0-9]*) echo 'JOB_WAIT_SECONDS must be a whole number of seconds' >&2; return 1 ;; esac
          end=$(( $(date -u +%s) + 10#$seconds ))
          while ! eksodus_kubectl "$1" "$2" get "$3" -o json | jq -n -e \(ShellQuote.word(idle)) >/dev/null; do
            if [ "$(date -u +%s)" -ge "$end" ]; then
              echo "$3 on $1 is not suspended, or a Job of it still runs (or the cluster did not answer): wait for it (JOB_WAIT_SECONDS) and re-run" >&2
              return 1
            fi
            sleep 10
          done
        }

        # eksodus_cron_suspend SIDE NAMESPACE REF: suspends the CronJob REF on SIDE, then waits until none of its Jobs runs (eksodus_cron_idle).
        eksodus_cron_suspend() {
          eksodus_kubectl "$1" "$2" patch "$3" --type=merge -p '{"spec":{"suspend":true}}' || return 1
          eksodus_cron_idle "$@"
        }

        """

    static func arguments(_ kubectl: Kubectl, ref: String) -> String { kubectl.libraryArguments + " " + ref }

    /// The wait for `ref` (already quoted, `Kubectl.ref`) to be suspended and idle.
    static func gate(_ kubectl: Kubectl, ref: String) -> String {
        "eksodus_cron_idle " + arguments(kubectl, ref: ref)
    }

    /// Its suspend, then the wait.
    static func suspend(_ kubectl: Kubectl, ref: String) -> String {
        "eksodus_cron_suspend " + arguments(kubectl, ref: ref)
    }
}
