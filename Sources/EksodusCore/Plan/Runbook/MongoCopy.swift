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
/// - Every call signs in (`MongoCredentials`): the pod's own admin variables, else the engineer's `MONGO_USER_<hash>` /
///   `MONGO_PASSWORD_<hash>` of this workload on the pod's stdin.
struct MongoCopy {
    var workload: Estate.Workload

    var credentials: MongoCredentials { MongoCredentials(workload) }

    /// Whether the manifest starts mongod as a replica set member.
    var isReplicaSet: Bool {
        workload.containers.contains { container in
            (container.command.items + container.args.items).compactMap(\.string).contains { $0.lowercased().contains("--replset") }
        }
    }

    static let method = "mongodump --archive | mongorestore --archive --drop, behind an fsync lock on the source, counts compared per collection"

    /// The pod's shell (`mongosh`, else the legacy `mongo`), run once on one script after the login. An `if`, not
    /// `"$(command -v …)"`: no `$` inside the single-quoted `sh -c` script, which shellcheck would flag on every line (SC2016).
    func shell(_ script: String) -> String {
        let eval = " --quiet --eval \"" + credentials.login + " " + script + "\""
        return credentials.reads + "if command -v mongosh >/dev/null; then mongosh" + eval + "; else mongo" + eval + "; fi"
    }

    /// `script` under `sh -c` in the workload's pod on `side`, the credentials on its stdin where the engineer gives them.
    func exec(_ side: Kubectl.Side, _ script: String) -> String {
        let credentials = self.credentials
        return credentials.feed + DataCopy.exec(workload, on: side, script, stdin: credentials.fromOperator)
    }

    /// The side's shell on one script (`shell`).
    func mongo(_ side: Kubectl.Side, _ script: String) -> String { exec(side, shell(script)) }

    /// Every user collection as `db.collection count`, sorted, then a total line, so an empty server still answers.
    static let counts = "var n = 0; db.getMongo().getDBNames().sort().forEach(function (d) { if (['admin', 'config', 'local'].indexOf(d) < 0) { var s = db.getSiblingDB(d); s.getCollectionNames().sort().forEach(function (c) { if (c.indexOf('system.') !== 0) { n++; print(d + '.' + c + ' ' + s.getCollection(c).countDocuments({})) } }) } }); print('collections ' + n)"

    /// Fails unless both sides answer and hold the same collections with as many documents each; prints both lists.
    func sameCounts(_ why: String) -> String {
        "{ SOURCE_COUNTS=$(" + mongo(.source, Self.counts) + ") && EKS_COUNTS=$(" + mongo(.eks, Self.counts) + ")"
            + " && test -n \"$SOURCE_COUNTS\" && test \"$SOURCE_COUNTS\" = \"$EKS_COUNTS\"; } || { echo " + ShellQuote.word(why) + " >&2;"
            + " printf 'source:\\n%s\\nEKS:\\n%s\\n' \"${SOURCE_COUNTS:-no answer}\" \"${EKS_COUNTS:-no answer}\" >&2;" + MongoCredentials.refused("SOURCE_COUNTS") + MongoCredentials.refused("EKS_COUNTS") + " false; }"
    }

    /// Fails unless both mongods answer with the same major version.
    var sameMajorVersion: String {
        let version = "print(db.version())"
        return "{ SOURCE_VERSION=$(" + mongo(.source, version) + ") && EKS_VERSION=$(" + mongo(.eks, version) + ")"
            + " && test -n \"$SOURCE_VERSION\" && test \"${SOURCE_VERSION%%.*}\" = \"${EKS_VERSION%%.*}\"; } || { echo "
            + ShellQuote.word("the EKS mongod is not the source's major version (or one did not answer): pin its image to the source's major version, then re-run") + " >&2;"
            + " echo \"source: ${SOURCE_VERSION:-no answer}, EKS: ${EKS_VERSION:-no answer}\" >&2;" + MongoCredentials.refused("SOURCE_VERSION") + MongoCredentials.refused("EKS_VERSION") + " false; }"
    }

