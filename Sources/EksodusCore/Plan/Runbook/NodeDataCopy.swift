/// Node-local data (hostPath or local volumes) as runbook commands: a decision first (what the data is, whether EKS needs it,
/// and which node holds it), then a copy from the source node into the claim `eksodus convert` mounts in place of the hostPath
/// (`NodeDataClaim`). Velero's file-system backup does not back up hostPath volumes (Velero docs, File System Backup,
/// Limitations, https://velero.io/docs/main/file-system-backup/#limitations), so nothing else copies it.
///
/// The remote half runs through `ssh`, which hands its arguments to the node's shell as one string: the command is quoted
/// once for that shell (the path inside it) and once more for the engineer's.
struct NodeDataCopy {
    var workload: Estate.Workload
    /// Who the workload writes the data as (`CopyPodSecurity.Identity`): a non-root workload's copy pod runs as it, and
    /// `tar` leaves the files to that uid; nil when the export kept no pod template (a decision line says so).
    var identity: CopyPodSecurity.Identity? = CopyPodSecurity.Identity()

    /// The containers that mount a hostPath or local volume: whose user writes the node's data.
    static func writers(of workload: Estate.Workload) -> [String] {
        let local = Set(workload.volumes.filter { $0.type == "hostPath" || $0.type == "local" }.map(\.name))
        return workload.containers.filter { container in container.volumeMounts.items.contains { $0["name"]?.string.map(local.contains) == true } }.map(\.name)
    }

    /// A copy pod that runs as the workload's own non-root user.
    private var asWorkloadUser: Bool { identity.map { !$0.runsAsRoot } ?? false }

    /// The node-local data the assessment counted (`WorkloadProfile.nodeLocalData`: volumes some container writes, never a
    /// socket, a device or a node system path such as /etc or /var/lib/kubelet, which must not be shipped into a claim a
    /// manifest's workload mounts): (volume name, path on the node).
    var hostPaths: [(volume: String, path: String)] {
        guard let reference = ReferenceData.bundled else { return [] }
        return WorkloadProfile.nodeLocalData(workload, reference: reference).compactMap { volume in volume.reference.map { (volume.name, $0) } }
    }

    /// The host paths copied into claims of their own, each mounted at `/data/N` of the copy pod (N: its place here, never a
    /// name from the manifest); empty for a DaemonSet or several replicas, whose data is not one pod's. A path that is not
    /// plain (`isPlainPath`) still gets its claim from convert, but is copied by hand.
    var copies: [(claim: NodeDataClaim, path: String, mount: String)] {
        let paths = hostPaths
        return zip(NodeDataClaim.of(workload, volumes: paths.map(\.volume)), paths).enumerated().map { index, pair in
            (pair.0, pair.1.path, "/data/\(index)")
        }
    }

    /// `copies` whose path goes into a command; a TODO for each of the others.
    private var plainCopies: (copies: [(claim: NodeDataClaim, path: String, mount: String)], todos: [String]) {
        let all = copies
        return (all.filter { Self.isPlainPath($0.path) }, all.filter { !Self.isPlainPath($0.path) }.map { copy in
            ShellQuote.comment("TODO volume " + copy.claim.volume + ": its host path is not a plain absolute path; look at it on the node and copy it by hand into claim " + copy.claim.name + " (" + copy.mount + " of the copy pod)")
        })
    }

    /// A path both shells read alike and no tool takes for an option: absolute and printable ASCII, which `ShellQuote.word`
    /// quotes with '…' alone. Anything else would get bash's `$'…'`, which the node's POSIX sh (dash) does not know: its
    /// `\'` would end the quote there and run the rest.
    static func isPlainPath(_ path: String) -> Bool {
        path.hasPrefix("/") && path.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    private var eks: Kubectl { Kubectl.eks(workload.namespace) }
    private var source: Kubectl { Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) }
    /// The helper pod that mounts the claims on EKS while they are filled (a DNS label: `NodeDataClaim.dnsLabel`).
    var copyPod: String { "pod/" + NodeDataClaim.dnsLabel("eksodus-copy-" + workload.name) }
    static let copyImage = "public.ecr.aws/docker/library/busybox:1.36"

