/// A MongoDB replica set (`--replSet` in its manifest) joined by every pod of its EKS StatefulSet, each step behind a
/// gate that fails. Each EKS pod's address, as the source members reach it, is `$EKS_MEMBER_HOST_<ordinal>`; each
/// source pod's, as the EKS members reach it, `$SOURCE_MEMBER_HOST_<ordinal>`.
///
/// - Every member's host must resolve, from both sites, to that member: members sync and heartbeat to the hosts in the
///   config. The source members' in-cluster names (`mongo-0.mongo.db.svc.cluster.local`) resolve on EKS to the EKS pods
///   themselves (the converted headless Service), so before any EKS pod joins, the source members move to their
///   `$SOURCE_MEMBER_HOST_…` names in one reconfig (a member keeps its `_id` when its `host` changes: MongoDB docs,
///   "Replace a Self-Managed Replica Set Member"; https://www.mongodb.com/docs/manual/tutorial/replace-replica-set-member/),
///   the old names kept in their tags for the rollback; then each side reads every configured host back: the mongod
///   behind it answers `db.hello().me` with that very name.
///
/// - The EKS members join with `priority: 0, votes: 0`: they copy the data (initial sync) without counting in elections
///   nor standing in one, so a WAN cut during the sync cannot cost the set its primary (MongoDB docs, "Add Members to a
///   Replica Set" and "Replica Set Elections"; https://www.mongodb.com/docs/manual/tutorial/expand-replica-set/).
/// - They must run the set's name (`--replSet`) and the source's major version: members of one set are within one
///   feature compatibility version, and an unpinned `mongo` image is the newest major.
/// - Every reconfig runs on the current primary (`rs.reconfig` is refused by a secondary): the pod whose `db.hello().me`
///   is its `db.hello().primary`, not whichever pod `kubectl exec statefulset/…` picks ("Connect to the replica set's
///   current primary. To determine the current primary, use db.hello()": MongoDB docs, "Remove Members from a Replica
///   Set"; https://www.mongodb.com/docs/manual/tutorial/remove-replica-set-member/).
/// - At the promotion every EKS member becomes a voter, priority 0 kept, one per reconfig: "a replica set
///   reconfiguration can add or remove no more than one voting member" (MongoDB docs, rs.reconfig(), Reconfiguration
///   Can Add or Remove No More than One Voting Member; https://www.mongodb.com/docs/manual/reference/method/rs.reconfig/).
///   Only then one reconfig gives them the highest priority: a caught-up member above the primary's priority takes the
///   primary over within seconds, and a loop still reconfiguring would find itself on a secondary. Each step of a loop
///   asks `db.hello().primary` again and reconfigures that member (`Voting`). Then the source primary steps down unless
///   the takeover came first, and an EKS primary is read back: `rs.stepDown()` elects any electable member that caught
///   up (https://www.mongodb.com/docs/manual/reference/method/rs.stepDown/).
/// - Then the source members stop voting, one per reconfig (a non-voting member must have priority 0: MongoDB docs,
///   "Configure Non-Voting Replica Set Member"), their old values kept in their tags for the rollback, until the EKS
///   members are the only voters: as many as the StatefulSet's replicas (3 for 3), so `w: "majority"` rests on more than
///   one EBS volume and a network cut between the sites leaves the serving side its majority. The source members stay
///   as secondaries, in sync for a rollback, and leave the set (`rs.remove`) before the source scales down.
/// - A replica set holds at most 50 members, of which at most 7 vote ("A replica set can have up to 50 members but only
///   7 voting members": MongoDB docs, "Replica Set Members", https://www.mongodb.com/docs/manual/core/replica-set-members/;
///   "Non-voting members allow you to add additional members … beyond the maximum seven voting members", "Configure
///   Non-Voting Replica Set Member", https://www.mongodb.com/docs/manual/tutorial/configure-a-non-voting-replica-set-member/).
///   Both sides' pods are members at once: above 25 replicas the runbook refuses the path (a decision), and the votes
///   move so that no reconfig ever counts more than 7 voters (`Voting`).
/// - The source members' entries are saved to a file before they leave the set: the scale-down's rollback adds them back
///   (non-voting, their old votes in their tags), so the promotion's rollback can still hand them the set.
/// - Every `mongosh` signs in first (`MongoCredentials`), the connections a script opens to other members too
///   (`eksodusLogin`); a refused login is told apart from "no primary".
struct MongoReplicaSet {
    var workload: Estate.Workload

