import XCTest
@testable import EksodusCore

/// The demo's redirects turn a source Service serving production into an alias of the EKS NLB: with no NLB name, a wrong
/// one, an NLB that does not answer or an update the API server refuses, the source Service must stay exactly as it was;
/// the rollback must put it back as saved, on a new cluster IP when the old one was given away, or leave the alias.
final class RedirectSwapTests: XCTestCase {
    /// A stand-in source cluster holding one Service in `$STATE`: `replace` refuses what the API server refuses (an
    /// ExternalName with a cluster IP or no host, a cluster IP `$TAKEN` by another Service) and allocates 10.96.200.7 to a
    /// Service without one; the EKS side answers the NLB hostname with `$LB`; the probe pod exits `$PROBE`; the source's
    /// EndpointSlices are `$SLICES` (one ready endpoint unless set).
    static let cluster = """
        sleep() { :; }
        kubectl() {
          printf '%s\\n' "$*" >> "$LOG"
          case "$*" in
            *"--context eks"*loadBalancer.ingress*) [ -z "${LB_FAIL:-}" ] || return 1; printf '%s' "${LB:-}" ;;
            *"--context src"*" get service/"*" -o json") cat "$STATE" ;;
            *"--context src"*" get service/"*"-o jsonpath={.spec.type}") jq -j .spec.type "$STATE" ;;
            *"--context src"*" get endpointslices -l kubernetes.io/service-name="*" -o json") if [ -n "${SLICES+set}" ]; then printf '%s' "$SLICES"; else echo '{"items": [{"endpoints": [{"addresses": ["10.1.0.9"], "conditions": {"ready": true}}]}]}'; fi ;;
            *"--context src"*" replace -f -") [ -z "${REPLACE_FAIL:-}" ] || return 1; body=$(cat)
              jq -e -n --arg taken "${TAKEN:-}" 'input | .kind == "Service" and (if .spec.type == "ExternalName" then (.spec.externalName // "") != "" and .spec.clusterIP == null and .spec.clusterIPs == null
                else (.spec.clusterIP // "") != $taken and ((.spec.clusterIPs // []) | index([$taken]) | not) end)' <<<"$body" >/dev/null || return 1
              jq 'if .spec.type != "ExternalName" and .spec.clusterIP == null then .spec.clusterIP = "10.96.200.7" | .spec.clusterIPs = ["10.96.200.7"] else . end' <<<"$body" > "$STATE" ;;
            *"--context src"*" replace -f "*) [ -z "${REPLACE_FAIL:-}" ] || return 1; cp "${@: -1}" "$STATE" ;;
            *"--context src"*" run "*) return "${PROBE:-0}" ;;
            *) return 1 ;;
          esac
        }
        """

    static let nlb = "k8s-data-ordersdb-0a1b2c3d4e-0123456789abcdef.elb.eu-west-1.amazonaws.com"