    /// `ssh "$SOURCE_NODE" 'REMOTE'`: `remote` is one command line for the node's shell.
    private static func onNode(_ remote: String, node: String = "\"$SOURCE_NODE\"") -> String {
        "ssh " + node + " " + ShellQuote.word(remote)
    }

    func copy() -> [String] {
        let claimed = copies
        guard !claimed.isEmpty else { return perNodeCopy() }
        var commands = [
            ShellQuote.comment("DECIDE first and write the decision in this item's note: what is kept under the host path, and does EKS need it? Velero's file-system backup skips hostPath volumes, so nothing copies it unless this step does"),
            "# drop it (a cache, scratch space, or backups kept elsewhere): copy nothing, and mark this item done with the reason",
        ]
        commands += locate()
        commands.append(ShellQuote.comment("keep it: the converted " + workload.kind + " mounts "
            + claimed.map { "claim \($0.claim.name) in place of volume \($0.claim.volume)" }.joined(separator: ", ")
            + " (the wave's support/, applied by its apply item; gp3 binds it in the zone of the first pod that mounts it: the copy pod's, where the workload's pods then run)"))
        commands += startPod()
        let plain = plainCopies
        commands += plain.copies.flatMap { [fits($0), copyCommand($0.path, into: $0.mount, volume: $0.claim.volume)] } + plain.todos
        commands += copyPodVerify() + [release]
        if workload.kind == "CronJob" { commands.append("# copied again after the source's last run (the final copy item, before EKS's copy is unsuspended)") }
        return commands
    }

    /// Where the data is: the nodes the workload's recent pods ran on, and every node its pods can land on (its nodeSelector's,
    /// else every node) with what each holds under the host paths; and what to do when several hold some.
    func locate() -> [String] {
        let plain = plainCopies.copies.map(\.path)
        var commands = [ShellQuote.comment("WHERE is it: node-local data stays on whichever node a pod wrote it; the nodes its recent pods ran on (oldest first; a CronJob keeps only its last Jobs: successfulJobsHistoryLimit 3 and failedJobsHistoryLimit 1 unless set):"),
                        recentNodes()]
        let selector = workload.nodeSelector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        commands.append(ShellQuote.comment("older runs may have written elsewhere: look on every node its pods can land on ("
            + (selector.isEmpty ? "it has no nodeSelector: every node" : "its nodeSelector's")
            + (workload.affinity.map { !$0.isEmpty && $0 != "{}" && $0 != "null" } == true ? "; its affinity narrows them further, see its manifest" : "") + ")"))
        commands.append("NODES=$(" + Kubectl.source(nil, tool: Kubectl.tool(for: workload))("get nodes" + (selector.isEmpty ? "" : " -l " + ShellQuote.word(selector))
            + " -o jsonpath='{.items[*].metadata.name}'") + ")")
        if !plain.isEmpty {
            let remote = plain.map { path in
                "sudo du -s " + ShellQuote.word(path) + " 2>/dev/null; sudo find " + ShellQuote.word(path) + " -type f -printf \"%T@\\n\" 2>/dev/null | sort -n | tail -n 1"
            }.joined(separator: "; ")
            commands.append("for node in $NODES; do echo \"== $node\"; " + Self.onNode(remote, node: "\"$node\"") + "; done  # size, then the newest file's time (seconds since 1970)")
        }
        commands.append("# one node holds it: SOURCE_NODES=that node. SEVERAL hold it: DECIDE which copy is the truth and write it in this item's note — each run rewrites it (scratch space, the latest export): the node with the newest file, alone; runs add to it (archives, rotated backups): every one of them, oldest first, so a file's newest copy is the one that stays (files that differ under one name: copy each node into a folder of its own instead). Then set SOURCE_NODES to those nodes, in that order (SOURCE_NODES='node-a node-b'):")
        commands.append(": \"${SOURCE_NODES:?set SOURCE_NODES to the nodes that hold the data, oldest copy first}\"")
        return commands
    }

