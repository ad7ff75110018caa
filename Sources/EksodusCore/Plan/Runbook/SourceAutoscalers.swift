/// The HorizontalPodAutoscalers in front of a source workload that its scale-down step takes out of the way, and its
/// rollback puts back.
///
/// Scaling a target to 0 under an HPA whose minReplicas is above 0 only pauses it ("Implicit maintenance-mode
/// deactivation": https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#implicit-maintenance-mode-deactivation),
/// and that pause ends as soon as anything sets the replicas again (a `kubectl apply` of the old manifest, a GitOps
/// sync, a Helm upgrade): the HPA then scales the retired copy back up to its minimum, behind the switch. One with
/// minReplicas 0 (feature gate HPAScaleToZero, an Object or External metric) scales it up from 0 on its own. So each HPA
/// the inventory has for it is saved (without its server-set fields) and deleted before the scale, and the step then
/// fails while any HPA of the live namespace still targets it (one made after the export, KEDA's `keda-hpa-…`). The
/// rollback scales back up first and re-creates the saved HPAs after, which then take over the count.
struct SourceAutoscalers {
    var workload: Estate.Workload
    var cluster: String
    /// The names of the inventory's HPAs whose `scaleTargetRef` is the workload.
    var names: [String]

    /// "namespace/kind/name" of each target → the names of the HPAs that target it, in one cluster's estate.
    static func byTarget(_ estate: Estate) -> [String: [String]] {
        var targets: [String: [String]] = [:]
        for resource in estate.resources(kind: "HorizontalPodAutoscaler") {
            let target = resource.body["spec", "scaleTargetRef"]
            guard let kind = target?["kind"]?.string, let name = target?["name"]?.string else { continue }
            targets["\(resource.namespace)/\(kind)/\(name)", default: []].append(resource.name)
        }
        return targets
    }

    static func key(_ workload: Estate.Workload) -> String { "\(workload.namespace)/\(workload.kind)/\(workload.name)" }


    /// Where the scale-down keeps HPA `name` for the rollback.
    func file(_ name: String) -> String {
        ShellQuote.fileName([cluster, workload.namespace, "hpa", name], suffix: ".source.json")
    }

    /// Saves and deletes each HPA, then checks that none is left. Re-runnable: an HPA already deleted keeps the copy
    /// its first run saved.
    /// `eksodus_save_autoscaler` and `eksodus_no_autoscaler`, in the runbook library.
    static let library = """
        # eksodus_save_autoscaler NAMESPACE NAME FILE: the source's HorizontalPodAutoscaler NAME saved into FILE (without its
        # server fields) for the rollback, while it is there; fails when the source does not answer, says so when it is gone
        # and was never saved.
        eksodus_save_autoscaler() {
          local json
          if ! json=$(kubectl --context "$SOURCE_CONTEXT" -n "$1" get "hpa/$2" --ignore-not-found -o json); then
            echo "the source cluster did not answer for HorizontalPodAutoscaler $2: nothing is deleted" >&2; return 1
          elif [ -n "$json" ]; then
            printf '%s\\n' "$json" | jq \(WorkloadSteps.jqStrip) > "$3.new" && mv "$3.new" "$3"
          elif ! test -s "$3"; then
            echo "HorizontalPodAutoscaler $2 is gone and was never saved: the rollback has none to re-create" >&2
          fi
        }

        # eksodus_no_autoscaler NAMESPACE KIND NAME: fails while a HorizontalPodAutoscaler of the source targets KIND/NAME (it
        # would scale it back up), or when the source does not answer.
        eksodus_no_autoscaler() {
          kubectl --context "$SOURCE_CONTEXT" -n "$1" get hpa -o json \\
            | jq -n -e --arg kind "$2" --arg name "$3" 'input | [.items[] | select(.spec.scaleTargetRef.kind == $kind and .spec.scaleTargetRef.name == $name)] | length == 0' >/dev/null \\
            || { echo "a HorizontalPodAutoscaler of the source still targets $2/$3 (or the cluster did not answer): it would scale it back up; save and delete it (kubectl get hpa), then re-run" >&2; return 1; }
        }

        # eksodus_autoscaler_back NAMESPACE FILE: the rollback, once the workload is scaled back up: the HorizontalPodAutoscaler
        # the scale-down saved in FILE re-created on the source (nothing saved: nothing to do).
        eksodus_autoscaler_back() {
          test ! -s "$2" || kubectl --context "$SOURCE_CONTEXT" -n "$1" apply -f "$2"
        }

        """

    // Saved, deleted and checked before the scale by `eksodus_scale_down_ready` (`SourceScaleDown`).

    var afterScaleUp: [String] {
        names.map { "eksodus_autoscaler_back " + ShellQuote.word(workload.namespace) + " " + ShellQuote.word(file($0)) }
    }
}