    var credentials: MongoCredentials { MongoCredentials(workload) }

    /// The pods of each side: the StatefulSet's replicas (the EKS copy runs as many), never above what one set may hold
    /// for both sides (a manifest's replicas is unbounded: every line below lists each pod).
    var replicas: Int { min(max(1, workload.replicas ?? 1), Voting.maxMembers / 2) }

    /// Whether both sides' pods together are more members than one replica set may hold.
    var refused: Bool { (workload.replicas ?? 1) > Voting.maxMembers / 2 }

    /// The only lines a refused set gets: a decision that fails until another path is chosen.
    var refusal: [String] {
        let asked = workload.replicas ?? 1
        return [ShellQuote.comment("decision: \(workload.label) asks for \(asked) replicas: with as many EKS pods joining its replica set that is \(asked > Int.max / 2 ? "more than \(Voting.maxMembers)" : String(asked * 2)) members, above MongoDB's \(Voting.maxMembers): migrate it another way (mongodump/mongorestore, or mongosync), or lower its replicas"),
                "{ echo " + ShellQuote.word("\(workload.label): more than \(Voting.maxMembers) replica set members with both sides' pods: decide another path (see the decision above), then mark this step done") + " >&2; false; }"]
    }

    /// How the votes move (`Voting`), for this set's EKS pods.
    var voting: Voting { Voting(members: members) }

    /// The EKS members' `host:port`, each from its own variable, expanded on the engineer's machine.
    var members: [String] { (0..<replicas).map { "$EKS_MEMBER_HOST_\($0):27017" } }

    /// The source members' `host:port` as both sites reach them (never their in-cluster names), by ordinal.
    var sourceMembers: [String] { (0..<replicas).map { "$SOURCE_MEMBER_HOST_\($0):27017" } }

    /// The source members as a JavaScript array literal.
    var sourceMemberList: String { "[" + sourceMembers.map { "'\($0)'" }.joined(separator: ", ") + "]" }

    /// A JavaScript helper: what the mongod behind `host:port` answers as its own name (`db.hello().me`), '' for none.
    static let answersAs = "function me(n) { try { return new Mongo('mongodb://' + n + '/?directConnection=true').getDB('admin').hello().me || '' } catch (e) { return '' } }"

    /// The EKS members as a JavaScript array literal (the hosts expand before mongosh reads it).
    var memberList: String { "[" + members.map { "'\($0)'" }.joined(separator: ", ") + "]" }

    /// `mongosh` in a pod (`ref`), signed in, on a script whose `$EKS_MEMBER_HOST_…` expand on the engineer's machine.
    private func mongosh(_ side: Kubectl.Side, ref: String, _ script: String) -> String {
        let credentials = self.credentials
        return credentials.feed + kubectl(side)("exec \(credentials.stdinFlag)\(ref) -- \(credentials.mongosh) --quiet --eval \"" + credentials.login + " " + script + "\"")
    }

    /// `mongosh` in the workload's pod on `side`.
    func mongosh(_ side: Kubectl.Side, _ script: String) -> String { mongosh(side, ref: Kubectl.ref(workload, on: side), script) }

    private func kubectl(_ side: Kubectl.Side) -> Kubectl {
        side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
    }