    /// The nodes of the workload's current and recent pods, from their owners: a CronJob's pods belong to its Jobs, a
    /// Deployment's to its ReplicaSets, a DeploymentConfig's to its ReplicationControllers; the rest own their pods.
    private func recentNodes() -> String {
        let middle: (kind: String, resource: String)? = switch workload.kind {
        case "CronJob": ("Job", "jobs")
        case "Deployment": ("ReplicaSet", "replicasets")
        case "DeploymentConfig": ("ReplicationController", "replicationcontrollers")
        default: nil
        }
        let pods = ".items[] | select(.kind == \"Pod\" and any(.metadata.ownerReferences[]?; .kind == $owner_kind and "
        let show = ")) | \"\\(.metadata.creationTimestamp) \\(.spec.nodeName // \"-\")\""
        if let middle {
            let filter = "[.items[] | select(.kind == $middle and any(.metadata.ownerReferences[]?; .kind == $kind and .name == $owner)) | .metadata.name] as $owned | "
                + pods.replacingOccurrences(of: "$owner_kind", with: "$middle") + "(.name | IN($owned[]))" + show
            return source("get \(middle.resource),pods -o json") + " | jq -r --arg kind " + ShellQuote.word(workload.kind) + " --arg middle "
                + ShellQuote.word(middle.kind) + " --arg owner " + ShellQuote.word(workload.name) + " " + ShellQuote.word(filter) + " | sort"
        }
        if workload.kind == "Pod" {
            return source("get " + ShellQuote.word("pod/" + workload.name) + " -o jsonpath='{.spec.nodeName}{\"\\n\"}'")
        }
        let filter = pods.replacingOccurrences(of: "$owner_kind", with: "$kind") + ".name == $owner" + show
        return source("get pods -o json") + " | jq -r --arg kind " + ShellQuote.word(workload.kind) + " --arg owner " + ShellQuote.word(workload.name)
            + " " + ShellQuote.word(filter) + " | sort"
    }

    /// The copy pod's capabilities (`CopyPodSecurity`): `tar -x` as root gives each file the owner and mode it had on the
    /// node (CHOWN, FOWNER), keeps set-group-ID bits (FSETID), and writes into and empties directories other uids own
    /// (DAC_OVERRIDE). A workload with a non-root user of its own is copied as that user instead, with none of them:
    /// `tar -o` (busybox: "Don't restore user:group") leaves each file to it, in the claim its fsGroup made writable.
    static let capabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID"]

    /// The copy pod on EKS, mounting each claim at its `/data/N` (claim names are DNS labels: nothing to escape in the JSON).
    private func startPod(ifMissing: Bool = false) -> [String] {
        let claimed = copies
        let mounts = claimed.enumerated().map { "{\"name\":\"d\($0.offset)\",\"mountPath\":\"\($0.element.mount)\"}" }.joined(separator: ",")
        let volumes = claimed.enumerated().map { "{\"name\":\"d\($0.offset)\",\"persistentVolumeClaim\":{\"claimName\":\"\($0.element.claim.name)\"}}" }.joined(separator: ",")
        let overrides = "{\"spec\":{" + CopyPodSecurity.podFields(identity) + ",\"containers\":[{\"name\":\"copy\",\"image\":\"\(Self.copyImage)\",\"command\":[\"sleep\",\"86400\"],"
            + CopyPodSecurity.container(adding: Self.capabilities, readOnlyRoot: true, identity: identity) + ",\"volumeMounts\":[\(mounts)]}],\"volumes\":[\(volumes)]}}"
        let name = String(copyPod.dropFirst("pod/".count))
        let run = eks("run \(name) --restart=Never --image=\(Self.copyImage) --overrides=\(ShellQuote.word(overrides))")
        return CopyPodSecurity.Identity.decisions(identity) + [(ifMissing ? eks("get \(copyPod)") + " >/dev/null 2>&1 || " : "") + run + "  # or your ECR copy of busybox",
                eks("wait --for=condition=Ready \(copyPod) --timeout=10m"),
                "COPY_POD=\(copyPod)"]
    }

