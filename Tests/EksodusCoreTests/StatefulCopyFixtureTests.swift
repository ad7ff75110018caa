import Foundation
import XCTest
@testable import EksodusCore

/// The two copies an EKS engineer found losing data, on the fixtures they came from: Cassandra (05) joins the source's
/// ring as a datacenter, gets every keyspace replicated and rebuilt, and leaves the source only by decommissioning it while
/// it runs; Velero copies (10) back up running pods, prove every pod volume moved, and have Velero installed on both sides.
/// The gates run in bash against stand-in `kubectl`s that answer well, badly and not at all.
final class StatefulCopyFixtureTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func plan(_ fixture: String) throws -> TransitionPlan {
        let path = try requireFixtures().appendingPathComponent(fixture).path
        let database = try AppDatabase.inMemory()
        try importPaths([path], cluster: "src", into: database)
        return try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
    }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    /// `script` after the runbook library is loaded, as a step loads it (the gates are its functions).
    func bash(_ script: String, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try GateShell.run(RunbookLibrary.load + "\n" + script, environment: environment)
    }

    // MARK: Cassandra

    static let cassandra = "05-k8s-examples-cassandra"

    func testTheConvertedCassandraJoinsTheSourceRingAsTheEKSDatacenter() throws {
        let path = try requireFixtures().appendingPathComponent(Self.cassandra).path
        let database = try AppDatabase.inMemory()
        try importPaths([path], cluster: "src", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: try database.writer.read { try Estate.load($0) }, to: out)
        let file = try XCTUnwrap(FileManager.default.enumerator(atPath: out.path)?.compactMap { $0 as? String }.first { $0.hasSuffix("statefulset-default-cassandra.yaml") })
        let object = try XCTUnwrap(try ManifestText.objects(String(contentsOf: out.appendingPathComponent(file), encoding: .utf8), name: file).first)
        let env = try XCTUnwrap(object["spec", "template", "spec", "containers"]?.items.first?["env"]?.items)
        let names = env.compactMap { $0["name"]?.string }
        func value(_ name: String) -> String? { env.first { $0["name"]?.string == name }?["value"]?.string }

        XCTAssertEqual(value("CASSANDRA_DC"), CassandraDatacenter.eksDatacenter, "the source's DC1-K8Demo would make it a second ring of the same datacenter")
        XCTAssertEqual(value("CASSANDRA_CLUSTER_NAME"), "K8Demo", "the source refuses nodes of another cluster name")
        XCTAssertEqual(value("CASSANDRA_ENDPOINT_SNITCH"), "GossipingPropertyFileSnitch")
        XCTAssertEqual(value("CASSANDRA_SEED_PROVIDER"), "org.apache.cassandra.locator.SimpleSeedProvider", "Kubernetes' provider finds only this cluster's pods")
        XCTAssertEqual(value("CASSANDRA_SEEDS"), "$(CASSANDRA_SOURCE_SEEDS),cassandra-0.cassandra.default.svc.cluster.local", "source seeds first, then its own")
        let seeds = try XCTUnwrap(env.first { $0["name"]?.string == "CASSANDRA_SOURCE_SEEDS" })
        XCTAssertEqual(seeds["valueFrom", "configMapKeyRef", "name"]?.string, "cassandra-source-seeds")
        XCTAssertEqual(seeds["valueFrom", "configMapKeyRef", "key"]?.string, "seeds")
        XCTAssertLessThan(try XCTUnwrap(names.firstIndex(of: "CASSANDRA_SOURCE_SEEDS")), try XCTUnwrap(names.firstIndex(of: "CASSANDRA_SEEDS")),
                          "$(VAR) expands only variables defined before it")
        XCTAssertEqual(Set(names).count, names.count, "no variable twice: \(names)")
    }

    func testTheCassandraRunbookAddsADatacenterAndDecommissionsTheSourceWhileItRuns() throws {
        let plan = try plan(Self.cassandra)
        let handle = "src/default/cassandra"
        let deploy = try item("deploy:\(handle)", in: plan).commands
        let apply = try XCTUnwrap(deploy.firstIndex { $0.contains("apply -f") && $0.contains("statefulset-default-cassandra.yaml") })
        let configMap = try XCTUnwrap(deploy.firstIndex { $0.contains("create configmap 'cassandra-source-seeds' --from-literal=seeds=\"$CASSANDRA_SOURCE_SEEDS\"") })
        let gossip = try XCTUnwrap(deploy.firstIndex { $0.contains("nc -z -w 5") && $0.contains("7000") })
        let snitch = try XCTUnwrap(deploy.firstIndex { $0.contains("GossipingPropertyFileSnitch") && $0.contains("$SOURCE_CONTEXT") })
        XCTAssertTrue([configMap, gossip, snitch].allSatisfy { $0 < apply }, "prerequisites before the pods start: \(deploy)")

        let data = try item("data:\(handle)", in: plan).commands
        let alter = try XCTUnwrap(data.firstIndex { $0.contains("ALTER KEYSPACE") && $0.contains("system_schema.keyspaces") })
        let rebuild = try XCTUnwrap(data.firstIndex { $0.contains("nodetool rebuild -- \"$SOURCE_DC\"") })
        XCTAssertLessThan(alter, rebuild, "a rebuild before the ALTER streams nothing")
        XCTAssertTrue(data[rebuild].contains("seq 0 2") && data[rebuild].contains("--context \"$EKS_CONTEXT\""), "each of the 3 EKS nodes: \(data[rebuild])")

        for step in ["freeze", "promote"] {
            let commands = try item("\(step):\(handle)", in: plan).commands
            XCTAssertFalse(commands.contains { $0.contains("--replicas=0") || $0.contains("decommission") && !$0.hasPrefix("#") },
                           "\(step) must not stop the source before it leaves the ring: \(commands)")
        }
        let retire = try item("scaledown:\(handle)", in: plan).commands
        let repair = try XCTUnwrap(retire.firstIndex { $0.contains("nodetool repair --full") })
        let drop = try XCTUnwrap(retire.firstIndex { $0.contains("drop-source") && $0.contains("$EKS_CONTEXT") })
        let decommission = try XCTUnwrap(retire.firstIndex { $0.contains("nodetool decommission") && $0.contains("seq 2 -1 0") })
        let onlyEKS = try XCTUnwrap(retire.firstIndex { $0.contains("want_others=0") })
        let scale = try XCTUnwrap(retire.firstIndex { $0.contains("--replicas=0") })
        XCTAssertEqual([repair, drop, decommission, onlyEKS, scale], [repair, drop, decommission, onlyEKS, scale].sorted(), "\(retire)")
        XCTAssertTrue(try item("data:\(handle)", in: plan).rollbackCommands.contains { $0.contains("drop-eks") }, "the rollback takes the keyspaces off EKS first")
    }

    /// `nodetool status` as a 3.x node prints it, with `$STATUS_EKS` / `$STATUS_SOURCE` as the states.
    static let ringStub = """
        kubectl() {
          case "$*" in
            *"nodetool status"*)
              [ -n "$NO_ANSWER" ] && return 1
              printf 'Datacenter: DC1-K8Demo\\n==========\\nStatus=Up/Down\\n|/ State=Normal/Leaving/Joining/Moving\\n--  Address  Load  Tokens  Owns  Host ID  Rack\\n'
              [ -n "$NO_SOURCE" ] || printf '%s  10.1.0.%s  100 KiB  32  ?  h  Rack1\\n' "$STATUS_SOURCE" 1 "$STATUS_SOURCE" 2
              printf 'Datacenter: eks\\n==========\\n'
              for i in $EKS_NODES; do printf '%s  192.168.0.%s  90 KiB  32  ?  h  Rack1\\n' "$STATUS_EKS" "$i"; done ;;
          esac
        }
        """

    func testTheRingGatesFailUnlessEveryNodeOfBothDatacentersIsUp() throws {
        let plan = try plan(Self.cassandra)
        let verify = try item("data-verify:src/default/cassandra", in: plan).commands
        let gate = try XCTUnwrap(verify.first { $0.contains("nodetool status") && $0.contains("$EKS_CONTEXT") })
        let good = ["STATUS_SOURCE": "UN", "STATUS_EKS": "UN", "EKS_NODES": "0 1 2"]
        XCTAssertEqual(try bash(Self.ringStub + "\n" + gate, environment: good).status, 0)
        XCTAssertNotEqual(try bash(Self.ringStub + "\n" + gate, environment: good.merging(["STATUS_EKS": "UJ"]) { $1 }).status, 0, "a node still joining")
        XCTAssertNotEqual(try bash(Self.ringStub + "\n" + gate, environment: good.merging(["STATUS_SOURCE": "DN"]) { $1 }).status, 0, "a source node down")
        XCTAssertNotEqual(try bash(Self.ringStub + "\n" + gate, environment: good.merging(["EKS_NODES": "0 1"]) { $1 }).status, 0, "an EKS node missing")
        XCTAssertNotEqual(try bash(Self.ringStub + "\n" + gate, environment: good.merging(["NO_SOURCE": "1"]) { $1 }).status, 0, "a separate ring: no source datacenter")
        XCTAssertNotEqual(try bash(Self.ringStub + "\n" + gate, environment: good.merging(["NO_ANSWER": "1"]) { $1 }).status, 0, "no answer")
        XCTAssertNotEqual(try bash("kubectl() { :; }\n" + gate).status, 0, "empty output")

        let retire = try item("scaledown:src/default/cassandra", in: plan).commands
        let onlyEKS = try XCTUnwrap(retire.first { $0.contains("want_others=0") })
        XCTAssertEqual(try bash(Self.ringStub + "\n" + onlyEKS, environment: good.merging(["NO_SOURCE": "1"]) { $1 }).status, 0)
        XCTAssertNotEqual(try bash(Self.ringStub + "\n" + onlyEKS, environment: good).status, 0, "source nodes still in the ring")
    }

    /// cqlsh's keyspace table, right-aligned as it prints it; `exec -i` (the ALTERs on stdin) is written to `$APPLIED`.
    static let cqlshStub = """
        kubectl() {
          case "$*" in
            *"exec -i"*) cat > "$APPLIED" ;;
            *"nodetool info"*) printf 'ID : 1\\nData Center : %s\\nRack : Rack1\\n' "${SOURCE_DC_NAME:-DC1-K8Demo}" ;;
            *system_schema.keyspaces*)
              [ -n "$NO_ANSWER" ] && return 0
              printf '\\n keyspace_name      | replication\\n--------------------+------------\\n'
              printf '        system_auth | {%s}\\n' "'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'"
              printf '      system_schema |    {%s}\\n' "'class': 'org.apache.cassandra.locator.LocalStrategy'"
              printf '             system |    {%s}\\n' "'class': 'org.apache.cassandra.locator.LocalStrategy'"
              printf '      system_traces | {%s}\\n' "'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '2'"
              printf '%19s | {%s}\\n' "${APP_KEYSPACE:-shop}" "'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'DC1-K8Demo': '3'$EXTRA"
              printf '\\n(5 rows)\\n' ;;
          esac
        }
        """

    func testTheKeyspacesAreReadLiveAndAlteredToReplicateToEKS() throws {
        let plan = try plan(Self.cassandra)
        let data = try item("data:src/default/cassandra", in: plan).commands
        let folder = try temporaryFolder(self)
        let applied = folder.appendingPathComponent("applied.cql").path
        let steps = data.filter { $0.hasPrefix("SOURCE_DC=") || $0.contains("ALTER KEYSPACE") }
        XCTAssertEqual(steps.count, 2, "\(data)")
        let script = "cd " + ShellQuote.word(folder.path) + "\n" + Self.cqlshStub + "\n" + steps.joined(separator: " &&\n")
        XCTAssertEqual(try bash(script, environment: ["APPLIED": applied]).status, 0)
        let statements = try String(contentsOfFile: applied, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(statements, [
            "ALTER KEYSPACE \"system_auth\" WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'DC1-K8Demo': '1', 'eks': '3'};",
            "ALTER KEYSPACE \"system_traces\" WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'DC1-K8Demo': '2', 'eks': '3'};",
            "ALTER KEYSPACE \"shop\" WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'DC1-K8Demo': '3', 'eks': '3'};",
        ], "the source factors kept, node-local keyspaces left alone")

        try? FileManager.default.removeItem(atPath: applied)
        XCTAssertNotEqual(try bash(script, environment: ["APPLIED": applied, "NO_ANSWER": "1"]).status, 0, "no keyspace read")
        XCTAssertFalse(FileManager.default.fileExists(atPath: applied), "nothing runs on a failed read")
        XCTAssertNotEqual(try bash(script, environment: ["APPLIED": applied, "APP_KEYSPACE": "x\";DROP"]).status, 0, "a name CQL cannot carry")
        XCTAssertFalse(FileManager.default.fileExists(atPath: applied))
        XCTAssertNotEqual(try bash(script, environment: ["APPLIED": applied, "SOURCE_DC_NAME": "a'b"]).status, 0, "a datacenter name CQL cannot carry")
        XCTAssertFalse(FileManager.default.fileExists(atPath: applied))

        // Before the EKS nodes join, SimpleStrategy keyspaces become NetworkTopologyStrategy in the source datacenter only.
        let deploy = try item("deploy:src/default/cassandra", in: plan).commands
        let topology = try XCTUnwrap(deploy.firstIndex { $0.contains("network-topology") })
        XCTAssertLessThan(topology, try XCTUnwrap(deploy.firstIndex { $0.contains("apply -f") && $0.contains("statefulset") }))
        try? FileManager.default.removeItem(atPath: applied)
        let readDatacenter = try XCTUnwrap(deploy.first { $0.hasPrefix("SOURCE_DC=") })
        let before = "cd " + ShellQuote.word(folder.path) + "\n" + Self.cqlshStub + "\n" + readDatacenter + " &&\n" + deploy[topology]
        XCTAssertEqual(try bash(before, environment: ["APPLIED": applied]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: applied, encoding: .utf8).split(separator: "\n").map(String.init), [
            "ALTER KEYSPACE \"system_auth\" WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'DC1-K8Demo': '1'};",
            "ALTER KEYSPACE \"system_traces\" WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'DC1-K8Demo': '2'};",
        ])

        // Verify: every keyspace that is not node-local names eks, or the gate fails.
        let gate = try XCTUnwrap(try item("data-verify:src/default/cassandra", in: plan).commands.first { $0.contains("does not replicate") })
        XCTAssertNotEqual(try bash(Self.cqlshStub + "\n" + gate).status, 0, "the source-only keyspaces")
        XCTAssertNotEqual(try bash(Self.cqlshStub + "\n" + gate, environment: ["NO_ANSWER": "1"]).status, 0, "no answer")
        let replicated = Self.cqlshStub.replacingOccurrences(of: "'replication_factor': '1'", with: "'replication_factor': '1', 'eks': '3'")
            .replacingOccurrences(of: "'replication_factor': '2'", with: "'replication_factor': '2', 'eks': '3'")
        XCTAssertEqual(try bash(replicated + "\n" + gate, environment: ["EXTRA": ", 'eks': '3'"]).status, 0)

        // The retirement takes the source datacenter out and keeps eks.
        let drop = try XCTUnwrap(try item("scaledown:src/default/cassandra", in: plan).commands.first { $0.contains("drop-source") })
        XCTAssertEqual(try bash("cd " + ShellQuote.word(folder.path) + "\n" + replicated + "\nSOURCE_DC=DC1-K8Demo\n" + drop, environment: ["APPLIED": applied, "EXTRA": ", 'eks': '3'"]).status, 0)
        XCTAssertTrue(try String(contentsOfFile: applied, encoding: .utf8).contains("ALTER KEYSPACE \"shop\" WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'eks': '3'};"))
    }

    // MARK: Velero

    static let storage = "10-k8s-examples-intree-storage"

    func testVeleroIsInstalledOnBothSidesAndTheSourceKeepsRunningThroughTheBackup() throws {
        let plan = try plan(Self.storage)
        let install = try item("plan:backup:src", in: plan)
        XCTAssertTrue(try item("plan:platform:src", in: plan).waitsFor.contains("plan:backup:src"), "no wave before Velero runs on both sides")
        XCTAssertTrue(install.commands.contains { $0.hasPrefix("velero install --kubecontext \"$EKS_CONTEXT\"") && $0.contains("--no-secret") && $0.contains("--use-node-agent") })
        XCTAssertTrue(install.commands.contains { $0.hasPrefix("velero install --kubecontext \"$SOURCE_CONTEXT\"") && $0.contains("--secret-file \"$VELERO_CREDENTIALS_FILE\"") })
        XCTAssertTrue(install.commands.contains { $0.contains("create-pod-identity-association") && $0.contains("--service-account velero") })
        XCTAssertEqual(install.commands.filter { $0.contains("--bucket \"$VELERO_BUCKET\" --prefix 'src'") }.count, 2, "one location for both")
        XCTAssertFalse(install.commands.contains { $0.contains("aws_secret_access_key=") || $0.contains("--access-key") }, "no key in argv")

        for name in ["nfs-server", "server"] {
            let handle = "src/default/\(name)"
            let freeze = try item("freeze:\(handle)", in: plan).commands
            XCTAssertFalse(freeze.contains { $0.contains("--replicas=0") }, "a scaled-down pod has no volume to back up: \(freeze)")
            let data = try item("data:\(handle)", in: plan).commands
            let backup = try XCTUnwrap(data.firstIndex { $0.contains("backup create") && $0.contains("--default-volumes-to-fs-backup") })
            let checked = try XCTUnwrap(data.firstIndex { $0.hasPrefix("eksodus_velero_volumes source backup ") })
            let restore = try XCTUnwrap(data.firstIndex { $0.contains("restore create") })
            let restored = try XCTUnwrap(data.firstIndex { $0.hasPrefix("eksodus_velero_volumes eks restore ") })
            XCTAssertEqual([backup, checked, restore, restored], [backup, checked, restore, restored].sorted(), "\(data)")
            let scaledown = try item("scaledown:\(handle)", in: plan)
            XCTAssertTrue(scaledown.commands.contains { $0.contains("--replicas=0") }, "the source stops at its retirement, after the verify")
        }
    }

    /// Velero's objects: `$PHASE` for backups and restores, `$COPIES` (a JSON list) for their pod volume copies.
    static let veleroStub = """
        kubectl() {
          [ -n "$NO_ANSWER" ] && return 1
          case "$*" in
            *podvolume*) printf '%s' "$COPIES" ;;
            *"get backups"*|*"get restores"*) printf '%s' "$PHASE" ;;
            *"get pods"*) [ -n "$PODS" ] && printf '%s\\n' $PODS ;;
          esac
        }
        """

    /// A PodVolumeBackup (or PodVolumeRestore) as `kubectl get -o json` lists it: its pod, that pod's volume, its phase.
    static func copy(namespace: String = "default", pod: String, volume: String, phase: String = "Completed") -> String {
        #"{"spec": {"pod": {"kind": "Pod", "namespace": "\#(namespace)", "name": "\#(pod)"}, "volume": "\#(volume)"}, "status": {"phase": "\#(phase)"}}"#
    }

    static func copies(_ items: [String]) -> String { #"{"apiVersion": "v1", "kind": "List", "items": ["# + items.joined(separator: ", ") + "]}" }

    /// A StatefulSet's templates give each pod a claim of its own: each pod's copy of it is wanted, and another pod's
    /// copy, or the pods' emptyDir, stands in for none.
    func testEachPodOfAStatefulSetNeedsACopyOfItsOwnClaim() throws {
        let folder = try writeManifests(["ledger.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: ledger, namespace: books}
            spec:
              serviceName: ledger
              replicas: 2
              selector: {matchLabels: {app: ledger}}
              template:
                metadata: {labels: {app: ledger}}
                spec:
                  containers:
                  - {name: ledger, image: "registry.example.com/books/ledger:4.2", volumeMounts: [{name: journal, mountPath: /var/lib/ledger}, {name: scratch, mountPath: /tmp}]}
                  volumes: [{name: scratch, emptyDir: {}}]
              volumeClaimTemplates:
              - metadata: {name: journal}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
            """], test: self)
        let plan = try planImported([folder.path]).plan
        let data = try item("data:src/books/ledger", in: plan).commands
        let volumes = data.filter { $0.hasPrefix("eksodus_velero_volumes ") }
        XCTAssertEqual(volumes.count, 2, "the backup's and the restore's: \(data)")
        let both = Self.copies([Self.copy(namespace: "books", pod: "ledger-0", volume: "journal"), Self.copy(namespace: "books", pod: "ledger-1", volume: "journal"),
                                Self.copy(namespace: "books", pod: "ledger-0", volume: "scratch")])
        let short = Self.copies([Self.copy(namespace: "books", pod: "ledger-0", volume: "journal"), Self.copy(namespace: "books", pod: "ledger-0", volume: "scratch"),
                                 Self.copy(namespace: "books", pod: "ledger-1", volume: "scratch")])
        let twice = Self.copies([Self.copy(namespace: "books", pod: "ledger-0", volume: "journal"), Self.copy(namespace: "books", pod: "ledger-0", volume: "journal")])
        for gate in volumes {
            XCTAssertEqual(try bash(Self.veleroStub + "\n" + gate, environment: ["COPIES": both]).status, 0, gate)
            XCTAssertNotEqual(try bash(Self.veleroStub + "\n" + gate, environment: ["COPIES": short]).status, 0, "ledger-1's journal not copied, its emptyDir was")
            XCTAssertNotEqual(try bash(Self.veleroStub + "\n" + gate, environment: ["COPIES": twice]).status, 0, "two copies, both of ledger-0's")
        }
    }

    func testTheVeleroGatesFailOnAnEmptyOrIncompleteCopy() throws {
        let plan = try plan(Self.storage)
        let data = try item("data:src/default/nfs-server", in: plan).commands
        let gates = data.filter { $0.hasPrefix("eksodus_velero_") }
        XCTAssertEqual(gates.count, 5, "backup, its volumes, its sync to EKS, the restore, its volumes: \(data)")
        // nfs-server's pod mounts claim nfs-pv-provisioning-demo as volume mypvc; its emptyDir would be copied too.
        let claim = Self.copy(pod: "nfs-server-5d9c", volume: "mypvc"), emptyDir = Self.copy(pod: "nfs-server-5d9c", volume: "cache")
        for gate in gates {
            XCTAssertEqual(try bash(Self.veleroStub + "\n" + gate, environment: ["PHASE": "Completed", "COPIES": Self.copies([claim, emptyDir])]).status, 0, gate)
            XCTAssertNotEqual(try bash(Self.veleroStub + "\n" + gate, environment: ["NO_ANSWER": "1"]).status, 0, gate)
            XCTAssertNotEqual(try bash("kubectl() { :; }\n" + gate).status, 0, "empty output: \(gate)")
        }
        let volumes = gates.filter { $0.hasPrefix("eksodus_velero_volumes ") }
        XCTAssertEqual(volumes.count, 2)
        let cases: [(String, String)] = [
            ("no pod volume copied: the backup of a stopped pod", Self.copies([])),
            ("only the emptyDir copied: the claim was not", Self.copies([emptyDir])),
            ("the claim's copy Failed", Self.copies([Self.copy(pod: "nfs-server-5d9c", volume: "mypvc", phase: "Failed"), emptyDir])),
            ("the claim's copy still InProgress", Self.copies([Self.copy(pod: "nfs-server-5d9c", volume: "mypvc", phase: "InProgress")])),
            ("a copy of another namespace's pod", Self.copies([Self.copy(namespace: "other", pod: "nfs-server-5d9c", volume: "mypvc")])),
            ("not JSON", "No resources found in velero namespace."),
        ]
        for gate in volumes {
            for (why, copies) in cases {
                XCTAssertNotEqual(try bash(Self.veleroStub + "\n" + gate, environment: ["COPIES": copies]).status, 0, why)
                XCTAssertNotEqual(try bash("set -o pipefail\n" + Self.veleroStub + "\n" + gate, environment: ["COPIES": copies]).status, 0, why)
            }
        }
        for gate in gates where gate.hasPrefix("eksodus_velero_completed ") {
            XCTAssertNotEqual(try bash(Self.veleroStub + "\n" + gate, environment: ["PHASE": "PartiallyFailed"]).status, 0, gate)
        }

        let running = try XCTUnwrap(try item("freeze:src/default/nfs-server", in: plan).commands.first { $0.contains("get pods") })
        XCTAssertEqual(try bash(Self.veleroStub + "\n" + running, environment: ["PODS": "Running"]).status, 0)
        XCTAssertNotEqual(try bash(Self.veleroStub + "\n" + running, environment: ["PODS": ""]).status, 0, "no pod: nothing to back up")
        XCTAssertNotEqual(try bash(Self.veleroStub + "\n" + running, environment: ["PODS": "Pending"]).status, 0)

        // The role's policies are JSON AWS accepts, naming the bucket the engineer gives and nothing wider.
        let policies = try item("plan:backup:src", in: plan).commands.filter { $0.contains("--policy-document") || $0.contains("--assume-role-policy-document") }
        XCTAssertEqual(policies.count, 2, "the trust and the bucket policy")
        for line in policies {
            let printed = try bash("aws() { while [ $# -gt 0 ]; do case \"$1\" in *-document) printf '%s' \"$2\"; shift ;; esac; shift; done; }\n" + line,
                                   environment: ["VELERO_BUCKET": "velero-moves"])
            let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(printed.output.utf8)) as? [String: Any], printed.output)
            XCTAssertEqual(document["Version"] as? String, "2012-10-17")
            if line.contains("put-role-policy") {
                XCTAssertTrue(printed.output.contains("arn:aws:s3:::velero-moves/*") && printed.output.contains("arn:aws:s3:::velero-moves\""), printed.output)
                XCTAssertFalse(printed.output.contains("\"*\""), "no wildcard resource")
            }
        }

        let ready = try item("plan:backup:src", in: plan).commands.filter { $0.contains("Available") }
        XCTAssertEqual(ready.count, 2, "both locations checked")
        for gate in ready {
            XCTAssertEqual(try bash("kubectl() { printf Available; }\n" + gate).status, 0)
            XCTAssertNotEqual(try bash("kubectl() { printf Unavailable; }\n" + gate).status, 0)
            XCTAssertNotEqual(try bash("kubectl() { :; }\n" + gate).status, 0)
        }
    }
}
