import Foundation
import XCTest
@testable import EksodusCore

/// decommission:sources backs each source up through its own context, with Velero installed where it is missing, every
/// claim read by a running pod and the backup counted only when it is Completed with a Completed pod volume backup per
/// claim (demo, fixture 10). The gates run in bash against stand-ins that answer well, badly, wrongly and not at all.
final class FinalBackupTests: XCTestCase {
    func fixturePlan(_ fixture: String) throws -> TransitionPlan {
        try planImported([try requireFixtures().appendingPathComponent(fixture).path]).plan
    }

    func bash(_ script: String, _ environment: [String: String] = [:]) throws -> Int32 {
        try GateShell.run(script, environment: environment).status
    }

    func index(_ commands: [String], _ what: String, _ test: (String) -> Bool) throws -> Int {
        try XCTUnwrap(commands.firstIndex(where: test), "\(what): \(commands)")
    }

    func decommission(_ plan: TransitionPlan) throws -> [String] {
        try XCTUnwrap(plan.items.first { $0.keyText == "decommission:sources" }, "no decommission:sources").commands
    }


    func testEachSourceIsBackedUpThroughItsOwnContextWithItsVolumesBeforeAnythingGoes() throws {
        let commands = try decommission(try DemoPlanOnce.plan())
        XCTAssertFalse(commands.contains { $0.contains("\"$SOURCE_CONTEXT\"") }, "one context for two clusters: \(commands)")
        for (cluster, variable) in [("staging", "SOURCE_CONTEXT_STAGING"), ("prod", "SOURCE_CONTEXT_PROD")] {
            let context = "\"$\(variable)\""
            let mine = commands.filter { $0.contains(context) && !$0.hasPrefix("{ SERVERS=") }
            XCTAssertFalse(mine.contains { ($0.contains("'final-") || $0.contains("=final-")) && !$0.contains("final-\(cluster)'") }, "\(cluster)'s context backs up another cluster")
            let install = try index(mine, "Velero installed where missing") { $0.contains("get deployment velero") && $0.contains("|| {") && $0.contains("velero install --kubecontext \(context)") && $0.contains("--use-node-agent") }
            let agent = try index(mine, "node-agent running") { $0.contains("rollout status daemonset/node-agent") }
            let readers = try index(mine, "a reader pod per claim") { $0.contains("jq -n --arg c") && $0.contains("persistentVolumeClaim") }
            let ready = try index(mine, "readers running") { $0.contains("wait pods -A") && $0.contains("condition=Ready") }
            let backup = try index(mine, "backup of every volume") { $0.hasPrefix("velero --kubecontext \(context) backup create 'final-\(cluster)'") && $0.contains("--default-volumes-to-fs-backup") }
            let completed = try index(mine, "Completed gate") { $0.contains("get backups.velero.io 'final-\(cluster)'") }
            let volumes = try index(mine, "pod volume gate") { $0.contains("podvolumebackups.velero.io") && $0.contains("velero.io/backup-name=final-\(cluster)") }
            let cleanup = try index(mine, "readers deleted") { $0.contains("delete pods -A") }
            XCTAssertEqual([install, agent, readers, ready, backup, completed, volumes, cleanup], [install, agent, readers, ready, backup, completed, volumes, cleanup].sorted(), "\(mine)")
        }
        let servers = try XCTUnwrap(commands.first { $0.hasPrefix("{ SERVERS=") })
        XCTAssertLessThan(try index(commands, "servers") { $0 == servers }, try index(commands, "first backup") { $0.contains("backup create") })
    }

    func testASingleSourceKeepsTheUsualContextAndItsClaimsAreRead() throws {
        let commands = try decommission(try fixturePlan("10-k8s-examples-intree-storage"))
        XCTAssertFalse(commands.contains { $0.contains("SOURCE_CONTEXT_") }, "\(commands)")
        XCTAssertTrue(commands.contains { $0.hasPrefix("velero --kubecontext \"$SOURCE_CONTEXT\" backup create 'final-src'") && $0.contains("--default-volumes-to-fs-backup") })
        XCTAssertTrue(commands.contains { $0.contains("podvolumebackups.velero.io") }, "fixture 10 has claims: a backup without their data must fail")
    }