    /// Fails unless the claim has room for what every node of SOURCE_NODES holds under the path (their sum, an upper
    /// bound when several merge): convert writes the claim at `NodeDataClaim.placeholderSize` before anything measured
    /// the data, so the copy checks it here, with the claim's name and the way to grow it. A node that does not answer
    /// (ssh or du failing) fails the gate too.
    func fits(_ copy: (claim: NodeDataClaim, path: String, mount: String)) -> String {
        (["eksodus_node_fits", ShellQuote.word(workload.namespace), ShellQuote.word("sudo du -sk " + ShellQuote.word(copy.path))]
            + [copy.mount, copy.claim.name].map(ShellQuote.word)).joined(separator: " ")
    }

    /// `eksodus_node_fits`, in the runbook library.
    static let library = """
        # eksodus_node_fits NAMESPACE DU_COMMAND MOUNT CLAIM: fails unless the claim CLAIM, mounted at MOUNT in the copy pod $COPY_POD on EKS,
        # has room for the data DU_COMMAND (sudo du -sk PATH) measures on each node of SOURCE_NODES (their sum: an upper bound when
        # several merge). Convert writes the claim at a placeholder size before anything measured the data, so the copy checks it
        # here, naming the claim and how to grow it; a node that does not answer (ssh or du failing), or no node, fails it too.
        eksodus_node_fits() {
          local need free node
          # shellcheck disable=SC2029,SC2153  # DU_COMMAND is the node's own command line; SOURCE_NODES, the operator's
          need=$(for node in $SOURCE_NODES; do ssh "$node" "$2" || echo unanswered; done | awk '$1 !~ /^[0-9]+$/ { bad = 1 } { n += $1 } END { if (bad || NR == 0) exit 1; print n }') || need=
          free=$(eksodus_kubectl eks "$1" exec "$COPY_POD" -- df -Pk "$3" | awk 'NR == 2 { print $4 }') || free=
          if [ -z "$need" ] || ! awk -v need="$need" -v free="$free" 'BEGIN { exit !(free ~ /^[0-9]+$/ && free + 0 >= need + 0) }'; then
            echo "claim $4 has less room than the data on the nodes (or a node or the copy pod did not answer): grow it, e.g. kubectl patch pvc $4 -p '{\\"spec\\":{\\"resources\\":{\\"requests\\":{\\"storage\\":\\"100Gi\\"}}}}' (gp3 allows expansion), wait until the copy pod's df shows it, then re-run" >&2
            echo "data ${need:-?} KiB, free ${free:-?} KiB" >&2
            return 1
          fi
        }

        """

    /// Every node of SOURCE_NODES, in order, into the claim mounted at `mount`. The loop runs in a subshell with pipefail,
    /// so a node whose `tar` (or ssh) fails stops it and fails the step: `|| break` alone ended the loop with status 0.
    private func copyCommand(_ path: String, into mount: String, volume: String) -> String {
        "( set -o pipefail; for SOURCE_NODE in $SOURCE_NODES; do " + Self.onNode("sudo tar -C " + ShellQuote.word(path) + " -cf - .")
            + " | " + eks("exec -i \"$COPY_POD\" -- tar -C \(mount) " + (asWorkloadUser ? "-oxf -" : "-xf -")) + " || { echo \"the copy from $SOURCE_NODE failed: fix it, then re-run this line\" >&2; exit 1; }; done )  "
            + ShellQuote.comment("volume " + volume + " into " + mount)
    }

