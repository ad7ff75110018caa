/// How a stateful workload's data reaches EKS, as runbook commands: the copy method the storage plan chose, the
/// order it imposes, and the replicate / verify / freeze / promote commands of the recognised engines.
struct DataCopy {
    enum Order {
        /// An application replica or a live first copy on EKS catches up while the source serves; the freeze comes just before promotion.
        case replicateThenFreeze
        /// A backup taken after the writes stop is restored on EKS (Velero, EBS snapshots): the freeze comes first.
        case freezeThenRestore
    }

    var method: String
    /// Node-local data (hostPath, local): copied from the node by hand after a decision, never through Velero, whose
    /// file-system backup skips hostPath volumes (Velero docs, File System Backup, Limitations: "hostPath volumes are not
    /// supported"; https://velero.io/docs/main/file-system-backup/#limitations): a Velero step would copy nothing.
    var fromNode: Bool
    /// The recognised engine (`data/databases.yaml`), or nil.
    var engine: String?
    var order: Order

    /// The engine whose own commands freeze writes (restore or replication alike).
    var freezeEngine: String?
    /// The image the EKS copy runs (its ECR reference), for one-off pods that work on its volumes.
    var targetImage: String?
    /// A headless Service of the workload: how its pods find one another by name.
    var headlessService: String?
    /// Who the workload writes its data as: its copy pods write the same way (`CopyPodSecurity`).
    var copyIdentity: CopyPodSecurity.Identity? = CopyPodSecurity.Identity()
    /// The compute plan's group for the workload (`ComputePlan.Placement.target`): where a Velero restore puts the restored pods.
    var placement: String?
    /// Its claims that DataSync copies, each with a task of its own (onto an EFS access point, or an FSx location).
    var dataSyncClaims: [DataSyncClaimTask] = []

    /// Where no claim has a DataSync task of its own (a claim template's, or a method the runbook has no commands for).
    func withoutDataSyncTask(_ workload: Estate.Workload) -> String {
        "{ echo " + ShellQuote.word("no claim of " + workload.label + " has a DataSync task of its own: copy its data by hand (" + method + "), then mark this step done") + " >&2; false; }"
    }

    func mysql(_ workload: Estate.Workload) -> MySQLReplication { MySQLReplication(workload: workload, engine: engine ?? "mysql") }
    func redis(_ workload: Estate.Workload) -> RedisReplicas { RedisReplicas(workload: workload, headlessService: headlessService) }
    func rabbitmq(_ workload: Estate.Workload) -> RabbitMQShovel {
        RabbitMQShovel(workload: workload, vhosts: brokerVirtualHosts, closesAtReconnect: shovelsCloseAtReconnect)
    }
    /// A RabbitMQ broker's vhosts, as its consumers use them.
    var brokerVirtualHosts = AMQPVirtualHosts()
    /// Whether a reconnect step follows the promotion (consumers on the source, a Service to redirect).
    var shovelsCloseAtReconnect = false

    /// Whether the EKS copy must be deployed with no replica running: a PostgreSQL standby is built into an empty data directory.
    var deploysStopped: Bool { engine == "postgres" }

    /// `method` is the storage plan's copy method; nil when the workload has no volume in it (the engine's replication, or Velero).
    /// `database` is the workload's (`database(of:)`), looked up once by the caller for all its steps.
    init(method: String?, database: ReferenceData.Database?) {
        // The runbook's engine names; data/databases.yaml calls MongoDB `mongodb`.
        let recognised = database.map { $0.name == "mongodb" ? "mongo" : $0.name }
        let chosen = method ?? database?.replication ?? "Velero file-system backup (kopia) and restore, with a final backup at cutover"
        self.method = chosen
        let lower = chosen.lowercased()
        // The node copy's text names Velero only to say it cannot be used: it is a copy taken once the writes stop.
        fromNode = chosen == StoragePlan.nodeCopy
        order = fromNode || lower.contains("velero") || lower.contains("ebs snapshot") ? .freezeThenRestore : .replicateThenFreeze
        freezeEngine = recognised
        // A restore copies files: the engine's replication commands do not apply.
        engine = order == .replicateThenFreeze ? recognised : nil
    }

    /// Whether the copy is a Velero file-system backup and restore (not a node copy nor an EBS snapshot).
    var usesVelero: Bool { order == .freezeThenRestore && !fromNode && !method.lowercased().contains("ebs snapshot") }

    /// The data store a workload's containers run, by `data/databases.yaml`.
    static func database(of workload: Estate.Workload) -> ReferenceData.Database? {
        WorkloadSteps.Engine.of(workload)?.database
    }