    func testContextVariablesAreShellNamesAndNeverShared() {
        XCTAssertEqual(FinalBackup.contextVariables(["prod"]), ["SOURCE_CONTEXT"])
        let names = FinalBackup.contextVariables(["prod-a", "prod_a", "$(rm -rf ~)", "zürich"])
        XCTAssertEqual(names, ["SOURCE_CONTEXT_PROD_A", "SOURCE_CONTEXT_PROD_A_2", "SOURCE_CONTEXT___RM__RF___", "SOURCE_CONTEXT_Z_RICH"])
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertTrue(names.allSatisfy { $0.range(of: "^[A-Z_][A-Z0-9_]*$", options: .regularExpression) != nil })
    }

    /// `kubectl config view` answers `$SERVER_<context>`; everything else the gate asks is left to other stubs.
    static let configStub = #"kubectl() { [ -n "${FAIL:-}" ] && return 1; case "$*" in *"config view"*) eval "printf '%s' \"\${SERVER_$5:-}\"" ;; esac; }"#

    func testTheContextsMustBeSetAndNameDifferentServers() throws {
        let commands = try decommission(try DemoPlanOnce.plan())
        let checks = commands.filter { $0.hasPrefix("test -n \"${SOURCE_CONTEXT_") || $0.hasPrefix("{ SERVERS=") }
        XCTAssertEqual(checks.count, 3, "two set, one distinct: \(commands)")
        let script = Self.configStub + "\nSOURCE_CONTEXT_STAGING=st; SOURCE_CONTEXT_PROD=pr\n" + checks.joined(separator: "\n")
        let set = "\nset -e\n"
        XCTAssertEqual(try bash(set + script, ["SERVER_st": "https://a", "SERVER_pr": "https://b"]), 0)
        XCTAssertNotEqual(try bash(set + script, ["SERVER_st": "https://a", "SERVER_pr": "https://a"]), 0, "both contexts reach one cluster")
        XCTAssertNotEqual(try bash(set + script, ["SERVER_st": "https://a"]), 0, "a context without a server")
        XCTAssertNotEqual(try bash(set + script, ["FAIL": "1", "SERVER_st": "https://a", "SERVER_pr": "https://b"]), 0, "kubectl failed")
        XCTAssertNotEqual(try bash(set + Self.configStub + "\nSOURCE_CONTEXT_PROD=pr\n" + checks.joined(separator: "\n"), ["SERVER_pr": "https://b"]), 0, "staging's context unset")
    }

    /// Velero's answers: `$PHASE` for the backup.
    static let veleroStub = """
        kubectl() {
          [ -n "${NO_ANSWER:-}" ] && return 1
          case "$*" in
            *"get backups"*) printf '%s' "${PHASE:-}" ;;
          esac
        }
        """

    func testTheFinalBackupCountsOnlyOnceItIsCompleted() throws {
        let commands = try decommission(try DemoPlanOnce.plan()).filter { $0.contains("'final-prod'") || $0.contains("final-prod\"") || $0.contains("=final-prod") }
        let phase = try XCTUnwrap(commands.first { $0.contains("get backups.velero.io") })
        let run = { (gate: String, environment: [String: String]) in try self.bash(Self.veleroStub + "\nSOURCE_CONTEXT_PROD=pr\n" + gate, environment) }
        XCTAssertEqual(try run(phase, ["PHASE": "Completed"]), 0)
        XCTAssertNotEqual(try run(phase, ["PHASE": "PartiallyFailed"]), 0)
        XCTAssertNotEqual(try run(phase, [:]), 0, "no answer")
        XCTAssertNotEqual(try run(phase, ["NO_ANSWER": "1", "PHASE": "Completed"]), 0)
    }

    /// The cluster as the volume gate reads it, in JSON: `$CLAIMS`, `$READERS` and `$COPIES` answer the claims, the
    /// reader pods and the backup's pod volume backups; `$FAIL` names the one that fails.
    static let jsonStub = """
        kubectl() {
          case "$*" in
            *"get pvc -A -o json") [ "${FAIL:-}" != pvc ] && printf '%s' "${CLAIMS:-}" ;;
            *"get pods -A -l eksodus.io/final-backup=reader -o json") [ "${FAIL:-}" != pods ] && printf '%s' "${READERS:-}" ;;
            *"-n velero get podvolumebackups.velero.io -l velero.io/backup-name=final-prod -o json") [ "${FAIL:-}" != copies ] && printf '%s' "${COPIES:-}" ;;
            *) return 1 ;;
          esac
        }
        """

