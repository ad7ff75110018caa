/// What a source workload's scale-down checks and saves right before its scale to 0, in one call of the runbook library:
/// its live replica count saved for the rollback (`SourceReplicas`), each HorizontalPodAutoscaler the inventory has for it
/// saved and deleted, and no HPA of the live namespace left targeting it (`SourceAutoscalers`). The scale itself and the
/// check that it stays at 0 follow as their own lines.
enum SourceScaleDown {
    static let library = """
        # eksodus_scale_down_ready REPLICAS_FILE INVENTORY TOOL NAMESPACE RESOURCE KIND [HPA HPA_FILE]...: before the scale to 0 of
        # RESOURCE (KIND/NAME): its live replica count saved in REPLICAS_FILE (eksodus_save_replicas), each HPA of the inventory
        # saved in its HPA_FILE for the rollback and deleted, then no HorizontalPodAutoscaler of the source may target it
        # any more (eksodus_no_autoscaler). Each part is safe to run again; the first that fails stops it.
        eksodus_scale_down_ready() {
          local file=$1 inventory=$2 tool=$3 namespace=$4 resource=$5 kind=$6
          shift 6
          eksodus_save_replicas "$file" "$inventory" "$tool" "$namespace" "$resource" || return 1
          while [ "$#" -ge 2 ]; do
            eksodus_save_autoscaler "$namespace" "$1" "$2" || return 1
            kubectl --context "$SOURCE_CONTEXT" -n "$namespace" delete "hpa/$1" --ignore-not-found || return 1
            shift 2
          done
          eksodus_no_autoscaler "$namespace" "$kind" "${resource#*/}"
        }

        """

    /// The call, after `RunbookLibrary.load` and the soak.
    static func ready(_ replicas: SourceReplicas, _ autoscalers: SourceAutoscalers) -> String {
        let workload = replicas.workload
        return (["eksodus_scale_down_ready"] + replicas.words + [ShellQuote.word(workload.kind)]
                + autoscalers.names.flatMap { [ShellQuote.word($0), ShellQuote.word(autoscalers.file($0))] }).joined(separator: " ")
    }
}
