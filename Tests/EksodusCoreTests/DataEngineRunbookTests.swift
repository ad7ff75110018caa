import Foundation
import XCTest
@testable import EksodusCore

/// What an EKS migration engineer must be able to sign in the Redis, PostgreSQL and redirect steps: Redis copied the way
/// its pods relate (independent pods pair by pair, a chain as a chain, a cluster left to a decision), its write pause
/// bounded and checked, offsets equal before any promotion; a PostgreSQL rollback that stops the source before rebuilding
/// it and removes the replication password after each promotion; a redirect load balancer open to the source egress
/// range only. The gates run in bash against stand-in `kubectl`s, so they are shown to fail, not only to be printed.
final class DataEngineRunbookTests: XCTestCase {
    func demo() throws -> TransitionPlan { try DemoPlanOnce.plan() }

    func plan(paths: [String], validates: Bool = true) throws -> TransitionPlan {
        try planImported(paths, target: KubernetesVersion(major: 1, minor: 33), validates: validates).plan
    }

    func plan(manifests: [String: String], validates: Bool = true) throws -> TransitionPlan {
        try plan(paths: [try writeManifests(manifests, test: self).path], validates: validates)
    }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    /// Runs `script` in bash; `EKS_CONTEXT` and `SOURCE_CONTEXT` are `eks` and `src`, so a stand-in `kubectl` tells the sides apart.
    func bash(_ script: String, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try GateShell.run(script, environment: environment)
    }

    /// A `kubectl` whose `INFO replication` answers with `$EKS_OFFSET` / `$SOURCE_OFFSET` and `$EKS_LINK` on its side.
    let replicationStub = """
        kubectl() {
          case "$*" in
            *"--context eks"*) printf 'role:slave\\r\\nmaster_link_status:%s\\r\\nmaster_repl_offset:%s\\r\\n' "${EKS_LINK:-up}" "$EKS_OFFSET" ;;
            *) printf 'role:master\\r\\nmaster_repl_offset:%s\\r\\n' "$SOURCE_OFFSET" ;;
          esac
        }
        """

    // MARK: Redis

    func testIndependentRedisPodsArePausedCheckedAndPromotedPairByPair() throws {
        let plan = try demo()
        let handle = "prod/data/cart-cache"   // three pods, no replication between them, one Service over all three
        let freeze = try item("freeze:\(handle)", in: plan)
        for i in 0..<3 {
            XCTAssertTrue(freeze.commands.contains { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("'pod/cart-cache-\(i)' -- redis-cli CLIENT PAUSE") && $0.hasSuffix(" WRITE" + RedisReplicas.answeredOK) },
                          "every source pod takes writes, every one is paused: \(freeze.commands)")
            XCTAssertTrue(freeze.rollbackCommands.contains { $0.contains("'pod/cart-cache-\(i)' -- redis-cli CLIENT UNPAUSE") }, "\(freeze.rollbackCommands)")
        }
        let note = try XCTUnwrap(freeze.commands.firstIndex { $0.hasPrefix("REDIS_PAUSED_UNTIL=") })
        XCTAssertLessThan(note, try XCTUnwrap(freeze.commands.firstIndex { $0.contains("CLIENT PAUSE") }), "the end is noted before the pause starts, never after it")

        // The pause, every pair and then each promotion, in the library (RedisPromotionLibraryTests runs it).
        let promote = try item("promote:\(handle)", in: plan).commands
        XCTAssertEqual(promote.last, "EKSODUS_REDIS_AUTH='' eksodus_redis_promote_each 'data' source 3 'cart-cache' ''", "\(promote)")

        // The rollback: each source pod follows its EKS pod back, and every pause is lifted, last.
        let rollback = try item("promote:\(handle)", in: plan).rollbackCommands
        let lastSourcePromotion = try XCTUnwrap(rollback.firstIndex(of: "EKSODUS_REDIS_AUTH='' eksodus_redis_unpromote_each 'data' source 3 'cart-cache' ''"), "\(rollback)")
        let unpauses = rollback.indices.filter { rollback[$0].contains("-- redis-cli CLIENT UNPAUSE") }
        XCTAssertEqual(unpauses.count, 3, "\(rollback)")
        XCTAssertTrue(unpauses.allSatisfy { $0 > lastSourcePromotion }, "the source is unpaused once it is the primary again")

        let reconnect = try item("reconnect:\(handle)", in: plan).commands
        XCTAssertTrue(reconnect.contains { $0.hasSuffix("; eksodus_redis_paused") }, "the consumers must have left before the pause lifts: \(reconnect)")

        // Each step is a shell of its own: the freeze notes the pause's end in a file, which the promotion and the reconnect
        // read back in another shell (a variable set by the freeze is gone by then).
        let folder = try temporaryFolder(self).path
        let noteLine = freeze.commands[note], loadLine = try XCTUnwrap(promote.first { $0.hasPrefix("REDIS_PAUSED_UNTIL=$(cat") })
        XCTAssertNotEqual(try bash("cd \(ShellQuote.word(folder))\n" + RunbookLibrary.load + "\n" + loadLine + "; eksodus_redis_paused").status, 0, "nothing noted yet")
        XCTAssertEqual(try bash("cd \(ShellQuote.word(folder))\n" + noteLine).status, 0)
        XCTAssertEqual(try bash("cd \(ShellQuote.word(folder))\n" + RunbookLibrary.load + "\n" + loadLine + "; eksodus_redis_paused").status, 0, "read back in another shell")
        XCTAssertTrue(reconnect.contains { $0.hasPrefix(loadLine) }, "the reconnect reads the same file")
        let lift = try XCTUnwrap(freeze.rollbackCommands.last)
        XCTAssertEqual(try bash("cd \(ShellQuote.word(folder))\n" + lift).status, 0)
        XCTAssertNotEqual(try bash("cd \(ShellQuote.word(folder))\n" + RunbookLibrary.load + "\n" + loadLine + "; eksodus_redis_paused").status, 0, "the rollback removes the note")
        XCTAssertEqual(reconnect.filter { $0.contains("CLIENT LIST TYPE normal") && $0.contains("|| {") }.count, 3, "\(reconnect)")
    }

