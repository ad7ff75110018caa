import Foundation
import XCTest
@testable import EksodusCore

/// The CloudWatch Observability add-on comes with its agent's IAM and one Fluent Bit (the team's, when one moves), and
/// plan:observability proves metrics reach CloudWatch; the clusters get access entries for the admin roles given to
/// eksodus plan, or a decision item, never a guessed ARN; the control plane logs all five types.
extension PlatformItemsTests {
    func config(_ plan: TransitionPlan, _ cluster: String) throws -> ManifestNode {
        try XCTUnwrap(try ManifestText.objects(try XCTUnwrap(try plan.eksctlConfigs().first { $0.cluster == cluster }).yaml).first)
    }

    func testTheObservabilityAddonGetsItsPolicyAndLeavesContainerLogsToTheMigratedFluentBit() throws {
        let (plan, _) = try Self.demo.get()
        let prod = try config(plan, "prod")
        let addon = try XCTUnwrap((prod["addons"]?.items ?? []).first { $0["name"]?.string == CloudWatchObservability.addon }, "eksctl creates it")
        let association = try XCTUnwrap(addon["podIdentityAssociations"]?.items.first)
        XCTAssertEqual(association["serviceAccountName"]?.string, "cloudwatch-agent")
        XCTAssertEqual(association["permissionPolicyARNs"]?.items.compactMap(\.string), ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"])
        let compute = try XCTUnwrap(plan.compute.first { $0.cluster == "prod" })
        let shippers = try XCTUnwrap(compute.logShippers)
        XCTAssertTrue(shippers.contains { $0.contains("fluent-bit") }, "\(shippers)")
        XCTAssertEqual(addon["configurationValues"]?.string, #"{"containerLogs": {"enabled": false}}"#, "one Fluent Bit ships the logs")
        let observability = try item(plan, "plan:observability:prod")
        XCTAssertTrue(observability.evidence.contains("the add-on's own Fluent Bit is off"), observability.evidence)
        XCTAssertFalse(observability.commands.contains { $0.contains("create-addon") }, "eksctl created it, with its IAM")
        XCTAssertFalse(observability.commands.contains { $0.contains("describe-log-groups") }, "the team's shipper's logs are its own gate")

        let folder = try temporaryFolder(self)
        let agent = try XCTUnwrap(observability.commands.first { $0.contains("daemonset 'cloudwatch-agent'") }, "\(observability.commands)")
        XCTAssertEqual(try run(agent, in: folder, stubs: kubectl("3/3")), 0)
        for answer in ["2/3", "0/0", "", "/"] { XCTAssertNotEqual(try run(agent, in: folder, stubs: kubectl(answer)), 0, "'\(answer)'") }
        XCTAssertNotEqual(try run(agent, in: folder, stubs: kubectl(nil)), 0, "kubectl failed")
        let metrics = try XCTUnwrap(observability.commands.first { $0.contains("list-metrics") && $0.contains("--namespace ContainerInsights") })
        XCTAssertTrue(metrics.contains("Value='\(compute.eksClusterName)'"), metrics)
        XCTAssertEqual(try run(metrics, in: folder, stubs: ["aws": "echo 57"]), 0)
        for answer in ["echo 0", "echo None", "true", "exit 255"] { XCTAssertNotEqual(try run(metrics, in: folder, stubs: ["aws": answer]), 0, answer) }
    }

    func testWithoutALogShipperTheAddonShipsTheLogsAndTheGateChecksTheirLogGroup() throws {
        guard let fixtures = fixturesFolder() else { throw XCTSkip("../shared/fixtures is not beside this checkout") }
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("06-k8s-examples-guestbook").path], cluster: "guestbook", into: database)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        XCTAssertEqual(plan.compute.first?.logShippers, [])
        let addon = try XCTUnwrap((try config(plan, "guestbook")["addons"]?.items ?? []).first { $0["name"]?.string == CloudWatchObservability.addon })
        XCTAssertNil(addon["configurationValues"], "its Fluent Bit is the only one")
        let observability = try item(plan, "plan:observability:guestbook")
        let logs = try XCTUnwrap(observability.commands.first { $0.contains("describe-log-groups") }, "\(observability.commands)")
        XCTAssertTrue(logs.contains("'/aws/containerinsights/\(try XCTUnwrap(plan.compute.first).eksClusterName)/application'"), logs)
        let folder = try temporaryFolder(self)
        XCTAssertEqual(try run(logs, in: folder, stubs: ["aws": "echo 1"]), 0)
        for answer in ["echo 0", "true", "exit 254"] { XCTAssertNotEqual(try run(logs, in: folder, stubs: ["aws": answer]), 0, answer) }
    }