    /// The copy again once the source has stopped writing (a CronJob suspended, its last Job finished): into emptied claims,
    /// so what the last run deleted is gone on EKS too; then the copy pod lets go of them for the workload's own pods.
    func finalCopy() -> [String] {
        let claimed = copies
        guard !claimed.isEmpty else { return [] }
        var commands = [workload.kind == "CronJob" ? CronJobIdle.gate(source, ref: Kubectl.ref(workload, on: .source)) + "  # its last run has finished writing"
                            : "# the source has stopped writing: its pods are gone (scaled to 0)",
                        ": \"${SOURCE_NODES:?set SOURCE_NODES to the nodes the data item decided}\""]
        commands += startPod(ifMissing: true)
        let plain = plainCopies
        for copy in plain.copies {
            // A non-root copy cannot read the root-owned lost+found of a fresh ext4 volume: it empties the rest.
            commands.append(eks("exec \"$COPY_POD\" -- find \(copy.mount) -mindepth 1 " + (asWorkloadUser ? "-maxdepth 1 ! -name lost+found -exec rm -rf {} +" : "-delete"))
                            + "  # emptied first: what the last runs deleted goes too")
            commands.append(fits(copy))
            commands.append(copyCommand(copy.path, into: copy.mount, volume: copy.claim.volume))
        }
        commands += plain.todos + copyPodVerify() + [release]
        return commands
    }

    /// The copy pod goes once the claims are filled: they are ReadWriteOnce, and the workload's pods attach them only then.
    private var release: String {
        eks("delete \"$COPY_POD\" --wait") + "  # ReadWriteOnce: the workload's pods attach the claims only once the copy pod has let go"
    }

    /// The claims as the copy pod sees them against each source node.
    private func copyPodVerify() -> [String] {
        plainCopies.copies.flatMap { copy in
            ["for SOURCE_NODE in $SOURCE_NODES; do " + Self.onNode("sudo du -s " + ShellQuote.word(copy.path) + " && sudo find " + ShellQuote.word(copy.path) + " -type f | wc -l") + "; done",
             eks("exec \"$COPY_POD\" -- sh -c " + ShellQuote.word("du -s \(copy.mount) && find \(copy.mount) -type f | wc -l"))
                + "  # one node: the same size and file count; several merged: at most their sum"]
        }
    }

    /// After the deploy: the data as the workload itself mounts it (the copy pod is gone), against each source node.
    /// `kubectl exec` hands its words to the container as they are: the mount path is quoted for the engineer's shell only.
    func verify() -> [String] {
        let claimed = copies
        guard !claimed.isEmpty else {
            // Claims of their own: the workload's pods on both sides hold as many files under each mount.
            let claims = claimMounts
            if !claims.isEmpty { return claims.map { DataCopy.sameFileCount(workload, path: $0.path) } }
            return hostPaths.filter { Self.isPlainPath($0.path) }.flatMap { _, path in
                [Self.onNode("sudo du -s " + ShellQuote.word(path) + " && sudo find " + ShellQuote.word(path) + " -type f | wc -l"),
                 eks("exec \"\(Self.handMadePod)\" -- sh -c 'du -s /data && find /data -type f | wc -l'") + "  # the same size and file count, or the decision to drop it in the note"]
            }
        }
        let ref = Kubectl.ref(workload, on: .eks)
        return plainCopies.copies.flatMap { copy -> [String] in
            let mounts = workload.containers.flatMap { container in
                container.volumeMounts.items.filter { $0["name"]?.string == copy.claim.volume }.compactMap { mount in mount["mountPath"]?.string.map { (container.name, $0) } }
            }
            guard let (container, mountPath) = mounts.first(where: { Self.isPlainPath($0.1) && Self.isPlainPath("/" + $0.0) }) else {
                return [ShellQuote.comment("TODO volume " + copy.claim.volume + ": compare claim " + copy.claim.name + " inside the workload with the node's copy by hand")]
            }
            let exec = "exec \(ref) -c \(ShellQuote.word(container)) -- "
            return ["for SOURCE_NODE in $SOURCE_NODES; do " + Self.onNode("sudo du -s " + ShellQuote.word(copy.path) + " && sudo find " + ShellQuote.word(copy.path) + " -type f | wc -l") + "; done",
                    eks(exec + "du -s " + ShellQuote.word(mountPath)) + " && " + eks(exec + "find " + ShellQuote.word(mountPath) + " -type f") + " | wc -l"
                        + "  # claim \(copy.claim.name) as the workload mounts it: the same size and file count (several nodes merged: at most their sum)"]
        }
    }

