import Foundation
import XCTest
@testable import EksodusCore

/// A check in the runbook must fail when what it checks is not so: a Service without a ready endpoint, a live API endpoint
/// other than the decided one, a smoke probe the workload's NetworkPolicy would refuse. The checks run here under bash with
/// stub `kubectl`, `aws` and `nc` that answer as a cluster would.
final class ChecksThatProveTests: XCTestCase {
    /// The demo's plan, made once: every test reads its items.
    static let demo: Result<TransitionPlan, Error> = Result {
        var run = Demo(folder: FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-checks-\(UUID().uuidString)"), now: fixedNow)
        run.tracksProgress = false
        return try run.run().plan
    }

    func item(_ plan: TransitionPlan, _ key: String) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no item \(key)")
    }

    func plan(fixture: String, landingZone: LandingZoneOptions = LandingZoneOptions()) throws -> TransitionPlan {
        let database = try AppDatabase.inMemory()
        try importPaths([try requireFixtures().appendingPathComponent(fixture).path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012",
                                  landingZone: landingZone, now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    /// Runs one runbook line under bash with `stubs` (tool name → script body) first on the PATH; the exit status.
    func run(_ line: String, stubs: [String: String]) throws -> Int32 {
        let folder = try temporaryFolder(self)
        for (name, body) in stubs {
            let url = folder.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // The library the step's load line would have sourced (the item's own lines load it: `RunbookLibraryTests`).
        process.arguments = ["-c", ". \"$EKSODUS_RUNBOOK_LIB\"\n" + line]
        process.environment = RunbookLibraryFile.environment(["PATH": folder.path + ":/usr/bin:/bin", "EKS_CONTEXT": "eks", "HOME": folder.path, "TMPDIR": folder.path])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    // MARK: 1. the live API endpoint

    /// `aws` that answers describe-cluster with `config` as its resourcesVpcConfig (already narrowed by --query).
    func aws(_ config: String) -> [String: String] { ["aws": "cat <<'EOF'\n\(config)\nEOF"] }

    func testTheEndpointCheckFollowsTheClusterAndFailsUnlessTheLiveAccessIsTheDecidedOne() throws {
        let plan = try Self.demo.get()
        let check = try item(plan, "plan:endpoint-check:prod")
        XCTAssertEqual(check.prerequisites, [.plan(.cluster, cluster: "prod")], "checked once the cluster exists")
        XCTAssertFalse(check.provenDone, "nothing proves the live cluster before it is asked")
        XCTAssertTrue(try item(plan, "plan:addons:prod").prerequisites.contains(.plan(.endpointCheck, cluster: "prod")), "nothing is installed on an unchecked endpoint")
        XCTAssertFalse(try item(plan, "plan:endpoint:prod").commands.contains { $0.contains("describe-cluster") }, "the decision does not pose as the check")
        let line = try XCTUnwrap(check.commands.last)
        let decided = #"{"endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["203.0.113.0/24"]}"#
        XCTAssertEqual(try run(line, stubs: aws(decided)), 0)
        XCTAssertNotEqual(try run(line, stubs: aws(#"{"endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["0.0.0.0/0"]}"#)), 0, "open to everyone")
        XCTAssertNotEqual(try run(line, stubs: aws(#"{"endpointPublicAccess": true, "endpointPrivateAccess": false, "publicAccessCidrs": ["203.0.113.0/24"]}"#)), 0, "nodes would leave the VPC for the API")
        XCTAssertNotEqual(try run(line, stubs: aws(#"{"endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["203.0.113.0/24", "198.51.100.0/24"]}"#)), 0, "a network more than decided")
        XCTAssertNotEqual(try run(line, stubs: ["aws": "echo 'An error occurred (ResourceNotFoundException)' >&2; exit 254"]), 0, "no cluster, no pass")
    }

    func testThePrivateAndTheUndecidedEndpointAreCheckedAsTheEksctlConfigStatesThem() throws {
        let open = try item(try plan(fixture: "02-sock-shop"), "plan:endpoint-check:src")
        let line = try XCTUnwrap(open.commands.last)
        XCTAssertEqual(try run(line, stubs: aws(#"{"endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["0.0.0.0/0"]}"#)), 0)
        XCTAssertNotEqual(try run(line, stubs: aws(#"{"endpointPublicAccess": true, "endpointPrivateAccess": false, "publicAccessCidrs": ["0.0.0.0/0"]}"#)), 0,
                          "eksctl's config states the private endpoint too")

        let closed = try item(try plan(fixture: "02-sock-shop", landingZone: LandingZoneOptions(privateEndpoint: true)), "plan:endpoint-check:src")
        XCTAssertTrue(closed.title.contains("no public endpoint"), closed.title)
        let privateLine = try XCTUnwrap(closed.commands.last)
        XCTAssertEqual(try run(privateLine, stubs: aws(#"{"endpointPublicAccess": false, "endpointPrivateAccess": true, "publicAccessCidrs": ["0.0.0.0/0"]}"#)), 0,
                       "EKS keeps reporting 0.0.0.0/0 for a public endpoint that is off")
        XCTAssertNotEqual(try run(privateLine, stubs: aws(#"{"endpointPublicAccess": true, "endpointPrivateAccess": true, "publicAccessCidrs": ["10.0.0.0/8"]}"#)), 0)
    }

    // MARK: 2. ready endpoints

    /// `kubectl` whose EndpointSlice jsonpath prints `conditions` (one endpoint a line: ready, then terminating).
    func kubectl(printing conditions: String) -> [String: String] { ["kubectl": "printf '\(conditions)'"] }

    func testSmokeAndVerifyFailUnlessEveryEndpointOfTheServiceIsReady() throws {
        let plan = try Self.demo.get()
        XCTAssertFalse(plan.items.contains { $0.commands.contains { $0.contains("'endpoints/") } }, "get endpoints/X exits 0 with no address behind it")
        for key in ["smoke:prod/shop/payments", "verify:prod/shop/payments", "smoke:staging/shop-staging/catalog"] {
            let line = try XCTUnwrap(try item(plan, key).commands.first { $0.hasPrefix("eksodus_ready_endpoints ") }, key)
            XCTAssertTrue(RunbookLibrary.text.contains("-l \"kubernetes.io/service-name=$2\""), line)
            XCTAssertEqual(try run(line, stubs: kubectl(printing: "true/\\ntrue/false\\n")), 0, key)
            // An old ReplicaSet's pod going away is not ready and does not count; a nil ready reads as ready, beside a
            // terminating false too (a controller that sets only that).
            XCTAssertEqual(try run(line, stubs: kubectl(printing: "true/\\nfalse/true\\n/\\n/false\\n")), 0, "\(key): a terminating endpoint")
            XCTAssertNotEqual(try run(line, stubs: kubectl(printing: "")), 0, "\(key): no EndpointSlice, or no endpoint in it")
            XCTAssertNotEqual(try run(line, stubs: kubectl(printing: "false/\\ntrue/\\n")), 0, "\(key): one of two replicas fails its readiness on EKS")
            XCTAssertNotEqual(try run(line, stubs: kubectl(printing: "false/false\\n")), 0, "\(key): not ready, not terminating")
            XCTAssertNotEqual(try run(line, stubs: kubectl(printing: "false/true\\n")), 0, "\(key): only a terminating endpoint")
            XCTAssertNotEqual(try run(line, stubs: ["kubectl": "echo 'error: the server does not have a resource type' >&2; exit 1"]), 0, "\(key): kubectl fails")
        }
    }

    // MARK: 3. NetworkPolicies

    func testTheDemoProbesPaymentsThroughAPortForwardItsPolicyCannotRefuse() throws {
        let plan = try Self.demo.get()
        let smoke = try item(plan, "smoke:prod/shop/payments").commands
        XCTAssertFalse(smoke.contains { $0.contains("eksodus_probe ") }, "payments-from-checkout admits only checkout's pods: \(smoke)")
        XCTAssertTrue(smoke.contains { $0.hasPrefix("#") && $0.contains("payments-from-checkout") && $0.contains("app=checkout") }, "\(smoke)")
        let forward = try XCTUnwrap(smoke.first { $0.contains("port-forward 'service/payments'") }, "\(smoke)")
        // The staging copy has no policy: its throwaway pod gets an answer.
        XCTAssertTrue(try item(plan, "smoke:staging/shop-staging/payments").commands.contains { $0.contains("eksodus_probe ") })
        // Never a probe pod dressed as a client: a Service selecting the client's labels would send it traffic.
        XCTAssertFalse(plan.items.contains { $0.commands.contains { $0.contains("eksodus_probe ") && ($0.contains("--labels") || $0.contains(" -l ")) } })

        // The forward's probe fails when kubectl could not reach the pod, though the local connect succeeded.
        let quiet = "exec sleep 10"
        let refused = "echo 'E1201 portforward.go:413] an error occurred forwarding 48443 -> 8443: connection refused' >&2; exec sleep 10"
        XCTAssertEqual(try run(forward, stubs: ["kubectl": quiet, "nc": "exit 0"]), 0)
        XCTAssertNotEqual(try run(forward, stubs: ["kubectl": refused, "nc": "exit 0"]), 0, "the pod refused the forwarded connection")
        XCTAssertNotEqual(try run(forward, stubs: ["kubectl": quiet, "nc": "exit 1"]), 0, "nothing listened")
    }

    func testSockShopPoliciesDecidePerPortWhetherAProbePodIsAnswered() throws {
        let plan = try plan(fixture: "08-sock-shop-2018-old-apis")
        // catalogue-db admits only catalogue's pods on 3306.
        let database = try item(plan, "smoke:src/sock-shop/catalogue-db").commands
        XCTAssertFalse(database.contains { $0.contains("eksodus_probe ") }, "\(database)")
        XCTAssertTrue(database.contains { $0.contains("catalogue-db-access") && $0.contains("name=catalogue") && $0.contains("3306") }, "\(database)")
        XCTAssertTrue(database.contains { $0.contains("port-forward 'service/catalogue-db'") }, "\(database)")
        // front-end admits every source on its container port 8079, which its Service's port 80 targets.
        let frontEnd = try item(plan, "smoke:src/sock-shop/front-end").commands
        XCTAssertTrue(frontEnd.contains { $0.contains("eksodus_probe ") && $0.contains("front-end.sock-shop.svc.cluster.local") }, "\(frontEnd)")
        XCTAssertFalse(frontEnd.contains { $0.contains("port-forward") }, "\(frontEnd)")
    }

    func testSelectorsAndPortsOfAPolicyAreReadAsKubernetesReadsThem() throws {
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["policy.yaml": """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: shop}
            spec:
              podSelector:
                matchExpressions: [{key: tier, operator: In, values: [web]}]
              ingress:
              - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}, podSelector: {}}]
                ports: [{port: 8000, endPort: 8100}]
              - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
            """], test: self).path], cluster: "src", into: database)
        let estate = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)
        let resource = try XCTUnwrap(estate.resources(kind: "NetworkPolicy").first)
        let policy = NetworkPolicyRules(resource)
        XCTAssertTrue(policy.isolatesIngress)
        XCTAssertFalse(policy.isolatesEgress)
        XCTAssertTrue(policy.selects(["tier": "web"]))
        XCTAssertFalse(policy.selects(["tier": "db"]))
        let probe = ["run": "eksodus-smoke"]
        XCTAssertTrue(policy.admits(probe, from: "shop", port: (8080, nil)), "any pod of shop, ports 8000-8100")
        XCTAssertFalse(policy.admits(probe, from: "shop", port: (9000, nil)), "only the ipBlock rule covers 9000, and a pod's address is unknown")
        XCTAssertFalse(policy.admits(probe, from: "other", port: (8080, nil)))
        XCTAssertTrue(policy.admitted.contains("addresses 10.0.0.0/8"), policy.admitted)
    }
}
