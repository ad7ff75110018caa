/// Node-local data (hostPath or local volumes) as runbook commands: a decision first (what the data is, whether EKS needs it),
/// then a copy from the source node into a claim on EKS. Velero's file-system backup does not back up hostPath volumes
/// (Velero docs, File System Backup, Limitations, https://velero.io/docs/main/file-system-backup/#limitations), and
/// `eksodus convert` keeps the hostPath as it is, so on EKS the workload would find an empty directory of a new node.
///
/// The remote half runs through `ssh`, which hands its arguments to the node's shell as one string: the command is quoted
/// once for that shell (the path inside it) and once more for the engineer's.
struct NodeDataCopy {
    var workload: Estate.Workload

    /// The node-local data the assessment counted (`WorkloadProfile.nodeLocalData`: volumes some container writes, never a
    /// socket, a device or a node system path such as /etc or /var/lib/kubelet, which must not be shipped into a claim a
    /// manifest's workload mounts): (volume name, path on the node).
    var hostPaths: [(volume: String, path: String)] {
        guard let reference = ReferenceData.bundled else { return [] }
        return WorkloadProfile.nodeLocalData(workload, reference: reference).compactMap { volume in volume.reference.map { (volume.name, $0) } }
    }

    /// A path both shells read alike and no tool takes for an option: absolute and printable ASCII, which `ShellQuote.word`
    /// quotes with '…' alone. Anything else would get bash's `$'…'`, which the node's POSIX sh (dash) does not know: its
    /// `\'` would end the quote there and run the rest.
    static func isPlainPath(_ path: String) -> Bool {
        path.hasPrefix("/") && path.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    private var eks: Kubectl { Kubectl.eks(workload.namespace) }

    /// `ssh "$SOURCE_NODE" 'REMOTE'`: `remote` is one command line for the node's shell.
    private static func onNode(_ remote: String) -> String {
        "ssh \"$SOURCE_NODE\" " + ShellQuote.word(remote)
    }

    func copy() -> [String] {
        let nodes = workload.kind == "DaemonSet" ? "every node it runs on (one copy per node)" : "the node its pods ran on"
        var commands = [
            ShellQuote.comment("DECIDE first and write the decision in this item's note: what is kept under the host path on \(nodes), and does EKS need it? Velero's file-system backup skips hostPath volumes, so nothing copies it unless this step does"),
            "# drop it (a cache, scratch space, or backups kept elsewhere): copy nothing, and mark this item done with the reason",
            "# keep it: give the converted workload a gp3 PersistentVolumeClaim in place of the hostPath volume, run a pod that mounts that claim at /data, set COPY_POD to it (pod/NAME) and SOURCE_NODE to the source node, then copy:",
            Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))("get pods -o wide") + "  # the NODE column: where its pods ran (a CronJob's, where its last Jobs ran)",
        ]
        for (volume, path) in hostPaths {
            guard Self.isPlainPath(path) else {
                commands.append(ShellQuote.comment("TODO volume " + volume + ": its host path is not a plain absolute path; look at it on the node and copy it by hand"))
                continue
            }
            commands.append(Self.onNode("sudo tar -C " + ShellQuote.word(path) + " -cf - .") + " | " + eks("exec -i \"$COPY_POD\" -- tar -C /data -xf -")
                            + "  " + ShellQuote.comment("volume " + volume + ", one claim per host path"))
        }
        if hostPaths.isEmpty { commands.append("# copy each writable host path of the workload the same way (ssh to the node, tar into the claim)") }
        return commands
    }

    func verify() -> [String] {
        hostPaths.filter { Self.isPlainPath($0.path) }.flatMap { _, path in
            [Self.onNode("sudo du -s " + ShellQuote.word(path) + " && sudo find " + ShellQuote.word(path) + " -type f | wc -l"),
             eks("exec \"$COPY_POD\" -- sh -c 'du -s /data && find /data -type f | wc -l'") + "  # the same size and file count, or the decision to drop it in the note"]
        }
    }

    func undo() -> [String] {
        ["# delete the claim the copy filled on EKS (and the copy pod): the data on the source node was never changed",
         eks("delete \"$COPY_POD\" --ignore-not-found")]
    }
}
