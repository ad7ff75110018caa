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

    /// Before the scale to 0: fails when the count cannot be read on the first run.
    var save: String {
        let file = ShellQuote.word(self.file), saving = ShellQuote.word(self.file + ".new")
        return "if ! test -s \(file); then SOURCE_LIVE=$(" + kubectl("get \(ref) -o jsonpath='{.spec.replicas}'") + ") || { echo 'the source did not answer: its replica count is not saved, nothing is scaled' >&2; false; }; "
            + "case \"$SOURCE_LIVE\" in ''|*[!0-9]*) echo " + ShellQuote.word("the live replica count is not a number: nothing is scaled") + " >&2; false ;; "
            + "0) echo " + ShellQuote.word("it is at 0 replicas already: no count saved, the rollback scales it to the inventory's \(inventory)") + " >&2 ;; "
            + "*) printf '%s\\n' \"$SOURCE_LIVE\" > \(saving) && mv \(saving) \(file) ;; esac; fi  " + ShellQuote.comment("the live count, for the rollback")
    }

    /// The rollback's scale: the saved count, or the inventory's (saying so) when none was saved.
    var restore: String {
        let file = ShellQuote.word(self.file)
        return "SOURCE_REPLICAS=$(cat \(file) 2>/dev/null) || SOURCE_REPLICAS=; case \"$SOURCE_REPLICAS\" in ''|0|*[!0-9]*) echo "
            + ShellQuote.word("no live replica count saved by the scale-down: scaling to the inventory's \(inventory); check it against the load") + " >&2; SOURCE_REPLICAS=\(inventory) ;; esac; "
            + kubectl("scale \(ref) --replicas=\"$SOURCE_REPLICAS\"")
    }
}
