import XCTest
@testable import EksodusCore

/// The demo's redirects turn a source Service serving production into an alias of the EKS NLB: with no NLB name, a wrong
/// one, an NLB that does not answer or an update the API server refuses, the source Service must stay exactly as it was;
/// the rollback must put it back exactly as saved.
final class RedirectSwapTests: XCTestCase {
    /// A stand-in source cluster holding one Service in `$STATE`: `replace` refuses what the API server refuses (an
    /// ExternalName with a cluster IP or no host); the EKS side answers the NLB hostname with `$LB`; the probe pod exits `$PROBE`.
    static let cluster = """
        sleep() { :; }
        kubectl() {
          printf '%s\\n' "$*" >> "$LOG"
          case "$*" in
            *"--context eks"*loadBalancer.ingress*) [ -z "${LB_FAIL:-}" ] || return 1; printf '%s' "${LB:-}" ;;
            *"--context src"*" get service/"*" -o json") cat "$STATE" ;;
            *"--context src"*" replace -f -") [ -z "${REPLACE_FAIL:-}" ] || return 1; body=$(cat)
              jq -e -n 'input | .kind == "Service" and (.spec.type != "ExternalName" or ((.spec.externalName // "") != "" and .spec.clusterIP == null and .spec.clusterIPs == null))' <<<"$body" >/dev/null || return 1
              printf '%s' "$body" > "$STATE" ;;
            *"--context src"*" replace -f "*) [ -z "${REPLACE_FAIL:-}" ] || return 1; cp "${@: -1}" "$STATE" ;;
            *"--context src"*" run "*) return "${PROBE:-0}" ;;
            *) return 1 ;;
          esac
        }
        """

    static let nlb = "k8s-data-ordersdb-0a1b2c3d4e-0123456789abcdef.elb.eu-west-1.amazonaws.com"

    func original(_ name: String, namespace: String) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": name, "namespace": namespace, "uid": "5f0c", "resourceVersion": "4711", "labels": ["app": name],
                         "annotations": ["team": "data"], "creationTimestamp": "2026-01-01T00:00:00Z"],
            "spec": ["type": "ClusterIP", "clusterIP": "10.96.14.2", "clusterIPs": ["10.96.14.2"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "selector": ["app": name], "sessionAffinity": "None",
                     "ports": [["name": "main", "port": 5432, "protocol": "TCP", "targetPort": 5432], ["name": "metrics", "port": 9187, "protocol": "TCP", "targetPort": 9187]]],
            "status": ["loadBalancer": [:]],
        ] as [String: Any], options: [.sortedKeys])
    }

    struct Run { let status: Int32; let state: Data; let log: String }

    func run(_ lines: [String], in folder: URL, environment: [String: String]) throws -> Run {
        let state = folder.appendingPathComponent("state.json"), log = folder.appendingPathComponent("log")
        try? FileManager.default.removeItem(at: log)
        let result = try GateShell.run("set -e; cd \"$DIR\"\n" + Self.cluster + "\n" + lines.joined(separator: "\n"),
                                       environment: environment.merging(["DIR": folder.path, "STATE": state.path, "LOG": log.path]) { $1 })
        return Run(status: result.status, state: try Data(contentsOf: state), log: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    func testNoSourceServiceChangesUntilTheNLBHasANameAndAnswersAndTheRollbackRestoresItExactly() throws {
        let redirects = try DemoPlanOnce.plan().items.filter { $0.step == .redirect }
        XCTAssertGreaterThanOrEqual(redirects.count, 5, "orders-db, rabbitmq, cart-cache, search-index, staging")
        XCTAssertTrue(redirects.contains { $0.keyText == "redirect:prod/data/orders-db" })
        for item in redirects {
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
                ("the NLB does not answer from the source", ["LB": Self.nlb, "PROBE": "1"]),
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

            // A re-run once it is an alias keeps the original saved copy; the rollback brings it back as saved.
            XCTAssertEqual(try run(swap, in: folder, environment: ["LB": Self.nlb]).status, 0, "\(key): re-run")
            let back = try run(item.rollbackCommands, in: folder, environment: [:])
            XCTAssertEqual(back.status, 0, "\(key): \(back.log)")
            let restored = try XCTUnwrap(try JSONSerialization.jsonObject(with: back.state) as? [String: Any])
            let saved = try XCTUnwrap(try JSONSerialization.jsonObject(with: before) as? [String: Any])
            XCTAssertEqual(restored["spec"] as? NSDictionary, saved["spec"] as? NSDictionary, "\(key): the original spec, cluster IP included")
            XCTAssertEqual((restored["metadata"] as? [String: Any])?["annotations"] as? [String: String], ["team": "data"], key)

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
}
