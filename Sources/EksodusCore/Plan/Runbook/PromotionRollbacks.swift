/// Undoing a promotion for the engines whose writes come back through a copy rather than a rebuild (MySQL, MongoDB;
/// RabbitMQ in RabbitMQShovel, Elasticsearch in ElasticsearchSnapshot), always in the same safe order: EKS stops taking writes first, what it took since the promotion goes back
/// to the source, and only then does the source's own freeze lift. Lifting the freeze alone would lose those writes.
extension DataCopy {
    static let writesOnEKS = "# the writes made since the promotion are on EKS only: lifting the source's freeze alone would lose them"

    /// MySQL: EKS goes super-read-only; the source keeps `read_only` (its applications still cannot write) while an
    /// administrator's import, which `read_only` lets through and `super_read_only` would not, replaces its data with a
    /// dump of EKS (MySQL docs, server system variables read_only and super_read_only;
    /// https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_read_only).
    /// MariaDB has no `super_read_only` (`MySQLReadOnly`): both sides stay `read_only`, which root's import passes
    /// (READ ONLY ADMIN), and EKS's freeze is read back.
    static func mysqlUnpromote(_ workload: Estate.Workload, engine: String, liftSourceFreeze: [String]) -> [String] {
        let mysql = MySQLReadOnly.client
        let readOnly = MySQLReadOnly(workload: workload, engine: engine)
        let tables = "SELECT table_schema, COUNT(*) FROM information_schema.tables WHERE table_schema NOT IN ('mysql','sys','information_schema','performance_schema') GROUP BY table_schema ORDER BY 1"
        let sourceForImport = readOnly.isMariaDB ? "SET GLOBAL read_only = ON" : "SET GLOBAL super_read_only = OFF; SET GLOBAL read_only = ON"
        let dump: String = exec(workload, on: .eks, "mysqldump -uroot -p\"$MYSQL_ROOT_PASSWORD\" --all-databases --single-transaction --routines --events --triggers")
        let importBack: String = "(set -o pipefail; " + dump + " | " + exec(workload, on: .source, mysql, stdin: true) + ")  # the source takes EKS's data"
        return [writesOnEKS,
                readOnly.on(.eks) + "  # EKS takes no more writes",
                readOnly.check(.eks),
                exec(workload, on: .source, mysql + " -e " + ShellQuote.word(sourceForImport)) + "  # only the import below may write to the source",
                importBack,
                exec(workload, on: .eks, mysql + " -e " + ShellQuote.word(tables)),
                exec(workload, on: .source, mysql + " -e " + ShellQuote.word(tables)) + "  # the same tables as EKS"]
            + liftSourceFreeze
    }

    /// MongoDB: both sides are members of one replica set, so EKS's writes replicate back by themselves once a source
    /// member is the primary again (`MongoReplicaSet.unpromote`: votes back, EKS steps down, EKS members out).
    static func mongoUnpromote(_ workload: Estate.Workload, liftSourceFreeze: [String]) -> [String] {
        [writesOnEKS + " until the replica set hands the primary back"] + MongoReplicaSet(workload: workload).unpromote() + liftSourceFreeze
    }
}
