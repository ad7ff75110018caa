/// The last backup of a source cluster before its machines go (decommission:sources), one per cluster and each through its
/// own kubeconfig context, so that "final-prod" can only ever back up prod.
///
/// Velero's file-system backup is opt-in and reads only the volumes of running pods (Velero docs, File System Backup:
/// `--default-volumes-to-fs-backup` or the per-pod annotation; the node-agent reads each volume on the pod's node;
/// https://velero.io/docs/main/file-system-backup/), and plan:backup installed Velero with `--use-volume-snapshots=false`.
/// By decommission every workload is scaled down, so a plain `velero backup create` held the objects and no data. Here
/// every Bound claim gets a read-only reader pod, the backup takes every pod volume, and it counts only once it is
/// Completed with a Completed pod volume backup for each reader, before anything is deleted.
struct FinalBackup {
    var cluster: String
    /// The quoted context expression: `"$SOURCE_CONTEXT"` for one source, `"$SOURCE_CONTEXT_<CLUSTER>"` for several.
    var context: String
    var velero: VeleroInstall
    /// Whether the inventory holds claims (PersistentVolumeClaims or claim templates): then a backup without volumes fails.
    var holdsClaims: Bool

    var name: String { ShellQuote.fileName(["final", cluster], suffix: "") }

    static let readerLabel = "eksodus.io/final-backup=reader"