    /// Sets `MONGO_PRIMARY` to the pod of `side` that says it is the primary (`db.hello()`), and `MONGO_REFUSED` to a pod
    /// that refused the credentials: a refused login is no "no primary".
    func findPrimary(_ side: Kubectl.Side) -> String {
        let pods = (0..<replicas).map { ShellQuote.word("pod/\(workload.name)-\($0)") }.joined(separator: " ")
        return "MONGO_PRIMARY=; MONGO_REFUSED=; for pod in \(pods); do MONGO_ANSWER=$(" + mongosh(side, ref: "\"$pod\"", "var h = db.hello(); print(h.me === h.primary)")
            + " 2>/dev/null) || true; case \"$MONGO_ANSWER\" in true) MONGO_PRIMARY=$pod ;; auth-failed*) MONGO_REFUSED=$pod ;; esac; done"
    }

    /// Fails when a pod refused the credentials (`findPrimary`).
    func refusedStop(_ side: Kubectl.Side) -> String {
        let name = side == .source ? "the source" : "EKS"
        return "if test -n \"$MONGO_REFUSED\"; then echo \"$MONGO_REFUSED: \"" + ShellQuote.word("\(name)'s mongod refused the credentials (authentication failed, not an election): check the MONGO_USER_<hash> and MONGO_PASSWORD_<hash> the note of this step names, or the admin Secret of the pod, then re-run") + " >&2; false;"
    }

    /// `mongosh` on the side's current primary: the pod that says it is the primary (`db.hello()`), or the line fails,
    /// saying whether the credentials were refused or no pod is the primary.
    func onPrimary(_ side: Kubectl.Side, _ script: String) -> String {
        let name = side == .source ? "the source" : "EKS"
        return findPrimary(side) + "; " + refusedStop(side)
            + " elif test -z \"$MONGO_PRIMARY\"; then echo " + ShellQuote.word("no pod of \(name) is the replica set's primary (db.hello()): wait for an election, then re-run") + " >&2; false;"
            + " else " + mongosh(side, ref: "\"$MONGO_PRIMARY\"", script) + "; fi"
    }

    /// Fails unless `read` prints exactly `expected`, showing what it printed.
    static func gate(_ variable: String, _ read: String, expected: String, _ why: String) -> String {
        "{ \(variable)=$(" + read + ") && test \"$\(variable)\" = \(expected); } || { echo " + ShellQuote.word(why) + " >&2; echo \"got: ${\(variable):-no answer}\" >&2;" + MongoCredentials.refused(variable) + " false; }"
    }

    /// Fails unless every member's address is set, a host name or IPv4 address without a port (it is pasted into the
    /// scripts, so nothing else may pass: no quote, no colon, no space), none twice, and no source address an in-cluster
    /// name (on EKS the converted headless Service answers those with the EKS pods).
    var membersNamed: String {
        let names = (0..<replicas).flatMap { ["EKS_MEMBER_HOST_\($0)", "SOURCE_MEMBER_HOST_\($0)"] }
        let shapes = names.map { "case \"${\($0):-}\" in ''|*[!A-Za-z0-9.-]*|[.-]*|*[.-]) false ;; esac" }
        // The pod's own names through a headless Service of the StatefulSet's name (`<pod>.<service>`, `.<namespace>`),
        // resolved on EKS by the converted one; a hostile name is quoted into the pattern. A Service of another name is
        // caught by the read-back from EKS (its pod answers as the EKS member, or as nothing).
        let service = workload.name
        let inCluster = (0..<replicas).map { i in
            let pod = ShellQuote.word("\(workload.name)-\(i).\(service)")
            return "case \"$SOURCE_MEMBER_HOST_\(i)\" in *.svc|*.svc.*|*.cluster.local|\(pod)|\(pod).*) false ;; esac"
        }
        let distinct = "test \"$(printf '%s\\n' " + names.map { "\"$\($0)\"" }.joined(separator: " ") + " | sort -u | wc -l)\" -eq \(names.count)"
        return "{ " + (shapes + inCluster + [distinct]).joined(separator: " && ") + "; } || { echo "
            + ShellQuote.word("set EKS_MEMBER_HOST_0 to EKS_MEMBER_HOST_\(replicas - 1) to the address at which the source members reach each EKS pod of \(workload.name), and SOURCE_MEMBER_HOST_0 to SOURCE_MEMBER_HOST_\(replicas - 1) to the address at which the EKS pods reach each source pod (not its in-cluster name: on EKS that is the EKS pod), one per ordinal, each a host name or IPv4 address without a port (the member is that host, port 27017), all distinct, then re-run") + " >&2; false; }"
    }

