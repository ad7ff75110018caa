/// What must hold before a PostgreSQL base backup starts, checked where a refusal still costs nothing: the forward copy
/// checks in its one-off pod before `pg_basebackup` (the source keeps serving either way), and the rollback checks
/// while the source still runs and EKS still takes writes, so a refusal never leaves both sides without a writer.
enum PostgresPreflight {
    /// The operator's variables the copy's secret is made of: an empty `PGHOST` sends `pg_basebackup` to the pod's own
    /// socket, where no server runs.
    static func variables(host: String, describing what: String) -> String {
        "{ test -n \"${\(host):-}\" && test -n \"${REPLICATION_PASSWORD:-}\"; } || { echo "
            + ShellQuote.word("set \(host) (\(what)) and REPLICATION_PASSWORD (user replicator's password) first: nothing has been changed") + " >&2; false; }"
    }

    /// The one-off pod's first lines: the secret's connection is set, and the server it names accepts a physical
    /// replication connection as that user, the kind `pg_basebackup` opens. pg_hba.conf's `replication` database matches
    /// only a physical replication connection (PostgreSQL docs, The pg_hba.conf File:
    /// https://www.postgresql.org/docs/current/auth-pg-hba-conf.html), and `IDENTIFY_SYSTEM` is a command of the
    /// streaming replication protocol psql can send on such a connection (PostgreSQL docs, Streaming Replication
    /// Protocol: https://www.postgresql.org/docs/current/protocol-replication.html); its answer starts with the system
    /// identifier, a number, then `|`. A refused connection (pg_hba.conf, max_wal_senders, password) fails here, with
    /// nothing copied and no slot made.
    static let connectionInPod =
        ": \"${PGHOST:?PGHOST is empty: the secret names no server}\"; : \"${PGPASSWORD:?PGPASSWORD is empty: the secret holds no password}\"; "
        + "SYSTEM=$(PGCONNECT_TIMEOUT=15 psql \"replication=true\" -Atc IDENTIFY_SYSTEM) || SYSTEM=; "
        + "case \"$SYSTEM\" in [0-9]*'|'*) ;; *) echo \"$PGHOST does not accept a replication connection as $PGUSER (a pg_hba.conf 'host replication' line for this network, max_wal_senders, the password): nothing was copied\" >&2; exit 1;; esac; "

    /// The rollback's check, from the running source pod (the network the rebuild pod connects from), that EKS accepts
    /// the replication connection the rebuild will open (`eksodus_pg_accepts_replication`).
    static func eksAcceptsReplication(_ workload: Estate.Workload) -> String {
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        return "eksodus_pg_accepts_replication " + source.libraryArguments + " " + Kubectl.ref(workload, on: .source)
    }