    static func list(_ items: [String]) -> String { #"{"apiVersion": "v1", "kind": "List", "items": ["# + items.joined(separator: ", ") + "]}" }
    static func claims(_ claims: [(ns: String, name: String, phase: String)]) -> String {
        list(claims.map { #"{"metadata": {"namespace": "\#($0.ns)", "name": "\#($0.name)"}, "status": {"phase": "\#($0.phase)"}}"# })
    }
    static func readers(_ readers: [(ns: String, pod: String, claim: String)]) -> String {
        list(readers.map { #"{"metadata": {"namespace": "\#($0.ns)", "name": "\#($0.pod)"}, "spec": {"volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "\#($0.claim)", "readOnly": true}}]}}"# })
    }
    static func copies(_ copies: [(ns: String, pod: String, volume: String, phase: String)]) -> String {
        list(copies.map { #"{"spec": {"pod": {"kind": "Pod", "namespace": "\#($0.ns)", "name": "\#($0.pod)"}, "volume": "\#($0.volume)"}, "status": {"phase": "\#($0.phase)"}}"# })
    }

    func testTheFinalVolumeGateWantsACompletedBackupOfEveryBoundClaimsReader() throws {
        let volumes = try XCTUnwrap(try decommission(try DemoPlanOnce.plan()).first { $0.contains("podvolumebackups.velero.io") && $0.contains("=final-prod") })
        let boundClaims = Self.claims([("shop", "orders-data", "Bound"), ("data", "pg", "Bound"), ("shop", "unused", "Pending")])
        let bothReaders = Self.readers([("shop", "eksodus-final-1", "orders-data"), ("data", "eksodus-final-2", "pg")])
        // CoreDNS's emptyDir is backed up too (file-system backup takes emptyDirs): it must not count for a claim.
        let emptyDir = (ns: "kube-system", pod: "coredns-7d8f", volume: "tmp", phase: "Completed")
        let good = ["CLAIMS": boundClaims, "READERS": bothReaders,
                    "COPIES": Self.copies([("shop", "eksodus-final-1", "data", "Completed"), ("data", "eksodus-final-2", "data", "Completed"), emptyDir])]
        let run = { (environment: [String: String]) in try self.bash(Self.jsonStub + "\nSOURCE_CONTEXT_PROD=pr\n" + volumes, good.merging(environment) { $1 }) }
        XCTAssertEqual(try run([:]), 0)
        let cases: [(String, [String: String])] = [
            ("a claim's backup missing, an emptyDir's in its place", ["COPIES": Self.copies([("shop", "eksodus-final-1", "data", "Completed"), emptyDir])]),
            ("a claim's backup Failed", ["COPIES": Self.copies([("shop", "eksodus-final-1", "data", "Completed"), ("data", "eksodus-final-2", "data", "Failed"), emptyDir])]),
            ("a backup of another namespace's pod of that name", ["COPIES": Self.copies([("shop", "eksodus-final-1", "data", "Completed"), ("shop", "eksodus-final-2", "data", "Completed")])]),
            ("no pod volume backed up: the plain backup of the review", ["COPIES": Self.copies([])]),
            ("a claim without its reader", ["READERS": Self.readers([("shop", "eksodus-final-1", "orders-data")])]),
            ("a reader on another claim", ["READERS": Self.readers([("shop", "eksodus-final-1", "orders-data"), ("data", "eksodus-final-2", "other")])]),
            ("no Bound claim listed", ["CLAIMS": Self.claims([("shop", "unused", "Pending")])]),
            ("the claims cannot be listed", ["FAIL": "pvc"]), ("the readers cannot be listed", ["FAIL": "pods"]), ("the backups cannot be listed", ["FAIL": "copies"]),
            ("no claims answer", ["CLAIMS": ""]), ("no readers answer", ["READERS": ""]), ("no backups answer", ["COPIES": ""]),
            ("not JSON", ["COPIES": "No resources found in velero namespace."]),
        ]
        for (why, environment) in cases {
            XCTAssertNotEqual(try run(environment), 0, why)
        }
        XCTAssertNotEqual(try bash("kubectl() { :; }\nSOURCE_CONTEXT_PROD=pr\n" + volumes), 0, "empty output")
        XCTAssertNotEqual(try bash("kubectl() { return 1; }\nSOURCE_CONTEXT_PROD=pr\n" + volumes), 0, "kubectl fails")
    }

    func testVeleroIsInstalledOnlyWhereItIsMissingAndTheInstallStopsWithoutTheBucket() throws {
        let install = try XCTUnwrap(try decommission(try DemoPlanOnce.plan()).first { $0.contains("velero install --kubecontext \"$SOURCE_CONTEXT_PROD\"") })
        let folder = try temporaryFolder(self)
        let credentials = folder.appendingPathComponent("credentials")
        try "[default]\n".write(to: credentials, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("log").path
        let stubs = """
            kubectl() { [ -n "${INSTALLED:-}" ]; }
            aws() { [ -z "${NO_BUCKET:-}" ]; }
            velero() { echo "velero $*" >> \(ShellQuote.word(log)); }
            SOURCE_CONTEXT_PROD=pr
            """
        let environment = ["VELERO_BUCKET": "b", "VELERO_CREDENTIALS_FILE": credentials.path]
        XCTAssertEqual(try bash(stubs + "\n" + install, environment), 0)
        XCTAssertTrue(try String(contentsOfFile: log, encoding: .utf8).contains("velero install --kubecontext pr"), "missing Velero is installed")
        try FileManager.default.removeItem(atPath: log)
        XCTAssertEqual(try bash(stubs + "\n" + install, environment.merging(["INSTALLED": "1"]) { $1 }), 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: log), "installed twice")
        XCTAssertNotEqual(try bash(stubs + "\n" + install, environment.merging(["NO_BUCKET": "1"]) { $1 }), 0, "no bucket: no install")
        XCTAssertNotEqual(try bash(stubs + "\n" + install, ["VELERO_BUCKET": "b", "VELERO_CREDENTIALS_FILE": "/nonexistent"]), 0, "no credentials file")
    }

    /// The readers are pods jq writes (claim names from the cluster never reach the shell), one per Bound claim, read-only,
    /// admitted under the restricted Pod Security level; a failed listing or apply stops the item.
    func testAReaderPodMountsEachBoundClaimReadOnly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/jq") else { throw XCTSkip("jq is not installed") }
        let commands = try decommission(try DemoPlanOnce.plan()).filter { $0.contains("SOURCE_CONTEXT_PROD") }
        let readers = commands.filter { $0.hasPrefix("CLAIMS=") || $0.contains("jq -n") }
        XCTAssertEqual(readers.count, 2, "\(commands)")
        let folder = try temporaryFolder(self)
        let stub = """
            kubectl() {
              [ -n "${FAIL_LIST:-}" ] && case "$*" in *"get pvc"*) return 1 ;; esac
              case "$*" in
                *"get pvc"*) printf 'shop data-0\\nmedia $(touch \(folder.path)/pwned)\\n' ;;
                *"apply -f -"*) [ -n "${FAIL_APPLY:-}" ] && return 1; cat > "\(folder.path)/pod-$(date +%s%N).json" ;;
              esac
            }
            SOURCE_CONTEXT_PROD=pr
            set -e
            """
        XCTAssertEqual(try bash(stub + "\n" + readers.joined(separator: "\n")), 0)
        let pods = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("pod-") }
        XCTAssertEqual(pods.count, 2)
        var claims: [String] = []
        for file in pods {
            let pod = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(file))) as? [String: Any])
            let spec = try XCTUnwrap(pod["spec"] as? [String: Any])
            let volume = try XCTUnwrap((spec["volumes"] as? [[String: Any]])?.first?["persistentVolumeClaim"] as? [String: Any])
            claims.append(try XCTUnwrap(volume["claimName"] as? String))
            XCTAssertEqual(volume["readOnly"] as? Bool, true)
            let container = try XCTUnwrap((spec["containers"] as? [[String: Any]])?.first)
            XCTAssertEqual((container["securityContext"] as? [String: Any])?["runAsNonRoot"] as? Bool, true)
            let name = try XCTUnwrap((pod["metadata"] as? [String: Any])?["name"] as? String)
            XCTAssertNotNil(name.range(of: "^eksodus-final-[0-9]+$", options: .regularExpression), name)
        }
        XCTAssertEqual(claims.sorted(), ["$(touch \(folder.path)/pwned)", "data-0"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pwned").path), "a claim name ran as a command")
        XCTAssertNotEqual(try bash(stub + "\n" + readers.joined(separator: "\n"), ["FAIL_APPLY": "1"]), 0)
        XCTAssertNotEqual(try bash(stub + "\n" + readers.joined(separator: "\n"), ["FAIL_LIST": "1"]), 0)
    }
}