    /// Fails unless both mongods run a replica set of the same name.
    var sameSetName: String {
        let name = "print(((db.adminCommand({getCmdLineOpts: 1}).parsed || {}).replication || {}).replSetName || '')"
        return "{ SOURCE_SET=$(" + mongosh(.source, name) + ") && EKS_SET=$(" + mongosh(.eks, name) + ") && test -n \"$SOURCE_SET\" && test \"$SOURCE_SET\" = \"$EKS_SET\"; } || { echo "
            + ShellQuote.word("the EKS mongod does not run the source's replica set (--replSet) (or one did not answer): start it with the set's name, then re-run") + " >&2;"
            + " echo \"source: ${SOURCE_SET:-no answer}, EKS: ${EKS_SET:-no answer}\" >&2;" + MongoCredentials.refused("SOURCE_SET") + MongoCredentials.refused("EKS_SET") + " false; }"
    }

    /// On the source primary, before any EKS member joins: each source member still under its in-cluster name moves to
    /// the `$SOURCE_MEMBER_HOST_…` that reaches it (the one whose mongod answers that old name), its old name in its
    /// tags; all in one reconfig (no vote changes), none if all moved already. Fails, changing nothing, when an address
    /// reaches no such member or a source member is left without an address.
    var sourceRenamed: String {
        "var eks = \(memberList), src = \(sourceMemberList), cfg = rs.conf(), moved = 0; \(Self.answersAs)"
            + " src.forEach(function (n) { if (cfg.members.some(function (x) { return x.host === n })) { return } var was = me(n), x = cfg.members.filter(function (y) { return y.host === was && eks.indexOf(y.host) < 0 && src.indexOf(y.host) < 0 })[0];"
            + " if (x === undefined) { throw new Error(n + ' reaches no source member still under its old name (it answers ' + (was || 'nothing') + ')') } x.tags = x.tags || {}; x.tags.eksodusHost = x.host; x.host = n; moved++ });"
            + " var left = cfg.members.filter(function (x) { return eks.indexOf(x.host) < 0 && src.indexOf(x.host) < 0 }).map(function (x) { return x.host });"
            + " if (left.length > 0) { throw new Error('source members without a SOURCE_MEMBER_HOST: ' + left.join(', ')) } if (moved > 0) { rs.reconfig(cfg) } print('moved ' + moved)"
    }

    /// The rollback, on the source primary once the EKS members left: every source member back under its old name, one
    /// reconfig.
    static let sourceNamesRestored = "var cfg = rs.conf(), back = 0; cfg.members.forEach(function (x) { if (typeof x.tags === 'object' && typeof x.tags.eksodusHost === 'string') { x.host = x.tags.eksodusHost; delete x.tags.eksodusHost; back++ } }); if (back > 0) { rs.reconfig(cfg) } print('restored ' + back)"

    /// Fails unless, from a pod of `side`, every host of `hosts` (a JavaScript expression) answers `db.hello().me` with
    /// that very name: it resolves there, is reachable, and is the member the config means.
    func answerAsConfigured(from side: Kubectl.Side, _ hosts: String, _ why: String) -> String {
        Self.gate("REACH", mongosh(side, "var bad = []; \(Self.answersAs) \(hosts).forEach(function (n) { var got = me(n); if (got !== n) { bad.push(n + ' answers ' + (got || 'nothing')) } }); print(bad.length === 0 ? 'as-configured' : bad.join('; '))"),
                  expected: "as-configured", why)
    }

    /// The hosts of the config, as a JavaScript expression.
    static let configuredHosts = "rs.conf().members.map(function (m) { return m.host })"

