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

        /// The script's shared part: the EKS members, the future voters, and two helpers that change one member's vote.
        private var prelude: String {
            "var eks = \(Self.list(members)), vote = \(Self.list(voters)), me = db.hello().me, cfg, m, s, i;"
                + " function voting(c) { return c.members.filter(function (x) { return x.votes > 0 }) }"
                // Its old votes and priority go into its tags, for the rollback.
                + " function drop(x) { x.tags = x.tags || {}; x.tags.eksodusVotes = String(x.votes); x.tags.eksodusPriority = String(x.priority); x.votes = 0; x.priority = 0 }"
                // Above every source member, level with the EKS voters already there.
                + " function top(c) { return Math.max.apply(null, c.members.map(function (x) { return eks.indexOf(x.host) < 0 ? x.priority + 1 : x.priority })) }"
                + " function next(c) { return c.members.filter(function (x) { return vote.indexOf(x.host) >= 0 && !(x.votes > 0) })[0] }"
        }

        /// On the source primary, before its step-down: each future EKS voter votes and outranks the source, one per
        /// reconfig; at 7 voters a source voter other than the primary stops voting first. With 7 EKS voters to come,
        /// the last waits for the primary's own vote (`sourceVotesDropped`).
        var membersVote: String {
            prelude + " for (i = 0; i < 100; i++) { cfg = rs.conf(); m = next(cfg); if (m === undefined) { break }"
                + " if (voting(cfg).length >= \(Self.maxVoters)) { s = voting(cfg).filter(function (x) { return eks.indexOf(x.host) < 0 && x.host !== me })[0]; if (s === undefined) { break } drop(s) }"
                + " else { m.votes = 1; m.priority = top(cfg) } rs.reconfig(cfg) }"
        }

        /// On the EKS primary, after the step-down: each source voter stops voting, then the EKS voters still to come
        /// vote, one per reconfig, until the EKS voters are the only ones.
        var sourceVotesDropped: String {
            prelude + " for (i = 0; i < 100; i++) { cfg = rs.conf(); s = voting(cfg).filter(function (x) { return eks.indexOf(x.host) < 0 && x.host !== me })[0];"
                + " if (s !== undefined) { drop(s) } else { m = next(cfg); if (m === undefined || voting(cfg).length >= \(Self.maxVoters)) { break } m.votes = 1; m.priority = top(cfg) } rs.reconfig(cfg) }"
        }

        /// The rollback, on whichever side's primary: each source member whose votes the promotion took gets them back,
        /// one per reconfig; at 7 voters an EKS voter other than the primary stops voting first. Run on the EKS primary
        /// before its step-down, then on the source primary once the EKS members have left (the vote that did not fit).
        var sourceVotesRestored: String {
            prelude + " for (i = 0; i < 100; i++) { cfg = rs.conf(); m = cfg.members.filter(function (x) { return typeof x.tags === 'object' && typeof x.tags.eksodusVotes === 'string' })[0]; if (m === undefined) { break }"
                + " if (voting(cfg).length >= \(Self.maxVoters)) { s = voting(cfg).filter(function (x) { return eks.indexOf(x.host) >= 0 && x.host !== me })[0]; if (s === undefined) { break } s.votes = 0; s.priority = 0 }"
                + " else { m.votes = Number(m.tags.eksodusVotes); m.priority = Number(m.tags.eksodusPriority); delete m.tags.eksodusVotes; delete m.tags.eksodusPriority } rs.reconfig(cfg) }"
        }
    }
}