    /// Fails unless the server the runbook's `kubectl exec` on `workload` reaches on `side` is a primary: exec on a
    /// StatefulSet or Deployment enters its first pod (kubectl exec docs: "the first pod will be used"), which in a
    /// replicated set (Patroni, an operator, a failover since the export) may be a standby, and the slot, the write freeze
    /// and the WAL positions must be the primary's.
    static func primary(_ workload: Estate.Workload, on side: Kubectl.Side) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
        return "eksodus_pg_primary " + kubectl.libraryArguments + " " + Kubectl.ref(workload, on: side) + "  # the pod these steps exec into is the primary"
    }

    /// The preflight functions of the runbook library.
    static let library = """
        # eksodus_pg_primary SIDE NAMESPACE REF: fails unless the server in the pod kubectl exec picks for REF on SIDE (a workload's first
        # pod) is a primary, pg_is_in_recovery() f. In a replicated set that pod may be a standby (Patroni, an operator, a failover).
        eksodus_pg_primary() {
          local answer
          answer=$(printf '%s\\n' 'SELECT pg_is_in_recovery()' | eksodus_kubectl "$1" "$2" exec -i "$3" -- psql -U postgres -At) || answer=
          case "$answer" in
            f) return 0 ;;
            t) echo "$3 on $1 reaches a standby (pg_is_in_recovery() is t), not the primary: the slot, the freeze and the WAL positions must be the primary's. Run the step against the primary's pod (kubectl exec pod/NAME), or fail the set over to that pod first; nothing has been changed" >&2; return 1 ;;
            *) echo "$3 on $1 did not answer pg_is_in_recovery() (${answer:-no answer}): nothing has been changed; re-run" >&2; return 1 ;;
          esac
        }

        # eksodus_pg_accepts_replication SOURCE_SIDE NAMESPACE REF: fails unless EKS (at EKS_DB_HOST) accepts, from the running source pod
        # REF (the network the rollback's rebuild pod connects from), the physical replication connection pg_basebackup opens, as
        # replicator: IDENTIFY_SYSTEM answers the system identifier, a number, then |. The password reaches the pod on standard input:
        # an exec's arguments are part of its request, which the API server's audit log records.
        eksodus_pg_accepts_replication() {
          # shellcheck disable=SC2016  # $1 expands in the source's pod
          printf '%s\\n' "$REPLICATION_PASSWORD" | eksodus_kubectl "$1" "$2" exec -i "$3" -- sh -c 'read -r PGPASSWORD && export PGPASSWORD && PGCONNECT_TIMEOUT=15 psql "replication=true" -h "$1" -U replicator -Atc IDENTIFY_SYSTEM' sh "$EKS_DB_HOST" \\
            | grep -q '^[0-9][0-9]*|' \\
            || { echo "EKS (at EKS_DB_HOST) does not accept a replication connection as replicator from the source's network (pg_hba.conf 'host replication' line, max_wal_senders, the password), or the source did not answer: fix it and re-run; nothing has been stopped" >&2; return 1; }
        }

        # eksodus_pg_room SOURCE_SIDE NAMESPACE EKS_REF SOURCE_REF MOUNT CLAIM: fails unless the source's claim CLAIM (mounted at MOUNT in
        # the running SOURCE_REF) has room for EKS's databases beside the data directory the rebuild keeps: their size, a tenth more
        # and 1 GiB (the WAL the backup streams while it runs). Checked while the source still runs, so a full claim stops the
        # rollback before the source is stopped.
        eksodus_pg_room() {
          local need free
          need=$(eksodus_kubectl eks "$2" exec "$3" -- sh -c \(ShellQuote.word("psql -U postgres -Atc " + ShellQuote.word("SELECT (sum(pg_database_size(oid)) / 1024)::bigint FROM pg_database")))) || need=
          free=$(eksodus_kubectl "$1" "$2" exec "$4" -- df -Pk "$5" | awk 'NR == 2 { print $4 }') || free=
          if ! awk -v need="$need" -v free="$free" 'BEGIN { exit !(need ~ /^[0-9]+$/ && free ~ /^[0-9]+$/ && free + 0 >= need * 1.1 + 1048576) }'; then
            echo "not enough room on the source's claim $6 for EKS's data beside the kept data directory (its size, a tenth more and 1 GiB): expand the claim (kubectl patch pvc, if its StorageClass allows expansion) or move the old data off it, then re-run; the source has not been stopped" >&2
            echo "need ${need:-?} KiB + margin, free ${free:-?} KiB" >&2
            return 1
          fi
        }

        """

    /// The rollback's check that the rebuild can keep the source's data aside: the server runs on `directory` (what the
    /// rebuild pod moves), and no earlier rollback's copy is in the way. A data directory that is the claim's mount
    /// point cannot be moved aside, nor can `pg_basebackup` write into it beside the old files (it must be empty), so
    /// that case refuses outright; the official image recommends a subdirectory of the mount for PGDATA anyway
    /// (docker-library postgres, "PGDATA": https://github.com/docker-library/docs/blob/master/postgres/content.md).
    static func sourceDataDirectory(_ workload: Estate.Workload, directory: String, mountPath: String) -> String {
        let directory = trimmed(directory), mountPath = trimmed(mountPath)
        if directory == mountPath {
            return "{ echo " + ShellQuote.word("PGDATA (\(directory)) is the claim's mount point: the rebuild cannot move it aside. Snapshot the claim and rebuild the source by hand (pg_basebackup -R from EKS into an emptied volume), or move PGDATA to a subdirectory first; nothing has been stopped") + " >&2; false; }"
        }
        let shown = PostgresStandby.psql(workload, on: .source, "SHOW data_directory")
        let kept = DataCopy.execDirect(workload, on: .source, "test ! -e " + ShellQuote.word(directory + keptSuffix))
        return "{ DATA_DIR=$(\(shown)) && test \"${DATA_DIR%/}\" = \(ShellQuote.word(directory)) && \(kept); } || { echo "
            + ShellQuote.word("the source's server does not run on \(directory) (SHOW data_directory), or \(directory + keptSuffix) is left from an earlier rollback (move it off the claim), or the source did not answer: nothing has been stopped")
            + " >&2; echo \"data_directory: ${DATA_DIR:-no answer}\" >&2; false; }"
    }

    /// Where the rollback keeps the source's old data directory, beside it on the same claim.
    static let keptSuffix = ".eksodus-before-rollback"

    static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