    /// Undoing the copy: the copy pod goes; the claims are kept unless the move of this data is abandoned, and then the
    /// volume behind each must go as well: the plan's gp3 class reclaims with Retain, so deleting a claim leaves its
    /// PersistentVolume and EBS volume, still billed (Kubernetes docs, Persistent Volumes, Reclaiming: Retain; the
    /// associated storage asset "still exists after the PV is deleted").
    func undo() -> [String] {
        let claimed = copies
        // Named, not read from $COPY_POD: a rollback runs in a shell of its own, where the copy's variables are unset.
        var commands = ["# the data on the source node was never changed: delete the copy pod",
                        eks("delete \(ShellQuote.word(copyPod)) --ignore-not-found")]
        guard !claimed.isEmpty else {
            return ["# delete the claim the copy filled on EKS (and the copy pod): the data on the source node was never changed",
                    eks("delete \"\(Self.handMadePod)\" --ignore-not-found")]
        }
        commands.append("# KEEP the claims to copy again (the final copy empties them first). ABANDON the move (this data stays on the source): first roll back the EKS workload's deploy (it mounts them), then for each claim its PersistentVolume and EBS volume too — gp3 reclaims with Retain, so deleting only the claim leaves a Released volume that is still billed:")
        for copy in claimed {
            let claim = ShellQuote.word("pvc/" + copy.claim.name)
            commands += ["PV=$(" + eks("get \(claim) -o jsonpath='{.spec.volumeName}'") + ") && VOLUME_ID=$("
                            + Kubectl.eks(nil)("get pv \"$PV\" -o jsonpath='{.spec.csi.volumeHandle}'") + ") && echo \"$PV $VOLUME_ID\"  # none: it never bound, only the claim to delete",
                         eks("delete \(claim) --ignore-not-found"),
                         "[ -z \"$PV\" ] || " + Kubectl.eks(nil)("delete pv \"$PV\" --ignore-not-found"),
                         "[ -z \"$VOLUME_ID\" ] || aws ec2 delete-volume --volume-id \"$VOLUME_ID\"  # in the cluster's region, once it shows available (detached)"]
        }
        return commands
    }

    /// The pod the engineer runs where no claim of the plan takes the data (`perNodeCopy`): theirs to name, in every step.
    static let handMadePod = "${COPY_POD:?set COPY_POD to the pod you run that mounts the claim at /data (pod/NAME)}"

    /// Where the workload has no host path of its own but mounts claims, the claims themselves are node-local (a hostPath
    /// provisioner's: minikube, MicroK8s, Rancher local-path; `RecordedProvisioner`): each claim's mount, by container and
    /// path, through which a running source pod reads it. Plain paths only (`isPlainPath`).
    var claimMounts: [(container: String, path: String, claim: String)] {
        guard hostPaths.isEmpty else { return [] }
        var claims: [String: String] = [:]
        for volume in workload.volumes where volume.type == "persistentVolumeClaim" {
            if let claim = volume.reference, claims[volume.name] == nil { claims[volume.name] = claim }
        }
        var seen: Set<String> = []
        return workload.containers.flatMap { container in
            container.volumeMounts.items.compactMap { mount -> (container: String, path: String, claim: String)? in
                guard let name = mount["name"]?.string, let claim = claims[name], let path = mount["mountPath"]?.string, Self.isPlainPath(path),
                      mount["readOnly"]?.bool != true, seen.insert(claim).inserted else { return nil }
                return (container.name, path, claim)
            }
        }
    }

