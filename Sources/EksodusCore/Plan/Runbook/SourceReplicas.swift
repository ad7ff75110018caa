/// The source workload's live replica count, saved by its scale-down for the rollback: the inventory's count is the
/// export's, and an HPA or an operator has changed it since. It is saved once, before the scale to 0, and never
/// overwritten (a re-run after the scale would read 0); a live 0 is never saved, and a saved 0 never used.
struct SourceReplicas {
    var workload: Estate.Workload
    var cluster: String

    private var kubectl: Kubectl { Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) }
    private var ref: String { Kubectl.ref(workload, on: .source) }
    var inventory: Int { max(workload.replicas ?? 1, 1) }

    var file: String {
        ShellQuote.fileName([cluster, workload.namespace, workload.kind.lowercased(), workload.name], suffix: ".source-replicas")
    }

    /// `eksodus_save_replicas` and `eksodus_restore_replicas`, in the runbook library. TOOL is `kubectl` or `oc`.
    static let library = """
        # eksodus_save_replicas FILE INVENTORY TOOL NAMESPACE RESOURCE: before a source workload is scaled to 0, its live replica
        # count into FILE for the rollback, once (a re-run after the scale would read 0); a live 0 is not saved. Fails when the
        # count cannot be read on the first run.
        eksodus_save_replicas() {
          local file=$1 inventory=$2 tool=$3 live
          test -s "$file" && return 0
          live=$("$tool" --context "$SOURCE_CONTEXT" -n "$4" get "$5" -o jsonpath='{.spec.replicas}') || { echo 'the source did not answer: its replica count is not saved, nothing is scaled' >&2; return 1; }
          case "$live" in
            ''|*[!0-9]*) echo 'the live replica count is not a number: nothing is scaled' >&2; return 1 ;;
            0) echo "it is at 0 replicas already: no count saved, the rollback scales it to the inventory's $inventory" >&2 ;;
            *) printf '%s\\n' "$live" > "$file.new" && mv "$file.new" "$file" ;;
          esac
        }

        # eksodus_stays_scaled_down TOOL NAMESPACE RESOURCE: after the scale to 0, waits EKSODUS_SCALE_SETTLE_SECONDS (60 unless set)
        # and fails unless the source still asks for 0 replicas: Argo CD's self-heal, Flux, a KEDA ScaledObject or an operator
        # puts the count back within minutes, and the source copy would take traffic and run its jobs beside EKS.
        eksodus_stays_scaled_down() {
          local settle=${EKSODUS_SCALE_SETTLE_SECONDS:-60} replicas
          case "$settle" in ''|*[!0-9]*) echo 'EKSODUS_SCALE_SETTLE_SECONDS must be a whole number of seconds' >&2; return 1 ;; esac
          sleep "$settle"
          replicas=$("$1" --context "$SOURCE_CONTEXT" -n "$2" get "$3" -o jsonpath='{.spec.replicas}') || { echo "the source did not answer for $3: is it still at 0?" >&2; return 1; }
          [ "$replicas" = 0 ] || { echo "$2/$3 is back at ${replicas:-?} replicas on the source: something scales it (Argo CD self-heal or Flux: suspend its sync; KEDA: pause its ScaledObject with autoscaling.keda.sh/paused-replicas: '0'; an operator), then run this step again" >&2; return 1; }
        }

        # eksodus_restore_replicas FILE INVENTORY TOOL NAMESPACE RESOURCE [SOAK_FILE]: the rollback's scale, to the count saved in
        # FILE, or to the inventory's (saying so) when none was saved; then the soak's start in SOAK_FILE goes, so that a later
        # scale-down soaks again.
        eksodus_restore_replicas() {
          local file=$1 inventory=$2 tool=$3 replicas
          replicas=$(cat "$file" 2>/dev/null) || replicas=
          case "$replicas" in ''|0|*[!0-9]*) echo "no live replica count saved by the scale-down: scaling to the inventory's $inventory; check it against the load" >&2; replicas=$inventory ;; esac
          "$tool" --context "$SOURCE_CONTEXT" -n "$4" scale "$5" --replicas="$replicas" || return 1
          if [ -n "${6:-}" ]; then rm -f "$6"; fi
        }

        """

    /// FILE INVENTORY TOOL NAMESPACE RESOURCE, each a shell word: the arguments of the save (`SourceScaleDown`) and the restore.
    var words: [String] {
        [file, String(inventory), kubectl.tool, workload.namespace, Kubectl.resourceName(workload.kind, on: .source) + "/" + workload.name].map(ShellQuote.word)
    }

    /// After the scale to 0: the count stays 0 (no GitOps controller, KEDA or operator put it back).
    var staysDown: String {
        "eksodus_stays_scaled_down " + [kubectl.tool, workload.namespace, Kubectl.resourceName(workload.kind, on: .source) + "/" + workload.name].map(ShellQuote.word).joined(separator: " ")
    }

    /// The rollback's scale (after `RunbookLibrary.load`): the saved count, or the inventory's (saying so) when none was saved.
    var restore: String { (["eksodus_restore_replicas"] + words).joined(separator: " ") }

    /// The same, then the soak's start file removed (`SourceSoak.startedFile`).
    func restore(soak startedFile: String) -> String { restore + " " + ShellQuote.word(startedFile) }
}