    func original(_ name: String, namespace: String, headless: Bool = false) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": name, "namespace": namespace, "uid": "5f0c", "resourceVersion": "4711", "labels": ["app": name],
                         "annotations": ["team": "data"], "creationTimestamp": "2026-01-01T00:00:00Z"],
            "spec": ["type": "ClusterIP", "clusterIP": headless ? "None" : "10.96.14.2", "clusterIPs": [headless ? "None" : "10.96.14.2"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "selector": ["app": name], "sessionAffinity": "None",
                     "ports": [["name": "main", "port": 5432, "protocol": "TCP", "targetPort": 5432], ["name": "metrics", "port": 9187, "protocol": "TCP", "targetPort": 9187]]],
            "status": ["loadBalancer": [:]],
        ] as [String: Any], options: [.sortedKeys])
    }

    struct Run { let status: Int32; let state: Data; let log: String; var output = "" }

    func run(_ lines: [String], in folder: URL, environment: [String: String], stubs: String? = nil) throws -> Run {
        let state = folder.appendingPathComponent("state.json"), log = folder.appendingPathComponent("log")
        try? FileManager.default.removeItem(at: log)
        let result = try GateShell.run("exec 2>&1; set -e; cd \"$DIR\"\n" + (stubs ?? Self.cluster) + "\n" + lines.joined(separator: "\n"),
                                       environment: environment.merging(["DIR": folder.path, "STATE": state.path, "LOG": log.path]) { $1 })
        return Run(status: result.status, state: try Data(contentsOf: state), log: (try? String(contentsOf: log, encoding: .utf8)) ?? "", output: result.output)
    }

    /// The demo's redirects that make an alias (of a Service with a cluster IP), and those of headless Services.
    func redirects() throws -> (aliases: [PlanItem], headless: [PlanItem]) {
        let redirects = try DemoPlanOnce.plan().items.filter { $0.step == .redirect }
        return (redirects.filter { $0.title.contains("becomes an alias") }, redirects.filter { $0.title.contains("is headless") })
    }

    func testNoSourceServiceChangesUntilTheNLBHasANameAndAnswersAndTheRollbackRestoresItOnANewClusterIP() throws {
        let (aliases, headless) = try redirects()
        XCTAssertEqual(aliases.count + headless.count, try DemoPlanOnce.plan().items.filter { $0.step == .redirect }.count, "every redirect is one or the other")
        XCTAssertTrue(aliases.contains { $0.keyText == "redirect:prod/data/rabbitmq" } && aliases.contains { $0.keyText == "redirect:prod/data/search-index" }, "\(aliases.map(\.keyText))")
        for item in aliases {
            let key = item.keyText
            XCTAssertFalse(item.commands.contains { $0.contains("delete service") || $0.contains("create service externalname") }, key)
            XCTAssertFalse(item.rollbackCommands.contains { $0.contains(" delete ") }, "\(key): the rollback updates in place")
            let handle = try XCTUnwrap(item.key.workload, key)
            let title = try XCTUnwrap(item.title.firstMatch(of: /Service ([a-z0-9-]+)\/([a-z0-9-]+) becomes an alias/), key)
            let (namespace, name) = (String(title.1), String(title.2))
            XCTAssertEqual(namespace, handle.namespace, key)
            let start = try XCTUnwrap(item.commands.firstIndex { $0.hasPrefix("EKS_ENDPOINT=;") }, key)
            let swap = Array(item.commands[start...])
            let replace = try XCTUnwrap(swap.firstIndex { $0.contains(" replace -f -") }, key)
            XCTAssertTrue(swap[..<replace].contains { $0.contains(" run ") && $0.contains("nc -z") && $0.contains("\"$EKS_ENDPOINT\" \"$port\"") }, "\(key): probed from the source before")

            let folder = try temporaryFolder(self)
            let state = folder.appendingPathComponent("state.json")
            let before = try original(name, namespace: namespace)
            try before.write(to: state)
            // The engineer's runs that must leave the source Service byte for byte as it was, and never update it.
            let untouched: [(String, [String: String])] = [
                ("no NLB hostname yet", ["LB": ""]),
                ("EKS cluster not answering", ["LB_FAIL": "1"]),
                ("an address, not a DNS name", ["LB": "10.0.3.7"]),
                ("not a name at all", ["LB": "x'; kubectl delete svc --all; '"]),
                ("the NLB does not answer from the source", ["LB": Self.nlb, "PROBE": "3"]),
                ("the probe pod could not run", ["LB": Self.nlb, "PROBE": "1"]),
                ("the API server refuses the update", ["LB": Self.nlb, "REPLACE_FAIL": "1"]),
            ]
            for (why, environment) in untouched {
                let result = try run(swap, in: folder, environment: environment)
                XCTAssertNotEqual(result.status, 0, "\(key): \(why)")
                XCTAssertEqual(result.state, before, "\(key): \(why) changed the source Service")
                if environment["REPLACE_FAIL"] == nil { XCTAssertFalse(result.log.contains(" replace "), "\(key): \(why): \(result.log)") }
            }

            let good = try run(swap, in: folder, environment: ["LB": Self.nlb])
            XCTAssertEqual(good.status, 0, "\(key): \(good.log)")
            let alias = try XCTUnwrap(try JSONSerialization.jsonObject(with: good.state) as? [String: Any])
            let spec = try XCTUnwrap(alias["spec"] as? [String: Any])
            XCTAssertEqual(spec["type"] as? String, "ExternalName", key)
            XCTAssertEqual(spec["externalName"] as? String, Self.nlb, key)
            XCTAssertNil(spec["clusterIP"], key)
            XCTAssertEqual(((alias["metadata"] as? [String: Any])?["labels"] as? [String: String]), ["app": name], "\(key): metadata kept")
            let lines = good.log.split(separator: "\n")
            let firstUpdate = try XCTUnwrap(lines.firstIndex { $0.contains(" replace ") }, key)
            XCTAssertEqual(lines[..<firstUpdate].filter { $0.contains(" run ") && ($0.hasSuffix(Self.nlb + " 5432") || $0.hasSuffix(Self.nlb + " 9187")) }.count, 2,
                           "\(key): each TCP port probed at the NLB before the swap")
            XCTAssertTrue(lines[firstUpdate...].contains { $0.contains(" run ") && $0.hasSuffix("\(name).\(namespace) 5432") }, "\(key): and through the alias after")

            // A re-run once it is an alias keeps the original saved copy.
            XCTAssertEqual(try run(swap, in: folder, environment: ["LB": Self.nlb]).status, 0, "\(key): re-run")
            let aliased = try Data(contentsOf: state)
            // The API server refuses the restore: the alias stays, and the rollback says so.
            let refused = try run(item.rollbackCommands, in: folder, environment: ["REPLACE_FAIL": "1"])
            XCTAssertNotEqual(refused.status, 0, key)
            XCTAssertEqual(refused.state, aliased, "\(key): a refused restore leaves the alias")
            // The old cluster IP went to another Service meanwhile: the copy is restored without it, on a new one.
            let back = try run(item.rollbackCommands, in: folder, environment: ["TAKEN": "10.96.14.2"])
            XCTAssertEqual(back.status, 0, "\(key): \(back.log)")
            let restored = try XCTUnwrap(try JSONSerialization.jsonObject(with: back.state) as? [String: Any])
            let saved = try XCTUnwrap(try JSONSerialization.jsonObject(with: before) as? [String: Any])
            var restoredSpec = try XCTUnwrap(restored["spec"] as? [String: Any]), savedSpec = try XCTUnwrap(saved["spec"] as? [String: Any])
            XCTAssertEqual(restoredSpec["type"] as? String, "ClusterIP", key)
            XCTAssertEqual(restoredSpec["clusterIP"] as? String, "10.96.200.7", "\(key): a cluster IP the API server allocated")
            for field in ["clusterIP", "clusterIPs"] { restoredSpec[field] = nil; savedSpec[field] = nil }
            XCTAssertEqual(restoredSpec as NSDictionary, savedSpec as NSDictionary, "\(key): the original spec but its cluster IP")
            XCTAssertEqual((restored["metadata"] as? [String: Any])?["annotations"] as? [String: String], ["team": "data"], key)
            XCTAssertNil((restored["metadata"] as? [String: Any])?["uid"], "\(key): no server-set field sent back")
            // A re-run of the rollback finds it restored: no second update, the checks pass again.
            let again = try run(item.rollbackCommands, in: folder, environment: [:])
            XCTAssertEqual(again.status, 0, "\(key): \(again.log)")
            XCTAssertFalse(again.log.contains(" replace "), "\(key): \(again.log)")
            // Restored, but no source pod behind it (no slice, none ready, the cluster not answering): the rollback fails.
            for slices in [#"{"items": []}"#, #"{"items": [{"endpoints": [{"addresses": ["10.1.0.9"], "conditions": {"ready": false}}]}]}"#, ""] {
                XCTAssertNotEqual(try run(item.rollbackCommands, in: folder, environment: ["SLICES": slices]).status, 0, "\(key): \(slices)")
            }

            // Without a saved copy the rollback fails and leaves the alias.
            _ = try run(swap, in: folder, environment: ["LB": Self.nlb])
            let aliasAgain = try Data(contentsOf: state)
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".source.json") {
                try Data().write(to: folder.appendingPathComponent(file))
            }
            let noCopy = try run(item.rollbackCommands, in: folder, environment: [:])
            XCTAssertNotEqual(noCopy.status, 0, key)
            XCTAssertEqual(noCopy.state, aliasAgain, key)
        }
    }

    /// The demo's orders-db and cart-cache are reached through their StatefulSets' headless Services: an ExternalName in
    /// their place would end the pods' DNS names (orders-db-0.orders-db.data.svc.cluster.local) the source members find each
    /// other by, so the step only exposes and probes the NLB, and names the consumers to repoint; the Service is never written.
    func testAHeadlessServiceIsNeverSwappedAndItsConsumersAreToldToRepointAtTheNLB() throws {
        let (aliases, headless) = try redirects()
        XCTAssertFalse(aliases.contains { ["redirect:prod/data/orders-db", "redirect:prod/data/cart-cache"].contains($0.keyText) })
        let plan = try DemoPlanOnce.plan()
        for (key, name) in [("redirect:prod/data/orders-db", "orders-db"), ("redirect:prod/data/cart-cache", "cart-cache")] {
            let item = try XCTUnwrap(headless.first { $0.keyText == key }, "\(headless.map(\.keyText))")
            XCTAssertTrue(item.title.contains("Service data/\(name) is headless"), item.title)
            XCTAssertEqual(item.commands.first, RedirectCommands.egressGate, key)
            let writes = #/--context "\$SOURCE_CONTEXT" -n 'data' (replace|delete|patch|apply|create|edit|label|annotate|set) /#
            XCTAssertFalse((item.commands + item.rollbackCommands).contains { $0.contains(writes) }, "\(key): nothing in the source cluster is written")
            XCTAssertTrue(item.rollbackCommands.allSatisfy { $0.hasPrefix("#") }, "\(key): nothing was changed on the source")
            let handle = try XCTUnwrap(item.key.workload)
            let consumers = try XCTUnwrap(item.evidence.firstMatch(of: /consumers still on the source: ([^;]+)/)?.1)
            XCTAssertTrue(item.commands.contains { $0.hasPrefix("# by hand:") && $0.contains(String(consumers)) }, "\(key): the consumers to repoint are named")
            let reconnect = try XCTUnwrap(plan.items.first { $0.key == .workload(.reconnect, handle) }, key)
            XCTAssertTrue(reconnect.prerequisites.contains(item.key), "\(key): the restart and the connection check follow")

            let first = try XCTUnwrap(item.commands.firstIndex { $0.hasPrefix("EKS_ENDPOINT=;") }, key)
            // The shared NLB's part: the NLBs of cart-cache's pods, each its own, come after (testIndependentPodsGetAnNLBEach…).
            let end = item.commands[first...].firstIndex { $0.contains(" expose service ") } ?? item.commands.endIndex
            let shared = Array(item.commands[first..<end])
            let folder = try temporaryFolder(self)
            let before = try original(name, namespace: "data", headless: true)
            try before.write(to: folder.appendingPathComponent("state.json"))
            let good = try run(shared, in: folder, environment: ["LB": Self.nlb])
            XCTAssertEqual(good.status, 0, "\(key): \(good.log)")
            XCTAssertEqual(good.state, before, "\(key): the headless Service is as it was")
            XCTAssertFalse(good.log.contains(" replace "), key)
            XCTAssertTrue(good.log.split(separator: "\n").contains { $0.contains(" run ") && $0.hasSuffix(Self.nlb + " 5432") }, "\(key): the NLB probed from the source on the Service's ports")
            for (why, environment) in [("no NLB hostname", ["LB": ""]), ("the NLB does not answer from the source", ["LB": Self.nlb, "PROBE": "3"]), ("the probe pod could not run", ["LB": Self.nlb, "PROBE": "1"])] {
                let result = try run(shared, in: folder, environment: environment)
                XCTAssertNotEqual(result.status, 0, "\(key): \(why)")
                XCTAssertEqual(result.state, before, "\(key): \(why)")
            }
        }
    }

    /// A StatefulSet with a Service of a cluster IP beside its headless one (the demo's orders-db, given an `orders-db-rw`):
    /// that Service becomes the alias, and the headless one is left with a note.
    func testAServiceWithAClusterIPBesideTheHeadlessOneIsTheAlias() throws {
        let samples = try SampleEstate.write(to: try temporaryFolder(self))
        let prod = samples.appendingPathComponent("prod")
        try """
            apiVersion: v1
            kind: Service
            metadata: {name: orders-db-rw, namespace: data}
            spec:
              selector: {app: orders-db}
              ports:
              - {port: 5432}
            """.write(to: prod.appendingPathComponent("25-orders-db-rw.yaml"), atomically: true, encoding: .utf8)
        let plan = try planImported([prod.path]).plan
        let item = try XCTUnwrap(plan.items.first { $0.step == .redirect && $0.keyText.hasSuffix("/data/orders-db") }, "\(plan.items.filter { $0.step == .redirect }.map(\.keyText))")
        XCTAssertTrue(item.title.contains("Service data/orders-db-rw becomes an alias"), item.title)
        XCTAssertTrue(item.commands.contains { $0.contains(" replace -f -") && $0.contains("'service/orders-db-rw'") }, "\(item.commands)")
        XCTAssertFalse(item.commands.contains { $0.contains("'service/orders-db'") }, "the headless Service is never written")
        XCTAssertTrue(item.commands.contains { $0.hasPrefix("# Service data/orders-db is headless and stays") }, "\(item.commands)")
    }

    /// The probe pod is the smoke probe's hardened one (admitted under Pod Security "restricted"), its image `$PROBE_IMAGE`
    /// (ECR Public by default, not Docker Hub); a pod that could not run (admission refused, image not pulled: kubectl's own
    /// exit 1) is told apart from a probe that ran and got no answer, and after the swap the operator is told not to roll
    /// back a working alias for it.
    func testTheProbePodIsHardenedAndAProbeThatCouldNotRunIsNoReasonToRollBack() throws {
        let (aliases, headless) = try redirects()
        for item in aliases + headless {
            let probes = item.commands.filter { $0.contains(" run 'eksodus-probe-") }
            XCTAssertFalse(probes.isEmpty, item.keyText)
            for probe in probes {
                XCTAssertTrue(probe.contains("--image=\"${PROBE_IMAGE:-\(SmokeProbe.busybox)}\""), probe)
                XCTAssertFalse(probe.contains("busybox:1.36"), probe)
                let overrides = try XCTUnwrap(probe.firstMatch(of: /--overrides='([^']+)'/)?.1, probe)
                let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(overrides.utf8)) as? [String: Any])
                let spec = try XCTUnwrap(json["spec"] as? [String: Any])
                XCTAssertEqual((spec["securityContext"] as? [String: Any])?["runAsNonRoot"] as? Bool, true)
                let container = try XCTUnwrap((spec["containers"] as? [[String: Any]])?.first)
                let pod = try XCTUnwrap(probe.firstMatch(of: /run '(eksodus-probe-[0-9a-f]+)'/)?.1)
                XCTAssertEqual(container["name"] as? String, String(pod), "the strategic merge matches kubectl run's container")
                XCTAssertEqual(((container["securityContext"] as? [String: Any])?["capabilities"] as? [String: Any])?["drop"] as? [String], ["ALL"])
                XCTAssertTrue(probe.contains("--override-type=strategic"), probe)
            }
        }
        let item = try XCTUnwrap(aliases.first { $0.keyText == "redirect:prod/data/rabbitmq" })
        let start = try XCTUnwrap(item.commands.firstIndex { $0.hasPrefix("EKS_ENDPOINT=;") })
        let swap = Array(item.commands[start...])
        let folder = try temporaryFolder(self)
        try original("rabbitmq", namespace: "data").write(to: folder.appendingPathComponent("state.json"))
        let norun = try run(swap, in: folder, environment: ["LB": Self.nlb, "PROBE": "1", "PROBE_IMAGE": "registry.internal/busybox:1"])
        XCTAssertNotEqual(norun.status, 0)
        XCTAssertTrue(norun.output.contains("the probe could not run") && norun.output.contains("registry.internal/busybox:1"), norun.output)
        XCTAssertFalse(norun.output.contains("does not answer"), norun.output)
        XCTAssertTrue(norun.log.contains("--image=registry.internal/busybox:1"), norun.log)
        let down = try run(swap, in: folder, environment: ["LB": Self.nlb, "PROBE": "3"])
        XCTAssertTrue(down.output.contains("does not answer on port 5432") && !down.output.contains("could not run"), down.output)
        // Swapped; then the probe through the alias cannot run: the step fails, says it is no reason to roll back.
        XCTAssertEqual(try run(swap, in: folder, environment: ["LB": Self.nlb]).status, 0)
        let last = Array(swap.suffix(2))
        XCTAssertTrue(last[1].contains("the alias rabbitmq.data"), last[1])
        let after = try run(last, in: folder, environment: ["LB": Self.nlb, "PROBE": "1"])
        XCTAssertNotEqual(after.status, 0)
        XCTAssertTrue(after.output.contains("says nothing about the alias rabbitmq.data") && after.output.contains("do not roll back for this"), after.output)
    }

    /// The demo's cart-cache runs three Redis pods that each hold their own data: each gets an NLB selecting it alone,
    /// probed from the source, and the engineer gets a pod-by-pod map; a StatefulSet of more pods than the cap is refused.
    func testIndependentPodsGetAnNLBEachAndTooManyAreRefused() throws {
        let plan = try DemoPlanOnce.plan()
        let item = try XCTUnwrap(plan.items.first { $0.keyText == "redirect:prod/data/cart-cache" })
        XCTAssertFalse(item.commands.contains { $0.contains("(or a pod's name under it) to the NLB name above") }, "no single NLB for pods addressed by name")
        XCTAssertTrue(item.commands.contains { $0.hasPrefix("# by hand:") && $0.contains("cart-cache-N.cart-cache.data") && $0.contains("its own NLB") }, "\(item.commands)")
        let exposes = item.commands.filter { $0.contains(" expose service 'cart-cache' --name 'cart-cache-") && $0.contains("--arg pod 'cart-cache-") }
        XCTAssertEqual(exposes.count, 3, "\(item.commands)")
        let folder = try temporaryFolder(self)
        try original("cart-cache", namespace: "data", headless: true).write(to: folder.appendingPathComponent("state.json"))
        // The EKS side: `expose` prints a Service, `annotate --local` adds the annotations, `apply` keeps what it got.
        let stubs = Self.cluster.replacingOccurrences(of: "    *) return 1 ;;", with: """
                *"--context eks"*" expose service "*) jq -n --arg name "$(sed -E 's/.*--name ([^ ]+).*/\\1/' <<<"$*")" '{apiVersion: "v1", kind: "Service", metadata: {name: $name}, spec: {type: "LoadBalancer", selector: {app: "cart-cache"}, ports: [{port: 6379}]}}' ;;
                *"--context eks"*loadBalancerSourceRanges*) echo '["10.20.0.0/16"]' ;;
                *"annotate --local"*) jq '.metadata.annotations = {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}' ;;
                *"--context eks"*" apply -f -") body=$(cat); printf '%s\\n' "$body" > "$DIR/applied-$(jq -r .metadata.name <<<"$body")" ;;
                *) return 1 ;;
            """)
        XCTAssertNotEqual(stubs, Self.cluster)
        let result = try run(item.commands, in: folder, environment: ["LB": Self.nlb, "SOURCE_EGRESS_CIDR": "10.20.0.0/16"], stubs: stubs)
        XCTAssertEqual(result.status, 0, result.output + result.log)
        for i in 0..<3 {
            let applied = try Data(contentsOf: folder.appendingPathComponent("applied-cart-cache-\(i)-eksodus"))
            let service = try XCTUnwrap(try JSONSerialization.jsonObject(with: applied) as? [String: Any])
            let spec = try XCTUnwrap(service["spec"] as? [String: Any])
            XCTAssertEqual(spec["selector"] as? [String: String], ["statefulset.kubernetes.io/pod-name": "cart-cache-\(i)"], "pod \(i) alone")
            XCTAssertEqual(spec["loadBalancerSourceRanges"] as? [String], ["10.20.0.0/16"])
            XCTAssertTrue(result.output.contains("cart-cache-\(i).cart-cache.data -> \(Self.nlb)"), result.output)
            XCTAssertTrue(result.log.contains("get service/cart-cache-\(i)-eksodus -o jsonpath={.status.loadBalancer.ingress[0].hostname}"), result.log)
        }
        XCTAssertTrue(item.rollbackCommands.allSatisfy { $0.hasPrefix("#") } && item.rollbackCommands.contains { $0.contains("cart-cache-N.cart-cache.data") }, "\(item.rollbackCommands)")

        // More pods than the cap (or a hostile count): refused first, before any NLB, with a decision.
        for replicas in [PerPodRedirect.cap + 1, 3_000_000] {
            let samples = try SampleEstate.write(to: try temporaryFolder(self))
            let prod = samples.appendingPathComponent("prod")
            let file = prod.appendingPathComponent("20-data.yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(of: "  serviceName: cart-cache\n  replicas: 3", with: "  serviceName: cart-cache\n  replicas: \(replicas)").write(to: file, atomically: true, encoding: .utf8)
            let big = try XCTUnwrap(try planImported([prod.path]).plan.items.first { $0.step == .redirect && $0.keyText.hasSuffix("/data/cart-cache") }, "\(replicas)")
            XCTAssertTrue(big.commands.first?.contains("decision: ") == true && big.commands.first?.contains("\(replicas) independent pods") == true, "\(big.commands.first ?? "")")
            XCTAssertLessThan(big.commands.count, 20, "bounded")
            let refused = try GateShell.run(big.commands[0])
            XCTAssertNotEqual(refused.status, 0)
        }
    }
}
