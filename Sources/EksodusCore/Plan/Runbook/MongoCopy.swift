/// A standalone MongoDB (no `--replSet` in its manifest) copied to EKS with `mongodump --archive | mongorestore --archive
/// --drop` behind an fsync lock, every step a gate that fails. `rs.add()` cannot work there: a mongod started without
/// `--replSet` is no replica set member and answers NoReplicationEnabled. A dump reads a replica set's primary just as
/// well, so a set whose `replSetName` sits in a config file the manifest does not show takes this path too.
///
/// - The freeze: `db.fsyncLock()` "locks the server to prevent any additional writes until the lock is released", for
///   backups; the lock is counted, so the lift unlocks until the count is 0 (MongoDB docs, db.fsyncLock();
///   https://www.mongodb.com/docs/manual/reference/method/db.fsyncLock/). It is read back from `currentOp().fsyncLock`.
/// - The versions: mongorestore is meant for a mongod of the dump's major version (MongoDB docs, mongorestore,
///   Compatibility; https://www.mongodb.com/docs/database-tools/mongorestore/): the EKS mongod's major version must be
///   the source's (an unpinned `mongo` image is the newest major, not the source's), or nothing is copied.
/// - Images before 6.0 ship the legacy `mongo` shell only, later ones `mongosh` only: the pod uses whichever it has.
struct MongoCopy {
    var workload: Estate.Workload

    /// Whether the manifest starts mongod as a replica set member.
    var isReplicaSet: Bool {
        workload.containers.contains { container in
            (container.command.items + container.args.items).compactMap(\.string).contains { $0.lowercased().contains("--replset") }
        }
    }

    static let method = "mongodump --archive | mongorestore --archive --drop, behind an fsync lock on the source, counts compared per collection"

    /// The pod's shell (`mongosh`, else the legacy `mongo`), run once on one script. An `if`, not `"$(command -v …)"`:
    /// no `$` inside the single-quoted `sh -c` script, which shellcheck would flag on every line (SC2016).
    static func shell(_ script: String) -> String {
        let eval = " --quiet --eval \"" + script + "\""
        return "if command -v mongosh >/dev/null; then mongosh" + eval + "; else mongo" + eval + "; fi"
    }

    /// Every user collection as `db.collection count`, sorted, then a total line, so an empty server still answers.
    static let counts = "var n = 0; db.getMongo().getDBNames().sort().forEach(function (d) { if (['admin', 'config', 'local'].indexOf(d) < 0) { var s = db.getSiblingDB(d); s.getCollectionNames().sort().forEach(function (c) { if (c.indexOf('system.') !== 0) { n++; print(d + '.' + c + ' ' + s.getCollection(c).countDocuments({})) } }) } }); print('collections ' + n)"

    /// Fails unless both sides answer and hold the same collections with as many documents each; prints both lists.
    func sameCounts(_ why: String) -> String {
        "{ SOURCE_COUNTS=$(" + DataCopy.exec(workload, on: .source, Self.shell(Self.counts)) + ") && EKS_COUNTS=$(" + DataCopy.exec(workload, on: .eks, Self.shell(Self.counts)) + ")"
            + " && test -n \"$SOURCE_COUNTS\" && test \"$SOURCE_COUNTS\" = \"$EKS_COUNTS\"; } || { echo " + ShellQuote.word(why) + " >&2;"
            + " printf 'source:\\n%s\\nEKS:\\n%s\\n' \"${SOURCE_COUNTS:-no answer}\" \"${EKS_COUNTS:-no answer}\" >&2; false; }"
    }

    /// Fails unless both mongods answer with the same major version.
    var sameMajorVersion: String {
        let version = Self.shell("print(db.version())")
        return "{ SOURCE_VERSION=$(" + DataCopy.exec(workload, on: .source, version) + ") && EKS_VERSION=$(" + DataCopy.exec(workload, on: .eks, version) + ")"
            + " && test -n \"$SOURCE_VERSION\" && test \"${SOURCE_VERSION%%.*}\" = \"${EKS_VERSION%%.*}\"; } || { echo "
            + ShellQuote.word("the EKS mongod is not the source's major version (or one did not answer): pin its image to the source's major version, then re-run") + " >&2;"
            + " echo \"source: ${SOURCE_VERSION:-no answer}, EKS: ${EKS_VERSION:-no answer}\" >&2; false; }"
    }