    func testTheControlPlaneLogsAllFiveTypes() throws {
        let (plan, _) = try Self.demo.get()
        let types = (try config(plan, "prod")["cloudWatch", "clusterLogging", "enableTypes"]?.items ?? []).compactMap(\.string)
        XCTAssertEqual(Set(types), ["api", "audit", "authenticator", "controllerManager", "scheduler"])
    }

    // MARK: access entries

    func testTheDemosAdminRoleGetsAClusterAdminAccessEntryAndItsGateChecksTheLiveCluster() throws {
        let (plan, _) = try Self.demo.get()
        let access = try XCTUnwrap(try config(plan, "prod")["accessConfig"])
        XCTAssertEqual(access["authenticationMode"]?.string, "API_AND_CONFIG_MAP")
        XCTAssertEqual(access["bootstrapClusterCreatorAdminPermissions"]?.bool, true)
        let entries = access["accessEntries"]?.items ?? []
        XCTAssertEqual(entries.compactMap { $0["principalARN"]?.string }, [Demo.adminRole])
        let policy = try XCTUnwrap(entries.first?["accessPolicies"]?.items.first)
        XCTAssertEqual(policy["policyARN"]?.string, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")
        XCTAssertEqual(policy["accessScope", "type"]?.string, "cluster")
        let decision = try item(plan, "plan:admin-access:prod")
        XCTAssertTrue(decision.provenDone, "given to eksodus plan")
        XCTAssertTrue(try item(plan, "plan:cluster:prod").prerequisites.contains(decision.key))

        let check = try XCTUnwrap(try item(plan, "plan:addons:prod").commands.first { $0.contains("list-access-entries") })
        let folder = try temporaryFolder(self)
        XCTAssertEqual(try run(check, in: folder, stubs: ["aws": "printf '%s\\n' \"$@\" > \"$HOME/args\"; echo 1"]), 0)
        for answer in ["echo 0", "true", "exit 254"] { XCTAssertNotEqual(try run(check, in: folder, stubs: ["aws": answer]), 0, answer) }
        // The AWS CLI gets a JMESPath query that counts exactly the given role among the cluster's entries.
        let arguments = try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(arguments.drop { $0 != "--query" }.dropFirst().first, "length(accessEntries[?contains(['\(Demo.adminRole)'], @)])")
    }

    func testWithoutAnAdminRoleThePlanAsksForOneAndGuessesNone() throws {
        guard let fixtures = fixturesFolder() else { throw XCTSkip("../shared/fixtures is not beside this checkout") }
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("06-k8s-examples-guestbook").path], cluster: "guestbook", into: database)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded())
            .run(PlanRequest(target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let access = try XCTUnwrap(try config(plan, "guestbook")["accessConfig"])
        XCTAssertNil(access["accessEntries"], "no guessed principal")
        XCTAssertEqual(access["bootstrapClusterCreatorAdminPermissions"]?.bool, true, "the creator stays admin, or no one would be")
        let decision = try item(plan, "plan:admin-access:guestbook")
        XCTAssertFalse(decision.provenDone)
        XCTAssertTrue(decision.title.contains("--admin-role-arn"), decision.title)
        XCTAssertTrue(try item(plan, "plan:cluster:guestbook").prerequisites.contains(decision.key), "decided before the cluster exists")
        XCTAssertFalse(try item(plan, "plan:addons:guestbook").commands.contains { $0.contains("list-access-entries") })
    }

    func testAdminRolesMustBeRoleARNsOfTheRegionsPartition() throws {
        func request(_ roles: [String], region: String = "eu-west-1") -> PlanRequest {
            PlanRequest(target: KubernetesVersion(major: 1, minor: 35), region: region, accountID: "123456789012",
                        landingZone: LandingZoneOptions(adminRoleARNs: roles), now: fixedNow)
        }
        XCTAssertNoThrow(try request(["arn:aws:iam::123456789012:role/platform-oncall", "arn:aws:iam::210987654321:role/teams/sre/Break_Glass+1"]).validate())
        XCTAssertNoThrow(try request(["arn:aws-cn:iam::123456789012:role/admins"], region: "cn-north-1").validate())
        for bad in ["arn:aws:iam::123456789012:user/alice", "arn:aws-cn:iam::123456789012:role/admins", "arn:aws:iam::12345678901:role/admins",
                    "arn:aws:iam::123456789012:role/", "arn:aws:iam::123456789012:role//x", "<admin-role-arn>", "arn:aws:iam::123456789012:role/a'b",
                    "arn:aws:iam::123456789012:role/a\nb", "arn:aws:sts::123456789012:assumed-role/admins/alice",
                    "arn:aws:iam::123456789012:role/" + String(repeating: "r", count: 65)] {
            XCTAssertThrowsError(try request([bad]).validate(), bad) { XCTAssertTrue("\($0)".hasPrefix("--admin-role-arn takes IAM role ARNs such as arn:aws:iam::"), "\($0)") }
        }
    }
}
