/// The EKS replica's server id and read-only freeze, kept in its container's arguments rather than set with `SET GLOBAL`:
/// a global lasts until the server restarts, and a pod restart before the promotion brought EKS back with the default id
/// (the source's too, so replication stopped) and writable (the EKS applications' writes landed on a replica).
///
/// - The official images pass arguments that start with `-` to the server (docker-library mysql and mariadb,
///   "Configuration without a cnf file": https://github.com/docker-library/docs/blob/master/mysql/content.md), and
///   `--server-id`, `--read-only` and MySQL's `--super-read-only` are the server's own options (MySQL docs, server
///   system variables, "Command-Line Format --super-read-only[={OFF|ON}]"; MariaDB docs, mariadbd `--read-only`).
/// - Every patch also sets the pod template's `kubectl.kubernetes.io/restartedAt`, as `kubectl rollout restart` does,
///   so each one restarts the server exactly once, and the read-back after it proves what a restart keeps.
/// - The replica's flags go on after the dump: `super_read_only` stops root, whose import the dump is.
/// - A container whose command is its own (a wrapper script, Bitnami's run.sh) is not given arguments it would not pass
///   on: the engineer persists the settings its way, and the same restart and read-back gate it.
struct MySQLReplicaConfig {
    var workload: Estate.Workload
    var readOnly: MySQLReadOnly
    var serverID: Int

    var container: Estate.Container? { WorkloadSteps.Engine.of(workload)?.container ?? workload.containers.first }

    /// While it replicates: its own id, and frozen (root included, on MySQL).
    var replicaFlags: [String] { ["--server-id=\(serverID)", "--read-only=ON"] + (readOnly.isMariaDB ? [] : ["--super-read-only=ON"]) }
    /// Once promoted: its own id still (the promotion's rollback makes it a source again), and writable.
    var primaryFlags: [String] { ["--server-id=\(serverID)"] }

    /// Whether arguments appended to the manifest's reach the server: the image's own entrypoint, or the server itself.
    var takesArguments: Bool {
        guard let container, !(container.image ?? "").contains("bitnami/") else { return false }
        guard let first = container.command.items.compactMap(\.string).first else { return true }
        let program = first.split(separator: "/").last.map(String.init) ?? first
        return ["mysqld", "mariadbd", "docker-entrypoint.sh"].contains(program)
    }

    /// The server restarted with `flags` after the manifest's own arguments, and waited for.
    func restart(with flags: [String], _ why: String) -> [String] {
        let eks = Kubectl.eks(workload.namespace), ref = Kubectl.ref(workload, on: .eks)
        let wait = eks("rollout status \(ref) --timeout=10m")
        guard let container, takesArguments else {
            return [ShellQuote.comment("the container runs its own command: give its server " + flags.joined(separator: " ") + " the way its image is configured (a my.cnf it reads, or its flags variable); the restart and read-back below check it"),
                    eks("rollout restart \(ref)") + "  " + ShellQuote.comment(why), wait]
        }
        var tail = "\"}},\"spec\":{\"containers\":[{\"name\":"
        JSONWriter.writeString(container.name, to: &tail)
        tail += ",\"args\":["
        for (index, argument) in (container.args.items.compactMap(\.string) + flags).enumerated() {
            if index > 0 { tail += "," }
            JSONWriter.writeString(argument, to: &tail)
        }
        tail += "]}]}}}}"
        let head = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\""
        return [eks("patch \(ref) --type=strategic -p " + ShellQuote.word(head) + "\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"" + ShellQuote.word(tail)) + "  " + ShellQuote.comment(why), wait]
    }

    private func read(_ variable: String) -> String {
        DataCopy.exec(workload, on: .eks, MySQLReadOnly.client + " -N -B -e " + ShellQuote.word("SELECT @@global.\(variable)"))
    }

    /// After the restart: EKS runs its own id and is frozen. Each answer is read into a variable first, so a failed or
    /// empty one is no pass.
    func replicaHolds() -> String {
        let frozen = readOnly.variable
        return "{ EKS_ID=$(" + read("server_id") + ") && EKS_FROZEN=$(" + read(frozen) + ") && test \"$EKS_ID\" = \(serverID) && test \"$EKS_FROZEN\" = 1; } || { echo "
            + ShellQuote.word("after its restart EKS does not run server id \(serverID) with \(frozen) on (or it did not answer): the settings are not in its configuration, and a restart would stop replication or let writes in; fix them and re-run") + " >&2; "
            + "echo \"server_id: ${EKS_ID:-no answer}, \(frozen): ${EKS_FROZEN:-no answer}\" >&2; false; }"
    }

    /// After the promotion's restart: EKS still runs its id and takes writes (`read_only` off, which clears
    /// `super_read_only` too).
    func primaryHolds() -> String {
        "{ EKS_ID=$(" + read("server_id") + ") && EKS_FROZEN=$(" + read("read_only") + ") && test \"$EKS_ID\" = \(serverID) && test \"$EKS_FROZEN\" = 0; } || { echo "
            + ShellQuote.word("after its restart EKS is still read-only, or runs another server id (or it did not answer): its configuration still freezes it; fix it before any traffic moves") + " >&2; "
            + "echo \"server_id: ${EKS_ID:-no answer}, read_only: ${EKS_FROZEN:-no answer}\" >&2; false; }"
    }
}