    func testRedisGatesFailUntilTheirConditionHolds() throws {
        // The gate every promotion and rollback calls, as the independent pods' loop calls it for pod 1.
        let gate = RunbookLibrary.load + "\neksodus_redis_caught_up 'data' eks 'pod/cart-cache-1' source 'pod/cart-cache-1' 'behind'"
        XCTAssertEqual(try bash(replicationStub + "\n" + gate, environment: ["EKS_OFFSET": "1234", "SOURCE_OFFSET": "1234"]).status, 0)
        XCTAssertNotEqual(try bash(replicationStub + "\n" + gate, environment: ["EKS_OFFSET": "1200", "SOURCE_OFFSET": "1234"]).status, 0, "behind")
        XCTAssertNotEqual(try bash(replicationStub + "\n" + gate, environment: ["EKS_OFFSET": "1234", "SOURCE_OFFSET": "1234", "EKS_LINK": "down"]).status, 0, "link down")
        XCTAssertNotEqual(try bash(replicationStub + "\n" + gate, environment: ["EKS_OFFSET": "", "SOURCE_OFFSET": ""]).status, 0, "no offset on either side")
        XCTAssertNotEqual(try bash("kubectl() { return 1; }\n" + gate).status, 0, "kubectl fails")

        let now = Int(Date().timeIntervalSince1970)
        let pause = RunbookLibrary.load + "\neksodus_redis_paused"
        XCTAssertNotEqual(try bash(pause).status, 0, "the end was not noted")
        XCTAssertNotEqual(try bash(pause, environment: ["REDIS_PAUSED_UNTIL": String(now - 5)]).status, 0, "the pause has lifted")
        XCTAssertNotEqual(try bash(pause, environment: ["REDIS_PAUSED_UNTIL": "soon"]).status, 0, "no time")
        XCTAssertEqual(try bash(pause, environment: ["REDIS_PAUSED_UNTIL": String(now + 600)]).status, 0)

        // Each source pod is checked to be a primary before it is copied on its own.
        let data = try item("data:prod/data/cart-cache", in: try demo()).commands
        let role = try XCTUnwrap(data.first { $0.contains("'pod/cart-cache-2' -- redis-cli ROLE") }, "\(data)")
        XCTAssertLessThan(try XCTUnwrap(data.firstIndex(of: role)), try XCTUnwrap(data.firstIndex { $0.contains("REPLICAOF") }))
        XCTAssertEqual(try bash("kubectl() { printf 'master\\n3412\\n'; }\n" + role).status, 0)
        XCTAssertNotEqual(try bash("kubectl() { printf 'slave\\n10.0.0.5\\n6379\\nconnected\\n'; }\n" + role).status, 0, "a replica by a ConfigMap")

        let reconnect = try item("reconnect:prod/data/cart-cache", in: try demo()).commands
        let clients = try XCTUnwrap(reconnect.first { $0.contains("'pod/cart-cache-0' -- redis-cli CLIENT LIST TYPE normal") })
        let stub = "kubectl() { printf 'id=1 cmd=client|list\\n'; [ -z \"${OTHER:-}\" ] || printf 'id=2 addr=10.0.0.7:5000 cmd=set\\n'; }\n"
        XCTAssertEqual(try bash(stub + clients).status, 0, "only the check itself")
        XCTAssertNotEqual(try bash(stub + clients, environment: ["OTHER": "1"]).status, 0, "a consumer still connected")
    }

