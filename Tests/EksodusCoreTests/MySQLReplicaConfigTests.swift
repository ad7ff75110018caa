import Foundation
import XCTest
@testable import EksodusCore

/// The EKS replica's server id and read-only freeze survive a restart: they are put in its container's arguments after
/// the dump, the pod restarts once, and the data step reads both back before replication starts; the promotion takes the
/// freeze out the same way and reads back a writable server with its id. A container with its own command is restarted
/// and read back all the same. The gates run in bash against a `kubectl` answering right, wrong, nothing, or failing.
final class MySQLReplicaConfigTests: XCTestCase {
    func plan(paths: [String]) throws -> TransitionPlan {
        try planImported(paths, target: KubernetesVersion(major: 1, minor: 33)).plan
    }

    func fixturePlan() throws -> TransitionPlan {
        try plan(paths: [try requireFixtures().appendingPathComponent("04-k8s-examples-mysql-wordpress-pd").path])
    }

    func mariadbPlan(image: String, extra: String = "") throws -> TransitionPlan {
        try plan(paths: [try writeManifests(["db.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: shop-db, namespace: shop}
            spec:
              serviceName: shop-db
              selector: {matchLabels: {app: shop-db}}
              template:
                metadata: {labels: {app: shop-db}}
                spec:
                  containers: [{name: db, image: "\(image)", \(extra)volumeMounts: [{name: data, mountPath: /var/lib/mysql}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}}]
            """], test: self).path])
    }

    func item(_ step: String, in plan: TransitionPlan, suffix: String) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText.hasPrefix(step + ":") && $0.keyText.hasSuffix(suffix) }, "no \(step) in \(plan.items.map(\.keyText))")
    }

    func index(_ commands: [String], _ needle: String) throws -> Int {
        try XCTUnwrap(commands.firstIndex { $0.contains(needle) }, "no \(needle) in \(commands)")
    }

    /// The strategic-merge patch a line sends, parsed: a `kubectl` that prints its `-p` argument, `date` as the shell runs it.
    func patch(_ line: String) throws -> [String: Any] {
        let script = "kubectl() { while [ $# -gt 0 ]; do [ \"$1\" = -p ] && printf '%s' \"$2\"; shift; done; }\n" + line
        let text = try GateShell.run(script).output
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// The server id a data step's patch gives EKS.
    func serverID(_ data: [String]) throws -> String {
        let line = try XCTUnwrap(data.first { $0.contains("--type=strategic") })
        return try XCTUnwrap(line.components(separatedBy: "--server-id=").dropFirst().first.map { String($0.prefix { $0.isNumber }) })
    }

    func container(_ patch: [String: Any]) throws -> (name: String?, args: [String], restartedAt: String?) {
        let template = try XCTUnwrap((patch["spec"] as? [String: Any])?["template"] as? [String: Any])
        let annotations = (template["metadata"] as? [String: Any])?["annotations"] as? [String: Any]
        let container = try XCTUnwrap(((template["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first)
        return (container["name"] as? String, container["args"] as? [String] ?? [], annotations?["kubectl.kubernetes.io/restartedAt"] as? String)
    }

    /// A `kubectl` answering `$ID` to a server_id query and `$FROZEN` to a read-only one on EKS, failing with `$FAIL` set.
    let server = """
        kubectl() { [ -z "${FAIL:-}" ] || return 1
          case "$*" in *"--context src"*) return 1;; *server_id*) printf '%b' "${ID:-}";; *read_only*) printf '%b' "${FROZEN:-}";; *) return 1;; esac; }

        """

    func status(_ gate: String, _ environment: [String: String]) throws -> Int32 {
        try GateShell.run(server + gate, environment: environment).status
    }

    func testTheFixtureReplicaKeepsItsIdAndFreezeThroughARestart() throws {
        let plan = try fixturePlan()
        let data = try item("data", in: plan, suffix: "/wordpress-mysql").commands
        let id = try serverID(data)
        XCTAssertGreaterThanOrEqual(Int(id) ?? 0, 100_000, "far from the small ids sources use")
        let dump = try index(data, "mysqldump"), persist = try index(data, "--type=strategic")
        let wait = try index(data, "rollout status"), holds = try index(data, "EKS_FROZEN="), start = try index(data, "START REPLICA")
        XCTAssertEqual([dump, persist, wait, holds, start], [dump, persist, wait, holds, start].sorted(), "after root's import, before replication: \(data)")
        XCTAssertFalse(data.contains { $0.contains("SET PERSIST") || $0.contains("SET GLOBAL server_id") }, "a global lasts until the restart: \(data)")

        let replica = try container(try patch(data[persist]))
        XCTAssertEqual(replica.name, "mysql")
        XCTAssertEqual(replica.args, ["--server-id=\(id)", "--read-only=ON", "--super-read-only=ON"])
        XCTAssertNotNil(replica.restartedAt?.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T", options: .regularExpression), "each patch restarts the pod once: \(replica)")

        let gate = data[holds]
        XCTAssertEqual(try status(gate, ["ID": "\(id)\\n", "FROZEN": "1\\n"]), 0)
        XCTAssertNotEqual(try status(gate, ["ID": "1\\n", "FROZEN": "1\\n"]), 0, "the restart brought the default id back")
        XCTAssertNotEqual(try status(gate, ["ID": "\(id)\\n", "FROZEN": "0\\n"]), 0, "the restart cleared super_read_only")
        XCTAssertNotEqual(try status(gate, ["ID": "", "FROZEN": ""]), 0, "no answer")
        XCTAssertNotEqual(try status(gate, ["ID": "\(id)\\n", "FROZEN": "1\\n", "FAIL": "1"]), 0, "kubectl failed")
        XCTAssertTrue(gate.contains("SELECT @@global.super_read_only"), gate)

        // A re-run's import is not refused by the freeze the first run persisted.
        let thaw = try XCTUnwrap(data.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("SET GLOBAL super_read_only = OFF") }, "\(data)")
        XCTAssertLessThan(thaw, dump)
    }

    func testThePromotionTakesTheFreezeOutOfTheConfigurationAndReadsBackAWritableServer() throws {
        let plan = try fixturePlan()
        let promote = try item("promote", in: plan, suffix: "/wordpress-mysql").commands
        let id = try serverID(try item("data", in: plan, suffix: "/wordpress-mysql").commands)
        let reset = try index(promote, "RESET REPLICA ALL"), persist = try index(promote, "--type=strategic"), holds = try index(promote, "EKS_FROZEN=")
        XCTAssertTrue(reset < persist && persist < holds, "\(promote)")
        XCTAssertEqual(try container(try patch(promote[persist])).args, ["--server-id=\(id)"], "writable, its own id kept")
        let gate = promote[holds]
        XCTAssertEqual(try status(gate, ["ID": "\(id)\\n", "FROZEN": "0\\n"]), 0)
        XCTAssertNotEqual(try status(gate, ["ID": "\(id)\\n", "FROZEN": "1\\n"]), 0, "still read-only after the restart")
        XCTAssertNotEqual(try status(gate, ["ID": "1\\n", "FROZEN": "0\\n"]), 0, "another id")
        XCTAssertNotEqual(try status(gate, ["ID": "", "FROZEN": ""]), 0, "no answer")
        XCTAssertNotEqual(try status(gate, ["ID": "\(id)\\n", "FROZEN": "0\\n", "FAIL": "1"]), 0, "kubectl failed")
    }

    func testMariaDBKeepsReadOnlyAndTheManifestsOwnArguments() throws {
        let plan = try mariadbPlan(image: "mariadb:11.4.2", extra: "args: [\"--character-set-server=utf8mb4\"], ")
        let data = try item("data", in: plan, suffix: "/shop-db").commands
        let replica = try container(try patch(data[try index(data, "--type=strategic")]))
        XCTAssertEqual(replica.name, "db")
        XCTAssertEqual(replica.args.first, "--character-set-server=utf8mb4", "the manifest's own arguments stay: \(replica.args)")
        XCTAssertTrue(replica.args.contains("--read-only=ON") && !replica.args.contains { $0.contains("super") }, "MariaDB has no super_read_only: \(replica.args)")
        let gate = data[try index(data, "EKS_FROZEN=")]
        XCTAssertTrue(gate.contains("SELECT @@global.read_only") && !gate.contains("super_read_only"), gate)
    }

    /// Bitnami's image runs its own script, which would not pass the arguments on: it is restarted and read back instead.
    func testAContainerWithItsOwnCommandIsRestartedAndReadBackWithoutArguments() throws {
        for plan in [try mariadbPlan(image: "docker.io/bitnami/mariadb:11.4.2"),
                     try mariadbPlan(image: "mariadb:11.4.2", extra: "command: [\"/scripts/start.sh\"], ")] {
            let data = try item("data", in: plan, suffix: "/shop-db").commands
            XCTAssertFalse(data.contains { $0.contains("--type=strategic") }, "\(data)")
            let restart = try index(data, "rollout restart"), holds = try index(data, "EKS_FROZEN=")
            XCTAssertLessThan(restart, holds)
            XCTAssertLessThan(holds, try index(data, "START SLAVE"))
            XCTAssertTrue(data[restart - 1].hasPrefix("#") && data[restart - 1].contains("--read-only=ON"), "the engineer is told what to set: \(data[restart - 1])")
        }
    }
}
