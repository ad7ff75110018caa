/// A MySQL or MariaDB replica on EKS that starts, stays read-only, and is promoted only once it has applied every write
/// the frozen source made; each step is a gate that fails on a wrong, empty or failed answer.
///
/// - Binary log coordinates from the dump (`--source-data=1` / MariaDB `--master-data=1`), set after the connection:
///   naming SOURCE_HOST resets the coordinates to the start of the log (MySQL docs, CHANGE REPLICATION SOURCE TO;
///   https://dev.mysql.com/doc/refman/8.0/en/change-replication-source-to.html), so the host comes first, the dump's
///   coordinates last. Coordinates work whether GTIDs are on or off, provided both sides agree on `gtid_mode` (a
///   replica refuses the other kind of transaction), which is checked. MariaDB 10.10 defaults to GTID positions
///   (MDEV-19801), so its connection says `MASTER_USE_GTID=no` for the dump's coordinates to count.
/// - The two servers need different server ids (both default to 1, and the IO thread stops on equal ids). EKS's id and
///   read-only freeze are kept in its container's arguments (`MySQLReplicaConfig`): a restart kept neither.
/// - The `replicator` account requires TLS, and the replica connects with SOURCE_SSL=1: MySQL 8's default
///   caching_sha2_password refuses a plain connection without the source's public key (MySQL docs, Creating a User for
///   Replication; https://dev.mysql.com/doc/refman/8.0/en/replication-howto-repuser.html).
/// - Promotion waits with SOURCE_POS_WAIT (MariaDB MASTER_POS_WAIT) for the source's position read after the freeze:
///   NULL (SQL thread stopped) or -1 (timeout) is no pass, and only then does RESET REPLICA ALL drop the relay logs
///   (MySQL docs, Position-Based Synchronization Functions;
///   https://dev.mysql.com/doc/refman/8.0/en/replication-functions-synchronization.html).
struct MySQLReplication {
    var workload: Estate.Workload
    var readOnly: MySQLReadOnly

    init(workload: Estate.Workload, engine: String) {
        self.workload = workload
        readOnly = MySQLReadOnly(workload: workload, engine: engine)
    }

    var isMariaDB: Bool { readOnly.isMariaDB }

    var config: MySQLReplicaConfig { MySQLReplicaConfig(workload: workload, readOnly: readOnly, serverID: serverID) }

    /// How long the promotion waits for the replica to apply the source's last write, in seconds.
    static let catchUpSeconds = 600
    /// The largest lag data-verify accepts, in seconds: the freeze and promotion come right after.
    static let acceptedLagSeconds = 60

    /// EKS's server id: stable per workload (re-running the step sets the same one), far from the small ids sources use.
    var serverID: Int {
        var hash: UInt32 = 2_166_136_261
        for byte in "\(workload.namespace)/\(workload.name)".utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return 100_000 + Int(hash % 1_000_000)
    }

    private func sql(_ side: Kubectl.Side, _ statement: String, batch: Bool = false) -> String {
        DataCopy.exec(workload, on: side, MySQLReadOnly.client + (batch ? " -N -B" : "") + " -e " + ShellQuote.word(statement))
    }

    private static func fail(_ message: String) -> String { "{ echo " + ShellQuote.word(message) + " >&2; false; }" }

    /// Fails unless the operator's variable is set and holds no quote or backslash: it goes into an SQL string literal.
    private static func plainValue(_ variable: String, _ what: String) -> String {
        "case \"${\(variable):-}\" in ''|*[\\'\\\\\\\"]*) " + fail("set \(variable) to \(what), without quotes or backslashes, then re-run") + ";; esac"
    }

