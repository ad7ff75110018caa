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
/// - Then the source members stop voting. Left voting, a source of one member and the EKS one are two voters, and a
///   network cut between the sites leaves neither side a majority: the EKS primary steps down and nothing takes the
///   writes (three source voters and EKS: the source side elects a primary of its own). Voters are placed "so that your
///   designated primary can reach a majority of votes in the event of a network partition"; a non-voting member must
///   have priority 0, and one reconfig adds or removes at most one voting member (MongoDB docs, "Configure Non-Voting
///   Replica Set Member"). So, on the EKS primary, one source member per reconfig becomes votes 0, priority 0, keeping
///   its old values in its tags for the rollback, until EKS is the only voter: one vote, odd, on the side that serves.
///   The source members stay as secondaries, in sync for a rollback, which gives their votes back first.
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

    /// On the EKS primary: each voting source member, one per reconfig, becomes non-voting (votes and priority kept in its tags).
    static let sourceVotesDropped = "var cfg, m, i; for (i = 0; i < 50; i++) { cfg = rs.conf(); m = cfg.members.filter(function (x) { return x.host === '\(member)' ? false : x.votes > 0 })[0];"
        + " if (m === undefined) { break } m.tags = m.tags || {}; m.tags.eksodusVotes = String(m.votes); m.tags.eksodusPriority = String(m.priority); m.votes = 0; m.priority = 0; rs.reconfig(cfg) }"

    /// The rollback's first step, on the EKS primary: each source member gets its votes and priority back, one per reconfig.
    static let sourceVotesRestored = "var cfg, m, i; for (i = 0; i < 50; i++) { cfg = rs.conf(); m = cfg.members.filter(function (x) { return typeof x.tags === 'object' && typeof x.tags.eksodusVotes === 'string' })[0];"
        + " if (m === undefined) { break } m.votes = Number(m.tags.eksodusVotes); m.priority = Number(m.tags.eksodusPriority); delete m.tags.eksodusVotes; delete m.tags.eksodusPriority; rs.reconfig(cfg) }"

    /// The hosts of the voting members, joined by commas.
    static let voters = "print(rs.conf().members.filter(function (m) { return m.votes > 0 }).map(function (m) { return m.host }).join(','))"

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
                Self.gate("PRIMARY", primary, expected: "\"" + Self.member + "\"", "the primary is not the EKS member (a source member was elected, or no primary yet): re-run rs.stepDown on the primary and this check"),
                mongosh(.eks, Self.sourceVotesDropped) + "  # on the EKS primary: the source members stop voting, one per reconfig",
                Self.gate("VOTERS", mongosh(.eks, Self.voters), expected: "\"" + Self.member + "\"", "the EKS member is not the only voter: a network cut between the sites could leave it no majority; re-run the reconfig above")]
    }
}
