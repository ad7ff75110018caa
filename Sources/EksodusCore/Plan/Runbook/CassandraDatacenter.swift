/// Cassandra moves as a datacenter of its own ring, the way its docs add and remove one (DataStax docs,
/// "Adding a datacenter to a cluster", https://docs.datastax.com/en/cassandra-oss/3.x/cassandra/operations/opsAddDCToCluster.html,
/// and "Decommissioning a datacenter", https://docs.datastax.com/en/dse/5.1/dse-admin/datastax_enterprise/operations/opsDecomissionDC.html):
/// the EKS pods join the source's cluster as datacenter `eks` (same cluster name, GossipingPropertyFileSnitch, seeds that
/// include source nodes: `CassandraConversion`), every keyspace that is not node-local is ALTERed to replicate there, each
/// EKS node streams its ranges with `nodetool rebuild`, and the source datacenter is removed only once the clients use the
/// EKS one: a full repair, the keyspaces ALTERed away from it, then each source node decommissioned while it runs. Both
/// datacenters take writes the whole time, so nothing is frozen and no source pod is scaled down before its decommission.
///
/// Gossip runs between every pair of nodes on the addresses they broadcast, not only through the seeds, and the image's
/// run.sh broadcasts `POD_IP` (kubernetes/examples, cassandra/image/files/run.sh: CASSANDRA_BROADCAST_ADDRESS=${POD_IP}):
/// on most on-premises CNIs an overlay address the VPC cannot route. So each source node's broadcast address is probed
/// from EKS, and each EKS pod address from a source pod, both on 7000, and where one fails the decision is the engineer's:
/// route the source pod network to the VPC, or run the source with hostNetwork (then POD_IP is its node's address).
///
/// `auto_bootstrap` stays true, unlike DataStax's procedure (auto_bootstrap: false on the new datacenter's nodes): no
/// keyspace replicates to `eks` before the ALTER that follows the join, so the joining nodes own no replica and stream
/// nothing; and false would stay in the StatefulSet's template, so a node replaced later on an empty claim would join
/// without its data and answer LOCAL_QUORUM reads from nothing.
///
/// Keyspace names and replication maps are read live with cqlsh, never guessed, and only names and datacenter names of
/// `[A-Za-z0-9_-]` reach a CQL statement.
struct CassandraDatacenter {
    /// The datacenter the EKS nodes form (`CASSANDRA_DC` of the converted workload).
    static let eksDatacenter = "eks"
    /// The ConfigMap (key `seeds`) that holds the source seed addresses the EKS nodes gossip with first.
    static func seedsConfigMap(_ workload: String) -> String { workload + "-source-seeds" }
    static let seedsKey = "seeds"

    var workload: Estate.Workload

    var count: Int { max(workload.replicas ?? 1, 1) }
    /// The EKS datacenter's replication factor for every keyspace: three, or fewer when it has fewer nodes.
    var eksReplication: Int { min(3, count) }

    // MARK: Pods