    func replicate() -> [String] {
        let source = "the source"
        var commands = [
            Self.plainValue("SOURCE_DB_HOST", "the address EKS reaches " + source + " on (port 3306)"),
            Self.plainValue("REPLICATION_PASSWORD", "a new password for the replicator account"),
            "{ BINLOG=$(" + sql(.source, "SELECT @@global.log_bin", batch: true) + ") && test \"$BINLOG\" = 1; } || "
                + Self.fail("the source writes no binary log (log_bin is off, or it did not answer): nothing can replicate; enable it and restart the source, then re-run"),
            "{ SOURCE_ID=$(" + sql(.source, "SELECT @@global.server_id", batch: true) + ") && test -n \"$SOURCE_ID\" && test \"$SOURCE_ID\" != \(serverID); } || "
                + Self.fail("the source runs server id \(serverID), EKS's (or it did not answer): equal ids stop replication"),
        ]
        if !isMariaDB {
            commands.append("{ SOURCE_GTID=$(" + sql(.source, "SELECT @@global.gtid_mode", batch: true) + ") && EKS_GTID=$(" + sql(.eks, "SELECT @@global.gtid_mode", batch: true)
                + ") && test -n \"$SOURCE_GTID\" && test \"$SOURCE_GTID\" = \"$EKS_GTID\"; } || { "
                + "echo " + ShellQuote.word("the source and EKS run different gtid_mode values (or one did not answer): start the EKS server with the source's gtid_mode and enforce_gtid_consistency, then re-run") + " >&2; "
                + "echo \"source: ${SOURCE_GTID:-no answer}, EKS: ${EKS_GTID:-no answer}\" >&2; false; }")
        }
        // The password reaches mysql on stdin (printf is a shell builtin: no process's arguments hold it).
        commands.append("printf '%s\\n' \"CREATE USER IF NOT EXISTS 'replicator'@'%' IDENTIFIED BY '$REPLICATION_PASSWORD' REQUIRE SSL; "
            + "ALTER USER 'replicator'@'%' IDENTIFIED BY '$REPLICATION_PASSWORD' REQUIRE SSL; GRANT REPLICATION SLAVE ON *.* TO 'replicator'@'%';\" | "
            + DataCopy.exec(workload, on: .source, MySQLReadOnly.client, stdin: true) + "  # on the source: the replication account, TLS only")
        let connect = isMariaDB
            ? "CHANGE MASTER TO MASTER_HOST='$SOURCE_DB_HOST', MASTER_PORT=3306, MASTER_USER='replicator', MASTER_PASSWORD='$REPLICATION_PASSWORD', MASTER_SSL=1, MASTER_USE_GTID=no;"
            : "CHANGE REPLICATION SOURCE TO SOURCE_HOST='$SOURCE_DB_HOST', SOURCE_PORT=3306, SOURCE_USER='replicator', SOURCE_PASSWORD='$REPLICATION_PASSWORD', SOURCE_SSL=1, GET_SOURCE_PUBLIC_KEY=1;"
        commands.append("printf '%s\\n' \"" + connect + "\" | " + DataCopy.exec(workload, on: .eks, MySQLReadOnly.client, stdin: true) + "  # the connection first: the dump's coordinates come after it")
        let dump = "mysqldump -uroot -p\"$MYSQL_ROOT_PASSWORD\" --all-databases --single-transaction --routines --events --triggers " + (isMariaDB ? "--master-data=1" : "--source-data=1")
        // pipefail: a dump that fails half-way left mysql exit 0 on what it had read, and replication started on part of the data.
        // A re-run's: the freeze an earlier run kept in EKS's arguments would refuse root's import.
        commands.append(readOnly.off(.eks) + "  # the import writes as root")
        commands.append("(set -o pipefail; " + DataCopy.exec(workload, on: .source, dump) + " | " + DataCopy.exec(workload, on: .eks, MySQLReadOnly.client, stdin: true) + ")  # the data, and the binary log coordinates it was taken at")
        commands += config.restart(with: config.replicaFlags, "EKS restarts with its own server id, read-only: only the replication threads write to it until the promotion")
        commands.append(config.replicaHolds())
        commands.append(sql(.eks, isMariaDB ? "START SLAVE" : "START REPLICA"))
        return commands
    }

    /// Fails unless both replication threads run and the lag is a number of seconds no larger than accepted (NULL, the
    /// lag of a stopped thread, is no pass); prints the three fields either way.
    func verify() -> [String] {
        let (io, sqlThread, lag) = isMariaDB ? ("Slave_IO_Running", "Slave_SQL_Running", "Seconds_Behind_Master") : ("Replica_IO_Running", "Replica_SQL_Running", "Seconds_Behind_Source")
        let status = sql(.eks, isMariaDB ? "SHOW SLAVE STATUS\\G" : "SHOW REPLICA STATUS\\G")
        let field = { (name: String) in "$(printf '%s\\n' \"$STATUS\" | sed -n 's/^ *\(name): //p')" }
        return ["{ STATUS=$(" + status + ") && IO=" + field(io) + " && APPLY=" + field(sqlThread) + " && LAG=" + field(lag)
                + " && echo \"IO: ${IO:-none}, SQL: ${APPLY:-none}, lag: ${LAG:-none}\" && test \"$IO\" = Yes && test \"$APPLY\" = Yes"
                + " && case \"$LAG\" in ''|*[!0-9]*) false;; *) test \"$LAG\" -le \(Self.acceptedLagSeconds);; esac; } || "
                + Self.fail("EKS is not replicating (a thread is not running, or the lag is NULL or over \(Self.acceptedLagSeconds) s, or it did not answer): read SHOW REPLICA STATUS's Last_IO_Error and Last_SQL_Error, fix, and re-run")]
    }

