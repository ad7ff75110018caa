import Foundation
import XCTest
@testable import EksodusCore

/// The pods eksodus runs for data copies and probes, as bash hands their overrides to `kubectl run` (a stub writes the
/// `--overrides` value to a file, which is parsed): the gossip probe runs restricted like the smoke probe; the node-data
/// and PostgreSQL copy pods run as root with RuntimeDefault seccomp, no privilege escalation, every capability dropped
/// and only the few they use added back.
extension XCTestCase {
    func overrides(of line: String) throws -> (spec: [String: Any], type: String?) {
        let folder = try temporaryFolder(self)
        let file = folder.appendingPathComponent("overrides.json"), type = folder.appendingPathComponent("type")
        // The smoke probe suite's stub, whose `get` finds no pod (a copy pod is run only when it is missing).
        let stub = """
            kubectl() {
              case " $* " in *" get "*) return 1;; esac
              for argument in "$@"; do
                case "$argument" in
                  --overrides=*) printf '%s' "${argument#--overrides=}" > "$OVERRIDES" ;;
                  --override-type=*) printf '%s' "${argument#--override-type=}" > "$TYPE" ;;
                esac
              done
            }
            """
        let result = try GateShell.run(stub + "\n" + line, environment: ["OVERRIDES": file.path, "TYPE": type.path])
        XCTAssertEqual(result.status, 0, line)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any], line)
        return (try XCTUnwrap(object["spec"] as? [String: Any]), try? String(contentsOf: type, encoding: .utf8))
    }

    /// The root copy pod's checks: the capabilities added are exactly `capabilities`, each one "baseline" allows.
    func assertRootCopy(_ line: String, capabilities: [String], readOnlyRoot: Bool, file: StaticString = #filePath, lineNumber: UInt = #line) throws {
        let (spec, _) = try overrides(of: line)
        XCTAssertEqual(((spec["securityContext"] as? [String: Any])?["seccompProfile"] as? [String: Any])?["type"] as? String, "RuntimeDefault", line, file: file, line: lineNumber)
        let containers = try XCTUnwrap(spec["containers"] as? [[String: Any]])
        XCTAssertEqual(containers.count, 1)
        XCTAssertNotNil(containers[0]["image"], "the JSON merge replaces the container whole: it carries its image")
        let security = try XCTUnwrap(containers[0]["securityContext"] as? [String: Any], line)
        XCTAssertEqual(security["allowPrivilegeEscalation"] as? Bool, false, file: file, line: lineNumber)
        XCTAssertEqual(security["runAsNonRoot"] as? Bool, false, "a copy that keeps owners may run as root, said so", file: file, line: lineNumber)
        XCTAssertNil(security["runAsUser"], "the image's own user: a non-root image (Bitnami's) keeps the uid that owns its files", file: file, line: lineNumber)
        XCTAssertEqual(security["readOnlyRootFilesystem"] as? Bool, readOnlyRoot, file: file, line: lineNumber)
        let caps = try XCTUnwrap(security["capabilities"] as? [String: Any])
        XCTAssertEqual(caps["drop"] as? [String], ["ALL"], file: file, line: lineNumber)
        XCTAssertEqual(caps["add"] as? [String], capabilities, file: file, line: lineNumber)
        let baseline: Set<String> = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]
        XCTAssertTrue(Set(capabilities).isSubset(of: baseline), "Pod Security baseline admits it", file: file, line: lineNumber)
        XCTAssertFalse(capabilities.contains("SYS_ADMIN") || security["privileged"] as? Bool == true, file: file, line: lineNumber)
    }
}

final class CopyPodSecurityTests: XCTestCase {