    /// On the source primary: each EKS member not yet in the set joins, non-voting (adding one changes no vote).
    var membersAdded: String {
        "\(memberList).forEach(function (h) { if (!rs.conf().members.some(function (m) { return m.host === h })) { rs.add({host: h, priority: 0, votes: 0}) } })"
    }

    /// The rollback, on the EKS primary once the source votes again: the other EKS members may no longer stand (one
    /// reconfig: no vote changes). The primary itself cannot be made unelectable; its step-down bars it instead.
    var otherMembersUnelectable: String {
        "var eks = \(memberList), me = db.hello().me, cfg = rs.conf(); cfg.members.forEach(function (x) { if (eks.indexOf(x.host) >= 0 && x.host !== me) { x.priority = 0 } }); rs.reconfig(cfg)"
    }

    /// The rollback's end, on the source primary: every EKS member leaves the set (one `rs.remove`, one vote, at a time).
    var membersRemoved: String {
        "\(memberList).forEach(function (h) { if (rs.conf().members.some(function (m) { return m.host === h })) { rs.remove(h) } })"
    }

    /// Before the source scales down, on the EKS primary: every source member leaves the set, so no dead entry stays.
    var sourceMembersRemoved: String {
        "var eks = \(memberList); rs.conf().members.filter(function (m) { return eks.indexOf(m.host) < 0 }).forEach(function (m) { rs.remove(m.host) })"
    }

    /// The hosts of the voting members, joined by commas.
    static let voters = "print(rs.conf().members.filter(function (m) { return m.votes > 0 }).map(function (m) { return m.host }).join(','))"

    /// The hosts of all members, joined by commas.
    static let hosts = "print(rs.conf().members.map(function (m) { return m.host }).join(','))"

    func replicate() -> [String] {
        if refused { return refusal }
        return [credentials.note, MongoCopy(workload: workload).sameMajorVersion, sameSetName, membersNamed,
                "# decision: the source's clients learn the members' hosts from db.hello().hosts: from the rename below they connect to the SOURCE_MEMBER_HOST_… names; check that the source's clients resolve and reach them (or use names that resolve on both sites) before running it",
                onPrimary(.source, sourceRenamed) + "  # on the source primary: the source members move to the names EKS reaches them at, one reconfig",
                answerAsConfigured(from: .eks, sourceMemberList, "from EKS, a SOURCE_MEMBER_HOST does not reach the source member of that name (db.hello().me): fix its DNS or routing, then re-run"),
                onPrimary(.source, membersAdded) + "  # on the source primary: every EKS pod copies, none votes nor stands",
                answerAsConfigured(from: .source, Self.configuredHosts, "from the source, a configured member's host does not reach the member of that name (db.hello().me): fix EKS_MEMBER_HOST's DNS or routing, then re-run"),
                answerAsConfigured(from: .eks, Self.configuredHosts, "from EKS, a configured member's host does not reach the member of that name (db.hello().me), or the EKS pod has no config yet: fix the DNS or routing (or wait a few seconds), then re-run")]
    }

    /// Undoing the replication: the EKS members leave the set.
    func stop() -> [String] {
        if refused { return refusal }
        return [credentials.note, membersNamed, onPrimary(.source, membersRemoved) + "  # on the source primary: the EKS members leave the set",
                onPrimary(.source, Self.sourceNamesRestored) + "  # on the source primary: the source members take back their in-cluster names, one reconfig",
                answerAsConfigured(from: .source, Self.configuredHosts, "from the source, a member's host does not reach the member of that name: re-run the line above")]
    }

    /// Prints `caught-up` once every EKS member is a secondary within 10 s of the primary's last write.
    var caughtUp: String {
        Self.gate("SYNC", mongosh(.source, "var eks = \(memberList), s = rs.status(); var p = s.members.filter(function (m) { return m.stateStr === 'PRIMARY' })[0]; var e = s.members.filter(function (m) { return eks.indexOf(m.name) >= 0 && m.stateStr === 'SECONDARY' && p && p.optimeDate - m.optimeDate <= 10000 }); print(p && e.length === eks.length ? 'caught-up' : 'behind')"),
                  expected: "caught-up", "the EKS members are not all secondaries within 10 s of the primary (or the set did not answer): wait for their initial sync, then re-run")
    }