    /// The source is frozen: its binary log position no longer moves. EKS waits until it has applied up to there, then
    /// leaves replication and takes writes. MySQL reads the position from performance_schema.log_status (8.0.14 on,
    /// root's BACKUP_ADMIN), which 8.4 keeps where SHOW MASTER STATUS is gone (MySQL docs, The log_status Table;
    /// https://dev.mysql.com/doc/refman/8.4/en/performance-schema-log-status-table.html).
    func promote() -> [String] {
        let position = isMariaDB ? "SHOW MASTER STATUS"
            : "SELECT JSON_UNQUOTE(JSON_EXTRACT(`LOCAL`, '$.binary_log_file')), JSON_EXTRACT(`LOCAL`, '$.binary_log_position') FROM performance_schema.log_status"
        let wait = isMariaDB ? "MASTER_POS_WAIT" : "SOURCE_POS_WAIT"
        let waitOnEKS = Kubectl.eks(workload.namespace)("exec \(Kubectl.ref(workload, on: .eks)) -- sh -c "
            + ShellQuote.word(MySQLReadOnly.client + " -N -B -e \"SELECT \(wait)('") + "\"$SOURCE_LOG_FILE\"" + ShellQuote.word("', ") + "\"$SOURCE_LOG_POS\"" + ShellQuote.word(", \(Self.catchUpSeconds))\""))
        return [
            readOnly.check(.source) + "  # the source is frozen: its last write is final",
            // One gate: the wait runs only on a position the source gave, checked to be a file name and an offset.
            "{ POSITION=$(" + sql(.source, position, batch: true) + ") && read -r SOURCE_LOG_FILE SOURCE_LOG_POS _ <<< \"$POSITION\""
                + " && case \"$SOURCE_LOG_FILE\" in ''|*[!A-Za-z0-9._-]*) false;; esac && case \"$SOURCE_LOG_POS\" in ''|*[!0-9]*) false;; esac"
                + " && WAITED=$(" + waitOnEKS + ") && case \"$WAITED\" in ''|*[!0-9]*) false;; esac; } || { echo "
                + ShellQuote.word("the source gave no binary log position, or EKS has not applied its writes up to it within \(Self.catchUpSeconds) s (-1), or its SQL thread stopped (NULL), or one did not answer: do not promote; fix replication and re-run")
                + " >&2; echo \"source position: ${POSITION:-none}, EKS answer: ${WAITED:-none}\" >&2; false; }",
            sameTables() + "  # caught up: the same schemas and tables on both sides",
        ] + stop() + [readOnly.off(.eks)]
            + config.restart(with: config.primaryFlags, "EKS restarts writable, its own server id kept; its writes are still frozen at the source, and no traffic has moved yet")
            + [config.primaryHolds()]
    }

    /// Fails unless both sides list the same tables per schema (names and counts, the system schemas left out); an
    /// empty or failed answer is no pass.
    func sameTables() -> String {
        let tables = "SELECT table_schema, COUNT(*), GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema NOT IN ('mysql','sys','information_schema','performance_schema') GROUP BY table_schema ORDER BY 1"
        return "{ SOURCE_TABLES=$(" + sql(.source, tables, batch: true) + ") && EKS_TABLES=$(" + sql(.eks, tables, batch: true)
            + ") && test -n \"$SOURCE_TABLES\" && test \"$SOURCE_TABLES\" = \"$EKS_TABLES\"; } || "
            + Self.fail("the source and EKS do not hold the same tables (or one did not answer): do not promote; find what the copy missed")
    }

    /// Ends the replication on EKS (RESET drops the relay logs: only after the catch-up gate, or when the copy is abandoned).
    func stop() -> [String] {
        [sql(.eks, isMariaDB ? "STOP SLAVE; RESET SLAVE ALL;" : "STOP REPLICA; RESET REPLICA ALL;")]
    }
}
