/// A PostgreSQL streaming standby on EKS, built the way PostgreSQL requires: `pg_basebackup` writes into an empty data
/// directory of a server that is not running (PostgreSQL docs, pg_basebackup: "-D … If the directory exists, it must be
/// empty"; https://www.postgresql.org/docs/current/app-pgbasebackup.html), so the target is deployed with no replica
/// running, the copy runs in a one-off pod on the target's claim, and only then does the target start, as a standby
/// (`-R` writes `standby.signal` and `primary_conninfo`). Promotion waits until the standby has replayed everything the
/// frozen source wrote: the source's `pg_current_wal_lsn()` equals the standby's `pg_last_wal_replay_lsn()`
/// (PostgreSQL docs, "System Administration Functions"; `pg_stat_replication` shows the same from the source's side).
enum PostgresStandby {
    static let pod = "eksodus-pg-basebackup"
    static let secret = "eksodus-pg-replication"

    /// The data directory the workload's server uses: its `PGDATA`, or the official image's default under its claim.
    static func dataDirectory(_ workload: Estate.Workload, mountPaths: [String]) -> String {
        for container in workload.containers {
            for variable in container.env.items where variable["name"]?.string == "PGDATA" {
                if let value = variable["value"]?.string, !value.isEmpty { return value }
            }
        }
        return mountPaths.first ?? "/var/lib/postgresql/data"
    }

    /// The claim the workload's first pod mounts at `mountPath`: `template-name-0` for a StatefulSet's claim template, the
    /// named claim otherwise; and, for a template, the command that creates it before any pod does.
    static func claim(_ workload: Estate.Workload, mountPath: String) -> (name: String, create: String?)? {
        let mounted = workload.containers.flatMap { $0.volumeMounts.items }.first { $0["mountPath"]?.string == mountPath }?["name"]?.string
        if let template = workload.claimTemplates.first(where: { $0.name == mounted }) ?? workload.claimTemplates.first {
            let name = "\(template.name)-\(workload.name)-0"
            let filter = ".spec.volumeClaimTemplates[] | select(.metadata.name == $template) | {apiVersion: \"v1\", kind: \"PersistentVolumeClaim\", metadata: {name: $claim, labels: .metadata.labels}, spec: .spec}"
            let eks = Kubectl.eks(workload.namespace)
            return (name, eks("get \(Kubectl.ref(workload, on: .eks)) -o json") + " | jq --arg template \(ShellQuote.word(template.name)) --arg claim \(ShellQuote.word(name)) "
                        + ShellQuote.word(filter) + " | " + eks("apply -f -"))
        }
        if let volume = workload.volumes.first(where: { $0.type == "persistentVolumeClaim" && ($0.name == mounted || mounted == nil) }), let reference = volume.reference {
            return (reference, nil)
        }
        return nil
    }

    /// Sets the workload's replicas to 0 whether the file holds it alone or beside the objects convert writes with it (a List).
    static let zeroReplicas = "if .kind == \"List\" then .items |= map(if .spec.replicas != null then .spec.replicas = 0 else . end) else .spec.replicas = 0 end"

    /// The deploy: the converted file applied with no replica running, so nothing initialises the empty volume first.
    static func deployStopped(_ path: String, namespace: String) -> String {
        "kubectl --context \"$EKS_CONTEXT\" apply -f \(ShellQuote.word(path)) --dry-run=client -o json | jq \(ShellQuote.word(zeroReplicas)) | "
            + Kubectl.eks(namespace)("apply -f -") + "  # no postgres runs yet: its data directory stays empty"
    }

    /// The one-off pod's spec: the image's shell running `script` as root, on the claim mounted where the server mounts it,
    /// with `PGDATA` set and the connection (`PGHOST`, `PGUSER`, `PGPASSWORD`) from the secret.
    static func overrides(claim: String, image: String, directory: String, mountPath: String, script: String) -> String {
        var overrides = "{\"spec\":{\"restartPolicy\":\"Never\",\"volumes\":[{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":"
        JSONWriter.writeString(claim, to: &overrides)
        overrides += "}}],\"containers\":[{\"name\":\"\(pod)\",\"image\":"
        JSONWriter.writeString(image, to: &overrides)
        overrides += ",\"command\":[\"sh\",\"-c\","
        JSONWriter.writeString(script, to: &overrides)
        overrides += "],\"env\":[{\"name\":\"PGDATA\",\"value\":"
        JSONWriter.writeString(directory, to: &overrides)
        overrides += "},{\"name\":\"MOUNT\",\"value\":"
        JSONWriter.writeString(mountPath, to: &overrides)
        overrides += "}],\"envFrom\":[{\"secretRef\":{\"name\":\"\(secret)\"}}],\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":"
        JSONWriter.writeString(mountPath, to: &overrides)
        overrides += "}]}]}}"
        return overrides
    }