    func testRedisTopologyComesFromTheManifests() throws {
        func statefulSet(_ name: String, _ container: String) -> String {
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: \(name), namespace: shop}
            spec:
              serviceName: \(name)
              replicas: 3
              selector: {matchLabels: {app: \(name)}}
              template:
                metadata: {labels: {app: \(name)}}
                spec:
                  containers: [\(container)]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: \(name), namespace: shop}
            spec: {clusterIP: None, selector: {app: \(name)}, ports: [{port: 6379}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name)-client, namespace: shop}
            spec:
              selector: {matchLabels: {app: \(name)-client}}
              template:
                metadata: {labels: {app: \(name)-client}}
                spec: {containers: [{name: app, image: "shop/app:1", env: [{name: REDIS_HOST, value: \(name)}]}]}
            """
        }
        let plan = try plan(manifests: [
            "chain.yaml": statefulSet("chain", #"{name: redis, image: "redis:7.2", command: [sh, -c, "[ $(hostname) = chain-0 ] && exec redis-server || exec redis-server --replicaof chain-0.chain 6379"], volumeMounts: [{name: data, mountPath: /data}]}"#),
            "ring.yaml": statefulSet("ring", #"{name: redis, image: "redis:7.2", args: ["--cluster-enabled", "yes"], volumeMounts: [{name: data, mountPath: /data}]}"#),
        ])
        // A chain stays a chain: the first pod follows the source primary, the others follow it; the primary is paused.
        let chain = try item("data:src/shop/chain", in: plan).commands
        XCTAssertTrue(chain.contains { $0.contains("'pod/chain-0' -- redis-cli REPLICAOF \"$SOURCE_REDIS_HOST\" 6379") }, "\(chain)")
        XCTAssertTrue(chain.contains { $0.contains("REPLICAOF 'chain-0.chain.shop.svc.cluster.local' 6379") }, "\(chain)")
        let chainFreeze = try item("freeze:src/shop/chain", in: plan).commands
        XCTAssertEqual(chainFreeze.filter { $0.contains("CLIENT PAUSE") }, [Kubectl.source("shop")("exec \"$SOURCE_REDIS_PRIMARY\" -- redis-cli CLIENT PAUSE \(RedisReplicas.pauseSeconds * 1000) WRITE") + RedisReplicas.answeredOK])
        // Cluster mode refuses REPLICAOF: the steps ask for a decision instead of running it.
        let ring = try item("data:src/shop/ring", in: plan).commands
        XCTAssertFalse(ring.contains { $0.contains("REPLICAOF") && !$0.hasPrefix("#") }, "\(ring)")
        XCTAssertTrue(ring.contains { $0.hasPrefix("# Redis Cluster") && $0.contains("decide") }, "\(ring)")
        XCTAssertFalse(try item("promote:src/shop/ring", in: plan).commands.contains { $0.contains("REPLICAOF NO ONE") })
        XCTAssertEqual(try item("freeze:src/shop/ring", in: plan).commands.filter { $0.contains("CLIENT PAUSE") }.count, 3, "each primary of the cluster takes writes")
    }

    /// A fixture's single Redis (Online Boutique's redis-cart): one pod follows the source, its offset is checked before
    /// the promotion, the pause is bounded and lifted by the freeze's rollback.
    func testFixtureRedisIsCheckedBeforeItsPromotion() throws {
        let plan = try plan(paths: [try requireFixtures().appendingPathComponent("01-gcp-online-boutique").path])
        let handle = "src/default/redis-cart"
        XCTAssertTrue(try item("data:\(handle)", in: plan).commands.contains { $0.contains("redis-cli REPLICAOF \"$SOURCE_REDIS_HOST\" 6379") })
        let promote = try item("promote:\(handle)", in: plan).commands
        let gate = try XCTUnwrap(promote.firstIndex { $0.hasPrefix("EKSODUS_REDIS_AUTH='' eksodus_redis_caught_up ") }, "\(promote)")
        XCTAssertLessThan(gate, try XCTUnwrap(promote.firstIndex { $0.contains("REPLICAOF NO ONE") }))
        XCTAssertTrue(promote.first { !$0.hasPrefix(". ") }?.hasSuffix("; eksodus_redis_paused") ?? false, "\(promote)")
        let freeze = try item("freeze:\(handle)", in: plan)
        XCTAssertTrue(freeze.commands.contains { $0.hasPrefix("REDIS_PAUSED_UNTIL=") })
        XCTAssertTrue(freeze.rollbackCommands.contains { $0.contains("'deployment/redis-cart' -- redis-cli CLIENT UNPAUSE") }, "\(freeze.rollbackCommands)")
        let lines = replicationStub + "\n" + RunbookLibrary.load + "\nREDIS_FIRST=pod/redis-cart-abc\n" + promote[gate]
        XCTAssertNotEqual(try bash(lines, environment: ["EKS_OFFSET": "10", "SOURCE_OFFSET": "99"]).status, 0, "behind")
        XCTAssertEqual(try bash(lines, environment: ["EKS_OFFSET": "99", "SOURCE_OFFSET": "99"]).status, 0)
    }

    // MARK: PostgreSQL

    func testPostgresRollbackStopsTheSourceRebuildsItFromEKSAndClearsTheReplicationPassword() throws {
        let plan = try demo()
        let promote = try item("promote:prod/data/orders-db", in: plan)
        let promoted = try XCTUnwrap(promote.commands.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("pg_promote()") })
        let cleared = try XCTUnwrap(promote.commands.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("ALTER SYSTEM RESET primary_conninfo") })
        XCTAssertGreaterThan(cleared, promoted, "the promoted EKS primary drops the source's connection settings")

        let rollback = promote.rollbackCommands
        func index(_ what: String, _ test: (String) -> Bool) throws -> Int { try XCTUnwrap(rollback.firstIndex(where: test), "\(what): \(rollback)") }
        let stop = try index("stop") { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("scale 'statefulset/orders-db' --replicas=0") }
        let gone = try index("gone") { $0.contains("wait --for=delete 'pod/orders-db-0'") }
        let run = try index("run") { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("run eksodus-pg-basebackup") }
        let start = try index("start") { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("scale 'statefulset/orders-db' --replicas=1") }
        let lsn = try index("lsn") { $0.hasPrefix("eksodus_pg_same_lsn eks source 'data' ") }
        let promoteSource = try index("promote") { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("pg_promote()") }
        let reset = try index("reset") { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("ALTER SYSTEM RESET primary_conninfo") }
        let lift = try index("lift") { $0.contains("ALTER SYSTEM RESET default_transaction_read_only") }
        XCTAssertEqual([stop, gone, run, start, lsn, promoteSource, reset, lift], [stop, gone, run, start, lsn, promoteSource, reset, lift].sorted(), "\(rollback)")
        let secret = try index("secret") { $0 == "eksodus_pg_secret source 'data' \"$EKS_DB_HOST\"" }
        let wait = try index("wait") { $0 == "eksodus_pg_wait_copy source 'data'" }
        XCTAssertTrue(gone < secret && secret < run && run < wait && wait < start, "the secret for the pod, which the wait removes with it: \(rollback)")

        // The one-off pod mounts the source's own claim and runs the rebuild script.
        let overrides = try XCTUnwrap(rollback[run].components(separatedBy: "--overrides=").last)
        let json = try bash("printf '%s' \(overrides)").output
        let pod = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let spec = try XCTUnwrap(pod["spec"] as? [String: Any])
        let claim = (spec["volumes"] as? [[String: Any]])?.first?["persistentVolumeClaim"] as? [String: Any]
        XCTAssertEqual(claim?["claimName"] as? String, "data-orders-db-0")
        let script = try XCTUnwrap(((spec["containers"] as? [[String: Any]])?.first?["command"] as? [String])?.last)
        XCTAssertEqual(script, PostgresStandby.rebuildScript(slot: "eksodus_data_orders_db_" + ShortHash.hex("data_orders-db")))
    }

    /// The rebuild script, run on a scratch folder with a stand-in pg_basebackup: the old data directory is kept aside, the
    /// backup lands in an empty one, and it refuses to run twice or on a volume's root.
    func testPostgresRebuildScriptKeepsTheOldDataAside() throws {
        let root = try temporaryFolder(self)
        let bin = root.appendingPathComponent("bin"), mount = root.appendingPathComponent("mount")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: mount.appendingPathComponent("pgdata"), withIntermediateDirectories: true)
        try "old".write(to: mount.appendingPathComponent("pgdata/PG_VERSION"), atomically: true, encoding: .utf8)
        for (tool, body) in [("id", "echo 999"), ("psql", "echo '7312345678901234567|1|0/3000148|'"), ("pg_basebackup", "ls -A \"$2\" | wc -l > \"$MOUNT/seen\"; echo new > \"$2/PG_VERSION\"")] {
            let url = bin.appendingPathComponent(tool)
            try "#!/bin/sh\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let environment = ["PATH": bin.path + ":/usr/bin:/bin", "PGDATA": mount.appendingPathComponent("pgdata").path, "MOUNT": mount.path,
                           "PGHOST": "eks-db.internal", "PGUSER": "replicator", "PGPASSWORD": "pw"]  // the secret's connection, a psql that is let in
        let script = "sh -c " + ShellQuote.word(PostgresStandby.rebuildScript(slot: "eksodus_test"))
        XCTAssertEqual(try bash(script, environment: environment).status, 0)
        XCTAssertEqual(try String(contentsOf: mount.appendingPathComponent("pgdata.eksodus-before-rollback/PG_VERSION"), encoding: .utf8), "old")
        XCTAssertEqual(try String(contentsOf: mount.appendingPathComponent("seen"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "0", "into an empty directory")
        XCTAssertEqual(try String(contentsOf: mount.appendingPathComponent("pgdata/PG_VERSION"), encoding: .utf8), "new\n")
        XCTAssertNotEqual(try bash(script, environment: environment).status, 0, "a second run would overwrite the kept copy")
        var atRoot = environment
        atRoot["PGDATA"] = mount.path + "/"
        XCTAssertNotEqual(try bash(script, environment: atRoot).status, 0, "the volume's root cannot be moved aside")
    }

    // MARK: Other engines' promotion rollbacks

    /// MySQL, MongoDB and RabbitMQ rollbacks run in the safe order: EKS stops taking writes, they go back, then the
    /// source's freeze lifts, last.
    func testPromotionRollbacksStopEKSCopyBackThenLiftTheSourceFreeze() throws {
        let mysqlPlan = try plan(manifests: ["db.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: shop-db, namespace: shop}
            spec:
              serviceName: shop-db
              selector: {matchLabels: {app: shop-db}}
              template:
                metadata: {labels: {app: shop-db}}
                spec:
                  containers: [{name: mysql, image: "mysql:8.0", volumeMounts: [{name: data, mountPath: /var/lib/mysql}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}}]
            """])
        let mysql = try item("promote:src/shop/shop-db", in: mysqlPlan).rollbackCommands
        let eksFrozen = try XCTUnwrap(mysql.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("super_read_only = ON") }, "\(mysql)")
        let importOnly = try XCTUnwrap(mysql.firstIndex { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("SET GLOBAL read_only = ON") })
        let copy = try XCTUnwrap(mysql.firstIndex { $0.contains("mysqldump") && $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("| kubectl --context \"$SOURCE_CONTEXT\"") })
        XCTAssertTrue(eksFrozen < importOnly && importOnly < copy, "\(mysql)")
        XCTAssertTrue(mysql.last?.contains("SET GLOBAL super_read_only = OFF; SET GLOBAL read_only = OFF") == true, "the freeze lifts last: \(mysql)")

        // A replica set member (`--replSet`); a standalone mongod is dumped instead (MongoCopyTests).
        let replicaSet = try plan(manifests: ["mongo.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: orders-db, namespace: shop}
            spec:
              serviceName: orders-db
              selector: {matchLabels: {app: orders-db}}
              template:
                metadata: {labels: {app: orders-db}}
                spec:
                  containers: [{name: mongo, image: "mongo:7.0", args: ["--replSet", "rs0", "--bind_ip_all"], volumeMounts: [{name: data, mountPath: /data/db}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}}]
            """])
        XCTAssertFalse(try item("freeze:src/shop/orders-db", in: replicaSet).commands.contains { $0.contains("--replicas=0") },
                       "the replica set's EKS member needs the source members for its majority")
        let mongo = try item("promote:src/shop/orders-db", in: replicaSet).rollbackCommands
        let stepDown = try XCTUnwrap(mongo.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("rs.stepDown(") }, "\(mongo)")
        let removed = try XCTUnwrap(mongo.firstIndex { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("rs.remove(") }, "\(mongo)")
        XCTAssertLessThan(stepDown, removed, "a primary cannot be removed: it steps down first, then leaves the set")

        let rabbit = try item("promote:prod/data/rabbitmq", in: try demo()).rollbackCommands
        let shovel = try XCTUnwrap(rabbit.firstIndex { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("shovel \"eksodus-return-$QUEUE\"") }, "\(rabbit)")
        let drained = try XCTUnwrap(rabbit.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("n != 0") })
        let cleared = try XCTUnwrap(rabbit.firstIndex { $0.contains("index($2, \"eksodus-return-\")") && $0.contains("clear_parameter -p") })
        XCTAssertTrue(shovel < drained && drained < cleared, "\(rabbit)")
        XCTAssertTrue(rabbit.first?.contains("point the publishers back at the source broker first") == true, "nothing new lands on EKS: \(rabbit)")
        XCTAssertEqual(rabbit.last, "# then point the consumers back at the source broker", "the consumers return once EKS is drained")
        let stub = "kubectl() { printf '0\\n%s\\n' \"$LEFT\"; }\n"
        XCTAssertEqual(try bash(stub + rabbit[drained], environment: ["LEFT": "0"]).status, 0)
        XCTAssertNotEqual(try bash(stub + rabbit[drained], environment: ["LEFT": "3"]).status, 0, "messages still on EKS")
    }

    // MARK: Redirect

    func testRedirectLoadBalancerAdmitsOnlyTheSourceEgressRange() throws {
        let boutique = try plan(paths: [try requireFixtures().appendingPathComponent("01-gcp-online-boutique").path])
        for (plan, key) in [(try demo(), "redirect:prod/data/cart-cache"), (boutique, "redirect:src/default/redis-cart")] {
            let commands = try item(key, in: plan).commands
            XCTAssertEqual(commands.first, RedirectCommands.egressGate, "\(key): the gate comes first")
            let expose = try XCTUnwrap(commands.first { $0.contains("--type LoadBalancer") }, key)
            // Stand-ins: expose prints a Service, annotate passes it on, apply keeps what it received.
            let stub = """
                kubectl() { case "$*" in
                  *expose*) printf '{"kind":"Service","metadata":{"name":"x"},"spec":{"type":"LoadBalancer"}}' ;;
                  *annotate*) cat ;;
                  *apply*) cat > "$OUT" ;;
                esac; }
                """
            let out = try temporaryFolder(self).appendingPathComponent("applied.json")
            XCTAssertEqual(try bash(stub + "\n" + expose, environment: ["SOURCE_EGRESS_CIDR": "10.20.0.0/16,192.168.5.0/24", "OUT": out.path]).status, 0)
            let service = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
            XCTAssertEqual((service["spec"] as? [String: Any])?["loadBalancerSourceRanges"] as? [String], ["10.20.0.0/16", "192.168.5.0/24"], key)
            let annotations = (service["metadata"] as? [String: Any])?["annotations"] as? [String: String]
            XCTAssertEqual(annotations?["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"], "preserve_client_ip.enabled=true",
                           "ip targets ignore source ranges without client IP preservation")
        }
        let gate = RedirectCommands.egressGate
        XCTAssertNotEqual(try bash(gate).status, 0, "unset")
        XCTAssertNotEqual(try bash(gate, environment: ["SOURCE_EGRESS_CIDR": "0.0.0.0/0"]).status, 0, "everything")
        XCTAssertNotEqual(try bash(gate, environment: ["SOURCE_EGRESS_CIDR": "10.0.0.0/8,0.0.0.0/0"]).status, 0, "everything, second")
        XCTAssertNotEqual(try bash(gate, environment: ["SOURCE_EGRESS_CIDR": "10.0.0.0/8\"; touch /tmp/x"]).status, 0, "not a CIDR")
        XCTAssertEqual(try bash(gate, environment: ["SOURCE_EGRESS_CIDR": "10.0.0.0/8"]).status, 0)
    }
}
