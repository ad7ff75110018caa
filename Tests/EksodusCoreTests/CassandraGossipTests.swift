import Foundation
import XCTest
@testable import EksodusCore

/// Cassandra's gossip is probed both ways (fixture 05): from EKS to the seeds and to every source node's broadcast address
/// before the EKS datacenter starts, and from a source pod to every EKS pod once it runs, each failure naming the decision.
final class CassandraGossipTests: XCTestCase {
    func fixturePlan(_ fixture: String) throws -> TransitionPlan {
        try planImported([try requireFixtures().appendingPathComponent(fixture).path]).plan
    }

    func bash(_ script: String, _ environment: [String: String] = [:]) throws -> Int32 {
        try GateShell.run(script, environment: environment).status
    }

    func index(_ commands: [String], _ what: String, _ test: (String) -> Bool) throws -> Int {
        try XCTUnwrap(commands.firstIndex(where: test), "\(what): \(commands)")
    }

    func cassandraLines() throws -> [String] {
        try fixturePlan("05-k8s-examples-cassandra").items.flatMap(\.commands)
    }

    func testGossipIsProbedFromEKSToEverySourceNodeAndFromTheSourceToEveryEKSPod() throws {
        let lines = try cassandraLines()
        let sourceNodes = try index(lines, "source nodes read") { $0.hasPrefix("{ SOURCE_NODES=$(kubectl --context \"$SOURCE_CONTEXT\"") && $0.contains("nodetool status") }
        let toSource = try index(lines, "EKS probes them") { $0.hasPrefix("kubectl --context \"$EKS_CONTEXT\"") && $0.contains("run eksodus-gossip") && $0.contains("\"$SOURCE_NODES\"") }
        let eksNodes = try index(lines, "EKS pod addresses read") { $0.hasPrefix("{ EKS_NODES=$(kubectl --context \"$EKS_CONTEXT\"") && $0.contains("status.podIP") }
        let toEKS = try index(lines, "a source pod probes them") { $0.hasPrefix("kubectl --context \"$SOURCE_CONTEXT\"") && $0.contains("run eksodus-gossip") && $0.contains("\"$EKS_NODES\"") }
        let rebuild = try index(lines, "rebuild") { $0.contains("nodetool rebuild") && !$0.hasPrefix("#") }
        XCTAssertEqual([sourceNodes, toSource, eksNodes, toEKS, rebuild], [sourceNodes, toSource, eksNodes, toEKS, rebuild].sorted())
        XCTAssertTrue(lines[toEKS].contains("hostNetwork") && lines[toSource].contains("pod CIDR"), "the decision when pod addresses do not route")
        XCTAssertTrue(lines.contains { $0.contains("auto_bootstrap stays true") }, "why auto_bootstrap is not false")
    }

    func testTheAddressReadsFailOnNoAnswer() throws {
        let lines = try cassandraLines()
        let sourceNodes = try XCTUnwrap(lines.first { $0.hasPrefix("{ SOURCE_NODES=") })
        let status = "Datacenter: DC1-K8Demo\\n===\\nStatus=Up/Down\\n--  Address     Load  Tokens  Owns  Host ID  Rack\\nUN  10.244.1.5  1 MiB  256  ?  a  Rack1\\nUN  10.244.2.7  1 MiB  256  ?  b  Rack1\\n"
        XCTAssertEqual(try GateShell.run("kubectl() { printf '\(status)'; }\n" + sourceNodes + " && printf '%s' \"$SOURCE_NODES\"").output, "10.244.1.5,10.244.2.7,")
        XCTAssertNotEqual(try bash("kubectl() { :; }\n" + sourceNodes), 0, "no node listed")
        XCTAssertNotEqual(try bash("kubectl() { return 1; }\n" + sourceNodes), 0)
        let eksNodes = try XCTUnwrap(lines.first { $0.hasPrefix("{ EKS_NODES=") })
        XCTAssertEqual(try bash("kubectl() { printf '10.0.1.9,'; }\n" + eksNodes), 0)
        XCTAssertNotEqual(try bash("kubectl() { :; }\n" + eksNodes), 0, "no EKS pod has an address")
        XCTAssertNotEqual(try bash("kubectl() { return 1; }\n" + eksNodes), 0)
    }

    /// The probe pod's script runs here, with an `nc` that refuses the addresses in `$UNREACHABLE`.
    func testTheGossipProbesFailOnAnUnreachableAddressOrNone() throws {
        let lines = try cassandraLines()
        let probes = lines.filter { $0.contains("run eksodus-gossip") }
        XCTAssertEqual(probes.count, 3, "the seeds and every source node from EKS, every EKS pod from the source: \(probes)")
        let bin = try temporaryFolder(self)
        let nc = bin.appendingPathComponent("nc")
        try "#!/bin/sh\nfor a in $UNREACHABLE; do [ \"$a\" = \"$4\" ] && exit 1; done\nexit 0\n".write(to: nc, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: nc.path)
        let runHere = "kubectl() { while [ \"$1\" != -- ]; do shift; done; shift; \"$@\"; }\n"
        let addresses = "CASSANDRA_SOURCE_SEEDS=10.1.0.1,10.1.0.2; SOURCE_NODES=10.244.1.5,10.244.2.7,; EKS_NODES=10.0.1.9,10.0.2.4,\n"
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for probe in probes {
            XCTAssertEqual(try bash(runHere + addresses + probe, ["PATH": path]), 0, probe)
            XCTAssertNotEqual(try bash(runHere + addresses + probe, ["PATH": path, "UNREACHABLE": "10.1.0.2 10.244.2.7 10.0.2.4"]), 0, "an address does not answer: \(probe)")
            XCTAssertNotEqual(try bash(runHere + "CASSANDRA_SOURCE_SEEDS=; SOURCE_NODES=; EKS_NODES=\n" + probe, ["PATH": path]), 0, "no address: \(probe)")
            XCTAssertNotEqual(try bash("kubectl() { return 1; }\n" + addresses + probe), 0, "the probe pod failed")
        }
    }
}