    /// Dumps one side into the other, replacing what the other held; a failed dump fails the line (pipefail). Each tool
    /// signs in with its `--config` file (`MongoCredentials.toolOptions`); where the engineer gives the credentials, the
    /// restoring pod reads them from its stdin before the archive. A shellcheck directive first: `$` expands in the pods.
    func dump(from: Kubectl.Side, to: Kubectl.Side, prefix: String = "", note: String = "") -> [String] {
        let credentials = self.credentials
        let source = exec(from, credentials.toolOptions + "mongodump \"$@\" --archive --quiet")
        let restore = DataCopy.exec(workload, on: to, credentials.toolOptions + "mongorestore \"$@\" --archive --drop --quiet", stdin: true)
        let dumped = credentials.fromOperator ? "{ " + credentials.handed + "; " + source + "; }" : source
        return ["# shellcheck disable=SC2016  # the credentials' variables expand in the pods",
                prefix + "(set -o pipefail; " + dumped + " | " + restore + ")" + note]
    }

    /// Locks one side's writes and fails unless the lock reads back.
    func lock(_ side: Kubectl.Side) -> [String] {
        let name = side == .source ? "the source" : "EKS"
        let read = mongo(side, "print(db.currentOp().fsyncLock === true)")
        return [mongo(side, "printjson(db.fsyncLock())"),
                "{ LOCKED=$(" + read + ") && test \"$LOCKED\" = true; } || { echo " + ShellQuote.word("\(name) is not fsync-locked (or it did not answer): writes are not frozen") + " >&2;" + MongoCredentials.refused("LOCKED") + " false; }"]
    }

    /// Unlocks one side until its lock count is 0 (each fsyncLock counts once).
    func unlock(_ side: Kubectl.Side) -> String {
        mongo(side, "var r; do { r = db.fsyncUnlock() } while (r.ok && r.lockCount > 0); printjson(r)")
    }

    /// A first copy while the source serves: it proves the versions match and measures how long the final one takes.
    func replicate() -> [String] {
        [credentials.note, sameMajorVersion]
            + dump(from: .source, to: .eks, prefix: "time ", note: "  # a rehearsal: the final copy runs at the promotion, writes locked")
    }

    /// Before the freeze the source still takes writes: only the versions and the collections' names can be compared.
    func verify() -> [String] {
        let names = "db.getMongo().getDBNames().sort().forEach(function (d) { if (['admin', 'config', 'local'].indexOf(d) < 0) { db.getSiblingDB(d).getCollectionNames().sort().forEach(function (c) { print(d + '.' + c) }) } }); print('end')"
        let read = { (side: Kubectl.Side) in self.mongo(side, names) }
        return [credentials.note, sameMajorVersion,
                "{ SOURCE_NAMES=$(" + read(.source) + ") && EKS_NAMES=$(" + read(.eks) + ") && test -n \"$SOURCE_NAMES\" && test \"$SOURCE_NAMES\" = \"$EKS_NAMES\"; } || { echo "
                    + ShellQuote.word("the EKS copy does not hold the source's collections (or one did not answer): re-run the copy") + " >&2; false; }"]
    }

    func freeze() -> (commands: [String], rollback: [String]) {
        ([credentials.note, "# the source's clients see their writes block until the promotion's copy is done"] + lock(.source), [credentials.note, unlock(.source)])
    }

    /// The final copy under the lock, then the counts, collection by collection.
    func promote() -> [String] {
        [credentials.note] + lock(.source).suffix(1) + dump(from: .source, to: .eks)
            + [sameCounts("the EKS copy does not hold as many documents as the source in every collection (or one did not answer): re-run the copy; the source stays locked")]
    }

    /// EKS is locked, the source is unlocked for the restore alone (its clients stay stopped until the counts match),
    /// then EKS's data replaces the source's.
    func unpromote() -> [String] {
        [DataCopy.writesOnEKS, credentials.note, "# keep the source's clients stopped until the counts below match: the restore drops each collection it replaces"]
            + lock(.eks) + [unlock(.source) + "  # only the restore below may write to the source"] + dump(from: .eks, to: .source)
            + [sameCounts("the source does not hold as many documents as EKS in every collection (or one did not answer): re-run the copy back"),
                            "# EKS stays locked: it serves no more"]
    }
}