    func testTheDemoCopyPodsDropEveryCapabilityTheyDoNotUse() throws {
        let commands = try DemoPlanOnce.plan().items.flatMap { $0.commands + $0.rollbackCommands }
        let basebackups = commands.filter { $0.contains("run \(PostgresStandby.pod) ") }
        XCTAssertGreaterThanOrEqual(basebackups.count, 2, "the standby's build on EKS and the rollback's on the source")
        for line in basebackups {
            try assertRootCopy(line, capabilities: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"], readOnlyRoot: false)
            XCTAssertTrue(line.contains("--context \"$EKS_CONTEXT\"") || line.contains("--context \"$SOURCE_CONTEXT\""))
        }
        let copies = commands.filter { $0.contains(" run eksodus-copy-") }
        XCTAssertFalse(copies.isEmpty, "the demo's node-data copy")
        for line in copies {
            try assertRootCopy(line, capabilities: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID"], readOnlyRoot: true)
        }
    }

    /// Fixture 05: the gossip probe pods, both ways, are admitted where Pod Security enforces "restricted".
    func testTheCassandraGossipProbeRunsRestricted() throws {
        let plan = try planImported([try requireFixtures().appendingPathComponent("05-k8s-examples-cassandra").path]).plan
        let probes = plan.items.flatMap(\.commands).filter { $0.contains("run \(CassandraDatacenter.probePod) ") }
        XCTAssertEqual(probes.count, 3)
        for line in probes {
            let (spec, type) = try overrides(of: line)
            XCTAssertEqual(type, "strategic", "a JSON merge would drop kubectl run's image and arguments")
            let pod = try XCTUnwrap(spec["securityContext"] as? [String: Any])
            XCTAssertEqual(pod["runAsNonRoot"] as? Bool, true)
            XCTAssertEqual(pod["runAsUser"] as? Int, 65534)
            XCTAssertEqual((pod["seccompProfile"] as? [String: Any])?["type"] as? String, "RuntimeDefault")
            let container = try XCTUnwrap((spec["containers"] as? [[String: Any]])?.first)
            XCTAssertEqual(container["name"] as? String, CassandraDatacenter.probePod, "merged into the pod's own container")
            let security = try XCTUnwrap(container["securityContext"] as? [String: Any])
            XCTAssertEqual(security["allowPrivilegeEscalation"] as? Bool, false)
            XCTAssertEqual((security["capabilities"] as? [String: Any])?["drop"] as? [String], ["ALL"])
            XCTAssertNil((security["capabilities"] as? [String: Any])?["add"])
        }
    }
}

/// PerPodRedirect reads the Redis topology once (`make`) and keeps it: what it was given is what `refusal` uses.
final class PerPodRedirectTopologyTests: XCTestCase {
    func testTheTopologyIsReadOnceAndKept() throws {
        let samples = try SampleEstate.write(to: try temporaryFolder(self))
        let database = try AppDatabase.inMemory()
        try importPaths([samples.appendingPathComponent("prod").path], cluster: "prod", into: database)
        let estate = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)
        let cache = try XCTUnwrap(estate.workloads.first { $0.name == "cart-cache" })
        let services = estate.services.filter { $0.resource.namespace == cache.namespace && $0.resource.name == "cart-cache" }
        let swap = RedirectSwap(name: "cart-cache", crossName: RedirectCommands.crossName("cart-cache"), namespace: cache.namespace, file: "f.json")
        XCTAssertEqual(RedisReplicas.topology(of: cache), .independent, "the demo's cache: pods on their own")
        let read = try XCTUnwrap(PerPodRedirect.make(cache, engine: "redis", services: services, swap: swap))
        XCTAssertEqual(read.topology, .independent)
        XCTAssertNil(read.refusal)
        XCTAssertFalse(read.commands.isEmpty)
        // Given by the caller, it is not read again: a chain is no per-pod redirect, and too many pods refuse.
        XCTAssertNil(PerPodRedirect.make(cache, engine: "redis", services: services, swap: swap, topology: .primaryReplicas))
        let tooMany = try XCTUnwrap(PerPodRedirect.make(cache, engine: "redis", services: services, swap: swap, topology: .tooMany))
        XCTAssertEqual(tooMany.topology, .tooMany)
        XCTAssertTrue(tooMany.refusal?.contains("decision: ") == true)
        XCTAssertTrue(tooMany.commands.isEmpty)
    }
}