    /// The claims' data read through a running source pod into the EKS pod the engineer runs on the new claim: Velero's
    /// file-system backup skips a hostPath volume (its claim included), but the pod that mounts it reads it like any other.
    private func claimCopy(_ mounts: [(container: String, path: String, claim: String)]) -> [String] {
        guard let selector = LabelSelector.matching(workload.templateLabels) else {
            return ["# copy each claim's mount from a running source pod of the workload (kubectl exec … tar -cf -) into the EKS pod (kubectl exec -i … tar -xf -)"]
        }
        var commands = ["SOURCE_POD=$(" + source("get pods -l \(ShellQuote.word(selector)) --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}'")
                            + ") && test -n \"$SOURCE_POD\" || { echo " + ShellQuote.word("no running source pod of \(workload.label): its claims are read through one") + " >&2; false; }"]
        for mount in mounts {
            commands.append("( set -o pipefail; " + source("exec \"$SOURCE_POD\" -c \(ShellQuote.word(mount.container)) -- tar -C \(ShellQuote.word(mount.path)) -cf - .")
                            + " | " + eks("exec -i \"\(Self.handMadePod)\" -- tar -C /data " + (asWorkloadUser ? "-oxf -" : "-xf -")) + " )  "
                            + ShellQuote.comment("claim " + mount.claim + ", mounted at " + mount.path + " (a pod on EKS per claim, COPY_POD set to it)"))
        }
        return commands
    }

    /// A DaemonSet's data (a copy per node) or several replicas' (one each): no single claim takes it.
    private func perNodeCopy() -> [String] {
        let claims = claimMounts
        let nodes = workload.kind == "DaemonSet" ? "every node it runs on (one copy per node)" : "the nodes its pods ran on (one copy per replica)"
        var commands = [
            ShellQuote.comment("DECIDE first and write the decision in this item's note: what is kept under the host path on \(nodes), and does EKS need it? Velero's file-system backup skips hostPath volumes, so nothing copies it unless this step does"),
            "# drop it (a cache, scratch space, or backups kept elsewhere): copy nothing, and mark this item done with the reason",
            !claims.isEmpty
                ? "# keep it: the converted claims take it (gp3, applied by the wave's apply item); for each, run a pod on EKS that mounts it at /data (tolerating the stateful groups' taint: they hold the gp3 volumes) and set COPY_POD to it (pod/NAME), then copy through a running source pod, which mounts the claim:"
                : hostPaths.isEmpty
                ? "# keep it: give the converted workload a gp3 PersistentVolumeClaim in place of the node's volume, run a pod that mounts that claim at /data, set COPY_POD to it (pod/NAME) and SOURCE_NODE to the source node, then copy:"
                : "# keep it: eksodus convert keeps this hostPath (one claim cannot hold a copy per pod): give each pod a gp3 claim of its own (a StatefulSet's volumeClaimTemplates), run a pod that mounts one at /data, set COPY_POD to it (pod/NAME) and SOURCE_NODE to its node, then copy:",
            source("get pods -o wide") + "  # the NODE column: where its pods ran",
        ]
        for (volume, path) in hostPaths {
            guard Self.isPlainPath(path) else {
                commands.append(ShellQuote.comment("TODO volume " + volume + ": its host path is not a plain absolute path; look at it on the node and copy it by hand"))
                continue
            }
            commands.append(Self.onNode("sudo tar -C " + ShellQuote.word(path) + " -cf - .") + " | " + eks("exec -i \"\(Self.handMadePod)\" -- tar -C /data -xf -")
                            + "  " + ShellQuote.comment("volume " + volume + ", one claim per host path"))
        }
        if !claims.isEmpty {
            commands += claimCopy(claims)
        } else if hostPaths.isEmpty {
            commands.append("# copy each writable host path of the workload the same way (ssh to the node, tar into the claim)")
        }
        return commands
    }
}
