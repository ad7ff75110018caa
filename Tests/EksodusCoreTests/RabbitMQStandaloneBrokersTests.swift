import Foundation
import XCTest
@testable import EksodusCore

/// The demo's `rabbitmq:3.8-management` StatefulSet has 3 replicas and no clustering configuration (no peer discovery,
/// no cluster_formation, no Erlang cookie): 3 brokers of their own. Nothing is copied before the team decides how (a
/// gate that passes only when `cluster_status` shows both sides are one cluster of every pod), and the gates that say
/// the source is empty read every broker. The lines run in bash against stand-in `kubectl` (running the command after
/// `--` with `POD` set to the pod it named) and `rabbitmqctl` (answering per pod from the environment).
final class RabbitMQStandaloneBrokersTests: XCTestCase {
    static let stubs = [
        "kubectl": #"""
            [ -z "${KUBECTL_FAILS:-}" ] || exit 1
            pod=
            while [ "$1" != -- ]; do case "$1" in pod/*|statefulset/*) pod=${1#*/} ;; esac; shift; done; shift
            POD=$pod exec "$@"
            """#,
        // STATUS_<pod>: cluster_status's answer; QUEUES_<pod>: list_queues' message counts; USERS_<pod>: list_connections'
        // users; FAIL_<pod>: every call on that pod fails. Pod names with `-` become `_`.
        "rabbitmqctl": #"""
            p=$(printf '%s' "$POD" | tr -- '-/' '__')
            eval "fail=\${FAIL_$p:-}; status=\${STATUS_$p-}; queues=\${QUEUES_$p-0}; users=\${USERS_$p-}"
            [ -z "$fail" ] || { echo "Error: unable to perform an operation on node rabbit@$POD" >&2; exit 69; }
            case "$1" in
              cluster_status) printf '%b' "$status" ;;
              list_queues) printf '%b' "$queues" ;;
              list_connections) printf '%b' "$users" ;;
              *) exit 64 ;;
            esac
            """#,
    ]

    private func item(_ key: String, in plan: TransitionPlan? = nil) throws -> PlanItem {
        try XCTUnwrap(try (plan ?? DemoPlanOnce.plan()).items.first { $0.keyText == key }, key)
    }

    private func run(_ lines: [String], _ environment: [String: String] = [:]) throws -> Int32 {
        let folder = try temporaryFolder(self)
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, body) in Self.stubs {
            let url = bin.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let script = "set -e\ncd " + ShellQuote.word(folder.path) + "\n" + lines.joined(separator: "\n") + "\ntouch passed"
        _ = try GateShell.run(script, environment: ["PATH": bin.path + ":/usr/bin:/bin"].merging(environment) { $1 })
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("passed").path) ? 0 : 1
    }

    func testTheDemoBrokerIsThreeBrokersAndNothingIsCopiedBeforeTheDecision() throws {
        let decide = try item("decide:prod/data/rabbitmq")
        XCTAssertTrue(decide.title.contains("3 standalone RabbitMQ brokers"), decide.title)
        XCTAssertEqual(decide.prerequisites.map(\.description), ["deploy:prod/data/rabbitmq"])
        XCTAssertTrue(decide.commands.joined().contains("cutover done decide:prod/data/rabbitmq"), "it says how to close it: \(decide.commands)")
        XCTAssertEqual(try item("definitions:prod/data/rabbitmq").prerequisites.map(\.description), ["decide:prod/data/rabbitmq"])
        XCTAssertEqual(try item("data:prod/data/rabbitmq").prerequisites.map(\.description), ["definitions:prod/data/rabbitmq"])
        XCTAssertTrue(try item("data:prod/data/rabbitmq").commands.contains { $0.contains("one of the 3 standalone source brokers") })
    }

    func testTheDecisionGatePassesOnlyWhenBothSidesAreOneClusterOfEveryPod() throws {
        let gate = try item("decide:prod/data/rabbitmq").commands.filter { !$0.hasPrefix("#") }
        XCTAssertEqual(gate.count, 2, "\(gate)")
        let cluster = #"{"running_nodes": ["rabbit@rabbitmq-0", "rabbit@rabbitmq-1", "rabbit@rabbitmq-2"]}"#
        let alone = #"{"running_nodes": ["rabbit@rabbitmq-0"]}"#
        let both = ["STATUS_rabbitmq": cluster]
        XCTAssertEqual(try run(gate, both), 0, "one cluster of 3 on both sides (joined by hand): nothing to decide")
        XCTAssertNotEqual(try run(gate, ["STATUS_rabbitmq": alone]), 0, "a single-node broker: the team decides")
        XCTAssertNotEqual(try run(gate, ["STATUS_rabbitmq": ""]), 0, "no answer")
        XCTAssertNotEqual(try run(gate, ["STATUS_rabbitmq": "Error: not JSON"]), 0, "an answer that is not JSON")
        XCTAssertNotEqual(try run(gate, ["STATUS_rabbitmq": "{}"]), 0, "no running_nodes")
        XCTAssertNotEqual(try run(gate, both.merging(["FAIL_rabbitmq": "1"]) { $1 }), 0, "rabbitmqctl fails")
        XCTAssertNotEqual(try run(gate, both.merging(["KUBECTL_FAILS": "1"]) { $1 }), 0, "kubectl fails")
    }

    /// The reconnect step's gates: no client but the shovel user on any source broker, and every broker's queues at 0.
    func testTheSourceIsEmptyOnlyWhenEveryBrokerIs() throws {
        let reconnect = try item("reconnect:prod/data/rabbitmq")
        let gates = reconnect.commands.filter { $0.contains("for i in $(seq 0 2)") && ($0.contains("list_connections") || $0.contains("list_queues")) }
        XCTAssertEqual(gates.count, 2, "\(reconnect.commands)")
        let empty = ["SHOVEL_USER": "shovel", "USERS_rabbitmq_0": "shovel\\n", "QUEUES_rabbitmq_0": "0\\n0\\n", "QUEUES_rabbitmq_1": "0\\n", "QUEUES_rabbitmq_2": "0\\n"]
        XCTAssertEqual(try run(gates, empty), 0, "every broker empty, only the shovel connected")
        let cases: [(String, [String: String])] = [
            ("broker 2 still holds messages nobody shovels", ["QUEUES_rabbitmq_2": "0\\n5\\n"]),
            ("a client is still connected to broker 1", ["USERS_rabbitmq_1": "app\\n"]),
            ("broker 1 does not answer", ["FAIL_rabbitmq_1": "1"]),
            ("broker 2's queues read nothing", ["QUEUES_rabbitmq_2": ""]),
            ("no shovel user named", ["SHOVEL_USER": ""]),
        ]
        for (why, change) in cases {
            XCTAssertNotEqual(try run(gates, empty.merging(change) { $1 }), 0, why)
        }
    }

    private static func broker(config: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: rabbitmq-config, namespace: mq}
        data:
          rabbitmq.conf: |
        \(config.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: broker, namespace: mq}
        spec:
          serviceName: broker
          replicas: 3
          selector: {matchLabels: {app: broker}}
          template:
            metadata: {labels: {app: broker}}
            spec:
              containers:
              - name: rabbitmq
                image: rabbitmq:3.12-management
                volumeMounts:
                - {name: data, mountPath: /var/lib/rabbitmq}
                - {name: config, mountPath: /etc/rabbitmq}
              volumes:
              - name: config
                configMap: {name: rabbitmq-config}
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 10Gi}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: broker, namespace: mq}
        spec:
          selector: {app: broker}
          ports:
          - {port: 5672}
        """
    }

    func testPeerDiscoveryInTheBrokersConfigMapIsOneCluster() throws {
        let clustered = try planAndConvert(Self.broker(config: "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s\ncluster_formation.k8s.host = kubernetes.default"), test: self).plan
        XCTAssertFalse(clustered.items.contains { $0.keyText == "decide:src/mq/broker" }, "a peer-discovery cluster needs no decision")
        XCTAssertEqual(try item("definitions:src/mq/broker", in: clustered).prerequisites.map(\.description), ["deploy:src/mq/broker"])

        let standalone = try planAndConvert(Self.broker(config: "listeners.tcp.default = 5672\nloopback_users.guest = false"), test: self).plan
        let decide = try item("decide:src/mq/broker", in: standalone)
        XCTAssertTrue(decide.title.contains("3 standalone"), decide.title)
        XCTAssertEqual(try item("definitions:src/mq/broker", in: standalone).prerequisites.map(\.description), ["decide:src/mq/broker"])
    }
}