    /// A shell variable name per cluster, `SOURCE_CONTEXT` alone for one: only `[A-Z0-9_]` from the name, and a number
    /// after any name two clusters would share, so that no manifest text reaches a variable name.
    static func contextVariables(_ clusters: [String]) -> [String] {
        guard clusters.count > 1 else { return clusters.map { _ in "SOURCE_CONTEXT" } }
        var taken: Set<String> = [], names: [String] = []
        for cluster in clusters {
            let base = "SOURCE_CONTEXT_" + String(cluster.uppercased().unicodeScalars.map { ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" })
            var candidate = base, n = 2
            while taken.contains(candidate) { candidate = "\(base)_\(n)"; n += 1 }
            taken.insert(candidate)
            names.append(candidate)
        }
        return names
    }

    /// Several sources: each variable set, and no two naming the same API server (one context twice would back one cluster
    /// up under both names). `variables` come from `contextVariables`.
    static func distinctContexts(_ variables: [String], clusters: [String]) -> [String] {
        guard variables.count > 1 else { return [] }
        let set = zip(variables, clusters).map { variable, cluster in
            "test -n \"${\(variable):-}\" || { echo " + ShellQuote.word("set \(variable) to the kubeconfig context of \(cluster)") + " >&2; false; }"
        }
        let servers = "{ SERVERS=$(for c in " + variables.map { "\"$\($0)\"" }.joined(separator: " ")
            + "; do kubectl config view --minify --context \"$c\" -o jsonpath='{.clusters[0].cluster.server}' || exit 1; echo; done)"
            + " && test \"$(printf '%s\\n' \"$SERVERS\" | grep -c .)\" = \(variables.count) && test \"$(printf '%s\\n' \"$SERVERS\" | sort -u | grep -c .)\" = \(variables.count); }"
            + " || { echo " + ShellQuote.word("the source contexts must name \(variables.count) different API servers") + " >&2; false; }"
        return set + [servers]
    }

    /// A pod per Bound claim mounting it read-only (names from the cluster, through jq --arg, never the shell), then ready;
    /// it runs as nobody with nothing to escalate, so a namespace under the restricted Pod Security level admits it (the
    /// node-agent reads the volume from the node, not through the pod).
    var readers: [String] {
        let kubectl = "kubectl --context \(context)"
        let pod = #"{apiVersion:"v1",kind:"Pod",metadata:{name:$n,labels:{"eksodus.io/final-backup":"reader"}},spec:{restartPolicy:"Never","#
            + #"containers:[{name:"reader",image:"busybox:1.36",command:["sleep","86400"],"#
            + #"securityContext:{runAsNonRoot:true,runAsUser:65534,allowPrivilegeEscalation:false,capabilities:{drop:["ALL"]},seccompProfile:{type:"RuntimeDefault"}},volumeMounts:[{name:"data",mountPath:"/data",readOnly:true}]}],"#
            + #"volumes:[{name:"data",persistentVolumeClaim:{claimName:$c,readOnly:true}}]}}"#
        return ["CLAIMS=$(\(kubectl) get pvc -A -o jsonpath='{range .items[?(@.status.phase==\"Bound\")]}{.metadata.namespace}{\" \"}{.metadata.name}{\"\\n\"}{end}') || { echo "
                    + ShellQuote.word("cannot list the claims of \(cluster)") + " >&2; false; }",
                "printf '%s\\n' \"$CLAIMS\" | while read -r ns claim; do [ -n \"$claim\" ] || continue; jq -n --arg c \"$claim\" --arg n \"eksodus-final-$(printf '%s' \"$claim\" | cksum | cut -d' ' -f1)\" "
                    + ShellQuote.word(pod) + " | \(kubectl) -n \"$ns\" apply -f - || exit 1; done  # busybox: or a mirror the source can pull",
                "\(kubectl) wait pods -A -l \(ShellQuote.word(Self.readerLabel)) --for=condition=Ready --timeout=10m  # the node-agent reads volumes of running pods only"]
    }

    /// Reads the Bound claims, the reader pods and the backup's pod volume backups (three JSON documents, in that order)
    /// and fails unless every claim has a reader mounting it as `data` whose volume has a Completed backup. Counting the
    /// backups let another pod's emptyDir (file-system backup takes those too: Velero docs, File System Backup) stand in
    /// for a claim never backed up; a PodVolumeBackup names its pod (`spec.pod`) and that pod's volume (`spec.volume`).
    static let claimsWithoutCopy = "input as $claims | input as $readers | input as $copies"
        + " | [$claims.items[] | select(.status.phase == \"Bound\") | {ns: .metadata.namespace, claim: .metadata.name}] as $bound"
        + " | [$copies.items[] | select(.status.phase == \"Completed\") | {ns: .spec.pod.namespace, pod: .spec.pod.name, volume: .spec.volume}] as $done"
        + " | [$bound[] | . as $c | select([$readers.items[] | select(.metadata.namespace == $c.ns and any(.spec.volumes[]?; .name == \"data\" and .persistentVolumeClaim.claimName == $c.claim))"
        + " | {ns: .metadata.namespace, pod: .metadata.name, volume: \"data\"}] | any(.[]; . as $r | any($done[]; . == $r)) | not) | .ns + \"/\" + .claim] as $lost"
        + " | if ($bound | length) > 0 and ($lost | length) == 0 then true else error(\"no Completed pod volume backup of: \" + ($lost | join(\", \"))) end"

    var commands: [String] {
        let q = ShellQuote.word
        let kubectl = "kubectl --context \(context)"
        let phase = "{ PHASE=$(\(kubectl) -n 'velero' get backups.velero.io \(q(name)) -o jsonpath='{.status.phase}') && test \"$PHASE\" = Completed; } || { echo "
            + q("backup \(name) is not Completed") + "\" (${PHASE:-no answer})\" >&2; false; }"
        let volumes = "{ CLAIMS=$(\(kubectl) get pvc -A -o json) && READERS=$(\(kubectl) get pods -A -l \(q(Self.readerLabel)) -o json)"
            + " && COPIES=$(\(kubectl) -n 'velero' get podvolumebackups.velero.io -l \(q("velero.io/backup-name=" + name)) -o json)"
            + " && printf '%s\\n' \"$CLAIMS\" \"$READERS\" \"$COPIES\" | jq -en \(q(Self.claimsWithoutCopy)) >/dev/null; } || { echo "
            + q("backup \(name) lacks a Completed pod volume backup per claim: its data is not in it (velero backup describe \(name) --details)") + " >&2; false; }"
        return ["\(kubectl) get deploy,sts,ds,cronjob -A  " + ShellQuote.comment("on \(cluster): nothing may still serve")]
            + velero.onSource(context)
            + (holdsClaims ? readers : [])
            + ["velero --kubecontext \(context) backup create \(q(name)) --default-volumes-to-fs-backup --wait", phase]
            + (holdsClaims ? [volumes, "\(kubectl) delete pods -A -l \(q(Self.readerLabel))  # the readers, once their volumes are in the backup"] : [])
    }
}
