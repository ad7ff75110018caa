/// A workload's volumes copied with Velero's file-system backup, which reads the volumes of running pods only (Velero docs,
/// File System Backup: the node-agent reads each pod volume from the node the pod runs on;
/// https://velero.io/docs/main/file-system-backup/). So the writers stop while the workload's pods keep running, the
/// backup is checked Completed with every pod volume backed up, the EKS copy is restored from the same backup storage
/// location and checked the same way, and the source is scaled down only at its retirement, after the counts matched.
struct VeleroCopy {
    var workload: Estate.Workload

    var name: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name], suffix: "") }
    var selector: String? { LabelSelector.matching(workload.templateLabels) }

    /// The pod volumes the copy must carry: each claim the pods mount (a Deployment's pods share theirs, and Velero backs a
    /// claim up once, so any pod of the workload will do: `pod` empty), each pod's own claim of a StatefulSet's templates
    /// (`NAME-0`, `NAME-1`, …). Counting every pod volume backup let an emptyDir's (file-system backup takes emptyDirs too:
    /// Velero docs, File System Backup, https://velero.io/docs/main/file-system-backup/) stand in for a claim that was not
    /// backed up. Without a claim, the pod's other volumes that hold data of their own (nfs and the like), never none.
    var expectedVolumes: [(pod: String, volume: String)] {
        let claims = workload.volumes.filter { $0.type == "persistentVolumeClaim" }.map { (pod: "", volume: $0.name) }
        let templates = workload.claimTemplates.flatMap { template in
            workload.kind == "StatefulSet" ? (0..<max(workload.replicas ?? 1, 1)).map { (pod: "\(workload.name)-\($0)", volume: template.name) } : [(pod: "", volume: template.name)]
        }
        if !(claims + templates).isEmpty { return claims + templates }
        // What file-system backup leaves out (hostPath, Secrets, ConfigMaps, projected, downward API) and what holds no data to move.
        let noData: Set<String> = ["emptyDir", "hostPath", "secret", "configMap", "projected", "downwardAPI"]
        return workload.volumes.filter { !noData.contains($0.type) }.map { (pod: "", volume: $0.name) }
    }

    /// The writers stop; the pods stay: a backup of scaled-down pods holds no volume data.
    func freeze() -> (commands: [String], rollback: [String]) {
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        let running: String
        if let selector {
            running = source("get pods -l \(ShellQuote.word(selector)) -o jsonpath='{range .items[*]}{.status.phase}{\"\\n\"}{end}'")
                + " | awk '{ n++ } $1 != \"Running\" { bad = 1 } END { exit bad || n == 0 }' || { echo "
                + ShellQuote.word("the pods of \(workload.label) are not all Running (or none was found): Velero's file-system backup reads only the volumes of running pods") + " >&2; false; }"
        } else {
            running = ShellQuote.comment("check the pods of \(workload.label) run (its labels make no selector): Velero's file-system backup reads only the volumes of running pods")
        }
        return ([ShellQuote.comment("stop the writers of \(workload.label) (its consumers, or its maintenance mode) but keep its pods running: they are what the backup reads"),
                 running],
                ["# let its writers resume: the source never stopped"])
    }

    /// Fails unless Velero's `kind` (`backup`, `restore`) of this copy on `side` is Completed and, unless `phaseOnly`, every
    /// expected volume has a Completed pod volume copy: the library's gates (`library`), each value a shell word.
    func gate(_ side: Kubectl.Side, kind: String, phaseOnly: Bool = false) -> [String] {
        let target = side == .eks ? "eks" : "source", quoted = ShellQuote.word(name)
        let completed = "eksodus_velero_completed \(target) \(kind) \(quoted)"
        guard !phaseOnly else { return [completed] }
        let pairs = expectedVolumes.map { ShellQuote.word($0.pod) + " " + ShellQuote.word($0.volume) }
        return [completed, (["eksodus_velero_volumes", target, kind, quoted, ShellQuote.word(workload.namespace)] + pairs).joined(separator: " ")]
    }

    func copy() -> [String] {
        // Only the workload's pods and their claims: a namespace-wide restore would revive every other object of the
        // namespace on EKS (CronJobs running twice, Deployments beside their converted copies). File-system backups
        // are restored into the restored pods' volumes (Velero's restore-wait init container), so the pods come
        // back with the claims and are deleted once the data is in place; the converted workload then binds
        // the claims by name. (Velero docs, "Resource filtering": --include-resources, --selector;
        // https://velero.io/docs/main/resource-filtering/)
        let quoted = ShellQuote.word(name)
        let scope = "--include-namespaces \(ShellQuote.word(workload.namespace)) --include-resources \(DataCopy.veleroResources)"
            + (selector.map { " --selector \(ShellQuote.word($0))" } ?? "")
        let eks = Kubectl.eks(workload.namespace)
        return ["velero --kubecontext \"$SOURCE_CONTEXT\" backup create \(quoted) \(scope) --default-volumes-to-fs-backup --wait"]
            + gate(.source, kind: "backup")
            + ["# the EKS Velero lists the backup once it has synced the shared location (every minute by default): re-run until it does"]
            + gate(.eks, kind: "backup", phaseOnly: true)
            + ["# map the source StorageClass to the EKS one first (Velero's change-storage-class ConfigMap in the velero namespace)",
               "velero --kubecontext \"$EKS_CONTEXT\" restore create \(quoted) --from-backup \(quoted) \(scope) --wait"]
            + gate(.eks, kind: "restore")
            + [selector.map { eks("delete pods -l \(ShellQuote.word($0)) --wait") + "  # the restored source pods go; their claims stay for the converted workload" }
                ?? "# delete the restored source pods (their claims stay): the converted workload replaces them"]
    }

    func undo() -> [String] {
        ["velero --kubecontext \"$EKS_CONTEXT\" restore delete " + ShellQuote.word(name) + " --confirm",
         Kubectl.eks(workload.namespace)("delete \(Kubectl.ref(workload, on: .eks))")]
    }

    /// The gates of `gate`. A PodVolumeBackup or PodVolumeRestore names its pod (`spec.pod`) and the pod's volume
    /// (`spec.volume`; Velero API, pkg/apis/velero/v1 PodVolumeBackupSpec and PodVolumeRestoreSpec,
    /// https://github.com/vmware-tanzu/velero/tree/main/pkg/apis/velero/v1), which jq matches against the expected pairs given
    /// as `--args`, never spliced into the program. None expected fails: nothing would be proven.
    static let library = """
        # eksodus_velero_completed SIDE KIND NAME: fails unless Velero's KIND (backup or restore) NAME on SIDE is Completed.
        eksodus_velero_completed() {
          local phase
          case "$2" in backup|restore) ;; *) echo "eksodus_velero_completed: no Velero kind $2 (backup or restore)" >&2; return 1 ;; esac
          phase=$(eksodus_kubectl "$1" velero get "$2s.velero.io" "$3" -o jsonpath='{.status.phase}') || phase=
          [ "$phase" = Completed ] || { echo "$2 $3 is not Completed (${phase:-no answer})" >&2; return 1; }
        }

        # eksodus_velero_volumes SIDE KIND NAME NAMESPACE [POD VOLUME]...: fails unless each expected volume has a Completed pod volume copy
        # of KIND NAME on SIDE (PodVolumeBackups of a backup, PodVolumeRestores of a restore) for a pod in NAMESPACE: VOLUME of pod POD, or of
        # any pod when POD is empty. Another volume's copy (an emptyDir's) stands in for none; no pair expected fails.
        eksodus_velero_volumes() {
          local side=$1 kind=$2 name=$3 namespace=$4 copies resource
          case "$kind" in backup) resource=podvolumebackups ;; restore) resource=podvolumerestores ;; *) echo "eksodus_velero_volumes: no Velero kind $kind (backup or restore)" >&2; return 1 ;; esac
          shift 4
          # shellcheck disable=SC2016  # jq's variables
          { copies=$(eksodus_kubectl "$side" velero get "$resource.velero.io" -l "velero.io/$kind-name=$name" -o json) \\
              && jq -en --arg ns "$namespace" 'input | [.items[] | select(.status.phase == "Completed" and .spec.pod.namespace == $ns) | {pod: .spec.pod.name, volume: .spec.volume}] as $done
                | [$ARGS.positional as $a | range(0; $a | length; 2) | {pod: $a[.], volume: $a[. + 1]}] as $want
                | [$want[] | select(. as $w | $done | any(.volume == $w.volume and ($w.pod == "" or .pod == $w.pod)) | not) | if .pod == "" then .volume else .pod + "/" + .volume end] as $lost
                | if ($want | length) > 0 and ($lost | length) == 0 then true else error("no Completed copy of: " + ($lost | join(", "))) end' --args "$@" <<<"$copies" >/dev/null; } \\
            || { echo "a claim of $name has no Completed ${resource%s}: the data did not move (velero $kind describe $name --details)" >&2; return 1; }
        }

        """
}