    // Run as the image's postgres user (gosu or su-exec in the official images) so the files belong to the server.
    static let asPostgres = "RUN=; if [ \"$(id -u)\" = 0 ]; then chown postgres \"$D\"; RUN=\"$(command -v gosu || command -v su-exec) postgres\"; fi; chmod 700 \"$D\"; "
        + "exec $RUN pg_basebackup -D \"$D\" -R -X stream -P"

    /// Creates the connection secret, runs the base backup pod to its end, and removes both (the secret holds the password).
    static func runBaseBackup(_ kubectl: Kubectl, image: String, overrides: String) -> [String] {
        ["# shellcheck disable=SC2016  # $PGDATA and $D expand in the pod",
         kubectl("run \(pod) --restart=Never --image=\(ShellQuote.word(image)) --overrides=\(ShellQuote.word(overrides))"),
         kubectl("wait --for=jsonpath='{.status.phase}'=Succeeded pod/\(pod) --timeout=24h") + " && " + kubectl("logs pod/\(pod) --tail=20"),
         kubectl("delete pod/\(pod) secret/\(secret)")]
    }

    static func replicate(_ workload: Estate.Workload, image: String, mountPaths: [String]) -> [String] {
        let eks = Kubectl.eks(workload.namespace)
        let mountPath = mountPaths.first ?? "/var/lib/postgresql/data"
        let directory = dataDirectory(workload, mountPaths: mountPaths)
        guard let claim = claim(workload, mountPath: mountPath) else {
            return ["# no claim found for the data directory: give the workload one before building the standby"]
        }
        let script = "set -e; D=\"$PGDATA\"; mkdir -p \"$D\"; if [ -n \"$(ls -A \"$D\")\" ]; then echo \"$D is not empty: use a subdirectory of the volume as PGDATA\" >&2; exit 1; fi; "
            + asPostgres
        var commands: [String] = []
        if let create = claim.create { commands.append(create + "  # the first pod's claim, created empty before any pod") }
        commands += [
            "# the source primary must accept a replication connection from the EKS VPC (pg_hba.conf, max_wal_senders) for user replicator",
            eks("create secret generic \(secret) --from-literal=PGHOST=\"$SOURCE_DB_HOST\" --from-literal=PGUSER=replicator --from-literal=PGPASSWORD=\"$REPLICATION_PASSWORD\""),
        ]
        commands += runBaseBackup(eks, image: image, overrides: overrides(claim: claim.name, image: image, directory: directory, mountPath: mountPath, script: script))
        commands.append(eks("scale \(Kubectl.ref(workload, on: .eks)) --replicas=1") + "  # postgres starts on the copy as a streaming standby of the source")
        if (workload.replicas ?? 1) > 1 {
            commands.append("# the source runs \(workload.replicas ?? 1) replicas: the others become standbys of the EKS primary after the promotion (or use an operator)")
        }
        return commands
    }

    static func psql(_ workload: Estate.Workload, on side: Kubectl.Side, _ sql: String) -> String {
        DataCopy.exec(workload, on: side, "psql -U postgres -Atc " + ShellQuote.word(sql))
    }

    static func verify(_ workload: Estate.Workload) -> [String] {
        [psql(workload, on: .eks, "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(), now() - pg_last_xact_replay_timestamp()"),
         psql(workload, on: .source, "SELECT application_name, client_addr, state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes FROM pg_stat_replication")]
    }

    /// Clears the standby's connection settings once it is a primary: `-R` wrote `primary_conninfo`, replication password
    /// included, into `postgresql.auto.conf` (PostgreSQL docs, pg_basebackup `-R`: "The postgresql.auto.conf file will
    /// record the connection settings"), and `ALTER SYSTEM RESET` removes a setting from that file (PostgreSQL docs,
    /// ALTER SYSTEM; https://www.postgresql.org/docs/current/sql-altersystem.html). The check reads the file itself.
    static func clearConnection(_ workload: Estate.Workload, on side: Kubectl.Side) -> [String] {
        [DataCopy.exec(workload, on: side, "psql -U postgres -c 'ALTER SYSTEM RESET primary_conninfo' -c 'SELECT pg_reload_conf()'")
            + "  # the replication password leaves postgresql.auto.conf",
         "# shellcheck disable=SC2016  # $PGDATA expands in the pod",
         DataCopy.exec(workload, on: side, "! grep -q primary_conninfo \"$PGDATA/postgresql.auto.conf\"")
            + " || { echo 'primary_conninfo is still in postgresql.auto.conf' >&2; false; }"]
    }

    /// The script of the source's one-off pod in a rollback: the old data directory is moved aside, never deleted (kept
    /// until the rollback is verified), and the base backup from EKS fills a new empty one.
    static let rebuildScript = "set -e; D=\"$PGDATA\"; OLD=\"$D.eksodus-before-rollback\"; "
        + "if [ \"${D%/}\" = \"${MOUNT%/}\" ]; then echo \"$D is the volume's root: snapshot the claim, empty it, then re-run\" >&2; exit 1; fi; "
        + "if [ -e \"$OLD\" ]; then echo \"$OLD exists (an earlier rollback's copy): move it elsewhere first\" >&2; exit 1; fi; "
        + "mv \"$D\" \"$OLD\"; mkdir \"$D\"; " + asPostgres

