import Foundation
import XCTest
@testable import EksodusCore

/// The cutover runbook as an experienced EKS migration engineer expects it: steps that fit each kind, traffic switches
/// only where something outside reaches a workload, providers retired after their consumers, no deadlock, and a
/// command and a rollback in every step, names quoted.
final class RunbookTests: XCTestCase {
    func plan(_ paths: [String], cluster: String = "src", database: AppDatabase? = nil, validates: Bool = true) throws -> (TransitionPlan, AppDatabase) {
        let database = try database ?? AppDatabase.inMemory()
        if !paths.isEmpty { try importPaths(paths, cluster: cluster, into: database, validates: validates) }
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "ap-northeast-2", accountID: "123456789012", now: fixedNow)
        return (try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request), database)
    }

    func fixture(_ name: String) throws -> String {
        try requireFixtures().appendingPathComponent(name).path
    }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key) in \(plan.items.map(\.keyText).filter { $0.contains(key.split(separator: ":").last.map(String.init) ?? "") })")
    }

    func steps(of name: String, in plan: TransitionPlan) -> [PlanItem] {
        plan.items.filter { $0.keyText.hasSuffix("/" + name) && $0.workloadID != nil }
    }

    /// Keys an item waits for, directly or through other items.
    func ancestors(of key: String, in plan: TransitionPlan) -> Set<String> {
        let byKey = Dictionary(plan.items.map { ($0.keyText, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = [], queue = [key]
        while let next = queue.popLast() {
            for prerequisite in byKey[next]?.waitsFor ?? [] where seen.insert(prerequisite).inserted { queue.append(prerequisite) }
        }
        return seen
    }

    func assertAcyclic(_ plan: TransitionPlan, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        assertPrerequisitesAcyclic(plan, label, file: file, line: line)
    }

    /// Whether bash reads the lines without a syntax error (`bash -n`: nothing runs).
    func bashParses(_ lines: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // From a file: a whole fixture's runbook as one argument can pass the kernel's limit of one argument (128 KiB).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-parse-\(UUID().uuidString).sh")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        process.arguments = ["-n", file.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    func testSockShopUserDBIsScaledDownOnlyAfterUserSwitched() throws {
        let (plan, _) = try plan([try fixture("02-sock-shop")])
        let scaledown = try item("scaledown:src/sock-shop/user-db", in: plan)
        let userSwitch = plan.items.filter { $0.keyText.hasSuffix(":src/sock-shop/user") && ["traffic", "verify", "redirect"].contains($0.step.rawValue) }.map(\.keyText)
        XCTAssertFalse(userSwitch.isEmpty)
        for key in userSwitch { XCTAssertTrue(scaledown.waitsFor.contains(key), "\(scaledown.prerequisites) lacks \(key)") }
        // user-db's wave cannot close while user, a later wave, still reads from the source copy.
        let wave = try XCTUnwrap(scaledown.wave)
        XCTAssertLessThan(wave, try XCTUnwrap(item("deploy:src/sock-shop/user", in: plan).wave))
        let closing = ancestors(of: "close:src:wave-\(wave)", in: plan)
        for key in userSwitch { XCTAssertTrue(closing.contains(key), "close:src:wave-\(wave) does not wait for \(key)") }
    }

    func demoPlan() throws -> TransitionPlan {
        var run = Demo(folder: try temporaryFolder(self), now: fixedNow)
        run.tracksProgress = false
        return try run.run().plan
    }

    func testAStatefulProviderIsPromotedBeforeItsConsumersSwitchAndRetiredAfterThem() throws {
        let plan = try demoPlan()
        let order = ["deploy", "data", "data-verify", "smoke", "freeze", "promote", "redirect", "reconnect", "scaledown"]
        let steps = steps(of: "orders-db", in: plan).filter { $0.keyText.contains(":staging/") }
        XCTAssertEqual(steps.map(\.step.rawValue), order, "a replica on EKS first, the write freeze just before promotion")
        for (earlier, later) in zip(order, order.dropFirst()) {
            XCTAssertTrue(ancestors(of: "\(later):staging/shop-staging/orders-db", in: plan).contains("\(earlier):staging/shop-staging/orders-db"), "\(later) after \(earlier)")
        }
        let consumers = plan.dependencies.filter { $0.cluster == "staging" && $0.provider.hasSuffix("/orders-db") }.map { $0.consumer.split(separator: "/").last.map(String.init) ?? "" }
        XCTAssertFalse(consumers.isEmpty)
        let scaledown = try item("scaledown:staging/shop-staging/orders-db", in: plan)
        for consumer in consumers {
            // Its own switches, and those of the DNS names in front of it (`traffic:staging:host`, evidence naming it).
            let switches = plan.items.filter { item in
                guard ["traffic", "verify", "redirect"].contains(item.step.rawValue) else { return false }
                if item.keyText.hasSuffix(":staging/shop-staging/\(consumer)") { return true }
                guard item.workloadID == nil, item.keyText.hasPrefix("traffic:staging:") else { return false }
                // "Ingress NS/NAME routes HOST to A, B; …": the backends, before any note the evidence carries after them.
                let routes = item.evidence.components(separatedBy: "; ").first ?? ""
                return (routes.components(separatedBy: " to ").last ?? "").components(separatedBy: ", ").contains { $0.hasSuffix("/shop-staging/\(consumer)") }
            }
            XCTAssertFalse(switches.isEmpty, consumer)
            for step in switches {
                XCTAssertTrue(scaledown.waitsFor.contains(step.keyText), "\(scaledown.prerequisites) lacks \(step.key)")
                XCTAssertTrue(ancestors(of: step.keyText, in: plan).contains("promote:staging/shop-staging/orders-db"), "\(step.key) before the promotion")
            }
        }
    }

    func testNoTrafficSwitchForClusterIPOnlyWorkloads() throws {
        let (plan, _) = try plan([try fixture("02-sock-shop")])
        // Only front-end is reachable from outside (a NodePort Service); user, catalogue, carts… are ClusterIP only.
        let traffic = plan.items.filter { $0.step.rawValue == "traffic" }.map(\.keyText)
        XCTAssertEqual(traffic, ["traffic:src/sock-shop/front-end"])
        let user = steps(of: "user", in: plan)
        XCTAssertFalse(user.contains { $0.step.rawValue == "traffic" || $0.title.contains("DNS") })
        XCTAssertTrue(user.contains { $0.step.rawValue == "verify" })
        // A NodePort moves behind the load balancer already in front of the nodes: no DNS record changes, so no TTL step.
        XCTAssertNil(plan.items.first { $0.keyText == "dns-ttl:src/sock-shop/front-end" })
        // Where a DNS name moves (the demo's Ingress hosts), its TTL is lowered ahead of the switch.
        let demo = try demoPlan()
        let switches = demo.items.filter { $0.step == .traffic && $0.commands.contains { $0.hasPrefix("eksodus_dns_shift ") } }
        XCTAssertFalse(switches.isEmpty)
        for traffic in switches {
            let dnsTTL = try item(PlanItemKey(.cutover, .dnsTTL, traffic.key.scope).description, in: demo)
            XCTAssertTrue(traffic.waitsFor.contains(dnsTTL.keyText), "the TTL is lowered ahead of the switch")
        }
    }

    func testCronJobIsSuspendedOnTheSourceBeforeItRunsOnEKSAndNeverScaled() throws {
        let plan = try demoPlan()
        let cron = steps(of: "nightly-report", in: plan).filter { $0.keyText.contains(":staging/") }
        XCTAssertEqual(cron.map(\.step.rawValue), ["deploy", "smoke", "suspend-source", "enable", "retire"])
        let deploy = try XCTUnwrap(cron.first { $0.step.rawValue == "deploy" })
        // The demo decides no CronJob zone: the deploy refuses until plan:cron-time-zone is answered, and then applies the
        // converted file, where spec.suspend is true (CronJobZoneReachesClusterTests runs both; ConvertTests checks the file).
        XCTAssertTrue(deploy.commands.contains { $0.contains("--cron-time-zone staging=ZONE") && $0.hasSuffix("false; }") }, "refuses: \(deploy.commands)")
        XCTAssertFalse(deploy.commands.contains { $0.contains("apply -f") }, "\(deploy.commands)")
        let enable = try XCTUnwrap(cron.first { $0.step.rawValue == "enable" })
        XCTAssertTrue(ancestors(of: enable.keyText, in: plan).contains("suspend-source:staging/shop-staging/nightly-report"))
        XCTAssertTrue(enable.commands.contains { $0.hasPrefix("eksodus_cron_enable 'shop-staging' 'cronjob/nightly-report' ") }, "the library unsuspends it on EKS (CronJobEnableTests): \(enable.commands)")
        for step in cron {
            XCTAssertFalse((step.commands + step.rollbackCommands).contains { $0.contains(" scale ") }, "\(step.keyText) scales")
            XCTAssertFalse(step.title.lowercased().contains("scale"), step.title)
        }
    }

    func testDaemonSetStepsNeverScale() throws {
        let (plan, _) = try plan([try fixture("08-sock-shop-2018-old-apis")])
        let daemonSets = plan.items.filter { $0.title.contains("DaemonSet/") && $0.workloadID != nil }
        XCTAssertFalse(daemonSets.isEmpty)
        for step in daemonSets {
            XCTAssertFalse((step.commands + step.rollbackCommands).contains { $0.contains(" scale ") }, "\(step.key) scales: \(step.commands)")
            XCTAssertNotEqual(step.step.rawValue, "scaledown")
        }
        XCTAssertTrue(daemonSets.contains { $0.step.rawValue == "retire" && $0.commands.contains { $0.contains(" delete 'daemonset/") } })
    }

    func testMySQLMovesBeforeWordPressWithoutMutualPrerequisites() throws {
        for name in ["13-crane-export-wordpress", "04-k8s-examples-mysql-wordpress-pd"] {
            let (plan, _) = try plan([try fixture(name)])
            XCTAssertTrue(plan.cycles.isEmpty, "\(name): \(plan.cycles)")
            XCTAssertFalse(plan.dependencies.contains { $0.consumer.hasSuffix("mysql") }, "\(name): MYSQL_DATABASE=wordpress is not a reference: \(plan.dependencies.map(\.evidence))")
            let wordpress = try XCTUnwrap(plan.items.first { $0.step.rawValue == "deploy" && $0.keyText.hasSuffix("/wordpress") }, name)
            let mysql = try XCTUnwrap(plan.items.first { $0.step.rawValue == "deploy" && $0.keyText.hasSuffix("mysql") }, name)
            XCTAssertTrue(ancestors(of: wordpress.keyText, in: plan).contains(mysql.keyText), "\(name): WordPress deploys after MySQL")
            XCTAssertFalse(ancestors(of: mysql.keyText, in: plan).contains(wordpress.keyText), name)
            assertAcyclic(plan, name)
        }
    }

    func testThePrerequisiteGraphOfEveryFixturesPlanIsAcyclicAndEveryStepHasCommandsAndRollback() throws {
        let fixtures = try requireFixtures()
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { !$0.contains(".") }.sorted()
        XCTAssertGreaterThan(names.count, 10)
        for name in names {
            let (plan, _) = try plan([fixtures.appendingPathComponent(name).path])
            assertAcyclic(plan, name)
            for item in plan.items {
                XCTAssertFalse(item.commands.isEmpty, "\(name): \(item.key) has no command")
                XCTAssertFalse(item.rollback.isEmpty, "\(name): \(item.key) has no rollback")
            }
            // One bash for the whole plan; on a syntax error, name the item.
            if !(try bashParses(plan.items.flatMap { $0.commands + $0.rollbackCommands })) {
                let broken = try plan.items.first { try !bashParses($0.commands + $0.rollbackCommands) }
                XCTFail("\(name): \(broken?.keyText ?? "?") does not parse: \(broken?.commands ?? [])")
            }
        }
    }

    func testCyclesMoveTogetherDatabaseFirstNeverAsMutualPrerequisites() throws {
        let folder = try writeManifests(["cycle.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers:
                  - name: api
                    image: shop/api:1
                    env: [{name: DB_HOST, value: "store:5432"}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: store, namespace: shop}
            spec:
              selector: {matchLabels: {app: store}}
              template:
                metadata: {labels: {app: store}}
                spec:
                  containers:
                  - name: store
                    image: postgres:16
                    env: [{name: CALLBACK_URL, value: "http://api:8080/hook"}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: shop}
            spec: {selector: {app: api}, ports: [{port: 8080}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: store, namespace: shop}
            spec: {selector: {app: store}, ports: [{port: 5432}]}
            """], test: self)
        let (plan, _) = try plan([folder.path])
        XCTAssertEqual(plan.cycles, [["Deployment/shop/store", "Deployment/shop/api"]], "the plan states the order: the database first")
        assertAcyclic(plan, "cycle")
        let api = try item("deploy:src/shop/api", in: plan), store = try item("deploy:src/shop/store", in: plan)
        XCTAssertTrue(api.waitsFor.contains(store.keyText), "the database moves first: \(api.prerequisites)")
        XCTAssertFalse(ancestors(of: store.keyText, in: plan).contains(api.keyText))
    }

    func testHostileNamesCannotBreakOutOfTheCommands() throws {
        // The canary is a file name in the folder the commands run in: a name holding '/' is no object name (import skips it).
        let work = try temporaryFolder(self)
        let canaryName = "eksodus-canary-\(UUID().uuidString)"
        let canary = work.appendingPathComponent(canaryName).path
        let hostile = "x'$(touch \(canaryName))`touch \(canaryName)`\"; touch \(canaryName); '\ntouch \(canaryName)\n"
        let yaml = hostile.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        XCTAssertEqual(ShellQuote.comment("copy\ntouch \(canaryName)\r"), "# copy touch \(canaryName) ", "a comment cannot end early")
        let folder = try writeManifests(["hostile.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: "web\(yaml)", namespace: "ns-x"}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: "c\(yaml)", image: "registry.example.com/web:1"}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: "front\(yaml)", namespace: "ns-x"}
            spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: "ns-x"}
            spec:
              rules:
              - host: "shop.example.com\(yaml)"
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: "front\(yaml)", port: {number: 80}}}
            """, "kinds.yaml": ["StatefulSet", "CronJob", "DaemonSet", "Job", "Pod"].map { kind in
                let name = "\(kind.lowercased())\(yaml)"
                let container = "{name: \"\(name)\", image: \"\(kind == "StatefulSet" ? "postgres:16" : "registry.example.com/job:1")\", volumeMounts: [{name: data, mountPath: \"/data\(yaml)\"}], ports: [{containerPort: 9100, hostPort: 9100}]}"
                let pod = "{containers: [\(container)], restartPolicy: \(kind == "Job" || kind == "CronJob" ? "Never" : "Always"), volumes: [{name: data, persistentVolumeClaim: {claimName: \"claim\(yaml)\"}}]}"
                let metadata = "metadata: {name: \"\(name)\", namespace: \"ns-x\"}"
                switch kind {
                case "Pod": return "apiVersion: v1\nkind: Pod\n\(metadata)\nspec: \(pod)\n"
                case "CronJob": return "apiVersion: batch/v1\nkind: CronJob\n\(metadata)\nspec: {schedule: \"0 1 * * *\", jobTemplate: {spec: {template: {spec: \(pod)}}}}\n"
                case "Job": return "apiVersion: batch/v1\nkind: Job\n\(metadata)\nspec: {template: {spec: \(pod)}}\n"
                default: return "apiVersion: apps/v1\nkind: \(kind)\n\(metadata)\nspec: {selector: {matchLabels: {app: \(kind.lowercased())}}, template: {metadata: {labels: {app: \(kind.lowercased())}}, spec: \(pod)}}\n"
                }
            }.joined(separator: "---\n")], test: self)
        // The import refuses every one of these names (ImportValidationTests); imported without that check, as a forged or
        // hand-edited inventory holds them, the commands must still quote them whole.
        XCTAssertThrowsError(try plan([folder.path], cluster: "c"))
        let (plan, _) = try plan([folder.path], cluster: "c", validates: false)
        let steps = plan.items.filter { $0.workloadID != nil }
        XCTAssertEqual(Set(steps.compactMap { step in ["StatefulSet", "CronJob", "DaemonSet", "Job", "Pod", "Deployment"].first { step.title.contains($0 + "/") } }).count, 6,
                       "every kind's template is exercised")
        XCTAssertTrue(steps.contains { $0.step.rawValue == "promote" } && steps.contains { $0.step.rawValue == "enable" } && steps.contains { $0.step.rawValue == "decide" })
        // Every command runs in bash against stubs that print their arguments: the names arrive whole and nothing else runs.
        let stubs = ["kubectl", "oc", "jq", "aws", "velero", "skopeo", "mv", "eksodus", "helm", "eksctl", "argocd"]
            .map { "\($0)() { printf '<%s>\\n' \"$@\"; }" }.joined(separator: "\n")
        let script = stubs + "\nSOURCE_CONTEXT=src EKS_CONTEXT=eks\n" + steps.flatMap { $0.commands + $0.rollbackCommands }.joined(separator: "\n") + "\necho eksodus-end\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = work
        process.environment = RunbookLibraryFile.environment(ProcessInfo.processInfo.environment)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertTrue(printed.hasSuffix("eksodus-end\n"), "every line parsed and ran: \(printed.suffix(300))")
        XCTAssertFalse(FileManager.default.fileExists(atPath: canary), "a name ran a command")
        // Namespaces are DNS labels (the importer skips any other, as the API server would): names carry the hostile text.
        XCTAssertTrue(printed.contains("<ns-x>"), "the namespace arrives as one word")
        XCTAssertTrue(printed.contains("<deployment/web\(hostile)>"))
        // The hostile host is no DNS name: its switch names the $DNS_NAME placeholder, and each share is a library call whose
        // arguments are quoted words (its gates read Route 53's JSON, which these printing stubs cannot drive to a change).
        let traffic = try XCTUnwrap(steps.first { $0.step.rawValue == "traffic" && $0.commands.contains { $0.hasPrefix("eksodus_dns_shift ") } }, "the Ingress host gets a DNS switch")
        XCTAssertTrue(traffic.commands.contains { $0.hasPrefix("eksodus_dns_low_ttl \"$DNS_NAME\" ") }, "\(traffic.commands)")
        XCTAssertFalse(printed.contains("shop.example.com"), "the hostile host reaches no command")
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: work.path).allSatisfy { !$0.contains("/") && !$0.contains("'") })
    }

    func testProvenItemsStartDoneAndReplanningKeepsStatesAndHistory() throws {
        let (first, database) = try plan([try fixture("02-sock-shop")])
        XCTAssertEqual(try strings(database, "SELECT state FROM plan_item WHERE key IN ('assess:import:src', 'assess:run:src') ORDER BY key"), ["done", "done"])
        XCTAssertEqual(try strings(database, "SELECT actor FROM event"), ["eksodus", "eksodus"])
        XCTAssertTrue(try strings(database, "SELECT state_note FROM plan_item WHERE key = 'assess:import:src'").first?.contains("objects") == true)
        let tracker = CutoverTracker(database: database)
        try tracker.apply(.reopen, to: ["assess:run:src"], by: "gina")
        try tracker.apply(.done, to: ["assess:review:src"], by: "gina", force: true)
        let (second, _) = try plan([], database: database)
        XCTAssertEqual(second.planID, first.planID)
        XCTAssertEqual(second.added, 0)
        XCTAssertEqual(try strings(database, "SELECT state FROM plan_item WHERE key IN ('assess:review:src', 'assess:run:src') ORDER BY key"), ["done", "pending"],
                       "a reopened proven item is not ticked again")
        XCTAssertEqual(try count(database, "SELECT count(*) FROM event"), 4)
        let detail = try ItemDetail.load(database, handle: "scaledown:sock-shop/user-db")
        XCTAssertTrue(detail.text.contains("kubectl --context \"$SOURCE_CONTEXT\" -n 'sock-shop' scale 'deployment/user-db' --replicas=0")
                      || detail.text.contains("'statefulset/user-db' --replicas=0"), detail.text)
        XCTAssertTrue(detail.text.contains("Rollback: "))
        XCTAssertTrue(try ItemDetail.load(database, handle: "assess:review:src").text.contains("gina"))
    }

    func testClustersRunTheirWavesSideBySideAndThePilotDoesNotWaitForProduction() throws {
        let database = try AppDatabase.inMemory()
        let fixtures = try requireFixtures()
        _ = try Importer(database: database, workers: 2).run(ImportRequest(paths: [fixtures.appendingPathComponent("02-sock-shop").path], cluster: "dev",
                                                                       environment: "dev", defaultNamespace: "default", now: fixedNow))
        _ = try Importer(database: database, workers: 2).run(ImportRequest(paths: [fixtures.appendingPathComponent("01-gcp-online-boutique").path], cluster: "prod",
                                                                       environment: "prod", defaultNamespace: "default", now: fixedNow))
        let (plan, _) = try plan([], database: database)
        assertAcyclic(plan, "two clusters")
        XCTAssertEqual(try item("plan:landing-zone", in: plan).waitsFor, ["assess:review:dev"])
        XCTAssertNotNil(plan.items.first { $0.keyText == "images:dev:wave-1" })
        XCTAssertNotNil(plan.items.first { $0.keyText == "images:prod:wave-1" })
        // Prod's first application wave waits for dev's rollback rehearsal (RollbackRehearsalTests), so for dev's first
        // wave, and for no later wave of dev's.
        let prodGate = ancestors(of: "gate:prod:wave-1", in: plan)
        XCTAssertTrue(prodGate.contains("rehearsal:dev"), "\(prodGate.sorted())")
        XCTAssertFalse(prodGate.contains { ($0.hasPrefix("gate:dev:") && $0 != "gate:dev:wave-1" && $0 != "gate:dev:wave-0") || $0.hasPrefix("close:dev:") },
                       "prod's first wave does not wait for dev's later waves: \(prodGate.filter { $0.contains(":dev") }.sorted())")
        XCTAssertTrue(plan.items.last?.keyText == "decommission:sources")
    }

    func testCodeBlocksCannotBeClosedByTheirContent() {
        let block = CodeFence.block(["echo 'a ``` b'", "```", "echo ````"])
        XCTAssertTrue(block.hasPrefix("`````sh\n"), block)
        XCTAssertTrue(block.hasSuffix("\n`````"), block)
        let html = MarkdownHTML.convert("# t\n\n" + block + "\n\nafter\n").body
        XCTAssertEqual(html.components(separatedBy: "<pre><code>").count, 2, html)
        XCTAssertTrue(html.contains("echo ````\n</code></pre>") || html.contains("echo ````</code></pre>"), html)
        XCTAssertTrue(html.contains("<p>after</p>"), html)
    }

    func testTheCutoverReportReadsAsARunbookWithEveryStepsCommandsAndRollback() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let database = try AppDatabase.open(path: demo.databasePath)
        let report = try XCTUnwrap(try ReportRenderer(database: database, now: fixedNow).render(.cutover, format: .markdown).first).text
        let keys = try strings(database, "SELECT key FROM plan_item WHERE obsolete = 0 ORDER BY position")
        let headings = report.split(separator: "\n").filter { $0.hasPrefix("#### ") }
        XCTAssertEqual(headings.count, keys.count, "one step per item")
        XCTAssertEqual(report.components(separatedBy: "\nRollback: ").count - 1, keys.count, "a rollback per step")
        XCTAssertGreaterThanOrEqual(report.components(separatedBy: "```sh\n").count - 1, keys.count, "commands per step")
        // Per cluster and wave: its section, its gate first, then its steps in an order that respects their prerequisites.
        for wave in demo.plan.waves {
            let section = try XCTUnwrap(report.range(of: "### \(wave.cluster) · wave \(wave.number)\n"), "\(wave.cluster) wave \(wave.number)")
            let gate = try XCTUnwrap(report.range(of: "**Go/no-go gate:** `gate:\(wave.cluster):wave-\(wave.number)`", range: section.upperBound..<report.endIndex))
            XCTAssertLessThan(report.distance(from: section.upperBound, to: gate.lowerBound), 200)
        }
        var seen: Set<String> = []
        let prerequisites = Dictionary(demo.plan.items.map { ($0.keyText, $0.waitsFor) }, uniquingKeysWith: { first, _ in first })
        for heading in headings {
            let key = heading.split(separator: "`").dropFirst().first.map(String.init) ?? ""
            for prerequisite in prerequisites[key] ?? [] { XCTAssertTrue(seen.contains(prerequisite), "\(key) is listed before \(prerequisite)") }
            seen.insert(key)
        }
    }

    func testPlatformAgentsAndWhatTheyCallMoveInWaveZeroBeforeTheApplications() throws {
        let folder = try writeManifests(["logging.yaml": """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: shipper, namespace: logging}
            spec:
              selector: {matchLabels: {app: shipper}}
              template:
                metadata: {labels: {app: shipper}}
                spec:
                  containers:
                  - name: fluent-bit
                    image: fluent/fluent-bit:3.0
                    env: [{name: FLUENT_ELASTICSEARCH_HOST, value: logs.logging}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: logs, namespace: logging}
            spec:
              selector: {matchLabels: {app: logs}}
              template:
                metadata: {labels: {app: logs}}
                spec: {containers: [{name: es, image: "docker.elastic.co/elasticsearch/elasticsearch:8.13.0"}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: logs, namespace: logging}
            spec: {selector: {app: logs}, ports: [{port: 9200}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: shop, namespace: shop}
            spec:
              selector: {matchLabels: {app: shop}}
              template:
                metadata: {labels: {app: shop}}
                spec: {containers: [{name: shop, image: "shop/web:1"}]}
            """], test: self)
        let (plan, _) = try plan([folder.path])
        let wave0 = try XCTUnwrap(plan.waves.first { $0.number == 0 }).workloads.map(\.label)
        XCTAssertEqual(wave0.sorted(), ["DaemonSet/logging/shipper", "StatefulSet/logging/logs"])
        XCTAssertEqual(plan.waves.first { $0.workloads.contains { $0.label == "Deployment/shop/shop" } }?.number, 1)
        XCTAssertTrue(ancestors(of: "gate:src:wave-1", in: plan).contains("verify:src/logging/shipper"), "applications wait for the platform agents")
        // The shipper writes into the store as soon as it runs: it starts once the store's copy is promoted (SearchCutoverTests).
        XCTAssertTrue(try item("deploy:src/logging/shipper", in: plan).waitsFor.contains("promote:src/logging/logs"))
        assertAcyclic(plan, "platform agents")
    }

    func testAnOldGlobalImageItemHandsItsStateToThePerClusterOne() throws {
        let (_, database) = try plan([try fixture("02-sock-shop")])
        // As an older eksodus stored it: one global images:wave-N item per wave, ticked off.
        try database.writer.write { db in
            try db.execute(sql: "UPDATE plan_item SET key = 'images:wave-' || wave, state = 'done', state_note = 'copied with skopeo' WHERE key LIKE 'images:src:wave-%'")
        }
        let (replanned, _) = try plan([], database: database)
        XCTAssertGreaterThan(replanned.added, 0)
        let waves = try strings(database, "SELECT key FROM plan_item WHERE key LIKE 'images:src:wave-%'")
        XCTAssertFalse(waves.isEmpty)
        XCTAssertEqual(Set(try strings(database, "SELECT state FROM plan_item WHERE key LIKE 'images:src:wave-%'")), ["done"])
        XCTAssertEqual(try strings(database, "SELECT state_note FROM plan_item WHERE key = 'images:src:wave-1'"), ["carried over from images:wave-1: copied with skopeo"])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM event WHERE note LIKE 'carried over from images:wave-%'"), waves.count)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM plan_item WHERE key LIKE 'images:wave-%' AND obsolete = 1"), waves.count)
    }

    func testTheDemoRunbookPassesShellcheck() throws {
        guard let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("shellcheck is not installed (.ci/run installs it)")
        }
        let plan = try demoPlan()
        let file = try temporaryFolder(self).appendingPathComponent("runbook.sh")
        // Each item's commands run in one shell, and its rollback in another (a switch defines its steps as functions).
        XCTAssertFalse(plan.runbookLibrary.isEmpty)
        let lines = ["#!/usr/bin/env bash", plan.runbookLibrary] + plan.items.flatMap { item in
            [item.commands, item.rollbackCommands].filter { !$0.isEmpty }.flatMap { ["(", ":"] + $0 + [")"] }  // `:`: an item of comments only is no empty subshell
        }
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shellcheck)
        // SC2030/SC2031: a variable an item sets is gone in the next item's shell; that is how items run (a rollback checks
        // with `${EKS_LB:?…}` that it was set again). SC1090: the steps source the library `$EKSODUS_RUNBOOK_LIB` names, which
        // this file holds at its top, so it is checked all the same.
        process.arguments = ["--exclude=SC2030,SC2031,SC1090", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, report)
    }

    func testTheECRRollbackDeletesEachRepositoryOnce() throws {
        let plan = try demoPlan()
        let found: PlanItem? = plan.items.first { (item: PlanItem) in item.keyText == "plan:ecr" }
        let ecr = try XCTUnwrap(found)
        let deletions = ecr.rollbackCommands.filter { $0.contains("delete-repository") }
        XCTAssertFalse(deletions.isEmpty)
        XCTAssertEqual(Set(deletions).count, deletions.count, "a repository several images share is deleted once: \(deletions)")
        let copied = Set(plan.images.entries.filter { $0.method == .copy }.map { (entry: ImageMigration.Entry) in entry.repository })
        XCTAssertEqual(deletions.count, min(copied.count, 20))
    }
}

/// An expert's review: a host is switched once, when every backend behind it runs on EKS.
final class IngressHostSwitchTests: XCTestCase {
    func testAnIngressHostsBackendsMoveInOneWaveAndSwitchOnlyWhenAllAnswerOnEKS() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let backends = ["Deployment/shop/storefront", "Deployment/shop/cart", "Deployment/shop/checkout"]
        let waves = demo.plan.waves.filter { $0.cluster == "prod" }
        let waveOf = Dictionary(waves.flatMap { wave in wave.workloads.map { ($0.label, wave.number) } }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(Set(backends.compactMap { waveOf[$0] }).count, 1, "one wave for the host's backends: \(backends.map { waveOf[$0] ?? -1 })")
        let traffic = try XCTUnwrap(demo.plan.items.first { $0.keyText == "traffic:prod:shop.acme.example" }, "the host is switched once")
        for backend in backends {
            let handle = "prod/" + backend.split(separator: "/").dropFirst().joined(separator: "/")
            XCTAssertTrue(traffic.waitsFor.contains("smoke:\(handle)"), "\(traffic.key) waits for smoke:\(handle): \(traffic.prerequisites)")
        }
    }
}
