import Foundation
import XCTest
@testable import EksodusCore

/// An EKS migration engineer's review of the traffic steps: a DNS name is switched once, for every workload behind it, and
/// a node agent, which no DNS name leads to, gets its clients pointed at the EKS nodes instead of a DNS step.
final class TrafficPerHostTests: XCTestCase {
    func plan(_ paths: [String], cluster: String = "src") throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        try importPaths(paths, cluster: cluster, into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key) among \(plan.items.map(\.keyText).filter { $0.hasPrefix("traffic:") || $0.hasPrefix("dns-ttl:") })")
    }

    /// The record files (one per DNS name, read days ahead) whose plain record a step deletes (the first change of a
    /// weighted switch), with the steps that do it.
    func deletions(_ plan: TransitionPlan) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for item in plan.items {
            for command in item.commands {
                // The switch's first shift (`eksodus_dns_shift FILE 0`) deletes the plain record for the pair.
                if let call = command.firstMatch(of: /^eksodus_dns_shift '([^']+)\.dns-record\.json' 0(?: |$)/) {
                    result[String(call.1), default: []].append(item.keyText)
                    continue
                }
                guard command.contains("{Action: \"DELETE\"") else { continue }
                guard let end = command.range(of: ".dns-record.json') && change=$(aws route53")?.lowerBound,
                      let start = command[..<end].range(of: "'", options: .backwards)?.upperBound else { continue }
                result[String(command[start..<end]), default: []].append(item.keyText)
            }
        }
        return result
    }

    func bashParses(_ lines: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n", "-c", lines.joined(separator: "\n")]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    func testTheDemoShopHostIsSwitchedOnceAfterItsThreeBackendsAnswerOnEKS() throws {
        var run = Demo(folder: try temporaryFolder(self), now: fixedNow)
        run.tracksProgress = false
        let plan = try run.run().plan
        let keys = Set(plan.items.map(\.keyText))
        let backends = ["cart", "checkout", "storefront"]
        for backend in backends {
            XCTAssertFalse(keys.contains("traffic:prod/shop/\(backend)"), "\(backend) switches the shared host on its own")
            XCTAssertFalse(keys.contains("dns-ttl:prod/shop/\(backend)"))
        }
        let traffic = try item("traffic:prod:shop.acme.example", in: plan)
        XCTAssertNil(traffic.workloadID)
        XCTAssertEqual(traffic.wave, try item("smoke:prod/shop/cart", in: plan).wave)
        // It waits for every backend on EKS first, then the TTL lowered days ahead, then what the backends call (promoted).
        XCTAssertEqual(Array(traffic.waitsFor.prefix(4)), backends.map { "smoke:prod/shop/\($0)" } + ["dns-ttl:prod:shop.acme.example"])
        XCTAssertTrue(traffic.waitsFor.contains("promote:prod/data/cart-cache"), "\(traffic.waitsFor)")
        for backend in backends { XCTAssertTrue(traffic.evidence.contains("Deployment/shop/\(backend)"), traffic.evidence) }
        XCTAssertTrue(traffic.evidence.hasPrefix("Ingress shop/shop routes shop.acme.example"), traffic.evidence)

        // One plain record replaced by one weighted pair, on the quoted name; the rollback puts that name's weights back.
        XCTAssertEqual(deletions(plan)[ShellQuote.fileName(["prod", "shop.acme.example"], suffix: "")], ["traffic:prod:shop.acme.example"])
        let record = ShellQuote.word(ShellQuote.fileName(["prod", "shop.acme.example"], suffix: ".dns-record.json"))
        XCTAssertTrue(traffic.commands.contains("eksodus_dns_low_ttl 'shop.acme.example' " + record), "the name's own record, at its zone's servers")
        // Each share reads the EKS load balancer from the Ingress itself, and checks that Ingress's targets.
        XCTAssertEqual(traffic.commands.filter { $0.hasPrefix("eksodus_dns_shift ") }, ([0] + TrafficCommands.shares).map { "eksodus_dns_shift \(record) \($0) 'shop' 'ingress/shop'" })
        XCTAssertEqual(traffic.rollbackCommands.filter { $0 != RunbookLibrary.load }, ["eksodus_dns_switch_back " + record], "weights back, then the plain record in place of the pair")
        XCTAssertTrue(try bashParses(traffic.commands + traffic.rollbackCommands))

        let ttl = try item("dns-ttl:prod:shop.acme.example", in: plan)
        XCTAssertEqual(ttl.waitsFor, ["plan:cluster:prod"])
        XCTAssertTrue(ttl.commands.contains { $0.hasPrefix("eksodus_dns_lower 'shop.acme.example' \(record) 'Ingress shop/shop' 'shop' 'ingress/shop'") }, "\(ttl.commands)")
        XCTAssertTrue(try item("gate:prod:wave-\(try XCTUnwrap(traffic.wave))", in: plan).waitsFor.contains(ttl.keyText))
        // Each backend's source copy goes only after the name's switch.
        for backend in backends {
            XCTAssertTrue(try item("scaledown:prod/shop/\(backend)", in: plan).waitsFor.contains(traffic.keyText), backend)
        }
        // admin-ui's NodePort Service is the backend of Ingress shop/admin: the host's switch is its one traffic path, with no
        // second node-pool step beside it.
        XCTAssertFalse(keys.contains("traffic:prod/shop/admin-ui"))
        XCTAssertTrue(try item("scaledown:prod/shop/admin-ui", in: plan).waitsFor.contains("traffic:prod:admin.acme.internal"))
        // grafana's NodePort nothing routes to gets its own step, to an NLB beside it, which opens the pods' port to the load balancer.
        let grafana = try item("traffic:prod/monitoring/grafana", in: plan)
        XCTAssertTrue(grafana.commands.contains { $0.hasPrefix("eksodus_nodeport_nlb 'monitoring' 'grafana' ") }, "\(grafana.commands)")
        XCTAssertTrue(grafana.rollbackCommands.contains { $0.hasPrefix("eksodus_nodeport_nlb_back 'monitoring' 'grafana-eksodus' ") })
        XCTAssertTrue(RunbookLibrary.text.contains("eksodus_nodeport_authorize \"$POD_PORT\" \"$description\""))
        XCTAssertTrue(RunbookLibrary.text.contains("aws ec2 authorize-security-group-ingress --group-id \"$NODE_SECURITY_GROUP\" --ip-permissions \"IpProtocol=tcp,FromPort=$1,ToPort=$1,"))
        for (name, steps) in deletions(plan) { XCTAssertEqual(steps.count, 1, "\(name) is deleted by \(steps)") }
        assertPrerequisitesAcyclic(plan, "demo")
    }

    func testTheDemoNodeExporterGetsItsScrapersPointedAtTheEKSNodesNotADNSStep() throws {
        var run = Demo(folder: try temporaryFolder(self), now: fixedNow)
        run.tracksProgress = false
        let plan = try run.run().plan
        XCTAssertFalse(plan.items.contains { $0.keyText == "dns-ttl:prod/platform/node-exporter" })
        let traffic = try item("traffic:prod/platform/node-exporter", in: plan)
        XCTAssertEqual(traffic.waitsFor, ["smoke:prod/platform/node-exporter"])
        XCTAssertTrue(traffic.title.contains("at the EKS nodes"), traffic.title)
        XCTAssertTrue(traffic.commands[0].hasPrefix("EKS_NODE_IPS=$(kubectl --context \"$EKS_CONTEXT\" get nodes"), traffic.commands[0])
        XCTAssertFalse((traffic.commands + traffic.rollbackCommands).contains { $0.contains("route53") || $0.contains("DNS_NAME") || $0.contains("dig ") })
        XCTAssertTrue(try item("retire:prod/platform/node-exporter", in: plan).waitsFor.contains(traffic.keyText))
        XCTAssertTrue(try bashParses(traffic.commands + traffic.rollbackCommands))
    }

    func testAHostSpreadOverTwoIngressesSwitchesOnceAndChecksTheyShareOneALB() throws {
        let folder = try temporaryFolder(self)
        func deployment(_ name: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: web}
            spec:
              selector: {matchLabels: {app: \(name)}}
              template:
                metadata: {labels: {app: \(name)}}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.27", ports: [{containerPort: 8080}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: \(name), namespace: web}
            spec: {selector: {app: \(name)}, ports: [{port: 80, targetPort: 8080}]}
            ---
            """
        }
        func ingress(_ name: String, path: String, backend: String) -> String {
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: \(name), namespace: web}
            spec:
              rules:
              - host: app.example.com
                http:
                  paths:
                  - {path: \(path), pathType: Prefix, backend: {service: {name: \(backend), port: {number: 80}}}}
              - host: -f.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: \(backend), port: {number: 80}}}}
            ---
            """
        }
        let file = folder.appendingPathComponent("web.yaml")
        try [deployment("front"), deployment("api"), ingress("front", path: "/", backend: "front"), ingress("api", path: "/api", backend: "api")]
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let plan = try plan([file.path])
        let traffic = try item("traffic:src:app.example.com", in: plan)
        XCTAssertEqual(Array(traffic.waitsFor.prefix(3)), ["smoke:src/web/api", "smoke:src/web/front", "dns-ttl:src:app.example.com"])
        XCTAssertEqual(traffic.evidence.components(separatedBy: "; ").first, "Ingresses web/api, web/front route app.example.com to Deployment/web/api, Deployment/web/front")
        XCTAssertTrue(traffic.evidence.contains("external-dns held off"), "the hosts' Ingresses are held off external-dns until the switch: \(traffic.evidence)")
        let address = TrafficCommands.address((kind: "ingress", namespace: "web", name: "front"))
        XCTAssertTrue(traffic.commands.contains { $0.hasPrefix("test \"$(\(address))\" = \"$EKS_LB\" || ") }, "\(traffic.commands)")
        XCTAssertTrue(try bashParses(traffic.commands + traffic.rollbackCommands))
        XCTAssertEqual(deletions(plan)[ShellQuote.fileName(["src", "app.example.com"], suffix: "")], ["traffic:src:app.example.com"])
        // The host that is no DNS name never becomes an argument: each workload switches its `$DNS_NAME`, said so.
        XCTAssertFalse(plan.items.contains { item in item.commands.contains { $0.contains("-f.example.com") } })
        for name in ["api", "front"] {
            let own = try item("traffic:src/web/\(name)", in: plan)
            XCTAssertTrue(own.commands.contains { $0.hasPrefix("# TODO: an Ingress host of this workload is not a DNS name") })
            XCTAssertTrue(try item("scaledown:src/web/\(name)", in: plan).waitsFor.contains(traffic.keyText))
        }
        assertPrerequisitesAcyclic(plan, "two Ingresses")
    }

    func testALoadBalancerServiceInFrontOfAStableAndACanaryDeploymentSwitchesOnce() throws {
        let folder = try temporaryFolder(self)
        func deployment(_ name: String, track: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: shop}
            spec:
              selector: {matchLabels: {app: front, track: \(track)}}
              template:
                metadata: {labels: {app: front, track: \(track)}}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.27", ports: [{containerPort: 8080}]}
            """
        }
        let service = """
            apiVersion: v1
            kind: Service
            metadata: {name: front, namespace: shop}
            spec: {type: LoadBalancer, selector: {app: front}, ports: [{port: 80, targetPort: 8080}]}
            """
        let file = folder.appendingPathComponent("shop.yaml")
        try [deployment("front", track: "stable"), deployment("front-canary", track: "canary"), service].joined(separator: "\n---\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let plan = try plan([file.path])
        let keys = plan.items.map(\.keyText)
        XCTAssertEqual(keys.filter { $0.hasPrefix("traffic:") || $0.hasPrefix("dns-ttl:") }.sorted(),
                       ["dns-ttl:src:service/shop/front", "traffic:src:service/shop/front"])
        let traffic = try item("traffic:src:service/shop/front", in: plan)
        XCTAssertEqual(traffic.waitsFor, ["smoke:src/shop/front", "smoke:src/shop/front-canary", "dns-ttl:src:service/shop/front"])
        XCTAssertEqual(traffic.evidence, "Service shop/front routes one name to Deployment/shop/front, Deployment/shop/front-canary")
        // Each share points at the Service's own load balancer, read by the call.
        XCTAssertEqual(traffic.commands.filter { $0.hasPrefix("eksodus_dns_shift ") }.count, 1 + TrafficCommands.shares.count)
        XCTAssertTrue(traffic.commands.filter { $0.hasPrefix("eksodus_dns_shift ") }.allSatisfy { $0.hasSuffix(" 'shop' 'service/front'") }, "\(traffic.commands)")
        XCTAssertEqual(deletions(plan)["src-service-shop-front"], ["traffic:src:service/shop/front"])
        let ttl = try item("dns-ttl:src:service/shop/front", in: plan)
        XCTAssertEqual(ttl.commands.first, "# set DNS_NAME to the name clients use for Service shop/front: the manifests do not say")
        XCTAssertTrue(try bashParses(traffic.commands + traffic.rollbackCommands + ttl.commands + ttl.rollbackCommands))
        for name in ["front", "front-canary"] {
            XCTAssertFalse(keys.contains("verify:src/shop/\(name)"), "\(name) is reached from outside, through the shared switch")
            XCTAssertTrue(try item("scaledown:src/shop/\(name)", in: plan).waitsFor.contains(traffic.keyText))
        }
        assertPrerequisitesAcyclic(plan, "canary")
    }

    func testANameWithOnlyACronJobBehindItStillWaitsForItsWavesGoNoGo() throws {
        let folder = try temporaryFolder(self)
        let file = folder.appendingPathComponent("report.yaml")
        try """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: report, namespace: batch}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    metadata: {labels: {app: report}}
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - {name: report, image: "busybox:1.36"}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: report, namespace: batch}
            spec: {selector: {app: report}, ports: [{port: 80}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: report, namespace: batch}
            spec:
              rules:
              - host: report.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: report, port: {number: 80}}}}
            """.write(to: file, atomically: true, encoding: .utf8)
        let plan = try plan([file.path])
        let traffic = try item("traffic:src:report.example.com", in: plan)
        XCTAssertEqual(traffic.waitsFor, ["dns-ttl:src:report.example.com", "gate:src:wave-\(try XCTUnwrap(traffic.wave))"])
        assertPrerequisitesAcyclic(plan, "cronjob")
    }

    /// Over every fixture: no DNS name is deleted by two steps, and no hostNetwork-only workload gets a DNS step.
    func testNoFixtureSwitchesANameTwiceOrGivesANodeAgentADNSStep() throws {
        let fixtures = try requireFixtures()
        var nodeAgents: [String: [String]] = [:]
        for name in ["01-gcp-online-boutique", "09-flannel-2019-old-apis", "14-messy-tabs-crlf"] {
            let plan = try plan([fixtures.appendingPathComponent(name).path])
            for (host, steps) in deletions(plan) { XCTAssertEqual(steps.count, 1, "\(name): \(host) deleted by \(steps)") }
            for item in plan.items where item.step == .traffic && item.title.contains("at the EKS nodes") {
                nodeAgents[name, default: []].append(item.keyText)
                let handle = item.keyText.dropFirst("traffic:".count)
                XCTAssertFalse(plan.items.contains { $0.keyText == "dns-ttl:\(handle)" }, "\(name): \(item.keyText)")
                XCTAssertFalse(item.commands.contains { $0.contains("route53") }, item.keyText)
            }
            assertPrerequisitesAcyclic(plan, name)
        }
        // The Sysdig agent DaemonSet runs with hostNetwork and nothing in front of it; its ReplicationController twin declares
        // hostPort 6666, which a load balancer in front of the nodes reaches: that one moves the pool, neither a DNS name.
        XCTAssertEqual(nodeAgents["14-messy-tabs-crlf"], ["traffic:src/default/daemonset-sysdig-agent"])
        let sysdig = try plan([fixtures.appendingPathComponent("14-messy-tabs-crlf").path])
        XCTAssertFalse(sysdig.items.contains { $0.step == .dnsTTL })
        XCTAssertTrue(try item("traffic:src/default/replicationcontroller-sysdig-agent", in: sysdig).commands.contains { $0.hasPrefix("eksodus_hostport_pool '6666' ") })
        // The boutique's LoadBalancer Service keeps its own switch on the name the engineer sets.
        let boutique = try plan([fixtures.appendingPathComponent("01-gcp-online-boutique").path])
        let frontend = try XCTUnwrap(boutique.items.first { $0.step == .traffic && $0.keyText.hasSuffix("/frontend") })
        XCTAssertTrue(frontend.waitsFor.contains(frontend.keyText.replacingOccurrences(of: "traffic:", with: "dns-ttl:")), "\(frontend.waitsFor)")
        XCTAssertTrue(try item(frontend.keyText.replacingOccurrences(of: "traffic:", with: "dns-ttl:"), in: boutique).commands.contains { $0.hasPrefix("eksodus_dns_lower \"$DNS_NAME\" ") })
    }
}
