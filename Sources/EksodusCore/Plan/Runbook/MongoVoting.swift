extension MongoReplicaSet {
    /// How the votes of a replica set spanning both sides move, never past MongoDB's limits: at most 7 voting members
    /// in any config, and one voting change per reconfig (MongoDB docs, "Replica Set Members": "up to 50 members but
    /// only 7 voting members", https://www.mongodb.com/docs/manual/core/replica-set-members/; rs.reconfig(), "Reconfiguration
    /// Can Add or Remove No More than One Voting Member at a Time", https://www.mongodb.com/docs/manual/reference/method/rs.reconfig/).
    ///
    /// - The EKS pods that end voting are the first `voterCount` ordinals; the others stay `votes: 0, priority: 0`
    ///   (a non-voting member must have priority 0), secondaries for reads and spares.
    /// - Where a new EKS vote would make an eighth voter, a source voter (never the primary) stops voting first, its old
    ///   votes and priority kept in its tags; the rollback gives them back the same way, an EKS voter (never the
    ///   primary) stepping aside first.
    /// - Every script loops: re-run after a failed reconfig, it carries on from the config as it is.
    struct Voting {
        static let maxVoters = 7
        static let maxMembers = 50

        /// Every EKS member's `host:port`, by ordinal.
        var members: [String]

        /// How many EKS members vote at the end: as many as the pods up to 7, one fewer for an even count from 4
        /// (3 of 4 or 5 of 6 survive as many losses with no tie, MongoDB's advice of an odd number of voters); 2 pods
        /// both vote, so that `w: "majority"` never rests on one volume.
        var voterCount: Int {
            let n = members.count
            if n >= Self.maxVoters { return Self.maxVoters }
            return n >= 4 && n % 2 == 0 ? n - 1 : n
        }

        /// The EKS members that end voting.
        var voters: [String] { Array(members.prefix(voterCount)) }

        private static func list(_ hosts: [String]) -> String { "[" + hosts.map { "'\($0)'" }.joined(separator: ", ") + "]" }

        /// The script's shared part: the EKS members, the future voters, and helpers that read the config from the
        /// current primary and reconfigure it there. Every step asks `db.hello().primary` again: an election between two
        /// steps (a WAN blip, a priority takeover) moves the primary, and `replSetReconfig` on a secondary is refused
        /// ("NotWritablePrimary"). The step connects to the primary `db.hello()` names (`new Mongo`, direct), so the loop
        /// carries on where it is; with no primary it stops, for a re-run. That connection signs in as the pod's own did
        /// (`eksodusLogin`, `MongoCredentials`); refused, the line fails, and its re-run starts on the new primary's pod
        /// (`onPrimary`). `replSetReconfig` takes the config with its
        /// version raised by one, as `rs.reconfig()` does (MongoDB docs, replSetReconfig;
        /// https://www.mongodb.com/docs/manual/reference/command/replSetReconfig/).
        private var prelude: String {
            "var eks = \(Self.list(members)), vote = \(Self.list(voters)), h, a, cfg, m, s, i;"
                + " function primary() { h = db.hello(); if (!h.primary) { throw new Error('no primary: wait for an election, then re-run') }"
                + " a = h.me === h.primary ? db.getSiblingDB('admin') : eksodusLogin(new Mongo('mongodb://' + h.primary + '/?directConnection=true').getDB('admin')); return a.runCommand({replSetGetConfig: 1}).config }"
                + " function reconfig(c) { c.version = c.version + 1; var r = a.runCommand({replSetReconfig: c}); if (r.ok !== 1) { throw new Error('replSetReconfig on ' + h.primary + ': ' + r.errmsg) } }"
                + " function voting(c) { return c.members.filter(function (x) { return x.votes > 0 }) }"
                // Its old votes and priority go into its tags, for the rollback.
                + " function drop(x) { x.tags = x.tags || {}; x.tags.eksodusVotes = String(x.votes); x.tags.eksodusPriority = String(x.priority); x.votes = 0; x.priority = 0 }"
                // Above every source member, level with the EKS voters already there.
                + " function top(c) { return Math.max.apply(null, c.members.map(function (x) { return eks.indexOf(x.host) < 0 ? x.priority + 1 : x.priority })) }"
                + " function next(c) { return c.members.filter(function (x) { return vote.indexOf(x.host) >= 0 && !(x.votes > 0) })[0] }"
                // The EKS voters' priorities, all raised at once: true when one changed.
                + " function raise(c) { var t = top(c), up = false; c.members.forEach(function (x) { if (vote.indexOf(x.host) >= 0 && x.votes > 0 && x.priority !== t) { x.priority = t; up = true } }); return up }"
        }

        /// The loop's end: one reconfig raising every EKS voter above the source (none when they already are).
        private static let raised = " cfg = primary(); if (raise(cfg)) { reconfig(cfg) }"

        /// On the source primary, before its step-down: each future EKS voter votes, priority 0 kept, one per reconfig;
        /// at 7 voters a source voter other than the primary stops voting first. With 7 EKS voters to come, the last waits
        /// for the primary's own vote (`sourceVotesDropped`). Only then one reconfig raises the EKS voters' priorities: a
        /// caught-up member of a higher priority than the primary calls an election within seconds (a priority takeover:
        /// "Reconfiguring priority can force the current primary to step down", MongoDB docs, "Adjust Priority for a
        /// Replica Set Member"; https://www.mongodb.com/docs/manual/tutorial/adjust-replica-set-member-priority/), so an
        /// EKS priority raised mid-loop would move the primary under the next reconfig.
        var membersVote: String {
            prelude + " for (i = 0; i < 100; i++) { cfg = primary(); m = next(cfg); if (m === undefined) { break }"
                + " if (voting(cfg).length >= \(Self.maxVoters)) { s = voting(cfg).filter(function (x) { return eks.indexOf(x.host) < 0 && x.host !== h.primary })[0]; if (s === undefined) { break } drop(s) }"
                + " else { m.votes = 1 } reconfig(cfg) }" + Self.raised
        }

        /// On the EKS primary, after the step-down: each source voter stops voting, then the EKS voters still to come
        /// vote (priority 0 kept), one per reconfig, until the EKS voters are the only ones; then one reconfig raises
        /// the newcomers' priorities to the other EKS voters' (level: no takeover).
        var sourceVotesDropped: String {
            prelude + " for (i = 0; i < 100; i++) { cfg = primary(); s = voting(cfg).filter(function (x) { return eks.indexOf(x.host) < 0 && x.host !== h.primary })[0];"
                + " if (s !== undefined) { drop(s) } else { m = next(cfg); if (m === undefined || voting(cfg).length >= \(Self.maxVoters)) { break } m.votes = 1 } reconfig(cfg) }" + Self.raised
        }

        /// The rollback, on whichever side's primary: each source member whose votes the promotion took gets them back,
        /// one per reconfig; at 7 voters an EKS voter other than the primary stops voting first. Run on the EKS primary
        /// before its step-down, then on the source primary once the EKS members have left (the vote that did not fit).
        /// The source priorities it restores are below the EKS primary's: no takeover.
        var sourceVotesRestored: String {
            prelude + " for (i = 0; i < 100; i++) { cfg = primary(); m = cfg.members.filter(function (x) { return typeof x.tags === 'object' && typeof x.tags.eksodusVotes === 'string' })[0]; if (m === undefined) { break }"
                + " if (voting(cfg).length >= \(Self.maxVoters)) { s = voting(cfg).filter(function (x) { return eks.indexOf(x.host) >= 0 && x.host !== h.primary })[0]; if (s === undefined) { break } s.votes = 0; s.priority = 0 }"
                + " else { m.votes = Number(m.tags.eksodusVotes); m.priority = Number(m.tags.eksodusPriority); delete m.tags.eksodusVotes; delete m.tags.eksodusPriority } reconfig(cfg) }"
        }
    }
}
