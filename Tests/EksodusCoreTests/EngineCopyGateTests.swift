import Foundation
import XCTest
@testable import EksodusCore

/// The Elasticsearch and RabbitMQ copies an EKS engineer can run: the Elasticsearch restore leaves the freeze's write
/// block behind and the promotion waits for equal document counts per index; the S3 repository's plugin and keys follow
/// the image's version; RabbitMQ's shovels work in the consumers' vhost, queue to queue, and stay until the source is
/// empty after the consumers reconnect. The gates run in bash against stand-in `kubectl`s: each is shown to fail when
/// its condition does not hold, when kubectl fails and when the answer is empty.
final class EngineCopyGateTests: XCTestCase {
    func demo() throws -> TransitionPlan { try DemoPlanOnce.plan() }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    /// Runs `script` in bash; `EKS_CONTEXT` and `SOURCE_CONTEXT` are `eks` and `src`, so a stand-in `kubectl` tells the sides apart.
    func bash(_ script: String, environment: [String: String] = [:]) throws -> Int32 {
        try GateShell.run(script, environment: environment).status
    }

    /// A `kubectl` answering `$SOURCE_OUT` / `$EKS_OUT` on its side, or failing when `$FAIL` names the side.
    let sideStub = """
        kubectl() {
          case "$*" in
            *"--context eks"*) [ "${FAIL:-}" != eks ] || return 1; printf '%b' "${EKS_OUT:-}" ;;
            *) [ "${FAIL:-}" != src ] || return 1; printf '%b' "${SOURCE_OUT:-}" ;;
          esac
        }

        """

    // MARK: Elasticsearch

