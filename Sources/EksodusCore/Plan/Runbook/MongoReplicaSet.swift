/// A MongoDB replica set (`--replSet` in its manifest) joined by an EKS member, each step behind a gate that fails.
///
/// - The EKS member joins with `priority: 0, votes: 0`: it copies the data (initial sync) without counting in elections
///   nor standing in one, so a WAN cut during the sync cannot cost the set its primary (MongoDB docs, "Add Members to a
///   Replica Set" and "Replica Set Elections"; https://www.mongodb.com/docs/manual/tutorial/expand-replica-set/).
/// - It must run the set's name (`--replSet`) and the source's major version: members of one set are within one
///   feature compatibility version, and an unpinned `mongo` image is the newest major.
/// - At the promotion it becomes a voter with the highest priority, then the source primary steps down, and the new
///   primary is read back: `rs.stepDown()` elects any electable member that caught up, a source one too
///   (https://www.mongodb.com/docs/manual/reference/method/rs.stepDown/).
struct MongoReplicaSet {
    var workload: Estate.Workload

    static let member = "$EKS_MEMBER_HOST:27017"

    /// `mongosh` in the pod, on a script whose `$EKS_MEMBER_HOST` expands on the engineer's machine.
    func mongosh(_ side: Kubectl.Side, _ script: String) -> String {
        DataCopy.execDirect(workload, on: side, "mongosh --quiet --eval \"" + script + "\"")
    }

    /// Fails unless `read` prints exactly `expected`, showing what it printed.
    static func gate(_ variable: String, _ read: String, expected: String, _ why: String) -> String {
        "{ \(variable)=$(" + read + ") && test \"$\(variable)\" = \(expected); } || { echo " + ShellQuote.word(why) + " >&2; echo \"got: ${\(variable):-no answer}\" >&2; false; }"
    }

    /// Fails unless both mongods run a replica set of the same name.
    var sameSetName: String {
        let name = "print(((db.adminCommand({getCmdLineOpts: 1}).parsed || {}).replication || {}).replSetName || '')"
        return "{ SOURCE_SET=$(" + mongosh(.source, name) + ") && EKS_SET=$(" + mongosh(.eks, name) + ") && test -n \"$SOURCE_SET\" && test \"$SOURCE_SET\" = \"$EKS_SET\"; } || { echo "
            + ShellQuote.word("the EKS mongod does not run the source's replica set (--replSet) (or one did not answer): start it with the set's name, then re-run") + " >&2;"
            + " echo \"source: ${SOURCE_SET:-no answer}, EKS: ${EKS_SET:-no answer}\" >&2; false; }"
    }

    func replicate() -> [String] {
        [MongoCopy(workload: workload).sameMajorVersion, sameSetName,
         mongosh(.source, "rs.add({host: '\(Self.member)', priority: 0, votes: 0})") + "  # on the source primary: copies, never votes nor stands"]
    }

    /// Prints `caught-up` once the EKS member is a secondary within 10 s of the primary's last write.
    var caughtUp: String {
        Self.gate("SYNC", mongosh(.source, "var s = rs.status(); var p = s.members.filter(function (m) { return m.stateStr === 'PRIMARY' })[0]; var e = s.members.filter(function (m) { return m.name === '\(Self.member)' })[0]; print(p && e && e.stateStr === 'SECONDARY' && p.optimeDate - e.optimeDate <= 10000 ? 'caught-up' : 'behind')"),
                  expected: "caught-up", "the EKS member is not a secondary within 10 s of the primary (or the set did not answer): wait for its initial sync, then re-run")
    }

    func verify() -> [String] { [caughtUp] }

    /// The EKS member votes and outranks every source member, the source primary steps down, and EKS must be the primary.
    func promote() -> [String] {
        let outrank = "cfg = rs.conf(); top = Math.max.apply(null, cfg.members.map(function (m) { return m.priority })); cfg.members.forEach(function (m) { if (m.host === '\(Self.member)') { m.votes = 1; m.priority = top + 1 } }); rs.reconfig(cfg)"
        let primary = mongosh(.source, "print(rs.status().members.filter(function (m) { return m.stateStr === 'PRIMARY' }).map(function (m) { return m.name }).join(','))")
        return [caughtUp,
                mongosh(.source, outrank) + "  # on the source primary: one voting member more, the highest priority",
                mongosh(.source, "rs.stepDown(60)") + "  # the connection closes as it steps down",
                "sleep 15",
                Self.gate("PRIMARY", primary, expected: "\"" + Self.member + "\"", "the primary is not the EKS member (a source member was elected, or no primary yet): re-run rs.stepDown on the primary and this check")]
    }
}