    /// `kubectl exec` into the workload on one side, running `script` under `sh -c` (so the pod's own variables expand there).
    static func exec(_ workload: Estate.Workload, on side: Kubectl.Side, _ script: String, stdin: Bool = false) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
        return kubectl("exec \(stdin ? "-i " : "")\(Kubectl.ref(workload, on: side)) -- sh -c \(ShellQuote.word(script))")
    }

    /// `kubectl exec` running `arguments` directly, so `$VARIABLES` in them expand on the engineer's machine.
    static func execDirect(_ workload: Estate.Workload, on side: Kubectl.Side, _ arguments: String) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
        return kubectl("exec \(Kubectl.ref(workload, on: side)) -- \(arguments)")
    }

    func replicate(_ workload: Estate.Workload, mountPaths: [String]) -> [String] {
        let backup = ShellQuote.word(ShellQuote.fileName(["eksodus", workload.namespace, workload.name], suffix: ""))
        switch engine {
        case "postgres":
            let image = targetImage ?? workload.containers.compactMap(\.image).first ?? "postgres"
            return PostgresStandby.replicate(workload, image: image, mountPaths: mountPaths, identity: copyIdentity)
        case "mysql", "mariadb": return mysql(workload).replicate()
        case "redis":
            return redis(workload).replicate()
        case "mongo" where !MongoCopy(workload: workload).isReplicaSet: return MongoCopy(workload: workload).replicate()
        case "mongo": return MongoReplicaSet(workload: workload).replicate()
        case "rabbitmq": return rabbitmq(workload).replicate()
        case "cassandra": return CassandraDatacenter(workload: workload).join()
        case "kafka":
            return ["# run MirrorMaker 2 from the source brokers ($SOURCE_BOOTSTRAP) to the EKS ones",
                    Self.exec(workload, on: .eks, "connect-mirror-maker.sh /etc/kafka/mm2.properties")]
        case "etcd":
            return [Self.execDirect(workload, on: .source, "etcdctl member add eks-0 --peer-urls=\"$EKS_PEER_URL\"")]
        case "zookeeper":
            return ["# start the EKS servers with the source ensemble in their server list, then add them (dynamic reconfiguration):",
                    Self.execDirect(workload, on: .source, "zkCli.sh reconfig -add \"$EKS_SERVER_SPEC\"")]
        case "minio":
            return [Self.execDirect(workload, on: .eks, "mc mirror --overwrite \"$SOURCE_MINIO_ALIAS\" local")]
        case "elasticsearch", "opensearch": return ElasticsearchSnapshot(workload: workload).replicate()
        default:
            if method.lowercased().contains("ebs snapshot") {
                return ["aws ec2 create-snapshot --volume-id \"$SOURCE_VOLUME_ID\" --description " + backup,
                        "aws ec2 create-volume --snapshot-id \"$SNAPSHOT_ID\" --availability-zone \"$TARGET_ZONE\" --volume-type gp3",
                        "# then a static PersistentVolume for the new volume, bound to the claim the workload expects"]
            }
            if fromNode { return NodeDataCopy(workload: workload, identity: copyIdentity).copy() }
            if usesVelero { return VeleroCopy(workload: workload, placement: placement).copy() }
            guard !dataSyncClaims.isEmpty else { return [ShellQuote.comment(method), withoutDataSyncTask(workload)] }
            return [ShellQuote.comment(method)] + dataSyncClaims.flatMap { $0.prepare() + $0.pass(final: false) }
        }
    }

    /// What must hold before the EKS copy is deployed (Cassandra's seeds and gossip), as commands that fail otherwise.
    func beforeDeploy(_ workload: Estate.Workload) -> [String] {
        engine == "cassandra" ? CassandraDatacenter(workload: workload).prerequisites() : []
    }

    /// What must run on the source before it is scaled down (Cassandra's datacenter leaves the ring while it runs; a
    /// MongoDB replica set's source members leave the set).
    func beforeRetire(_ workload: Estate.Workload) -> [String] {
        if engine == "cassandra" { return CassandraDatacenter(workload: workload).retire() }
        if engine == "mongo", MongoCopy(workload: workload).isReplicaSet { return MongoReplicaSet(workload: workload).retire() }
        return []
    }

    /// What must run once the source runs again, at the retirement's rollback (a MongoDB replica set's source members,
    /// which left the set before the scale-down, join it again).
    func afterUnretire(_ workload: Estate.Workload) -> [String] {
        engine == "mongo" && MongoCopy(workload: workload).isReplicaSet ? MongoReplicaSet(workload: workload).unretire() : []
    }

    /// What must exist on the EKS copy before the replication starts (RabbitMQ's definitions), with its undoing.
    func definitions(_ workload: Estate.Workload) -> (commands: [String], rollback: [String])? {
        engine == "rabbitmq" ? rabbitmq(workload).definitions() : nil
    }

    /// What a workload's own Velero backup and restore hold.
    static let veleroResources = "pods,persistentvolumeclaims,persistentvolumes"

    func stopReplication(_ workload: Estate.Workload) -> [String] {
        switch engine {
        case "postgres":
            let eks = Kubectl.eks(workload.namespace)
            // Deleting a StatefulSet keeps its claims: the standby's claim goes too, or a retry's base backup finds it not empty.
            return [eks("delete \(Kubectl.ref(workload, on: .eks))") + "  # the standby; the source primary is untouched",
                    eks("delete pod/\(PostgresStandby.pod) secret/\(PostgresStandby.secret) --ignore-not-found")]
                + workload.claimTemplates.map { eks("delete pvc/" + ShellQuote.word("\($0.name)-\(workload.name)-0") + " --ignore-not-found") + "  # the standby's copy of the data" }
                + PostgresStandby.dropSlot(workload, on: .source, PostgresStandby.slot(workload))
        case "mysql", "mariadb": return mysql(workload).stop()
        case "redis": return redis(workload).stop()
        case "rabbitmq": return rabbitmq(workload).stop()
        case "mongo" where !MongoCopy(workload: workload).isReplicaSet: return ["# nothing to stop: the dump is a one-off copy and only read the source"]
        case "mongo": return MongoReplicaSet(workload: workload).stop()
        case "cassandra": return CassandraDatacenter(workload: workload).leave()
        default:
            if fromNode { return NodeDataCopy(workload: workload, identity: copyIdentity).undo() }
            if usesVelero { return VeleroCopy(workload: workload, placement: placement).undo() }
            return dataSyncClaims.flatMap { $0.delete() } + [Kubectl.eks(workload.namespace)("delete \(Kubectl.ref(workload, on: .eks))") + "  # and its claims, once the copy is abandoned"]
        }
    }

    func verify(_ workload: Estate.Workload, mountPaths: [String]) -> [String] {
        switch engine {
        case "postgres": return PostgresStandby.verify(workload)
        case "mysql", "mariadb": return mysql(workload).verify()
        case "redis": return redis(workload).verify()
        case "mongo" where !MongoCopy(workload: workload).isReplicaSet: return MongoCopy(workload: workload).verify()
        case "mongo": return MongoReplicaSet(workload: workload).verify()
        case "rabbitmq": return rabbitmq(workload).verify()
        case "cassandra": return CassandraDatacenter(workload: workload).verify()
        case "elasticsearch", "opensearch": return ElasticsearchSnapshot(workload: workload).verify()
        default:
            if fromNode { return NodeDataCopy(workload: workload, identity: copyIdentity).verify() }
            let paths = mountPaths.isEmpty ? ["/data"] : mountPaths
            return paths.map { Self.sameFileCount(workload, path: $0) } + dataSyncClaims.compactMap(\.efs).flatMap { $0.ownedByTheAccessPoint() }
        }
    }

    /// Fails unless both sides hold as many files under `path`, counted in the pod (`cd` first: a missing path counts
    /// nothing, and `find | wc -l` would print 0 on both sides); no answer from either side is no pass.
    static func sameFileCount(_ workload: Estate.Workload, path: String) -> String {
        let count = "cd " + ShellQuote.word(path) + " && find . -type f | wc -l"
        return "{ SOURCE_FILES=$(" + exec(workload, on: .source, count) + ") && EKS_FILES=$(" + exec(workload, on: .eks, count) + ")"
            + " && test -n \"$SOURCE_FILES\" && test \"$SOURCE_FILES\" = \"$EKS_FILES\"; } || { echo " + ShellQuote.word(path + ": the source and EKS do not hold as many files (or one did not answer): let the copy finish (or re-run it), then re-run")
            + " >&2; echo \"source: ${SOURCE_FILES:-no answer}, EKS: ${EKS_FILES:-no answer}\" >&2; false; }"
    }

    /// Undoing a promotion: from the promotion on, the writes land on the EKS copy, so lifting the source's freeze alone
    /// would lose them. The engine's own replication runs back from EKS first; nil where the runbook has no such commands.
    func unpromote(_ workload: Estate.Workload, mountPaths: [String]) -> [String]? {
        switch engine {
        case "postgres": return PostgresStandby.unpromote(workload, mountPaths: mountPaths, identity: copyIdentity, liftSourceFreeze: freeze(workload).rollback)
        case "redis": return redis(workload).unpromote(liftSourceFreeze: freeze(workload).rollback)
        case "mysql", "mariadb": return Self.mysqlUnpromote(workload, engine: engine ?? "mysql", liftSourceFreeze: freeze(workload).rollback)
        case "mongo" where !MongoCopy(workload: workload).isReplicaSet: return MongoCopy(workload: workload).unpromote()
        case "mongo": return Self.mongoUnpromote(workload, liftSourceFreeze: freeze(workload).rollback)
        case "rabbitmq": return rabbitmq(workload).unpromote()
        case "elasticsearch", "opensearch": return ElasticsearchSnapshot(workload: workload).unpromote(liftSourceFreeze: freeze(workload).rollback)
        case "cassandra": return CassandraDatacenter(workload: workload).unpromote()
        default: return dataSyncClaims.isEmpty ? nil : DataSyncClaimTask.copyBack(dataSyncClaims, workload, liftSourceFreeze: freeze(workload).rollback)
        }
    }

    /// Stops writes on the source; the second list lifts the freeze.
    func freeze(_ workload: Estate.Workload) -> (commands: [String], rollback: [String]) {
        switch freezeEngine {
        // Sessions already open keep their settings: they are ended, and reconnect read-only.
        case "postgres": return ([PostgresStandby.psqlStatements(workload, on: .source, ["ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()"]),
                                  PostgresStandby.psql(workload, on: .source, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IS NOT NULL AND pid <> pg_backend_pid()")],
                                 [PostgresStandby.psqlStatements(workload, on: .source, ["ALTER SYSTEM RESET default_transaction_read_only", "SELECT pg_reload_conf()"])])
        case "mysql", "mariadb": return MySQLReadOnly(workload: workload, engine: freezeEngine ?? "mysql").freeze()
        // Every pod that takes writes, bounded and checked where it matters (RedisReplicas).
        case "redis": return redis(workload).freeze()
        case "elasticsearch", "opensearch": return ElasticsearchSnapshot(workload: workload).freeze()
        // One replica set spans both sides: scaling the source to 0 would take the majority the EKS member needs to be
        // elected. The promotion's step-down is the switch; the source members stay up, as secondaries.
        case "mongo" where engine == "mongo" && !MongoCopy(workload: workload).isReplicaSet: return MongoCopy(workload: workload).freeze()
        case "mongo" where engine == "mongo":
            return (["# no freeze: the promotion's rs.stepDown() moves the writes to the EKS member once it has caught up, and reads the new primary back (the source members stay, as secondaries)"],
                    ["# nothing to lift: the source members never stopped"])
        case "rabbitmq": return rabbitmq(workload).freeze()
        // One ring over both sides: scaling the source down would take the replicas the rebuild and the clients still read.
        case "cassandra" where engine == "cassandra": return CassandraDatacenter(workload: workload).freeze()
        default:
            if usesVelero { return VeleroCopy(workload: workload).freeze() }
            // Node-local claims are read through a running source pod (`NodeDataCopy.claimMounts`): it must stay up.
            if fromNode, !NodeDataCopy(workload: workload, identity: copyIdentity).claimMounts.isEmpty {
                return WritersFreeze.keepingPods(workload, reads: "the copy", needs: "the copy reads the node-local claims through a running source pod")
            }
            let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
            if workload.isService {
                return (["# stop the writers first (its consumers), then the workload itself, so the last backup is consistent",
                         source("scale \(Kubectl.ref(workload, on: .source)) --replicas=0")],
                        [source("scale \(Kubectl.ref(workload, on: .source)) --replicas=\(workload.replicas ?? 1)")])
            }
            return ([ShellQuote.comment("announce the maintenance window and stop the application's writes to " + workload.label)],
                    ["# lift the maintenance window on the source"])
        }
    }

    func promote(_ workload: Estate.Workload) -> [String] {
        switch engine {
        case "postgres": return PostgresStandby.promote(workload)
        case "mysql", "mariadb": return mysql(workload).promote()
        case "redis": return redis(workload).promote()
        case "mongo" where !MongoCopy(workload: workload).isReplicaSet: return MongoCopy(workload: workload).promote()
        case "mongo": return MongoReplicaSet(workload: workload).promote()
        case "rabbitmq": return rabbitmq(workload).promote()
        case "cassandra": return CassandraDatacenter(workload: workload).promote()
        case "elasticsearch", "opensearch": return ElasticsearchSnapshot(workload: workload).promote()
        case "kafka": return ["# once MirrorMaker 2 shows no lag, stop it; consumers resume from the translated offsets on EKS",
                              Self.execDirect(workload, on: .eks, "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --all-groups")]
        case "etcd": return [Self.execDirect(workload, on: .source, "etcdctl member remove \"$SOURCE_MEMBER_ID\"") + "  # each source member, one by one"]
        case "zookeeper": return [Self.execDirect(workload, on: .eks, "zkCli.sh reconfig -remove \"$SOURCE_SERVER_IDS\"")]
        case "minio": return [Self.execDirect(workload, on: .eks, "mc mirror --overwrite \"$SOURCE_MINIO_ALIAS\" local") + "  # the final pass, writes stopped"]
        // The final pass of each claim's task, writes stopped.
        default: return dataSyncClaims.isEmpty ? [withoutDataSyncTask(workload)] : dataSyncClaims.flatMap { $0.pass(final: true) }
        }
    }
}