    func testElasticsearchRestoreLeavesTheWriteBlockOnTheSourceAndPromotionNeedsEqualCountsPerIndex() throws {
        let freeze = try item("freeze:prod/data/search-index", in: try demo())
        XCTAssertTrue(freeze.commands.contains { $0.contains("'localhost:9200/*,-.*/_settings'") && $0.contains(#"{"index.blocks.write": true}"#) }, "regular indices only: \(freeze.commands)")
        XCTAssertTrue(freeze.rollbackCommands.contains { $0.contains(#"{"index.blocks.write": false}"#) }, "\(freeze.rollbackCommands)")
        let promote = try item("promote:prod/data/search-index", in: try demo()).commands
        let final = try XCTUnwrap(promote.firstIndex { $0.contains(".final-snapshot") && $0.contains("-XPUT") })
        let restore = try XCTUnwrap(promote.firstIndex { $0.contains(".final-snapshot") && $0.contains("$SNAPSHOT/_restore") }, "\(promote)")
        XCTAssertTrue(promote[restore].contains(#"{"indices": "*,-.*", "ignore_index_settings": ["index.blocks.write"]}"#), promote[restore])
        let close = try XCTUnwrap(promote.firstIndex { $0.contains("/_close") })
        XCTAssertFalse(promote[close].contains("_all"), "closed by name (destructive_requires_name): \(promote[close])")
        XCTAssertLessThan(close, restore)
        let blocks = try XCTUnwrap(promote.firstIndex { $0.hasPrefix("{ BLOCKS=") })
        let counts = try XCTUnwrap(promote.firstIndex { $0.hasPrefix("{ SOURCE_COUNTS=") })
        XCTAssertTrue(final < restore && restore < blocks && restore < counts, "\(promote)")
        XCTAssertTrue(promote[counts].contains("_cat/indices/*,-.*?h=index,docs.count&s=index"), "per index, system indices left out")

        let gate = sideStub + promote[counts]
        XCTAssertEqual(try bash(gate, environment: ["SOURCE_OUT": "orders 10\\nusers 3\\n", "EKS_OUT": "orders 10\\nusers 3\\n"]), 0)
        XCTAssertNotEqual(try bash(gate, environment: ["SOURCE_OUT": "orders 10\\nusers 3\\n", "EKS_OUT": "orders 9\\nusers 3\\n"]), 0, "a document short")
        XCTAssertNotEqual(try bash(gate, environment: ["SOURCE_OUT": "orders 10\\nusers 3\\n", "EKS_OUT": "orders 10\\n"]), 0, "an index missing")
        XCTAssertNotEqual(try bash(gate, environment: ["SOURCE_OUT": "orders 10\\n", "EKS_OUT": "orders 10\\n", "FAIL": "eks"]), 0, "kubectl failed")
        XCTAssertNotEqual(try bash(gate, environment: ["SOURCE_OUT": "", "EKS_OUT": ""]), 0, "nothing read")

        let blocked = sideStub + promote[blocks]
        XCTAssertEqual(try bash(blocked, environment: ["EKS_OUT": #"{"orders":{"settings":{}}}"#]), 0)
        XCTAssertNotEqual(try bash(blocked, environment: ["EKS_OUT": #"{"orders":{"settings":{"index.blocks.write":"true"}}}"#]), 0, "restored write block")
        XCTAssertNotEqual(try bash(blocked, environment: ["EKS_OUT": #"{"orders":{"settings":{}}}"#, "FAIL": "eks"]), 0, "kubectl failed")
        XCTAssertNotEqual(try bash(blocked, environment: ["EKS_OUT": ""]), 0, "nothing read")
    }

    func testElasticsearchSevenGetsThePluginCheckAndKeysThroughStdinOnBothSides() throws {
        let data = try item("data:prod/data/search-index", in: try demo()).commands   // elasticsearch:7.17.9
        let text = data.joined(separator: "\n")
        let checks = data.filter { $0.contains("grep -cx repository-s3") }
        XCTAssertEqual(checks.count, 2, text)
        XCTAssertTrue(checks[0].contains("\"$SOURCE_CONTEXT\"") && checks[1].contains("\"$EKS_CONTEXT\""), "\(checks)")
        for key in ["access_key", "secret_key"] {
            for side in ["SOURCE", "EKS"] {
                XCTAssertTrue(data.contains { $0.contains("| kubectl --context \"$\(side)_CONTEXT\"") && $0.contains("elasticsearch-keystore add --stdin --force s3.client.default.\(key)") },
                              "\(side) \(key) through stdin: \(text)")
            }
        }
        XCTAssertFalse(text.contains("keystore add s3"), "never a key on a command line")
        let register = try XCTUnwrap(data.firstIndex { $0.contains("-XPUT localhost:9200/_snapshot/eksodus ") })
        XCTAssertLessThan(try XCTUnwrap(data.lastIndex { $0.contains("reload_secure_settings") }), register, "keys before the repository")
        XCTAssertTrue(text.contains("decision: if the source's nodes cannot reach S3"), text)

        // The plugin check runs its script in the pod: every node must list the plugin, and a silent cluster fails.
        let stub = """
            curl() { case "$*" in *_cat/nodes*) [ -z "${DOWN:-}" ] || return 22; printf 'n1\\nn2\\n' ;; *_cat/plugins*) [ -z "${DOWN:-}" ] || return 22; printf 'repository-s3\\n%s' "$SECOND" ;; esac; }
            export -f curl
            kubectl() { while [ $# -gt 0 ] && [ "$1" != "-c" ]; do shift; done; [ $# -gt 1 ] || return 1; bash -c "$2"; }

            """
        XCTAssertEqual(try bash(stub + checks[0], environment: ["SECOND": "repository-s3\n"]), 0)
        XCTAssertNotEqual(try bash(stub + checks[0], environment: ["SECOND": ""]), 0, "one node without the plugin")
        XCTAssertNotEqual(try bash(stub + checks[0], environment: ["SECOND": "repository-s3\n", "DOWN": "1"]), 0, "the cluster did not answer")
    }

    func testElasticsearchEightUsesTheBundledModuleAndAnIAMRoleOnEKS() throws {
        let folder = try writeManifests(["es.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: logs, namespace: logging}
            spec:
              serviceName: logs
              replicas: 3
              selector: {matchLabels: {app: logs}}
              template:
                metadata: {labels: {app: logs}}
                spec:
                  containers:
                  - name: es
                    image: "docker.elastic.co/elasticsearch/elasticsearch:8.13.0"
                    volumeMounts: [{name: data, mountPath: /usr/share/elasticsearch/data}]
              volumeClaimTemplates:
              - metadata: {name: data}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: logs, namespace: logging}
            spec: {selector: {app: logs}, ports: [{port: 9200}]}
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let data = try item("data:src/logging/logs", in: plan).commands
        let text = data.joined(separator: "\n")
        XCTAssertFalse(text.contains("grep -cx repository-s3"), "a module from 8.0, not a plugin: \(text)")
        XCTAssertFalse(text.contains("EKS_S3_ACCESS_KEY_ID"), "8.1 and later read the service account's role: \(text)")
        XCTAssertTrue(text.contains("for i in $(seq 0 2)") && text.contains("SOURCE_S3_ACCESS_KEY_ID"), "every source node's keystore: \(text)")
    }

    func testElasticsearchVersionComesFromTheImageTag() {
        XCTAssertTrue(ElasticsearchSnapshot.version(ofImage: "docker.elastic.co/elasticsearch/elasticsearch:7.17.9").map { $0 == (7, 17) } == true)
        XCTAssertTrue(ElasticsearchSnapshot.version(ofImage: "registry:5000/search/elasticsearch:8.1.0-amd64").map { $0 == (8, 1) } == true, "a registry port is no tag")
        XCTAssertNil(ElasticsearchSnapshot.version(ofImage: "registry:5000/elasticsearch"))
        XCTAssertNil(ElasticsearchSnapshot.version(ofImage: "elasticsearch:latest"))
        XCTAssertNil(ElasticsearchSnapshot.version(ofImage: "elasticsearch@sha256:0123abcd"))
    }

    // MARK: RabbitMQ

    func testVhostsComeFromTheConsumersURLs() {
        XCTAssertEqual(AMQPVirtualHosts.vhost(inURL: "amqp://shop:pw@rabbitmq.data.svc:5672/shop", broker: "rabbitmq"), "shop")
        XCTAssertEqual(AMQPVirtualHosts.vhost(inURL: "amqp://rabbitmq:5672", broker: "rabbitmq"), "/", "no path: the client's default")
        XCTAssertEqual(AMQPVirtualHosts.vhost(inURL: "amqps://rabbitmq/%2Fbilling?heartbeat=10", broker: "rabbitmq"), "/billing", "percent-decoded, query dropped")
        XCTAssertNil(AMQPVirtualHosts.vhost(inURL: "amqp://other-broker:5672/x", broker: "rabbitmq"), "another broker's vhost")
        XCTAssertNil(AMQPVirtualHosts.vhost(inURL: "rabbitmq.data:5672", broker: "rabbitmq"))
        XCTAssertEqual(AMQPVirtualHosts.encoded("/"), "%2F")
        XCTAssertEqual(AMQPVirtualHosts.encoded("shop eu"), "shop%20eu")
    }

    func testShovelsRunInTheConsumersVhostQueueToQueueWithThePluginOnBothSides() throws {
        let plan = try demo()
        let definitions = try item("definitions:prod/data/rabbitmq", in: plan).commands
        for side in ["SOURCE", "EKS"] {
            XCTAssertTrue(definitions.contains { $0.contains("--context \"$\(side)_CONTEXT\"") && $0.contains("rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management") && $0.contains("seq 0 2") },
                          "\(side), every pod: \(definitions)")
        }
        let data = try item("data:prod/data/rabbitmq", in: plan).commands
        XCTAssertTrue(data.contains { $0.contains("decision: Deployment/shop/notifications") }, "notifications names no vhost: \(data)")
        let read = try XCTUnwrap(data.firstIndex { $0.hasPrefix("{ LISTED=") && $0.contains("list_queues -p 'shop'") }, "storefront's RABBITMQ_URL vhost: \(data)")
        let loop = data[read + 1]
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-shovels-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: log) }
        let stub = """
            kubectl() {
              case "$*" in
                *"--context eks"*) [ "${FAIL:-}" != eks ] || return 1; printf '%s\\n' "$*" >> "$LOG" ;;
                *) [ "${FAIL:-}" != src ] || return 1; printf '%b' "$SOURCE_OUT" ;;
              esac
            }
            SOURCE_AMQP_URI='amqp://shovel:pw@source.example:5672'

            """
        // name, exclusive, auto_delete (tab-separated): an exclusive reply queue, an auto-delete and a server-named one are not shovelled.
        let listed = "orders\\tfalse\\tfalse\\nreplies\\ttrue\\tfalse\\nmail out\\tfalse\\tfalse\\ntmp\\tfalse\\ttrue\\namq.gen-x1\\tfalse\\tfalse\\n"
        XCTAssertEqual(try bash(stub + data[read] + "\n" + loop, environment: ["SOURCE_OUT": listed, "LOG": log.path]), 0)
        let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(calls.count, 2, "\(calls)")
        XCTAssertTrue(calls[1].contains(#"set_parameter -p shop shovel eksodus-migrate-mail out {"src-uri":"amqp://shovel:pw@source.example:5672/shop","src-queue":"mail out","dest-uri":"amqp:///shop","dest-queue":"mail out"}"#), calls[1])
        XCTAssertNotEqual(try bash(stub + data[read], environment: ["SOURCE_OUT": "orders\\tfalse\\tfalse\\n", "LOG": log.path, "FAIL": "src"]), 0, "kubectl failed")
        XCTAssertNotEqual(try bash(stub + data[read], environment: ["SOURCE_OUT": "", "LOG": log.path]), 0, "no queue read")
        XCTAssertNotEqual(try bash(stub + data[read], environment: ["SOURCE_OUT": "replies\\ttrue\\tfalse\\n", "LOG": log.path]), 0, "only an exclusive queue")
        XCTAssertNotEqual(try bash(stub + "QUEUES=orders\n" + loop, environment: ["SOURCE_OUT": "", "LOG": log.path, "FAIL": "eks"]), 0, "a shovel not set")
    }

    func testShovelsStayUntilTheReconnectFindsNoClientAndEmptyQueuesOnTheSource() throws {
        let plan = try demo()
        let promote = try item("promote:prod/data/rabbitmq", in: plan)
        XCTAssertFalse(promote.commands.contains { $0.contains("clear_parameter") }, "publishers are still on the source: \(promote.commands)")
        let running = try XCTUnwrap(promote.commands.first { $0.hasPrefix("{ STATUS=") })
        XCTAssertEqual(try bash(sideStub + running, environment: ["EKS_OUT": "eksodus-migrate-orders\tshop\tdynamic\trunning\n"]), 0)
        XCTAssertNotEqual(try bash(sideStub + running, environment: ["EKS_OUT": "eksodus-migrate-orders\tshop\tdynamic\tstarting\n"]), 0, "a shovel not running")
        XCTAssertNotEqual(try bash(sideStub + running, environment: ["EKS_OUT": ""]), 0, "no shovel listed")
        XCTAssertNotEqual(try bash(sideStub + running, environment: ["EKS_OUT": "x", "FAIL": "eks"]), 0, "kubectl failed")

        let reconnect = try item("reconnect:prod/data/rabbitmq", in: plan).commands
        let connections = try XCTUnwrap(reconnect.firstIndex { $0.contains("list_connections") })
        let drained = try XCTUnwrap(reconnect.firstIndex { $0.contains("list_queues -p 'shop'") && $0.contains("exit bad || n != 0") })
        let cleared = try XCTUnwrap(reconnect.firstIndex { $0.contains("clear_parameter -p") && $0.contains("eksodus-migrate-") })
        XCTAssertTrue(reconnect.firstIndex { $0.contains("rollout restart") }! < connections && connections < drained && drained < cleared, "\(reconnect)")
        XCTAssertTrue(try item("scaledown:prod/data/rabbitmq", in: plan).prerequisites.contains { $0.description == "reconnect:prod/data/rabbitmq" })

        // The demo's broker is 3 standalone brokers (RabbitMQStandaloneBrokersTests): each is read, its list ending in the
        // marker that proves it was listed (a broker no shovel reads may have no connection at all).
        let users = sideStub + reconnect[connections]
        XCTAssertEqual(try bash(users, environment: ["SHOVEL_USER": "shovel", "SOURCE_OUT": "shovel\\nshovel\\neksodus-listed\\n"]), 0)
        XCTAssertEqual(try bash(users, environment: ["SHOVEL_USER": "shovel", "SOURCE_OUT": "eksodus-listed\\n"]), 0, "no connection on a broker")
        XCTAssertNotEqual(try bash(users, environment: ["SHOVEL_USER": "shovel", "SOURCE_OUT": "shovel\\nshop\\neksodus-listed\\n"]), 0, "a client still on the source")
        XCTAssertNotEqual(try bash(users, environment: ["SHOVEL_USER": "shovel", "SOURCE_OUT": "shovel\\n"]), 0, "the listing did not finish")
        XCTAssertNotEqual(try bash(users, environment: ["SHOVEL_USER": "shovel", "SOURCE_OUT": ""]), 0, "nothing listed")
        XCTAssertNotEqual(try bash(users, environment: ["SHOVEL_USER": "shovel", "SOURCE_OUT": "shovel\\n", "FAIL": "src"]), 0, "kubectl failed")
        XCTAssertNotEqual(try bash(users, environment: ["SHOVEL_USER": "", "SOURCE_OUT": "shop\\n"]), 0, "no shovel user given")

        let queues = sideStub + reconnect[drained]
        XCTAssertEqual(try bash(queues, environment: ["SOURCE_OUT": "0\\n0\\n"]), 0)
        XCTAssertNotEqual(try bash(queues, environment: ["SOURCE_OUT": "0\\n3\\n"]), 0, "messages left")
        XCTAssertNotEqual(try bash(queues, environment: ["SOURCE_OUT": "Error: vhost not found\\n"]), 0, "no count read")
        XCTAssertNotEqual(try bash(queues, environment: ["SOURCE_OUT": ""]), 0, "nothing read")
        XCTAssertNotEqual(try bash(queues, environment: ["SOURCE_OUT": "0\\n", "FAIL": "src"]), 0, "kubectl failed")
    }

    /// Sock Shop's broker is a Deployment no consumer names by URL: the default vhost, the plugin on every pod found by
    /// label, and, with no reconnect step to wait for, the drain and the shovels' removal at the promotion.
    func testFixtureBrokerDeploymentGetsThePluginOnEveryPodByLabelAndDrainsAtThePromotion() throws {
        let database = try AppDatabase.inMemory()
        try importPaths([try requireFixtures().appendingPathComponent("02-sock-shop").path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let definitions = try item("definitions:src/sock-shop/rabbitmq", in: plan).commands
        let plugins = try XCTUnwrap(definitions.first { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("rabbitmq-plugins enable") }, "\(definitions)")
        XCTAssertTrue(plugins.contains("get pods -l 'name=rabbitmq' -o name"), plugins)
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-plugins-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: log) }
        let stub = """
            kubectl() {
              case "$*" in
                *"get pods"*) [ "${FAIL:-}" != list ] || return 1; printf '%b' "$PODS_OUT" ;;
                *) [ "${FAIL:-}" != exec ] || return 1; printf '%s\\n' "$*" >> "$LOG" ;;
              esac
            }

            """
        XCTAssertEqual(try bash(stub + plugins, environment: ["PODS_OUT": "pod/rabbitmq-a\\npod/rabbitmq-b\\n", "LOG": log.path]), 0)
        XCTAssertEqual(try String(contentsOf: log, encoding: .utf8).split(separator: "\n").filter { $0.contains("rabbitmq_shovel") }.count, 2, "each pod")
        XCTAssertNotEqual(try bash(stub + plugins, environment: ["PODS_OUT": "", "LOG": log.path]), 0, "no pod found")
        XCTAssertNotEqual(try bash(stub + plugins, environment: ["PODS_OUT": "pod/a\\n", "LOG": log.path, "FAIL": "list"]), 0, "kubectl failed")
        XCTAssertNotEqual(try bash(stub + plugins, environment: ["PODS_OUT": "pod/a\\n", "LOG": log.path, "FAIL": "exec"]), 0, "a pod refused")

        let data = try item("data:src/sock-shop/rabbitmq", in: plan).commands
        XCTAssertTrue(data.contains { $0.contains("set_parameter -p '/' shovel") && $0.contains("'amqp:///%2F'") }, "\(data)")
        let promote = try item("promote:src/sock-shop/rabbitmq", in: plan).commands
        let drained = try XCTUnwrap(promote.firstIndex { $0.contains("list_queues -p '/'") && $0.contains("n != 0") }, "\(promote)")
        XCTAssertLessThan(drained, try XCTUnwrap(promote.firstIndex { $0.contains("clear_parameter -p") }))
    }

    /// A vhost is manifest text: it reaches the broker as one argument and one JSON string, percent-encoded in the URI,
    /// never as shell, and the URL's password never reaches a command.
    func testAHostileVhostStaysOneArgumentAndThePasswordStaysOut() throws {
        let folder = try writeManifests(["mq.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: rabbitmq, namespace: mq}
            spec:
              serviceName: rabbitmq
              replicas: 1
              selector: {matchLabels: {app: rabbitmq}}
              template:
                metadata: {labels: {app: rabbitmq}}
                spec:
                  containers:
                  - {name: rabbitmq, image: "rabbitmq:3.8-management", volumeMounts: [{name: mnesia, mountPath: /var/lib/rabbitmq}]}
              volumeClaimTemplates:
              - metadata: {name: mnesia}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: rabbitmq, namespace: mq}
            spec: {selector: {app: rabbitmq}, ports: [{port: 5672}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: shop, namespace: mq}
            spec:
              selector: {matchLabels: {app: shop}}
              template:
                metadata: {labels: {app: shop}}
                spec:
                  containers:
                  - name: shop
                    image: shop/web:1
                    env: [{name: AMQP_URL, value: "amqp://shop:hunter2-secret@rabbitmq:5672/it's%20$(touch%20pwned)"}]
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let data = try item("data:src/mq/rabbitmq", in: plan).commands
        XCTAssertFalse(plan.items.flatMap { $0.commands + $0.rollbackCommands }.contains { $0.contains("hunter2") }, "the URL's password")
        let read = try XCTUnwrap(data.firstIndex { $0.hasPrefix("{ LISTED=") }, "\(data)")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-vhost-\(UUID().uuidString)")
        let work = try temporaryFolder(self)
        defer { try? FileManager.default.removeItem(at: log) }
        let stub = """
            cd \(ShellQuote.word(work.path))
            kubectl() { case "$*" in *"--context eks"*) printf '[%s]\\n' "$@" >> "$LOG" ;; *) printf 'orders\\tfalse\\tfalse\\n' ;; esac; }
            SOURCE_AMQP_URI='amqp://shovel:pw@source:5672'

            """
        XCTAssertEqual(try bash(stub + data[read] + "\n" + data[read + 1], environment: ["LOG": log.path]), 0)
        let arguments = try String(contentsOf: log, encoding: .utf8)
        XCTAssertTrue(arguments.contains("[-p]\n[it's $(touch pwned)]\n"), arguments)
        XCTAssertTrue(arguments.contains(#""dest-uri":"amqp:///it%27s%20%24%28touch%20pwned%29""#), arguments)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("pwned").path), "nothing ran")
    }

    func testPromotionRollbackStopsTheMigrationShovelsBeforeShovellingBack() throws {
        let rollback = try item("promote:prod/data/rabbitmq", in: try demo()).rollbackCommands
        let stop = try XCTUnwrap(rollback.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("eksodus-migrate-") && $0.contains("clear_parameter") }, "\(rollback)")
        let back = try XCTUnwrap(rollback.firstIndex { $0.contains("--context \"$SOURCE_CONTEXT\"") && $0.contains("set_parameter -p 'shop' shovel \"eksodus-return-$QUEUE\"") })
        XCTAssertLessThan(stop, back, "no message goes round between the brokers")
        XCTAssertTrue(rollback[back].contains("'amqp:///shop'") && rollback[back].contains("\"dest-queue\": $queue"), rollback[back])
    }
}