    /// Undoing the promotion without losing what EKS took since: EKS goes read-only, the source is rebuilt as a streaming
    /// standby of the EKS primary, waits until it has replayed EKS's last WAL position, and is promoted; only then is its
    /// freeze lifted. A server cannot be stopped from inside its own container (the container ends with it), so the
    /// source's workload is scaled to 0 and a one-off pod on its claim does the rebuild, as on EKS before. The base
    /// backup copies EKS's `postgresql.auto.conf`, read-only setting included, which the lift resets.
    static func unpromote(_ workload: Estate.Workload, mountPaths: [String], liftSourceFreeze: [String]) -> [String] {
        let eksLSN = psql(workload, on: .eks, "SELECT pg_current_wal_lsn()")
        let sourceLSN = psql(workload, on: .source, "SELECT pg_last_wal_replay_lsn()")
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        let ref = Kubectl.ref(workload, on: .source)
        let mountPath = mountPaths.first ?? "/var/lib/postgresql/data"
        let image = WorkloadSteps.Engine.of(workload)?.container.image ?? workload.containers.compactMap(\.image).first ?? "postgres"
        var commands = ["# the writes made since the promotion are on EKS only: lifting the source's freeze alone would lose them",
                        DataCopy.exec(workload, on: .eks, "psql -U postgres -c 'ALTER SYSTEM SET default_transaction_read_only = on' -c 'SELECT pg_reload_conf()'"),
                        psql(workload, on: .eks, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IS NOT NULL AND pid <> pg_backend_pid()")]
        guard let claim = claim(workload, mountPath: mountPath) else {
            return commands + ["# no claim found for the source's data directory: rebuild it by hand as a standby of EKS (pg_basebackup -R), then promote it"] + liftSourceFreeze
        }
        let stopped = workload.kind == "StatefulSet" ? source("wait --for=delete " + ShellQuote.word("pod/\(workload.name)-0") + " --timeout=10m")
            : LabelSelector.matching(workload.templateLabels).map { source("wait --for=delete pods -l \(ShellQuote.word($0)) --timeout=10m") }
                ?? "# wait until the source's postgres pods are gone"
        commands += [
            "# EKS_DB_HOST: the EKS primary's address the source reaches; it must accept user replicator from the source network (pg_hba.conf)",
            "{ test -n \"${EKS_DB_HOST:-}\" && test -n \"${REPLICATION_PASSWORD:-}\"; } || { echo 'set EKS_DB_HOST and REPLICATION_PASSWORD first' >&2; false; }",
            source("scale \(ref) --replicas=0") + "  # the source's postgres stops: its data directory can be replaced",
            stopped,
            source("create secret generic \(secret) --from-literal=PGHOST=\"$EKS_DB_HOST\" --from-literal=PGUSER=replicator --from-literal=PGPASSWORD=\"$REPLICATION_PASSWORD\""),
        ]
        commands += runBaseBackup(source, image: image, overrides: overrides(claim: claim.name, image: image, directory: dataDirectory(workload, mountPaths: mountPaths),
                                                                             mountPath: mountPath, script: rebuildScript))
        commands += [source("scale \(ref) --replicas=1") + "  # the source starts as a streaming standby of EKS",
                     source("rollout status \(ref) --timeout=10m"),
                     "test \"$(\(eksLSN))\" = \"$(\(sourceLSN))\" || { echo 'the source has not replayed all of EKS yet: re-run until the positions are equal' >&2; false; }",
                     psql(workload, on: .source, "SELECT pg_promote()")]
        commands += clearConnection(workload, on: .source)
        if (workload.replicas ?? 1) > 1 {
            commands.append(source("scale \(ref) --replicas=\(workload.replicas ?? 1)") + "  # its other replicas, once the primary takes writes")
        }
        commands.append("# or, when only a few tables changed on EKS: pg_dump them there (pg_dump -t) and restore them into the source instead of the rebuild")
        return commands + liftSourceFreeze
    }

    /// After the write freeze: wait until the standby has replayed the source's last WAL position, then promote it.
    static func promote(_ workload: Estate.Workload) -> [String] {
        let source = psql(workload, on: .source, "SELECT pg_current_wal_lsn()")
        let standby = psql(workload, on: .eks, "SELECT pg_last_wal_replay_lsn()")
        return [psql(workload, on: .source, "SELECT application_name, state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes FROM pg_stat_replication"),
                "test \"$(\(source))\" = \"$(\(standby))\" || { echo 'the standby has not replayed all of the source yet: re-run until the positions are equal' >&2; false; }  # lag 0 after the freeze",
                psql(workload, on: .eks, "SELECT pg_promote()"),
                psql(workload, on: .eks, "SELECT pg_is_in_recovery()") + "  # f: the EKS copy takes writes"]
            + clearConnection(workload, on: .eks)
    }
}