    func verify() -> [String] { refused ? refusal : [credentials.note, membersNamed, caughtUp] }

    /// The EKS members vote and outrank every source member, the source primary steps down, an EKS member must be the
    /// primary, and the EKS voters (`Voting.voters`) end as the only ones.
    func promote() -> [String] {
        if refused { return refusal }
        let primary = mongosh(.source, "var eks = \(memberList), p = db.hello().primary; print(eks.indexOf(p) >= 0 ? 'eks' : 'not-eks ' + p)")
        let voters = voting.voterCount == replicas ? "every EKS member" : "EKS members 0 to \(voting.voterCount - 1) (the others stay non-voting)"
        return [credentials.note, caughtUp, membersNamed,
                onPrimary(.source, voting.membersVote) + "  # on the source primary: \(voters) vote, one per reconfig (priority 0), never more than 7 voters, then one reconfig gives them the highest priority",
                stepDownIfSource + "  # the connection closes as it steps down",
                "sleep 15",
                Self.gate("PRIMARY", primary, expected: "eks", "the primary is not an EKS member (a source member was elected, or no primary yet): re-run rs.stepDown on the primary and this check"),
                onPrimary(.eks, voting.sourceVotesDropped) + "  # on the EKS primary: the source members stop voting, then the EKS voters still to come vote, one per reconfig",
                Self.gate("VOTERS", mongosh(.eks, Self.voters), expected: "\"" + voting.voters.joined(separator: ",") + "\"",
                          "the EKS voters are not exactly the voting members: a network cut between the sites could leave EKS no majority; re-run the reconfig above")]
    }

    /// The source primary steps down, unless the raised EKS priorities took the primary over already (then the check
    /// after reads it back); the script checks again on the pod itself.
    var stepDownIfSource: String {
        findPrimary(.source) + "; " + refusedStop(.source) + " elif test -z \"$MONGO_PRIMARY\"; then echo " + ShellQuote.word("no source pod is the primary any more (the EKS priorities took it over, or an election runs): the check below reads it") + "; else "
            + mongosh(.source, ref: "\"$MONGO_PRIMARY\"", "var eks = \(memberList), h = db.hello(); if (h.me === h.primary && eks.indexOf(h.me) < 0) { rs.stepDown(60) } else { print('the primary is ' + h.primary) }") + "; fi"
    }

    /// Whether the source members are back as they were: no EKS member, no vote still held in a tag.
    var sourceOnly: String {
        mongosh(.source, "var eks = \(memberList), ms = rs.conf().members; print(ms.some(function (m) { return eks.indexOf(m.host) >= 0 }) ? 'eks-left' : ms.some(function (m) { return typeof m.tags === 'object' && typeof m.tags.eksodusVotes === 'string' }) ? 'votes-held' : 'source-only')")
    }

    /// The rollback: source votes back (as many as fit), the other EKS members unelectable, the EKS primary steps down, a
    /// source primary is read back, the EKS members leave the set, and the source votes that did not fit come back.
    func unpromote() -> [String] {
        if refused { return refusal }
        let primary = mongosh(.source, "var eks = \(memberList), p = db.hello().primary; print(p && eks.indexOf(p) < 0 ? 'source' : 'not-source ' + p)")
        return [credentials.note, membersNamed,
                onPrimary(.eks, voting.sourceVotesRestored) + "  # on the EKS primary: the source members vote again (the promotion took their votes), one per reconfig, EKS voters stepping aside at 7",
                onPrimary(.eks, otherMembersUnelectable) + "  # on the EKS primary: no other EKS member may stand",
                onPrimary(.eks, "rs.stepDown(300)") + "  # once a source member has caught up; the EKS primary may not stand again for 300 s",
                "sleep 15",
                Self.gate("PRIMARY", primary, expected: "source", "the primary is not a source member (or no primary yet): re-run rs.stepDown on the primary and this check"),
                onPrimary(.source, membersRemoved) + "  # on the new source primary: the EKS members leave the set, one vote at a time",
                onPrimary(.source, voting.sourceVotesRestored) + "  # on the source primary: the source votes that did not fit beside the EKS primary's",
                Self.gate("MEMBERS", sourceOnly, expected: "source-only", "an EKS member is still in the replica set, or a source member has not its votes back: re-run the two lines above")]
    }