    /// `( for i in …; do <kubectl exec into pod i> -- <arguments> || exit 1; done )`: one pod after the other, stopping at
    /// the first that fails. A StatefulSet's pods by ordinal (`seq`: the line stays short whatever the replicas), others by label.
    func eachPod(on side: Kubectl.Side, descending: Bool = false, _ arguments: String) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
        if workload.kind == "StatefulSet" {
            let order = descending ? "\(count - 1) -1 0" : "0 \(count - 1)"
            return "( for i in $(seq \(order)); do " + kubectl("exec " + ShellQuote.word("pod/\(workload.name)-") + "\"$i\" -- " + arguments)
                + " || exit 1; done )"
        }
        guard let selector = LabelSelector.matching(workload.templateLabels) else {
            return ShellQuote.comment("on each pod of \(workload.label), one by one (its labels make no selector): " + arguments)
        }
        return "( pods=$(" + kubectl("get pods -l \(ShellQuote.word(selector)) -o name") + ") && test -n \"$pods\" || exit 1; for pod in $pods; do "
            + kubectl("exec \"$pod\" -- " + arguments) + " || exit 1; done )"
    }

    /// One pod of a side, for the commands any node answers (status, schema).
    func onePod(_ side: Kubectl.Side, stdin: Bool = false, _ arguments: String) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
        let pod = workload.kind == "StatefulSet" ? ShellQuote.word("pod/\(workload.name)-0") : Kubectl.ref(workload, on: side)
        return kubectl("exec " + (stdin ? "-i " : "") + pod + " -- " + arguments)
    }

    /// cqlsh in the pod, on the address it serves CQL on (`POD_IP` where the manifest sets it). With PasswordAuthenticator,
    /// its credentials come from a cqlshrc in the pod, never from this command line.
    static let cqlsh = "sh -c " + ShellQuote.word("exec cqlsh \"${POD_IP:-127.0.0.1}\"")
    static let keyspaces = "SELECT keyspace_name, replication FROM system_schema.keyspaces"

    /// Sets `$SOURCE_DC` from a running source node, refusing a name a CQL statement could not carry.
    var readSourceDatacenter: String {
        "SOURCE_DC=$(" + onePod(.source, "nodetool info") + " | sed -n 's/^Data Center *: *//p') && case \"$SOURCE_DC\" in ''|*[!A-Za-z0-9_-]*|"
            + Self.eksDatacenter + ") echo \"the source datacenter name ($SOURCE_DC) is empty, not [A-Za-z0-9_-] or already '" + Self.eksDatacenter
            + "': rename the EKS one\" >&2; false;; esac"
    }

    // MARK: Gates

    /// Fails unless `nodetool status` on `side` lists every node Up and Normal, the EKS datacenter with all its nodes,
    /// and (`sourceToo`) another datacenter with at least one node, or (not) none. No answer lists nothing: no pass.
    func ringGate(from side: Kubectl.Side, sourceToo: Bool) -> String {
        let awk = "/^Datacenter: / { dc = $2; next } /^[UD][NLJM] / { nodes[dc]++; if ($1 != \"UN\") down++ } "
            + "END { for (d in nodes) if (d != eks) others++; if (down || nodes[eks] != want || (want_others ? !others : others)) exit 1 }"
        let what = sourceToo ? "both datacenters, every node UN and \(count) in '\(Self.eksDatacenter)'" : "only '\(Self.eksDatacenter)', its \(count) nodes UN"
        return onePod(side, "nodetool status") + " | awk -v eks=" + Self.eksDatacenter + " -v want=\(count) -v want_others=\(sourceToo ? 1 : 0) "
            + ShellQuote.word(awk) + " || { echo " + ShellQuote.word("nodetool status (\(side == .eks ? "EKS" : "source")) does not show \(what) (or did not answer): wait, or check gossip on 7000/7001 both ways")
            + " >&2; false; }"
    }

    /// Fails unless every keyspace that is not node-local replicates to the EKS datacenter (and some were read).
    var replicationGate: String {
        let awk = "NF != 2 && /\\{/ { print \"a keyspace row cqlsh printed cannot be read\" > \"/dev/stderr\"; bad = 1; next } "
            + "NF == 2 && $2 ~ /\\{/ { if ($2 ~ /LocalStrategy|EverywhereStrategy/) next; read++; if ($2 !~ /'" + Self.eksDatacenter
            + "'/) { print \"keyspace\" $1 \"does not replicate to " + Self.eksDatacenter + "\" > \"/dev/stderr\"; bad = 1 } } END { exit bad || !read }"
        return onePod(.eks, Self.cqlsh + " -e " + ShellQuote.word(Self.keyspaces)) + " | awk -F '|' " + ShellQuote.word(awk)
            + " || { echo 'a keyspace does not replicate to the EKS datacenter (or cqlsh did not answer): ALTER it (the data step), then rebuild' >&2; false; }"
    }

    /// What an ALTER pass does to the keyspaces.
    enum Change {
        /// SimpleStrategy keyspaces become NetworkTopologyStrategy in datacenter `dc`, their factor kept. Before the EKS
        /// nodes join: SimpleStrategy ignores datacenters, so joining nodes would take its replicas at once.
        case networkTopology
        /// The EKS datacenter is added (SimpleStrategy converted first, as above).
        case addEKS
        /// Datacenter `dc` is taken out.
        case drop
    }

    /// An awk program reading cqlsh's keyspace table and printing one ALTER KEYSPACE per keyspace to change (`Change`).
    /// It fails on no keyspace read, a name outside `[A-Za-z0-9_]`, another strategy, or a keyspace left with no datacenter.
    static func alterProgram(_ mode: Change) -> String {
        let eks = eksDatacenter
        let simple = "if (map ~ /SimpleStrategy/) { match(map, /'replication_factor': '[0-9]+'/); n = substr(map, RSTART, RLENGTH); gsub(/[^0-9]/, \"\", n); "
            + "map = \"{'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', '\" dc \"': '\" n \"'}\" } "
            + "else if (map !~ /NetworkTopologyStrategy/) { print \"keyspace \" ks \": \" map \" is neither SimpleStrategy nor NetworkTopologyStrategy\" > \"/dev/stderr\"; bad = 1; next } "
        let change: String
        switch mode {
        case .networkTopology: change = "if (map !~ /SimpleStrategy/) next; " + simple
        case .addEKS: change = "if (map ~ /'\(eks)'/) next; " + simple + "sub(/\\}$/, \", '\(eks)': '\" rf \"'}\", map); "
        case .drop:
            change = "if (map !~ (\"'\" dc \"'\")) next; gsub(\", '\" dc \"': '[0-9]+'\", \"\", map); "
                + "if (map !~ /, '[^']+': '[0-9]+'/) { print \"keyspace \" ks \" would replicate nowhere\" > \"/dev/stderr\"; bad = 1; next } "
        }
        // A row that does not split in two (a `|` inside its replication) and a map that is not a class and factors fail the
        // pass: skipped silently, such a keyspace never reached EKS, and the source's decommission lost it.
        return "NF != 2 && /\\{/ { print \"a keyspace row cqlsh printed cannot be read (a | in its replication?)\" > \"/dev/stderr\"; bad = 1; next } "
            + "NF == 2 && $2 ~ /\\{/ { ks = $1; gsub(/ /, \"\", ks); map = $2; sub(/^ +/, \"\", map); sub(/ +$/, \"\", map); read++; "
            + "if (map ~ /LocalStrategy|EverywhereStrategy/) next; "
            + "if (ks !~ /^[A-Za-z0-9_]+$/) { print \"keyspace name \" ks \" is not [A-Za-z0-9_]\" > \"/dev/stderr\"; bad = 1; next } "
            + "if (map !~ /^\\{'class': '[A-Za-z0-9_.]+'(, '[A-Za-z0-9_-]+': '[0-9]+')*\\}$/) { print \"keyspace \" ks \": its replication is not a class and replication factors\" > \"/dev/stderr\"; bad = 1; next } "
            + change
            + "printf \"ALTER KEYSPACE \\\"%s\\\" WITH replication = %s;\\n\", ks, map } END { exit bad || !read }"
    }

    /// Reads the keyspaces on `side`, writes the ALTERs to `file`, shows them and runs them there; nothing runs when the
    /// read fails. `dc` is a shell word (`"$SOURCE_DC"` checked by `readSourceDatacenter`, or a constant).
    func alter(on side: Kubectl.Side, _ mode: Change, dc: String, file: String) -> String {
        let quoted = ShellQuote.word(file)
        return onePod(side, Self.cqlsh + " -e " + ShellQuote.word(Self.keyspaces)) + " | awk -F '|' -v dc=" + dc + " -v rf=\(eksReplication) "
            + ShellQuote.word(Self.alterProgram(mode)) + " > " + quoted + " && cat " + quoted + " && " + onePod(side, stdin: true, Self.cqlsh) + " < " + quoted
    }

    var networkTopologyFile: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name, "network-topology"], suffix: ".cql") }
    var alterFile: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name, "add-eks"], suffix: ".cql") }
    var dropSourceFile: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name, "drop-source"], suffix: ".cql") }
    var dropEKSFile: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name, "drop-eks"], suffix: ".cql") }

    // MARK: Gossip

    static let probeImage = "public.ecr.aws/docker/library/busybox:stable"
    /// Fails on the first of `$1` (comma-separated addresses) that does not answer on 7000, and on none given.
    static let probe = "test -n \"$1\" || exit 1; for s in $(echo \"$1\" | tr , ' '); do nc -z -w 5 \"$s\" 7000 || { echo \"$s:7000 does not answer\" >&2; exit 1; }; done"
    static let unroutable = "the pod addresses gossip uses are not routable between the source network and the VPC: advertise the source pod CIDR to the VPC"
        + " (BGP, e.g. Calico or Cilium, over the VPN or Direct Connect, and a route for the VPC back), or run the source StatefulSet with hostNetwork: true"
        + " (its POD_IP, which the image broadcasts, becomes the node address; one Cassandra per node), then re-run; if neither, this copy cannot be a datacenter join"

    static let probePod = "eksodus-gossip"

    /// A busybox pod on `side` probing the addresses in `addresses` (a shell word), with the decision on failure. It only
    /// opens TCP connections, so it runs as the smoke probe does (`SmokeProbe.restrictedOverrides`: uid 65534, no
    /// privilege escalation, no capability, RuntimeDefault seccomp, read-only root), which Pod Security "restricted" admits.
    func probe(from side: Kubectl.Side, _ addresses: String, what: String) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace) : Kubectl.eks(workload.namespace)
        return kubectl("run \(Self.probePod) --rm -i --restart=Never --image='\(Self.probeImage)' --override-type=strategic --overrides=\(ShellQuote.word(RedirectSwap.overrides(Self.probePod))) -- sh -c "
                       + ShellQuote.word(Self.probe) + " sh " + addresses)
            + " || { echo " + ShellQuote.word(what + ": " + Self.unroutable) + " >&2; false; }"
    }

    /// `$SOURCE_NODES`: every source node's address as `nodetool status` lists it (what gossip hands the EKS nodes).
    var readSourceNodes: String {
        "{ SOURCE_NODES=$(" + onePod(.source, "nodetool status") + " | awk '/^[UD][NLJM] / { printf \"%s,\", $2 }') && test -n \"$SOURCE_NODES\"; } || { echo "
            + ShellQuote.word("nodetool status on the source listed no node") + " >&2; false; }"
    }

    /// `$EKS_NODES`: the addresses of the EKS pods that run (they broadcast their VPC pod IPs), comma-separated.
    var readEKSNodes: String {
        guard let selector = LabelSelector.matching(workload.templateLabels) else {
            return ShellQuote.comment("set EKS_NODES to the addresses of the EKS pods of \(workload.label), comma-separated (its labels make no selector)")
        }
        return "{ EKS_NODES=$(" + Kubectl.eks(workload.namespace)("get pods -l \(ShellQuote.word(selector)) -o jsonpath='{range .items[*]}{.status.podIP}{\",\"}{end}'") + ") && test -n \"$EKS_NODES\"; } || { echo "
            + ShellQuote.word("no EKS pod of \(workload.label) has an address yet") + " >&2; false; }"
    }

    // MARK: Steps

    /// Before the EKS nodes start: the source speaks GossipingPropertyFileSnitch, no keyspace is SimpleStrategy any more,
    /// its seeds answer from the VPC, and the ConfigMap the converted workload reads its source seeds from exists
    /// (without it, its pods do not start).
    func prerequisites() -> [String] {
        let eks = Kubectl.eks(workload.namespace)
        return ["# prerequisite: the source nodes' broadcast addresses routable from the EKS VPC and the EKS pod addresses from the source, TCP 7000 (7001 with internode TLS) both ways, 9042 for the clients",
                "# CASSANDRA_SOURCE_SEEDS: two or three source node addresses, comma-separated, as the EKS VPC reaches them",
                "test -n \"$CASSANDRA_SOURCE_SEEDS\" || { echo 'set CASSANDRA_SOURCE_SEEDS to source seed addresses reachable from the VPC' >&2; false; }",
                onePod(.source, "sh -c " + ShellQuote.word("grep -Eq '^endpoint_snitch: *(org\\.apache\\.cassandra\\.locator\\.)?GossipingPropertyFileSnitch' \"${CASSANDRA_CONF:-/etc/cassandra}/cassandra.yaml\""))
                    + " || { echo 'the source does not run GossipingPropertyFileSnitch: switch it first (a rolling restart, dc= its current datacenter name), or the EKS datacenter cannot join' >&2; false; }",
                readSourceDatacenter,
                alter(on: .source, .networkTopology, dc: "\"$SOURCE_DC\"", file: networkTopologyFile)
                    + "  # SimpleStrategy ignores datacenters: joining EKS nodes would take its replicas at once (then nodetool repair if the source has several racks)",
                probe(from: .eks, "\"$CASSANDRA_SOURCE_SEEDS\"", what: "a source seed does not answer on 7000 from EKS"),
                readSourceNodes,
                probe(from: .eks, "\"$SOURCE_NODES\"", what: "a source node's broadcast address does not answer on 7000 from EKS (gossip reaches every node, not only the seeds)"),
                eks("create configmap " + ShellQuote.word(Self.seedsConfigMap(workload.name)) + " --from-literal=" + Self.seedsKey + "=\"$CASSANDRA_SOURCE_SEEDS\" --dry-run=client -o yaml")
                    + " | " + eks("apply -f -")]
    }

    /// The EKS datacenter gets the data: joined (both sides see it), keyspaces ALTERed, each node rebuilt from the source datacenter.
    func join() -> [String] {
        ["# the EKS nodes joined the source's ring as datacenter '\(Self.eksDatacenter)' (same cluster name, seeds, snitch); no keyspace replicates there yet",
         "# auto_bootstrap stays true: with no keyspace replicating to '\(Self.eksDatacenter)' yet, the joining nodes have nothing to stream (nodetool rebuild below copies the data)",
         readEKSNodes,
         probe(from: .source, "\"$EKS_NODES\"", what: "a source pod cannot reach an EKS pod on 7000 (the source nodes gossip to the EKS pod addresses)"),
         ringGate(from: .eks, sourceToo: true), ringGate(from: .source, sourceToo: true),
         readSourceDatacenter,
         alter(on: .source, .addEKS, dc: "\"$SOURCE_DC\"", file: alterFile) + "  # every keyspace that is not node-local, system_auth, system_distributed and system_traces too",
         "# each EKS node streams its ranges from the source datacenter, one after the other (the least load on the source)",
         eachPod(on: .eks, "nodetool rebuild -- \"$SOURCE_DC\"")]
    }

    func verify() -> [String] {
        [ringGate(from: .eks, sourceToo: true), ringGate(from: .source, sourceToo: true), replicationGate]
    }

    /// Undoing the join: the keyspaces stop replicating to EKS, its nodes leave the ring one by one, then go.
    func leave() -> [String] {
        let eks = Kubectl.eks(workload.namespace)
        return [alter(on: .source, .drop, dc: Self.eksDatacenter, file: dropEKSFile),
                eachPod(on: .eks, descending: true, "nodetool decommission"),
               eks("delete \(Kubectl.ref(workload, on: .eks)) configmap/" + ShellQuote.word(Self.seedsConfigMap(workload.name))) + "  # then its claims: they hold data the ring no longer counts"]
    }

    /// Both datacenters take writes: nothing to freeze.
    func freeze() -> (commands: [String], rollback: [String]) {
        (["# no freeze: both datacenters of one ring take every write; the clients move to '\(Self.eksDatacenter)' at the switch, and the source datacenter stays until the retirement"],
         ["# nothing to lift: the source datacenter never stopped"])
    }

    func promote() -> [String] {
        [ringGate(from: .eks, sourceToo: true), replicationGate,
         "# the clients connect to EKS from now on: contact points on EKS, local datacenter '\(Self.eksDatacenter)' (DCAwareRoundRobinPolicy), consistency LOCAL_QUORUM (QUORUM or ALL would wait on the source datacenter)"]
    }

    func unpromote() -> [String] {
        ["# both datacenters hold every write: point the clients back at the source datacenter (its contact points, local datacenter \"$SOURCE_DC\"); nothing to copy",
         ringGate(from: .source, sourceToo: true)]
    }

    /// Before the source is scaled down: it leaves the ring while it runs, so nothing it holds is lost.
    func retire() -> [String] {
        ["# once no client connects to the source datacenter any more:",
         eachPod(on: .source, "nodetool repair --full") + "  # what only the source holds reaches EKS",
         readSourceDatacenter,
         alter(on: .eks, .drop, dc: "\"$SOURCE_DC\"", file: dropSourceFile),
         eachPod(on: .source, descending: true, "nodetool decommission") + "  # one source node after the other, while they run",
         ringGate(from: .eks, sourceToo: false)]
    }
}
