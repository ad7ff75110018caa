import Foundation
import XCTest
@testable import EksodusCore

/// A host that Ingresses of several namespaces list (a tenant's sandbox/toy claiming login.acme.example) gets no automatic
/// lowering nor switch: both stop at a decision that names every claimant, before any Route 53 call.
extension TrafficPerHostTests {
    func testAHostClaimedFromTwoNamespacesStopsAtADecisionNamingEveryClaimant() throws {
        let folder = try temporaryFolder(self)
        func app(_ namespace: String, _ name: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: \(namespace)}
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
            metadata: {name: \(name), namespace: \(namespace)}
            spec: {selector: {app: \(name)}, ports: [{port: 80, targetPort: 8080}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: \(name), namespace: \(namespace)}
            spec:
              rules:
              - host: login.acme.example
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: \(name), port: {number: 80}}}}
              - host: \(name).acme.example
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: \(name), port: {number: 80}}}}
            ---
            """
        }
        let file = folder.appendingPathComponent("two.yaml")
        try [app("identity", "login"), app("sandbox", "toy")].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let plan = try plan([file.path])
        for key in ["dns-ttl:src:login.acme.example", "traffic:src:login.acme.example"] {
            let step = try item(key, in: plan)
            XCTAssertFalse(step.commands.contains { $0.contains("aws ") || $0.contains("eksodus_dns_") }, "\(key): \(step.commands)")
            let gate = try XCTUnwrap(step.commands.first { $0.hasPrefix("echo ") }, key)
            XCTAssertTrue(gate.contains("identity/login") && gate.contains("sandbox/toy"), gate)
            XCTAssertTrue(step.commands.contains { $0.hasPrefix("# decision: login.acme.example is listed by Ingresses of several namespaces") }, key)
            // Run, it stops, whatever the environment says.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "set -e\n" + step.commands.joined(separator: "\n") + "\necho went-on"]
            process.environment = RunbookLibraryFile.environment(["PATH": "/usr/bin:/bin", "SWITCH_FOREIGN_RECORD": "login.acme.example"])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            XCTAssertNotEqual(process.terminationStatus, 0, key)
        }
        // Each namespace's own host still switches, and checks the live record against its own source Ingress.
        let toy = try item("dns-ttl:src:toy.acme.example", in: plan)
        XCTAssertTrue(toy.commands.contains { $0.hasPrefix("eksodus_dns_lower 'toy.acme.example' ") && $0.hasSuffix(" 'sandbox' 'ingress/toy'") }, "\(toy.commands)")
        assertPrerequisitesAcyclic(plan, "two namespaces")
    }
}
