import Foundation
import XCTest
@testable import EksodusCore

/// What an experienced EKS migration engineer found unsafe in the demo's runbook, each as a check on the demo sample and the
/// shared fixtures: gradual, reversible DNS switches; a PostgreSQL standby built into an empty data directory and promoted
/// at zero lag; RabbitMQ definitions before the shovel; every Redis pod replicating; scoped Velero restores; consumers
/// reconnecting after a redirect; monitoring run fresh; protocol-aware smoke tests; runbook and converted manifests
/// agreeing; blocking disruption budgets flagged; kube2iam roles carried into the identity plan.
final class RunbookSafetyTests: XCTestCase {
    /// The demo is planned once for all the checks (the tests of a class run one after another).
    nonisolated(unsafe) static var demo: (plan: TransitionPlan, folder: URL)?

    func demo() throws -> (plan: TransitionPlan, folder: URL) {
        if let demo = Self.demo { return demo }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var run = Demo(folder: folder, now: fixedNow)
        run.tracksProgress = false
        let demo = try run.run()
        // What `eksodus convert` writes for the same plan, beside it (the demo itself converts only when it tracks progress).
        let database = try AppDatabase.open(path: demo.databasePath)
        let estates = try database.writer.read { try Estate.load($0) }
        _ = try ConvertedManifests(plan: demo.plan, reference: try ReferenceData.embedded()).write(estates: estates, to: folder.appendingPathComponent("converted"))
        let result = (demo.plan, folder)
        Self.demo = result
        return result
    }

    override class func tearDown() {
        if let folder = demo?.folder { try? FileManager.default.removeItem(at: folder) }
        super.tearDown()
    }

