/// A workload's volumes copied with Velero's file-system backup, which reads the volumes of running pods only (Velero docs,
/// File System Backup: the node-agent reads each pod volume from the node the pod runs on;
/// https://velero.io/docs/main/file-system-backup/). So the writers stop while the workload's pods keep running, the
/// backup is checked Completed with every pod volume backed up, the EKS copy is restored from the same backup storage
/// location and checked the same way, and the source is scaled down only at its retirement, after the counts matched.
struct VeleroCopy {
    var workload: Estate.Workload
    /// The compute plan's group for the workload (`ComputePlan.Placement.target`): the restored pods go where its converted pods will.
    var placement: String? = nil

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
        WritersFreeze.keepingPods(workload, reads: "the backup", needs: "Velero's file-system backup reads only the volumes of running pods")
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
        let placed = restoredPodModifiers.map { modifiers in
            (commands: [Self.velero("delete configmap \(ShellQuote.word(placementConfigMap)) --ignore-not-found"),
                        Self.velero("create configmap \(ShellQuote.word(placementConfigMap)) --from-literal=placement.json=\(ShellQuote.word(modifiers))")
                            + "  # Velero's resource modifiers: the restored pods run where the converted ones will, so each volume is made in a zone those nodes serve"],
             flag: " --resource-modifier-configmap \(ShellQuote.word(placementConfigMap))")
        }
        return ["velero --kubecontext \"$SOURCE_CONTEXT\" backup create \(quoted) \(scope) --default-volumes-to-fs-backup --wait"]
            + gate(.source, kind: "backup")
            + ["# the EKS Velero lists the backup once it has synced the shared location (every minute by default): re-run until it does"]
            + gate(.eks, kind: "backup", phaseOnly: true)
            + ["# map the source StorageClass to the EKS one first (Velero's change-storage-class ConfigMap in the velero namespace)"]
            + (placed?.commands ?? [])
            + ["velero --kubecontext \"$EKS_CONTEXT\" restore create \(quoted) --from-backup \(quoted) \(scope)\(placed?.flag ?? "") --wait"]
            + gate(.eks, kind: "restore")
            + [selector.map { eks("delete pods -l \(ShellQuote.word($0)) --wait") + "  # the restored source pods go; their claims stay for the converted workload" }
                ?? "# delete the restored source pods (their claims stay): the converted workload replaces them"]
    }

    func undo() -> [String] {
        ["velero --kubecontext \"$EKS_CONTEXT\" restore delete " + ShellQuote.word(name) + " --confirm",
         Kubectl.eks(workload.namespace)("delete \(Kubectl.ref(workload, on: .eks))")]
            + (restoredPodModifiers == nil ? [] : [Self.velero("delete configmap \(ShellQuote.word(placementConfigMap)) --ignore-not-found")])
    }

    private static func velero(_ arguments: String) -> String { Kubectl(side: .eks, namespace: "velero")(arguments) }

    var placementConfigMap: String { name + "-placement" }

    /// Velero restores the source's pods as they were (Velero drops only their node name: pkg/restore/actions/pod_action.go):
    /// without the toleration of the group they are planned for, they stay Pending on a cluster whose groups are all tainted,
    /// and the restore waits for good; with a source-only node label in their selector, no EKS node matches. A restore's
    /// resource modifiers (Velero 1.12+, a ConfigMap of the velero namespace named by --resource-modifier-configmap; Velero
    /// docs, Restore Resource Modifiers, https://velero.io/docs/main/restore-resource-modifiers/) give them what convert
    /// gives the workload: the group's toleration, and its selector with the portable labels kept (`CheckSupport.isPortableNodeLabel`)
    /// and the stateful groups' label. A JSON patch `add` replaces a member that exists (RFC 6902), and a value that starts
    /// with `[` or `{` is JSON (internal/resourcemodifiers/json_patch.go). Nil when the source's pods fit EKS as they are.
    var restoredPodModifiers: String? {
        var patches: [ManifestNode] = []
        func patch(_ path: String, _ value: ManifestNode) {
            patches.append(.mapping([("operation", .string("add")), ("path", .string(path)), ("value", .string(JSONWriter.string(value)))]))
        }
        let taint = placement == "stateful" ? ComputePlan.statefulTaint : placement == "spot" ? ComputePlan.spotTaint : nil
        if let taint {
            patch("/spec/tolerations", .sequence([taint.tolerationNode]))
        } else if placement == "every node" {
            patch("/spec/tolerations", .sequence([.mapping([("operator", .string("Exists"))])]))
        }
        var selector = workload.nodeSelector.filter { CheckSupport.isPortableNodeLabel($0.key) }
        let label = ComputePlan.statefulLabel
        if placement == "stateful", selector[label.key] == nil { selector[label.key] = label.value }
        if selector != workload.nodeSelector {
            patch("/spec/nodeSelector", .mapping(selector.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        }
        guard !patches.isEmpty else { return nil }
        let rule = ManifestNode.mapping([("conditions", .mapping([("groupResource", .string("pods")), ("namespaces", .sequence([.string(workload.namespace)]))])),
                                         ("patches", .sequence(patches))])
        return JSONWriter.string(.mapping([("version", .string("v1")), ("resourceModifierRules", .sequence([rule]))]))
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