    /// Dumps one side into the other, replacing what the other held; a failed dump fails the line (pipefail).
    func dump(from: Kubectl.Side, to: Kubectl.Side) -> String {
        "(set -o pipefail; " + DataCopy.exec(workload, on: from, "mongodump --archive --quiet") + " | " + DataCopy.exec(workload, on: to, "mongorestore --archive --drop --quiet", stdin: true) + ")"
    }

    /// Locks one side's writes and fails unless the lock reads back.
    func lock(_ side: Kubectl.Side) -> [String] {
        let name = side == .source ? "the source" : "EKS"
        let read = DataCopy.exec(workload, on: side, Self.shell("print(db.currentOp().fsyncLock === true)"))
        return [DataCopy.exec(workload, on: side, Self.shell("printjson(db.fsyncLock())")),
                "{ LOCKED=$(" + read + ") && test \"$LOCKED\" = true; } || { echo " + ShellQuote.word("\(name) is not fsync-locked (or it did not answer): writes are not frozen") + " >&2; false; }"]
    }

    /// Unlocks one side until its lock count is 0 (each fsyncLock counts once).
    func unlock(_ side: Kubectl.Side) -> String {
        DataCopy.exec(workload, on: side, Self.shell("var r; do { r = db.fsyncUnlock() } while (r.ok && r.lockCount > 0); printjson(r)"))
    }

    /// A first copy while the source serves: it proves the versions match and measures how long the final one takes.
    func replicate() -> [String] {
        [sameMajorVersion,
         "time " + dump(from: .source, to: .eks) + "  # a rehearsal: the final copy runs at the promotion, writes locked"]
    }

    /// Before the freeze the source still takes writes: only the versions and the collections' names can be compared.
    func verify() -> [String] {
        let names = "db.getMongo().getDBNames().sort().forEach(function (d) { if (['admin', 'config', 'local'].indexOf(d) < 0) { db.getSiblingDB(d).getCollectionNames().sort().forEach(function (c) { print(d + '.' + c) }) } }); print('end')"
        let read = { (side: Kubectl.Side) in DataCopy.exec(self.workload, on: side, Self.shell(names)) }
        return [sameMajorVersion,
                "{ SOURCE_NAMES=$(" + read(.source) + ") && EKS_NAMES=$(" + read(.eks) + ") && test -n \"$SOURCE_NAMES\" && test \"$SOURCE_NAMES\" = \"$EKS_NAMES\"; } || { echo "
                    + ShellQuote.word("the EKS copy does not hold the source's collections (or one did not answer): re-run the copy") + " >&2; false; }"]
    }

    func freeze() -> (commands: [String], rollback: [String]) {
        (["# the source's clients see their writes block until the promotion's copy is done"] + lock(.source), [unlock(.source)])
    }

    /// The final copy under the lock, then the counts, collection by collection.
    func promote() -> [String] {
        lock(.source).suffix(1) + [dump(from: .source, to: .eks),
                                   sameCounts("the EKS copy does not hold as many documents as the source in every collection (or one did not answer): re-run the copy; the source stays locked")]
    }

    /// EKS is locked, the source is unlocked for the restore alone (its clients stay stopped until the counts match),
    /// then EKS's data replaces the source's.
    func unpromote() -> [String] {
        [DataCopy.writesOnEKS, "# keep the source's clients stopped until the counts below match: the restore drops each collection it replaces"]
            + lock(.eks) + [unlock(.source) + "  # only the restore below may write to the source",
                            dump(from: .eks, to: .source),
                            sameCounts("the source does not hold as many documents as EKS in every collection (or one did not answer): re-run the copy back"),
                            "# EKS stays locked: it serves no more"]
    }
}