    /// Where the source members' entries wait between the scale-down and its rollback (the engineer's machine).
    var savedMembersFile: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name], suffix: ".mongo-source-members.json") }

    /// The source members' entries as JSON (host and tags: their votes are 0 by now, the old ones in the tags).
    var sourceEntries: String {
        "var eks = \(memberList); print(JSON.stringify(rs.conf().members.filter(function (m) { return eks.indexOf(m.host) < 0 }).map(function (m) { return {host: m.host, tags: m.tags || {}} })))"
    }

    /// Saves the source members' entries once: a re-run after they left (an empty list) keeps the file as it is.
    var sourceMembersSaved: String {
        let file = ShellQuote.word(savedMembersFile)
        return "{ SOURCE_MEMBERS=$(" + onPrimary(.eks, sourceEntries) + ") && case \"$SOURCE_MEMBERS\" in '['*']') ;; *) false ;; esac"
            + " && { test \"$SOURCE_MEMBERS\" = '[]' || printf '%s\\n' \"$SOURCE_MEMBERS\" > \(file); } && test -s \(file); } || { echo "
            + ShellQuote.word("the source members' entries could not be read from the EKS primary, nor found in \(savedMembersFile): without them the scale-down cannot be rolled back; re-run") + " >&2; false; }"
    }

    /// Before the source scales down: its members' entries saved, then they leave the set, read back.
    func retire() -> [String] {
        if refused { return refusal }
        return [credentials.note, membersNamed, sourceMembersSaved + "  # for the rollback: the entries to add back",
                onPrimary(.eks, sourceMembersRemoved) + "  # on the EKS primary: the source members leave the set (non-voting already)",
                Self.gate("MEMBERS", mongosh(.eks, Self.hosts), expected: "\"" + members.joined(separator: ",") + "\"",
                          "the replica set still lists source members: re-run the rs.remove above before the source scales down")]
    }

    /// The scale-down's rollback, once the source pods run again: the saved entries join the set again, non-voting, their
    /// old votes still in their tags (the promotion's rollback gives them back). A member whose last write left the EKS
    /// primary's oplog window stays RECOVERING: empty its data directory for an initial sync.
    func unretire() -> [String] {
        if refused { return refusal }
        let file = ShellQuote.word(savedMembersFile)
        let add = "var saved = $SOURCE_MEMBERS; saved.forEach(function (s) { if (!rs.conf().members.some(function (m) { return m.host === s.host })) { rs.add({host: s.host, votes: 0, priority: 0, tags: s.tags}) } })"
        let back = "var saved = $SOURCE_MEMBERS, st = rs.status().members; print(saved.length > 0 && saved.every(function (s) { return st.some(function (m) { return m.name === s.host && m.stateStr === 'SECONDARY' }) }) ? 'back' : 'not-back')"
        let read = "{ SOURCE_MEMBERS=$(cat \(file)) && case \"$SOURCE_MEMBERS\" in '['*']') ;; *) false ;; esac; } || { echo "
            + ShellQuote.word("\(savedMembersFile) holds no saved source members (the scale-down saves them): add each source pod back by hand with rs.add({host, votes: 0, priority: 0}) on the EKS primary") + " >&2; false; }"
        return [credentials.note, membersNamed,
                read + " && { " + onPrimary(.eks, add) + "; }  # on the EKS primary: the source members join again, non-voting",
                read + " && { " + Self.gate("BACK", mongosh(.eks, back), expected: "back",
                                             "a source member is not a secondary yet (or the set did not answer): wait for it to catch up (RECOVERING too long: empty its data directory for an initial sync), then re-run") + "; }"]
    }
}