    func plan(_ fixture: String) throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        try importPaths([try requireFixtures().appendingPathComponent(fixture).path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    func plan(manifests: [String: String]) throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(manifests, test: self).path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    func ancestors(of key: String, in plan: TransitionPlan) -> Set<String> {
        let byKey = Dictionary(plan.items.map { ($0.keyText, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = [], queue = [key]
        while let next = queue.popLast() {
            for prerequisite in byKey[next]?.waitsFor ?? [] where seen.insert(prerequisite).inserted { queue.append(prerequisite) }
        }
        return seen
    }

    /// Runs `line` in bash with `aws`, `kubectl` and `dig` replaced by functions that print one argument (the last, or the
    /// value of `--overrides=`), and the engineer's variables set: what the real tool would have received.
    func argument(of line: String) throws -> String {
        let script = """
            SOURCE_LB=source-lb.example.com; EKS_LB=eks-lb.example.com; HOSTED_ZONE_ID=Z1; OLD_TTL=300; DNS_NAME=shop.example.com
            aws() { for a; do last=$a; done; printf '%s' "$last"; }
            kubectl() { for a; do case $a in --overrides=*) printf '%s' "${a#--overrides=}";; esac; done; }
            \(line)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether bash reads the lines without a syntax error (`bash -n`: nothing runs).
    func bashParses(_ lines: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n", "-c", lines.joined(separator: "\n")]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// (action, set identifier, weight) of each change `lines` make, run in order in one shell: the switch's
    /// `eksodus_dns_shift` calls (each share's hold backdated: long passed) or its rollback, against a Route 53 that keeps
    /// its zone (`zone`, or the record file's plain A record at the low TTL), and a `kubectl` naming the EKS load balancer
    /// whose targets are healthy. The record file is the one the TTL step wrote: a plain A record.
    func changes(_ lines: [String], zone: String? = nil) throws -> [[(String, String?, Int?)]] {
        let folder = try temporaryFolder(self)
        let file = try XCTUnwrap(lines.joined().firstMatch(of: /'([^']+\.dns-record\.json)'/)?.1)
        try #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
            .write(to: folder.appendingPathComponent(String(file)), atomically: true, encoding: .utf8)
        try (zone ?? #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#)
            .write(to: folder.appendingPathComponent("zone.json"), atomically: true, encoding: .utf8)
        let aws = "aws() { case \"$1 $2\" in \"route53 wait\") return ;; \"route53 list-resource-record-sets\") jq '{ResourceRecordSets: .}' zone.json; return ;;"
            + " \"elbv2 describe-load-balancers\") echo '{\"LoadBalancers\": [{\"DNSName\": \"lb.elb.amazonaws.com\", \"CanonicalHostedZoneId\": \"ZLB\"}]}'; return ;;"
            + " \"elbv2 describe-target-health\") echo healthy; return ;; esac;"
            + " while [ $# -gt 0 ]; do [ \"$1\" = --change-batch ] && printf '%s\\n' \"$2\" >> batches.jsonl && jq --argjson b \"$2\" 'reduce $b.Changes[] as $c (.; $c.ResourceRecordSet as $s | map(select(.Name != $s.Name or .Type != $s.Type or .SetIdentifier != $s.SetIdentifier)) + (if $c.Action == \"DELETE\" then [] else [$s] end))' zone.json > zone.next && mv zone.next zone.json; shift; done; echo /change/C1; }\n"
        let kubectl = "kubectl() { case \"$*\" in *targetgroupbindings*) echo 'storefront arn:tg' ;; *.spec.rules*) echo storefront ;; *) echo lb.elb.amazonaws.com ;; esac; }\n"
        let stamp = String(file).replacingOccurrences(of: ".dns-record.json", with: ".share-at")
        let backdate = "if [ -s \(stamp) ]; then echo \"$(cut -d ' ' -f 1 \(stamp)) 0\" > \(stamp); fi\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -e\nEKS_CONTEXT=eks\n. \"$EKSODUS_RUNBOOK_LIB\"\n" + aws + kubectl + lines.map { backdate + $0 }.joined(separator: "\n")]
        process.environment = ProcessInfo.processInfo.environment.merging(RunbookLibraryFile.environment(["HOSTED_ZONE_ID": "Z0EXAMPLE"])) { $1 }
        process.currentDirectoryURL = folder
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, lines.joined(separator: "\n"))
        let sent = (try? String(contentsOf: folder.appendingPathComponent("batches.jsonl"), encoding: .utf8)) ?? ""
        return try sent.split(separator: "\n").map { line in
            (try json(String(line))["Changes"] as? [[String: Any]] ?? []).map { change in
                let set = change["ResourceRecordSet"] as? [String: Any] ?? [:]
                return (change["Action"] as? String ?? "", set["SetIdentifier"] as? String, set["Weight"] as? Int)
            }
        }
    }

    // 1. Route 53: TTL lowered days ahead, then weighted records shifted in steps; rollback puts the weights back.
    func testDNSSwitchesAreWeightedGradualAndReversibleAfterTheOldTTLExpired() throws {
        let plan = try demo().plan
        let traffic = try XCTUnwrap(plan.items.first { $0.step == .traffic && $0.commands.contains { $0.hasPrefix("eksodus_dns_shift ") } })
        // A workload's own switch or a DNS name's (`traffic:prod:shop.acme.example`): its TTL step has the same scope.
        let cluster = try XCTUnwrap(traffic.key.cluster)
        let ttl = try item(PlanItemKey(.cutover, .dnsTTL, traffic.key.scope).description, in: plan)
        XCTAssertTrue(traffic.prerequisites.contains(ttl.key))
        let gate = try XCTUnwrap(ttl.prerequisites.first)
        XCTAssertEqual(ttl.prerequisites, [.plan(.cluster, cluster: cluster)], "the TTL is lowered days ahead: it waits for the cluster, not the wave's gate")
        XCTAssertNotEqual(gate.step, .gate)
        XCTAssertTrue(try item(PlanItemKey.wave(.gate, cluster: cluster, try XCTUnwrap(traffic.wave)).description, in: plan).prerequisites.contains(ttl.key),
                      "the wave's go/no-go needs the TTL lowered")
        // The switch checks the old TTL has passed before any record changes.
        let firstChange = try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("eksodus_dns_shift ") })
        XCTAssertTrue(traffic.commands[..<firstChange].contains { $0.hasPrefix("eksodus_dns_ttl_passed ") })
        XCTAssertTrue(RunbookLibrary.text.contains("test $(( $(date -u +%s) - lowered )) -ge \"$old\""))
        let batches = try changes(traffic.commands.filter { $0.hasPrefix("eksodus_dns_shift ") })
        let pair = try XCTUnwrap(batches.first)
        XCTAssertEqual(pair.map(\.0), ["DELETE", "CREATE", "CREATE"], "the plain record becomes a weighted pair in one batch")
        XCTAssertEqual(pair[1].1, "source"); XCTAssertEqual(pair[1].2, 100)
        XCTAssertEqual(pair[2].1, "eks"); XCTAssertEqual(pair[2].2, 0)
        let shares = batches.dropFirst().compactMap { batch in batch.first { $0.1 == "eks" }?.2 }
        XCTAssertEqual(shares.first.map { $0 > 0 && $0 < 100 }, true, "a first small share, not all at once: \(shares)")
        XCTAssertEqual(shares.last, 100)
        XCTAssertEqual(shares, shares.sorted())
        let held = #"[{"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "source", "Weight": 90, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}, {"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "eks", "Weight": 10, "AliasTarget": {"HostedZoneId": "ZLB", "DNSName": "lb.elb.amazonaws.com", "EvaluateTargetHealth": true}}]"#
        let back = try changes(traffic.rollbackCommands.filter { $0 != RunbookLibrary.load }, zone: held)
        XCTAssertEqual(back.count, 2)
        XCTAssertEqual(back[0].first { $0.1 == "source" }?.2, 100, "rollback: every weight back to the source")
        XCTAssertEqual(back[0].first { $0.1 == "eks" }?.2, 0)
        XCTAssertEqual(back[1].map(\.0), ["DELETE", "DELETE", "CREATE"], "then the pair goes as Route 53 holds it, and the plain record returns")
        // The TTL's own rollback restores the record as it was read, old TTL included, not a guess.
        XCTAssertEqual(ttl.rollbackCommands.filter { $0 != RunbookLibrary.load }.map { String($0.prefix(20)) }, ["eksodus_dns_restore "])
        XCTAssertTrue(RunbookLibrary.text.contains("eksodus_dns_apply \"$1\" '{Changes: [{Action: \"UPSERT\", ResourceRecordSet: .[0]}]}'"))
    }

    // 2. PostgreSQL: an empty data directory of a target that is not running, then promotion at zero lag after the freeze.
    func testPostgresStandbyIsBuiltIntoAnEmptyStoppedTargetAndPromotedAtZeroLag() throws {
        let plan = try demo().plan
        let handle = "prod/data/orders-db"
        let deploy = try item("deploy:\(handle)", in: plan), data = try item("data:\(handle)", in: plan)
        let freeze = try item("freeze:\(handle)", in: plan), promote = try item("promote:\(handle)", in: plan)
        XCTAssertTrue(deploy.commands.contains { $0.contains("--dry-run=client -o json | jq") && $0.contains(".spec.replicas = 0") }, "\(deploy.commands)")
        XCTAssertFalse(deploy.commands.contains { $0.contains("rollout status") }, "nothing runs yet")
        XCTAssertFalse(data.commands.contains { $0.contains("exec 'statefulset/orders-db' -- pg_basebackup") }, "never into a running server's directory")
        let run = try XCTUnwrap(data.commands.first { $0.contains("run eksodus-pg-basebackup") })
        let pod = try json(try argument(of: run))
        let spec = try XCTUnwrap(pod["spec"] as? [String: Any])
        let volume = try XCTUnwrap((spec["volumes"] as? [[String: Any]])?.first?["persistentVolumeClaim"] as? [String: Any])
        XCTAssertEqual((volume["claimName"] as? String)?.hasSuffix("-orders-db-0"), true, "the first pod's claim: \(volume)")
        let container = try XCTUnwrap((spec["containers"] as? [[String: Any]])?.first)
        let script = (container["command"] as? [String])?.last ?? ""
        XCTAssertTrue(script.contains("ls -A") && script.contains("not empty"), "refuses a non-empty data directory: \(script)")
        XCTAssertTrue(script.contains("pg_basebackup -D \"$D\" -R -X stream"), script)
        let scale = try XCTUnwrap(data.commands.firstIndex { $0.contains("scale") && $0.contains("--replicas=1") })
        XCTAssertGreaterThan(scale, try XCTUnwrap(data.commands.firstIndex(of: run)), "postgres starts only after the copy")
        XCTAssertTrue(promote.prerequisites.contains(freeze.key))
        let wait = try XCTUnwrap(promote.commands.firstIndex { $0.hasPrefix("eksodus_pg_same_lsn source eks ") }, "the source's position against the standby's (StatefulGatesTests runs it)")
        XCTAssertLessThan(wait, try XCTUnwrap(promote.commands.firstIndex { $0.contains("pg_promote()") }), "the lag gate comes before the promotion")
        XCTAssertTrue(promote.commands.contains { $0.contains("pg_stat_replication") })
        // The data step's rollback removes the standby's claim too: a StatefulSet's deletion keeps it, and a retry would find it full.
        XCTAssertTrue(data.rollbackCommands.contains { $0.contains("delete pvc/'") && $0.contains("-orders-db-0' --ignore-not-found") }, "\(data.rollbackCommands)")
    }

    // 3. RabbitMQ: definitions exported and imported before the shovel; queues drained before anyone switches.
    func testRabbitMQDefinitionsComeBeforeTheShovelAndQueuesDrainBeforeTheSwitch() throws {
        let plan = try demo().plan
        let handle = "prod/data/rabbitmq"
        let definitions = try item("definitions:\(handle)", in: plan), data = try item("data:\(handle)", in: plan)
        XCTAssertTrue(definitions.commands.contains { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("rabbitmqctl --quiet export_definitions") })
        XCTAssertTrue(definitions.commands.contains { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("rabbitmqctl import_definitions") })
        XCTAssertTrue(data.prerequisites.contains(definitions.key))
        XCTAssertTrue(data.commands.contains { $0.contains("shovel") })
        // One shovel per queue, named after it: a second `set_parameter shovel` under one name would replace the first.
        XCTAssertTrue(data.commands.contains { $0.contains("shovel \"eksodus-migrate-$QUEUE\"") }, "\(data.commands)")
        let promote = try item("promote:\(handle)", in: plan)
        // The shovels go once the consumers reconnected and the source is empty (EngineCopyGateTests), after the promotion.
        let reconnect = try item("reconnect:\(handle)", in: plan)
        XCTAssertTrue(reconnect.commands.contains { $0.contains("list_parameters") && $0.contains("while IFS= read -r name; do rabbitmqctl clear_parameter -p") }, "every shovel is cleared, one whole name at a time")
        let drain = try XCTUnwrap(reconnect.commands.firstIndex { $0.contains("list_queues") && $0.contains("n != 0") && $0.contains("|| {") })
        XCTAssertLessThan(drain, try XCTUnwrap(reconnect.commands.firstIndex { $0.contains("clear_parameter") }))
        for step in plan.items where [.traffic, .redirect].contains(step.step) && step.key.workload?.description == handle {
            XCTAssertTrue(ancestors(of: step.keyText, in: plan).contains(promote.keyText), "\(step.keyText) switches after the drain")
        }
    }

    // 4. Redis: every pod of the StatefulSet is covered, not only the one `statefulset/x` reaches. The sample's three pods
    // replicate from nobody: each EKS pod follows the source pod of its ordinal, never a chain behind pod 0.
    func testEveryRedisPodReplicates() throws {
        let plan = try demo().plan
        let handle = "prod/data/cart-cache"   // three independent replicas in the sample
        let data = try item("data:\(handle)", in: plan)
        let text = data.commands.joined(separator: "\n")
        XCTAssertFalse(text.contains("'statefulset/cart-cache' -- redis-cli REPLICAOF"), "one ordinal only: \(text)")
        for i in 0..<3 {
            XCTAssertTrue(text.contains("exec 'pod/cart-cache-\(i)' -- redis-cli REPLICAOF \"$SOURCE_REDIS_HOST_\(i)\" 6379"), "pod \(i): \(text)")
        }
        XCTAssertFalse(text.contains("REPLICAOF 'cart-cache-0."), "no pod follows another EKS pod: \(text)")
        let verify = try item("data-verify:\(handle)", in: plan).commands.joined(separator: "\n")
        for i in 0..<3 { XCTAssertTrue(verify.contains("exec 'pod/cart-cache-\(i)' -- redis-cli INFO replication"), verify) }
        let promote = try item("promote:\(handle)", in: plan).commands
        XCTAssertTrue(promote.contains("EKSODUS_REDIS_AUTH='' eksodus_redis_promote_each 'data' source 3 'cart-cache' ''"), "every pod, by ordinal (RedisPromotionLibraryTests): \(promote)")
        XCTAssertTrue(try bashParses(data.commands))
    }

    /// A Redis Deployment has no ordinals: its pods on both sides are listed by label and paired by place, none left out.
    func testARedisDeploymentCoversEveryPodByLabel() throws {
        let plan = try plan(manifests: ["redis.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cache, namespace: shop}
            spec:
              replicas: 2
              selector: {matchLabels: {app: cache}}
              template:
                metadata: {labels: {app: cache}}
                spec:
                  containers: [{name: redis, image: "redis:7.2", volumeMounts: [{name: data, mountPath: /data}]}]
                  volumes: [{name: data, emptyDir: {}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: cache, namespace: shop}
            spec: {selector: {app: cache}, ports: [{port: 6379}]}
            """])
        let data = try item("data:src/shop/cache", in: plan).commands
        XCTAssertTrue(data.contains { $0.hasPrefix("mapfile -t EKS_REDIS_PODS < <(") && $0.contains("get pods -l 'app=cache' -o name") }, "\(data)")
        XCTAssertTrue(data.contains { $0.hasPrefix("mapfile -t SOURCE_REDIS_PODS < <(") && $0.contains("--context \"$SOURCE_CONTEXT\"") }, "\(data)")
        for i in 0..<2 {
            XCTAssertTrue(data.contains { $0.contains("exec \"${EKS_REDIS_PODS[\(i)]}\" -- redis-cli REPLICAOF \"$SOURCE_REDIS_HOST_\(i)\" 6379") }, "\(data)")
        }
        XCTAssertTrue(data.contains { $0.contains("none persists its data (a cache)") }, "an emptyDir cache is named as one: \(data)")
        XCTAssertTrue(try bashParses(data))
        let smoke = try item("smoke:src/shop/cache", in: plan).commands
        XCTAssertTrue(smoke.contains { $0.contains("redis-cli -h 'cache.shop.svc.cluster.local' -p 6379 ping") }, "\(smoke)")
    }

    // 5. Velero: a workload's restore brings back its pods' claims and volumes, never the rest of the namespace.
    func testVeleroBackupsAndRestoresAreScopedToTheWorkload() throws {
        var seen = 0
        for name in ["13-crane-export-wordpress", "04-k8s-examples-mysql-wordpress-pd", "05-k8s-examples-cassandra", "10-k8s-examples-intree-storage"] {
            let plan = try plan(name)
            for item in plan.items {
                for line in item.commands where line.hasPrefix("velero --kubecontext \"$EKS_CONTEXT\" restore create") || line.contains(" backup create 'eksodus") {
                    seen += 1
                    XCTAssertTrue(line.contains("--include-resources pods,persistentvolumeclaims,persistentvolumes"), "\(name) \(item.keyText): \(line)")
                    XCTAssertTrue(line.contains("--include-namespaces"), line)
                }
                // The restore is named, so its rollback deletes the restore that ran.
                if let restore = item.commands.first(where: { $0.contains("restore create") }),
                   let delete = item.rollbackCommands.first(where: { $0.contains("restore delete") }) {
                    let name = restore.split(separator: " ")[5]
                    XCTAssertTrue(delete.contains(" restore delete \(name) "), "\(delete) deletes \(name)")
                }
            }
        }
        XCTAssertGreaterThan(seen, 0, "no fixture's plan restored with Velero")
    }

    // 6. An ExternalName redirect is followed by a restart of the consumers still on the source.
    func testConsumersReconnectAfterTheRedirectBeforeTheProviderIsRetired() throws {
        let plan = try demo().plan
        let redirect = try XCTUnwrap(plan.items.first { $0.step == .redirect && $0.keyText.hasPrefix("redirect:prod/") })
        let handle = try XCTUnwrap(redirect.key.workload)
        let reconnect = try item(PlanItemKey.workload(.reconnect, handle).description, in: plan)
        XCTAssertTrue(reconnect.prerequisites.contains(redirect.key))
        let consumers = plan.dependencies.filter { $0.cluster == handle.cluster && $0.provider.hasSuffix("/" + handle.name) }
        XCTAssertFalse(consumers.isEmpty)
        XCTAssertTrue(reconnect.commands.contains { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("rollout restart") }, "\(reconnect.commands)")
        let retire = try XCTUnwrap(plan.items.first { $0.key.workload == handle && [.scaledown, .retire].contains($0.step) })
        XCTAssertTrue(retire.prerequisites.contains(reconnect.key), "the source copy goes only after its consumers reconnected")
    }

    // 7. Monitoring runs fresh on EKS; the source's Prometheus keeps its history and is never frozen or copied.
    func testPrometheusRunsFreshOnEKSAndTheSourceKeepsItsHistory() throws {
        for plan in [try demo().plan, try plan("08-sock-shop-2018-old-apis")] {
            let prometheus = plan.items.filter { item in
                item.workloadID != nil && (item.key.workload?.name.hasPrefix("prometheus") ?? false) && !(item.key.workload?.name.contains("operator") ?? false)
            }
            XCTAssertFalse(prometheus.isEmpty, plan.items.map(\.keyText).filter { $0.contains("prom") }.description)
            let steps = Set(prometheus.map(\.step))
            XCTAssertTrue(steps.isDisjoint(with: [.data, .freeze, .promote, .scaledown]), "\(steps)")
            let deploy = try XCTUnwrap(prometheus.first { $0.step == .deploy })
            XCTAssertTrue(deploy.title.contains("fresh"), deploy.title)
            XCTAssertEqual(deploy.wave, 0, "observability runs before the first application wave")
            let retire = try XCTUnwrap(prometheus.first { $0.step == .retire })
            XCTAssertTrue(retire.title.contains("history"), retire.title)
            XCTAssertFalse(retire.commands.contains { !$0.hasPrefix("#") && $0.contains(" delete ") }, "the source copy stays until its retention ends")
        }
    }

    // 8. Smoke tests speak each port's protocol: no HTTP against a database.
    func testSmokeTestsAreProtocolAware() throws {
        var probed = 0
        for plan in [try demo().plan, try plan("02-sock-shop"), try plan("04-k8s-examples-mysql-wordpress-pd")] {
            for smoke in plan.items where smoke.step == .smoke {
                let runs = smoke.commands.filter { $0.contains("eksodus_probe ") }
                let text = runs.joined(separator: "\n")
                for port in ["3306", "5432", "6379", "27017", "5672"] where text.contains(":\(port)/") {
                    XCTFail("\(smoke.keyText) sends HTTP to port \(port): \(text)")
                }
                if text.contains("pg_isready") || text.contains("mysqladmin ping") || text.contains("redis-cli -h") || text.contains("mongosh") { probed += 1 }
            }
        }
        XCTAssertGreaterThan(probed, 2, "the databases of the demo and sock-shop are probed with their own clients")
        let sockShop = try plan("02-sock-shop")
        XCTAssertTrue(try item("smoke:src/sock-shop/carts-db", in: sockShop).commands.contains { $0.contains("mongosh") && $0.contains("--port 27017") })
        XCTAssertTrue(try item("smoke:src/sock-shop/session-db", in: sockShop).commands.contains { $0.contains("redis-cli -h") && $0.contains("-p 6379 ping") })
        // An image eksodus does not know as a database (catalogue-db is MySQL built in-house) gets a TCP connect, not HTTP.
        XCTAssertTrue(try item("smoke:src/sock-shop/catalogue-db", in: sockShop).commands.contains { $0.contains("nc -z -w 5") && $0.hasSuffix(" 3306") })
    }

    // 9. A traffic step reads a load balancer name only where the converted Service or Ingress gets a load balancer.
    func testTrafficStepsAndConvertedManifestsAgree() throws {
        let sockShop = try plan("02-sock-shop")
        let frontEnd = try item("traffic:src/sock-shop/front-end", in: sockShop)
        // front-end stays a NodePort on EKS (convert keeps it): the step makes the internal NLB beside it, front-end-eksodus, and
        // reads that one's address; never the EKS nodes', which node group updates and the autoscaler replace.
        XCTAssertTrue(frontEnd.commands.contains { $0.hasPrefix("eksodus_nodeport_nlb 'sock-shop' 'front-end' 'front-end-eksodus' ") }, "\(frontEnd.commands)")
        XCTAssertFalse((frontEnd.commands + frontEnd.rollbackCommands).contains { $0.contains("EKS_NODE_IPS") || $0.contains("get nodes") || $0.contains(".nodePort}") })
        XCTAssertFalse((frontEnd.commands + frontEnd.rollbackCommands).contains { $0.contains("SOURCE_NODE_ID") || $0.contains("EKS_INSTANCE_ID") })
        XCTAssertNil(sockShop.items.first { $0.keyText == "dns-ttl:src/sock-shop/front-end" }, "no DNS change for a NodePort behind the same load balancer")
        // Every Service or Ingress whose load balancer name the demo's runbook reads is a LoadBalancer or an ALB Ingress once converted.
        let (plan, folder) = try demo()
        let converted = folder.appendingPathComponent("converted")
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: converted.path) {
            for case let path as String in walker where path.hasSuffix(".yaml") { files.append(try String(contentsOf: converted.appendingPathComponent(path), encoding: .utf8)) }
        }
        XCTAssertFalse(files.isEmpty)
        let objects = try files.flatMap { try parseObjects($0) }
        var checked = 0
        for item in plan.items {
            // A kubectl line reading the name, or a switch's share (`eksodus_dns_shift FILE SHARE NAMESPACE KIND/NAME`), which reads it.
            for given in item.commands where given.contains(".status.loadBalancer.ingress[0].hostname") || given.hasPrefix("eksodus_dns_shift ") {
                let line = given.firstMatch(of: /^eksodus_dns_shift '[^']+' \d+ '([^']+)' '((?:service|ingress)\/[^']+)'/).map { "-n '\($0.1)' get '\($0.2)'" } ?? given
                guard let range = line.range(of: #"get '(service|ingress)/([^']+)'"#, options: .regularExpression) else { continue }
                let reference = line[range].dropFirst(5).dropLast().split(separator: "/", maxSplits: 1).map(String.init)
                let namespace = line.range(of: #"-n '([^']+)'"#, options: .regularExpression).map { String(line[$0].dropFirst(4).dropLast()) }
                let object = objects.first { $0["kind"]?.string?.lowercased() == reference[0] && $0["metadata", "name"]?.string == reference[1]
                    && $0["metadata", "namespace"]?.string == namespace }
                if let object {
                    checked += 1
                    if reference[0] == "service" {
                        XCTAssertEqual(object["spec", "type"]?.string, "LoadBalancer", "\(item.keyText) reads the load balancer of Service \(reference[1])")
                    } else {
                        XCTAssertEqual(object["spec", "ingressClassName"]?.string, "alb", "\(item.keyText) reads the ALB of Ingress \(reference[1])")
                    }
                } else if !line.contains("-eksodus'"), !item.commands.contains(where: { $0.contains("apply the decided Ingress \(namespace ?? "")/\(reference[1]) first") }) {
                    // An Ingress convert held out (a login, a regex path) is written by the engineer: its switch checks it is applied.
                    XCTFail("\(item.keyText) reads \(reference) that convert does not write")
                }
            }
        }
        XCTAssertGreaterThan(checked, 0)
    }

    // 10. A budget that allows no eviction is flagged in the plan and in the converted files.
    func testBlockingDisruptionBudgetsAreFlagged() throws {
        let (plan, folder) = try demo()
        let item = try item("plan:disruption:prod", in: plan)
        XCTAssertTrue(item.evidence.contains("payments"), item.evidence)
        XCTAssertTrue(item.commands.contains { $0.contains("patch pdb 'payments'") && $0.contains("maxUnavailable") })
        XCTAssertTrue(try self.item("optimize:prod:autoscaling", in: plan).prerequisites.contains(item.key), "consolidation drains nodes")
        let changes = try String(contentsOf: folder.appendingPathComponent("converted/prod").appendingPathComponent(try XCTUnwrap(
            FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("converted/prod").path).sorted().first { file in
                (try? String(contentsOf: folder.appendingPathComponent("converted/prod/\(file)/CHANGES.md"), encoding: .utf8))?.contains("PodDisruptionBudget shop/payments allows no eviction") ?? false
            })).appendingPathComponent("CHANGES.md"), encoding: .utf8)
        XCTAssertTrue(changes.contains("maxUnavailable: 1"))
    }

    // 11. kube2iam/kiam roles carry their permissions into the identity plan; a workload on `default` gets its own ServiceAccount.
    func testKube2iamRolesCarryOverAndDefaultNeverHoldsARole() throws {
        let (plan, folder) = try demo()
        let payments = try XCTUnwrap(plan.identity.entries.first { $0.workload == "Deployment/shop/payments" })
        XCTAssertEqual(payments.sourceRole, "acme-payments-kms")
        XCTAssertEqual(payments.dedicatedServiceAccount, false)
        let backup = try XCTUnwrap(plan.identity.entries.first { $0.workload == "CronJob/batch/db-backup" })
        XCTAssertNotEqual(backup.serviceAccount, "default")
        XCTAssertEqual(backup.dedicatedServiceAccount, true)
        XCTAssertFalse(plan.identity.entries.contains { $0.serviceAccount == "default" })
        let identity = try item("plan:identity:prod", in: plan)
        XCTAssertTrue(identity.commands.contains { $0.contains("list-attached-role-policies --role-name 'acme-payments-kms'") }, "\(identity.commands)")
        XCTAssertTrue(identity.commands.contains { $0.contains("create-policy") && $0.contains(payments.roleName) })
        XCTAssertTrue(try item("plan:cluster:prod", in: plan).prerequisites.contains(identity.key), "the policies exist before eksctl attaches them")
        XCTAssertTrue(plan.identity.table.rows.contains { $0.contains(.text(backup.serviceAccount + " (new: the workload ran as default)")) })
        // The converted CronJob runs as its own ServiceAccount, written beside it.
        let path = folder.appendingPathComponent("converted/" + ConvertedLayout.workloadPath(cluster: "prod", wave: try XCTUnwrap(backup.waveIn(plan)), label: backup.workload))
        let objects = try parseObjects(try String(contentsOf: path, encoding: .utf8))
        let cron = try XCTUnwrap(objects.first { $0["kind"]?.string == "CronJob" })
        XCTAssertEqual(cron["spec", "jobTemplate", "spec", "template", "spec", "serviceAccountName"]?.string, backup.serviceAccount)
        XCTAssertTrue(objects.contains { $0["kind"]?.string == "ServiceAccount" && $0["metadata", "name"]?.string == backup.serviceAccount })
    }
}

extension IdentityPlan.Entry {
    func waveIn(_ plan: TransitionPlan) -> Int? {
        plan.waves.first { $0.cluster == cluster && $0.workloads.contains { $0.label == workload } }?.number
    }
}

/// Label selectors in runbook commands are built only from labels that follow Kubernetes' syntax: a hostile key such as
/// `app!` would turn `app!=x` into "every pod but x" in `kubectl delete pods -l` and a Velero restore.
final class LabelSelectorTests: XCTestCase {
    func testOnlyWellFormedLabelsMakeASelector() {
        XCTAssertEqual(LabelSelector.matching(["tier": "db", "app.kubernetes.io/name": "orders"]), "app.kubernetes.io/name=orders,tier=db")
        XCTAssertEqual(LabelSelector.matching(["app": ""]), "app=")
        for hostile in [["app!": "x"], ["app": "a,b=c"], ["app": "x y"], ["": "x"], ["a/b/c": "x"], ["-app": "x"], ["app": String(repeating: "a", count: 64)],
                        ["Bad_Prefix/app": "x"], ["app": "in (a)"]] {
            XCTAssertNil(LabelSelector.matching(hostile), "\(hostile)")
        }
        XCTAssertNil(LabelSelector.matching([:]), "no labels: no selector (an empty one selects every pod)")
    }
}
