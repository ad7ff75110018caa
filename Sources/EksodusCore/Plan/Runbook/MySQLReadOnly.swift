/// A MySQL or MariaDB server made read-only, each in its own terms, and proven so by reading the variable back.
///
/// - MySQL: `super_read_only` (which sets `read_only` too) stops every account, SUPER included; only the replication
///   threads write (MySQL docs, server system variables super_read_only;
///   https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_super_read_only).
/// - MariaDB has no `super_read_only`: `SET GLOBAL super_read_only` fails there ("Unknown system variable") and froze
///   nothing. `read_only` stops every account but the replication threads and those holding READ ONLY ADMIN (10.5.2 on;
///   SUPER before, and SUPER implies it until 10.11, MDEV-29596), which root and any `ALL PRIVILEGES` account hold
///   (MariaDB docs, system variable read_only and "Read-Only Replicas";
///   https://mariadb.com/docs/server/ref/mdb/system-variables/read_only, https://mariadb.com/kb/en/read-only-replicas/).
///   So the freeze also fails while an account other than root can still write through it: its READ ONLY ADMIN (or
///   SUPER) must be revoked, or its application stopped, first.
struct MySQLReadOnly {
    var workload: Estate.Workload
    /// `mariadb` for MariaDB images (`data/databases.yaml`), anything else is MySQL.
    var engine: String

    var isMariaDB: Bool { engine == "mariadb" }

    static let client = "mysql -uroot -p\"$MYSQL_ROOT_PASSWORD\""

    /// The variable that holds the freeze on this engine.
    var variable: String { isMariaDB ? "read_only" : "super_read_only" }

    /// Makes one side read-only.
    func on(_ side: Kubectl.Side) -> String {
        DataCopy.exec(workload, on: side, Self.client + " -e " + ShellQuote.word("SET GLOBAL \(variable) = ON"))
    }

    /// Lets one side take writes again (MySQL's `read_only` goes with it: `super_read_only = OFF` leaves it ON).
    func off(_ side: Kubectl.Side) -> String {
        DataCopy.exec(workload, on: side, Self.client + " -e " + ShellQuote.word(isMariaDB ? "SET GLOBAL read_only = OFF" : "SET GLOBAL super_read_only = OFF; SET GLOBAL read_only = OFF"))
    }

    /// Fails unless the server answers that the freeze holds (`1`); a failed or empty answer is no pass.
    func check(_ side: Kubectl.Side) -> String {
        let read = DataCopy.exec(workload, on: side, Self.client + " -N -B -e " + ShellQuote.word("SELECT @@global.\(variable)"))
        let name = side == .source ? "the source" : "EKS"
        return "{ READ_ONLY=$(" + read + ") && test \"$READ_ONLY\" = 1; } || { echo " + ShellQuote.word("\(variable) is not set on \(name) (or it did not answer): writes are not frozen") + " >&2; false; }"
    }

    /// MariaDB only: fails unless the server counts no account other than root holding READ ONLY ADMIN or SUPER (one
    /// writes through `read_only`), printing the count and those accounts; the privilege's name is compared without its
    /// underscore (`READ_ONLY ADMIN`). A count, never an empty list, passes: no answer is no pass.
    func writersCheck(_ side: Kubectl.Side) -> String? {
        guard isMariaDB else { return nil }
        let sql = "SELECT COUNT(DISTINCT GRANTEE), GROUP_CONCAT(DISTINCT GRANTEE) FROM information_schema.USER_PRIVILEGES WHERE UPPER(REPLACE(PRIVILEGE_TYPE, '_', ' ')) IN ('READ ONLY ADMIN', 'SUPER') AND GRANTEE NOT LIKE '''root''@%' AND GRANTEE NOT LIKE '''mariadb.sys''@%'"
        let read = DataCopy.exec(workload, on: side, Self.client + " -N -B -e " + ShellQuote.word(sql))
        return "{ WRITERS=$(" + read + ") && test \"${WRITERS%%[[:space:]]*}\" = 0; } || { echo " + ShellQuote.word("these accounts still write through read_only (READ ONLY ADMIN or SUPER), or the server did not answer: revoke it from them or stop their applications, then re-run") + " >&2; printf '%s\\n' \"${WRITERS:-}\" >&2; false; }"
    }

    /// The source's freeze, checked; the second list lifts it.
    func freeze() -> (commands: [String], rollback: [String]) {
        ([on(.source), check(.source)] + [writersCheck(.source)].compactMap { $0 }, [off(.source)])
    }
}
