import Foundation
import GRDB

extension Estate {
    /// The clusters `load` reads (all, or the one named), in name order.
    static func clusters(_ db: Database, named name: String?) throws -> [Cluster] {
        try Row.fetchAll(db, sql: "SELECT id, name, environment, kubernetes_version FROM cluster WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
                         arguments: [name]).map { row in
            Cluster(id: row[0], name: row[1], environment: row[2], kubernetesVersion: row[3])
        }
    }

    /// Each cluster's estate (all of them, or `name`'s), loaded and passed through `transform`, in name order: on two threads
    /// when `database` is a pool of connections and there is more than one cluster and core. A large estate's loading (and
    /// what the assessment does with each cluster) took one core while the other waited.
    ///
    /// The caller's thread reads through `db`; the other thread through one of the pool's readers, which sees the last
    /// committed inventory. That is `db`'s own view only while `db`'s transaction holds the write lock (GRDB begins writes
    /// IMMEDIATE: no other process can commit) and has written nothing yet: call this first in a write.
    static func loadEach<Value>(_ db: Database, database: AppDatabase, cluster name: String?, bodies: Bodies,
                                 _ transform: @escaping (_ estate: Estate, _ position: Int, _ count: Int) -> Value) throws -> [Value] {
        let clusters = try clusters(db, named: name)
        guard clusters.count > 1, ProcessInfo.processInfo.activeProcessorCount > 1, let pool = database.writer as? DatabasePool else {
            return try clusters.enumerated().map { transform(try load(db, cluster: $1, bodies: bodies), $0, clusters.count) }
        }
        let shared = WorkSlots<Result<Value, Error>>(count: clusters.count)
        func work(_ db: Database) {
            while let index = shared.take() {
                shared.set(index, Result { transform(try load(db, cluster: clusters[index], bodies: bodies), index, clusters.count) })
            }
        }
        let other = BackgroundWork { try pool.read { work($0) } }
        work(db)
        // A reader that could not begin took no cluster: the caller reads what is left.
        if case .failure = Result(catching: { try other.value() }) { work(db) }
        // In cluster order; the first cluster that failed throws its error.
        return try shared.results().map { try $0.get() }
    }
}
