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
            return (name, (["eksodus_pg_claim", ShellQuote.word(workload.namespace), Kubectl.ref(workload, on: .eks)] + [template.name, name].map(ShellQuote.word)).joined(separator: " "))
        }
        if let volume = workload.volumes.first(where: { $0.type == "persistentVolumeClaim" && ($0.name == mounted || mounted == nil) }), let reference = volume.reference {
            return (reference, nil)
        }
        return nil
    }

    /// The `subPath` the server mounts its claim with (a chart's `subPath: pgdata`, say): the one-off pod mounts the
    /// same, or it would write to the volume's root while the server reads a subdirectory of it and initialises a new,
    /// empty database there.
    static func subPath(_ workload: Estate.Workload, mountPath: String) -> String? {
        let mount = workload.containers.flatMap { $0.volumeMounts.items }.first { $0["mountPath"]?.string == mountPath }
        return mount?["subPath"]?.string.flatMap { $0.isEmpty ? nil : $0 }
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
    ///
    /// As the image's user, with five capabilities only (`CopyPodSecurity`). The official images run as root: the script
    /// gives the data directory to their postgres user (CHOWN, FOWNER for its mode), looks into and moves aside a 0700
    /// directory that user owns (DAC_OVERRIDE), and drops to it with gosu/su-exec for pg_basebackup (SETUID, SETGID;
    /// neither is a set-user-ID program, so no privilege escalation is needed). Their postgres uid differs (999 Debian, 70
    /// Alpine), so the pod cannot start as it; an image with a non-root user of its own (Bitnami's 1001) runs the script
    /// as that user (`id -u` is not 0), and pg_basebackup itself never holds a capability.
    static let capabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"]

    /// `identity`: who the server writes its data as. A non-root server's pod (Bitnami's: runAsUser 1001, fsGroup 1001)
    /// runs as that uid, with its groups and fsGroup, so the empty claim is group-owned and writable and pg_basebackup
    /// writes the files as the server will read them; a root one's as described above.
    static func overrides(claim: String, image: String, directory: String, mountPath: String, subPath: String? = nil, script: String,
                          identity: CopyPodSecurity.Identity? = CopyPodSecurity.Identity()) -> String {
        var overrides = "{\"spec\":{\"restartPolicy\":\"Never\"," + CopyPodSecurity.podFields(identity) + ",\"volumes\":[{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":"
        JSONWriter.writeString(claim, to: &overrides)
        overrides += "}}],\"containers\":[{\"name\":\"\(pod)\"," + CopyPodSecurity.container(adding: capabilities, readOnlyRoot: false, identity: identity) + ",\"image\":"
        JSONWriter.writeString(image, to: &overrides)
        overrides += ",\"command\":[\"sh\",\"-c\","
        JSONWriter.writeString(script, to: &overrides)
        overrides += "],\"env\":[{\"name\":\"PGDATA\",\"value\":"
        JSONWriter.writeString(directory, to: &overrides)
        overrides += "},{\"name\":\"MOUNT\",\"value\":"
        JSONWriter.writeString(mountPath, to: &overrides)
        overrides += "}],\"envFrom\":[{\"secretRef\":{\"name\":\"\(secret)\"}}],\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":"
        JSONWriter.writeString(mountPath, to: &overrides)
        if let subPath {
            overrides += ",\"subPath\":"
            JSONWriter.writeString(subPath, to: &overrides)
        }
        overrides += "}]}]}}"
        return overrides
    }

    /// The physical replication slot the copy streams through, on the primary it copies from. Without one, WAL written
    /// between the backup's end and the standby's start may be recycled (`wal_keep_size` is 0 by default) and the standby
    /// never catches up. `-C -S` creates it before the backup, and `-R` then records it as `primary_slot_name` (PostgreSQL
    /// docs, pg_basebackup: "-C … causes creation of a replication slot named by the --slot option before starting the
    /// backup. An error is raised if the slot already exists"; -R: "the replication slot that pg_basebackup is using";
    /// https://www.postgresql.org/docs/current/app-pgbasebackup.html). A slot name holds lower case letters, digits and
    /// underscores only (PostgreSQL docs, Replication Slots), so nothing of the manifest's name reaches SQL or a shell
    /// unescaped; the hash keeps two workloads that clean up alike apart.
    static func slot(_ workload: Estate.Workload) -> String {
        let raw = workload.namespace + "_" + workload.name
        let cleaned = String(raw.utf8.map { byte -> Character in
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            let kept = (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9"))
            return Character(Unicode.Scalar(kept ? lower : UInt8(ascii: "_")))
        }.prefix(40))
        return "eksodus_" + cleaned + "_" + ShortHash.hex(raw)
    }

    /// Drops `slot` on one side's server once no standby streams through it, then fails while it is left
    /// (`eksodus_pg_slot_gone`: a slot nobody reads keeps every WAL segment from then on).
    static func dropSlot(_ workload: Estate.Workload, on side: Kubectl.Side, _ slot: String) -> [String] {
        ["eksodus_pg_slot_gone " + slotArguments(workload, on: side) + "  # the slot goes once its standby has let go"]
    }

    /// A slot a failed earlier run left: `-C` refuses to create one that exists.
    static func dropLeftSlot(_ workload: Estate.Workload, on side: Kubectl.Side, _ slot: String) -> String {
        "eksodus_pg_slot_drop_left " + slotArguments(workload, on: side) + "  # a slot an earlier, failed run left"
    }

    // Run as the image's postgres user (gosu or su-exec in the official images) so the files belong to the server.
    static func asPostgres(slot: String) -> String {
        "RUN=; if [ \"$(id -u)\" = 0 ]; then chown postgres \"$D\"; RUN=\"$(command -v gosu || command -v su-exec) postgres\"; fi; chmod 700 \"$D\"; "
            + "exec $RUN pg_basebackup -D \"$D\" -R -X stream -C -S \(slot) -P"
    }

    /// Creates the connection secret, runs the base backup pod to its end, and removes both (the secret holds the password).
    static func runBaseBackup(_ kubectl: Kubectl, image: String, overrides: String, identity: CopyPodSecurity.Identity? = CopyPodSecurity.Identity()) -> [String] {
        CopyPodSecurity.Identity.decisions(identity) + ["# shellcheck disable=SC2016  # $PGDATA and $D expand in the pod",
         kubectl("run \(pod) --restart=Never --image=\(ShellQuote.word(image)) --overrides=\(ShellQuote.word(overrides))"),
         waitForEnd(kubectl)]
    }

    /// Refuses a data directory that holds anything but a fresh ext4 volume's own `lost+found` (`mkfs.ext4` makes it at
    /// the root of every file system, so a PGDATA that is the EBS volume's mount point holds it before any copy).
    /// `pg_basebackup` wants the directory empty (PostgreSQL docs, pg_basebackup `-D`: "If the directory exists, it must
    /// be empty"), so an empty `lost+found` is removed (`rmdir` fails on one that holds files: e2fsck's recoveries are
    /// never deleted); the official image recommends a subdirectory of the mount as PGDATA for this reason
    /// (docker-library postgres, "PGDATA": https://github.com/docker-library/docs/blob/master/postgres/content.md).
    static let emptyTarget = "if [ \"$(ls -A \"$D\")\" = lost+found ]; then rmdir \"$D/lost+found\" || { echo \"$D/lost+found holds files: move them off the volume, then re-run\" >&2; exit 1; }; fi; "
        + "if [ -n \"$(ls -A \"$D\")\" ]; then echo \"$D is not empty: use an empty claim, or a subdirectory of the volume as PGDATA\" >&2; exit 1; fi; "

    /// The connection secret of the one-off pod, to the server `$host` names (`eksodus_pg_secret`: the password from
    /// `REPLICATION_PASSWORD` on kubectl's stdin), after the pod and secret an earlier, failed run left.
    static func createSecret(_ kubectl: Kubectl, host: String) -> String {
        "eksodus_pg_secret " + kubectl.libraryArguments + " \"$" + host + "\""
    }

    /// Waits while the pod is Pending or Running (a day at most), prints its log, fails unless it succeeded, then removes
    /// the pod and its secret (`eksodus_pg_wait_copy`).
    static func waitForEnd(_ kubectl: Kubectl) -> String {
        "eksodus_pg_wait_copy " + kubectl.libraryArguments
    }

    static func replicate(_ workload: Estate.Workload, image: String, mountPaths: [String], identity: CopyPodSecurity.Identity? = CopyPodSecurity.Identity()) -> [String] {
        let eks = Kubectl.eks(workload.namespace)
        let mountPath = mountPaths.first ?? "/var/lib/postgresql/data"
        let directory = dataDirectory(workload, mountPaths: mountPaths)
        guard let claim = claim(workload, mountPath: mountPath) else {
            return ["# no claim found for the data directory: give the workload one before building the standby"]
        }
        let script = "set -e; D=\"${PGDATA%/}\"; mkdir -p \"$D\"; " + emptyTarget + PostgresPreflight.connectionInPod + asPostgres(slot: slot(workload))
        var commands = [PostgresPreflight.variables(host: "SOURCE_DB_HOST", describing: "the source primary's address EKS reaches"),
                        PostgresPreflight.primary(workload, on: .source), PostgresSlotBound.gate(workload, on: .source)]
        if let create = claim.create { commands.append(create + "  # the first pod's claim, created empty before any pod") }
        commands += [
            "# the source primary must accept a replication connection from the EKS VPC (pg_hba.conf, max_wal_senders) for user replicator",
            dropLeftSlot(workload, on: .source, slot(workload)),
            createSecret(eks, host: "SOURCE_DB_HOST"),
        ]
        commands += runBaseBackup(eks, image: image, overrides: overrides(claim: claim.name, image: image, directory: directory, mountPath: mountPath,
                                                                          subPath: subPath(workload, mountPath: mountPath), script: script, identity: identity),
                                  identity: identity)
        commands.append(eks("scale \(Kubectl.ref(workload, on: .eks)) --replicas=1") + "  # postgres starts on the copy as a streaming standby of the source")
        if (workload.replicas ?? 1) > 1 {
            commands.append("# the source runs \(workload.replicas ?? 1) replicas: the others become standbys of the EKS primary after the promotion (or use an operator)")
        }
        return commands
    }

    static func psql(_ workload: Estate.Workload, on side: Kubectl.Side, _ sql: String) -> String {
        DataCopy.exec(workload, on: side, "psql -U postgres -Atc " + ShellQuote.word(sql))
    }

    /// Several statements, one `-c` each, stopping at the first that fails. Without ON_ERROR_STOP psql runs on after an
    /// error and exits with the last statement's status, so a refused `ALTER SYSTEM` followed by `SELECT pg_reload_conf()`
    /// exited 0: a freeze that froze nothing passed (psql docs, Exit Status: 3 "if an error occurred in a script and the
    /// variable ON_ERROR_STOP was set"; https://www.postgresql.org/docs/current/app-psql.html).
    static func psqlStatements(_ workload: Estate.Workload, on side: Kubectl.Side, _ statements: [String]) -> String {
        DataCopy.exec(workload, on: side, "psql -U postgres -v ON_ERROR_STOP=1 " + statements.map { "-c " + ShellQuote.word($0) }.joined(separator: " "))
    }

    static func verify(_ workload: Estate.Workload) -> [String] {
        [psql(workload, on: .eks, "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(), now() - pg_last_xact_replay_timestamp()"),
         psql(workload, on: .source, "SELECT application_name, client_addr, state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes FROM pg_stat_replication"),
         PostgresSlotBound.health(workload, on: .source)]
    }

    /// Clears the standby's connection settings once it is a primary: `-R` wrote `primary_conninfo`, replication password
    /// included, into `postgresql.auto.conf` (PostgreSQL docs, pg_basebackup `-R`: "The postgresql.auto.conf file will
    /// record the connection settings"), and `ALTER SYSTEM RESET` removes a setting from that file (PostgreSQL docs,
    /// ALTER SYSTEM; https://www.postgresql.org/docs/current/sql-altersystem.html). The check reads the file itself.
    static func clearConnection(_ workload: Estate.Workload, on side: Kubectl.Side) -> [String] {
        [psqlStatements(workload, on: side, ["ALTER SYSTEM RESET primary_conninfo", "ALTER SYSTEM RESET primary_slot_name", "SELECT pg_reload_conf()"])
            + "  # the replication password leaves postgresql.auto.conf",
         "# shellcheck disable=SC2016  # $PGDATA expands in the pod",
         DataCopy.exec(workload, on: side, "test -f \"$PGDATA/postgresql.auto.conf\" && ! grep -q primary_conninfo \"$PGDATA/postgresql.auto.conf\"")
            + " || { echo 'primary_conninfo is still in postgresql.auto.conf (or no such file under $PGDATA)' >&2; false; }"]
    }

    /// The script of the source's one-off pod in a rollback: the old data directory is moved aside, never deleted (kept
    /// until the rollback is verified), and the base backup from EKS fills a new empty one.
    static func rebuildScript(slot: String) -> String {
        "set -e; D=\"${PGDATA%/}\"; OLD=\"$D\(PostgresPreflight.keptSuffix)\"; "
            + "if [ \"${D%/}\" = \"${MOUNT%/}\" ]; then echo \"$D is the volume's root: snapshot the claim, empty it, then re-run\" >&2; exit 1; fi; "
            + "if [ -e \"$OLD\" ]; then echo \"$OLD exists (an earlier rollback's copy): move it elsewhere first\" >&2; exit 1; fi; "
            + PostgresPreflight.connectionInPod + "mv \"$D\" \"$OLD\"; mkdir \"$D\"; " + asPostgres(slot: slot)
    }

    /// The rebuild keeps the old data directory beside the new copy on the same claim: it needs room for EKS's databases
    /// next to it. Checked while the source still runs (its pod answers `df`), so a full claim stops the rollback before
    /// the source is stopped. The margin (a tenth, and 1 GiB) is for the WAL the backup streams while it runs.
    static func roomForRebuild(_ workload: Estate.Workload, mountPath: String, claim: String) -> String {
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        return (["eksodus_pg_room", source.libraryArguments, Kubectl.ref(workload, on: .eks), Kubectl.ref(workload, on: .source)]
            + [mountPath, claim].map(ShellQuote.word)).joined(separator: " ")
    }

    /// Undoing the promotion without losing what EKS took since: EKS goes read-only, the source is rebuilt as a streaming
    /// standby of the EKS primary, waits until it has replayed EKS's last WAL position, and is promoted; only then is its
    /// freeze lifted. A server cannot be stopped from inside its own container (the container ends with it), so the
    /// source's workload is scaled to 0 and a one-off pod on its claim does the rebuild, as on EKS before. The base
    /// backup copies EKS's `postgresql.auto.conf`, read-only setting included, which the lift resets.
    static func unpromote(_ workload: Estate.Workload, mountPaths: [String], identity: CopyPodSecurity.Identity? = CopyPodSecurity.Identity(),
                          liftSourceFreeze: [String]) -> [String] {
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        let ref = Kubectl.ref(workload, on: .source)
        let mountPath = mountPaths.first ?? "/var/lib/postgresql/data"
        let image = WorkloadSteps.Engine.of(workload)?.container.image ?? workload.containers.compactMap(\.image).first ?? "postgres"
        let eksReadOnly = ["# the writes made since the promotion are on EKS only: lifting the source's freeze alone would lose them",
                           psqlStatements(workload, on: .eks, ["ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()"]),
                           psql(workload, on: .eks, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IS NOT NULL AND pid <> pg_backend_pid()")]
        guard let claim = claim(workload, mountPath: mountPath) else {
            return eksReadOnly + ["# no claim found for the source's data directory: rebuild it by hand as a standby of EKS (pg_basebackup -R), then promote it"] + liftSourceFreeze
        }
        let directory = dataDirectory(workload, mountPaths: mountPaths)
        let stopped = workload.kind == "StatefulSet" ? source("wait --for=delete " + ShellQuote.word("pod/\(workload.name)-0") + " --timeout=10m")
            : LabelSelector.matching(workload.templateLabels).map { source("wait --for=delete pods -l \(ShellQuote.word($0)) --timeout=10m") }
                ?? "# wait until the source's postgres pods are gone"
        // Every check that can refuse runs while EKS still takes writes and the source still runs: one failing after
        // EKS went read-only, or after the source stopped, left no database taking writes.
        var commands = [
            "# EKS_DB_HOST: the EKS primary's address the source reaches; it must accept user replicator from the source network (pg_hba.conf)",
            PostgresPreflight.variables(host: "EKS_DB_HOST", describing: "the EKS primary's address the source reaches"),
            PostgresPreflight.sourceDataDirectory(workload, directory: directory, mountPath: mountPath),
            roomForRebuild(workload, mountPath: mountPath, claim: claim.name),
            PostgresPreflight.eksAcceptsReplication(workload),
            // The rebuild's slot is made on the EKS primary, production since the promotion: uncapped, a rebuild that
            // stalls or is abandoned keeps every WAL segment there until EKS's disk is full, as on the source before.
            PostgresPreflight.primary(workload, on: .eks),
            PostgresSlotBound.gate(workload, on: .eks),
        ] + eksReadOnly + [
            dropLeftSlot(workload, on: .eks, slot(workload)),
            source("scale \(ref) --replicas=0") + "  # the source's postgres stops: its data directory can be replaced",
            stopped,
            createSecret(source, host: "EKS_DB_HOST"),
        ]
        commands += runBaseBackup(source, image: image, overrides: overrides(claim: claim.name, image: image, directory: directory, mountPath: mountPath,
                                                                             subPath: subPath(workload, mountPath: mountPath), script: rebuildScript(slot: slot(workload)),
                                                                             identity: identity),
                                  identity: identity)
        commands += [source("scale \(ref) --replicas=1") + "  # the source starts as a streaming standby of EKS",
                     source("rollout status \(ref) --timeout=10m"),
                     PostgresSlotBound.health(workload, on: .eks),
                     samePosition(workload, primary: .eks, otherwise: "the source has not replayed all of EKS yet: re-run until the positions are equal"),
                     psql(workload, on: .source, "SELECT pg_promote()")]
        commands += clearConnection(workload, on: .source)
        commands += dropSlot(workload, on: .eks, slot(workload))
        if (workload.replicas ?? 1) > 1 {
            commands.append(source("scale \(ref) --replicas=\(workload.replicas ?? 1)") + "  # its other replicas, once the primary takes writes")
        }
        commands.append("# or, when only a few tables changed on EKS: pg_dump them there (pg_dump -t) and restore them into the source instead of the rebuild")
        return commands + liftSourceFreeze
    }

    /// A gate on two WAL positions being equal (`eksodus_pg_same_lsn`): the primary's current position and the standby's
    /// replayed one, each read into a variable first, so a failed `psql` or `kubectl` (or an empty answer) fails the gate:
    /// compared inline, two empty answers were equal and the promotion went ahead.
    static func samePosition(_ workload: Estate.Workload, primary: Kubectl.Side, otherwise message: String) -> String {
        let standby: Kubectl.Side = primary == .eks ? .source : .eks
        let kubectl = { (side: Kubectl.Side) in side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace) }
        return (["eksodus_pg_same_lsn", String(kubectl(primary).libraryArguments.prefix { $0 != " " }), String(kubectl(standby).libraryArguments.prefix { $0 != " " }),
                 ShellQuote.word(workload.namespace), Kubectl.ref(workload, on: primary), Kubectl.ref(workload, on: standby), ShellQuote.word(message)]).joined(separator: " ")
    }

    /// After the write freeze: wait until the standby has replayed the source's last WAL position, then promote it.
    static func promote(_ workload: Estate.Workload) -> [String] {
        [PostgresPreflight.primary(workload, on: .source),
         psql(workload, on: .source, "SELECT application_name, state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes FROM pg_stat_replication"),
                PostgresSlotBound.health(workload, on: .source),
                samePosition(workload, primary: .source, otherwise: "the standby has not replayed all of the source yet: re-run until the positions are equal") + "  # lag 0 after the freeze",
                psql(workload, on: .eks, "SELECT pg_promote()"),
                psql(workload, on: .eks, "SELECT pg_is_in_recovery()") + "  # f: the EKS copy takes writes"]
            + clearConnection(workload, on: .eks) + dropSlot(workload, on: .source, slot(workload))
    }
}
