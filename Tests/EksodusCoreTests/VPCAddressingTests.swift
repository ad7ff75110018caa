import Foundation
import XCTest
@testable import EksodusCore

/// Every target cluster gets its own VPC and Service /16, clear of the on-premises networks any estate calls or admits and
/// of each other: two VPCs with one CIDR cannot both be routed from on-premises over one Transit Gateway.
final class VPCAddressingTests: XCTestCase {
    private func ranges(_ addressing: [VPCAddressing]) throws -> [IPv4Range] {
        try addressing.flatMap { [try XCTUnwrap(IPv4Range($0.vpcCIDR)), try XCTUnwrap(IPv4Range($0.serviceCIDR))] }
    }

    func testTheDemoClustersGetDistinctRangesClearOfTheAdminAllowListAndNameTheirPrivateDNSReach() throws {
        let plan = try DemoPlanOnce.plan()
        let addressing = try XCTUnwrap(plan.network.addressing)
        XCTAssertEqual(Set(addressing.map(\.cluster)), ["prod", "staging"])
        let all = try ranges(addressing)
        XCTAssertEqual(Set(all.map(\.address)).count, all.count, "no two ranges alike: \(addressing.map { ($0.vpcCIDR, $0.serviceCIDR) })")
        let prod = try XCTUnwrap(addressing.first { $0.cluster == "prod" })
        // The admin Ingress admits 10.20.0.0/16 (on-premises) and notifications calls smtp.acme.internal.
        XCTAssertTrue(prod.onPremises.contains("10.20.0.0/16"), "\(prod.onPremises)")
        XCTAssertTrue(prod.privateNames?.contains("smtp.acme.internal") == true, "\(prod.privateNames ?? [])")
        XCTAssertTrue(prod.reason.contains("smtp.acme.internal"), prod.reason)
        XCTAssertFalse(all.contains { $0.address == 0x0A14_0000 }, "nothing planned in the admitted 10.20.0.0/16")
        // The eksctl configs say the same ranges.
        for config in try plan.eksctlConfigs() {
            let root = try XCTUnwrap(try ManifestText.objects(config.yaml).first)
            let chosen = try XCTUnwrap(addressing.first { $0.cluster == config.cluster })
            XCTAssertEqual(root["vpc", "cidr"]?.string, chosen.vpcCIDR, config.file)
            XCTAssertEqual(root["kubernetesNetworkConfig", "serviceIPv4CIDR"]?.string, chosen.serviceCIDR, config.file)
        }
    }

    func testTwoClustersOfOneFixtureNeverShareARangeAndAnAdmittedSlash8ClearsAllOfIt() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        // A NetworkPolicy admitting all of 10.0.0.0/8: the on-premises network is somewhere in it.
        let policy = try writeManifests(["office.yaml": """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-office, namespace: sock-shop}
            spec:
              podSelector: {}
              ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]

            """], test: self)
        try importPaths([fixtures.appendingPathComponent("02-sock-shop").path], cluster: "blue", into: database)
        try importPaths([fixtures.appendingPathComponent("02-sock-shop").path, policy.path], cluster: "green", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let addressing = try XCTUnwrap(plan.network.addressing)
        XCTAssertEqual(addressing.count, 2)
        let all = try ranges(addressing)
        XCTAssertEqual(Set(all.map(\.address)).count, 4, "\(addressing.map { ($0.cluster, $0.vpcCIDR, $0.serviceCIDR) })")
        // Both clusters avoid the admitted 10/8, not only the cluster that admits it: they share the link.
        XCTAssertTrue(all.allSatisfy { $0.address >> 24 != 10 }, "\(addressing.map { ($0.vpcCIDR, $0.serviceCIDR) })")
        XCTAssertEqual(addressing.first { $0.cluster == "green" }?.onPremises.count, 256, "every /16 of 10.0.0.0/8")
        for chosen in addressing {
            XCTAssertEqual(plan.compute.first { $0.cluster == chosen.cluster }?.addressing, chosen, "the compute plan writes the network plan's choice")
        }
        try validateEksctlConfigs(try plan.eksctlConfigs().map { ($0.cluster, $0.yaml) }, test: self)
    }

    func testSixteensCoverWhatARangeCovers() throws {
        XCTAssertEqual(VPCAddressing.sixteens(try XCTUnwrap(IPv4Range("10.20.30.0/24"))), [0x0A14_0000])
        XCTAssertEqual(VPCAddressing.sixteens(try XCTUnwrap(IPv4Range("172.16.0.0/12"))).map(VPCAddressing.text),
                       (16...31).map { "172.\($0).0.0/16" })
        XCTAssertEqual(VPCAddressing.sixteens(try XCTUnwrap(IPv4Range("10.1.2.3/15"))).map(VPCAddressing.text), ["10.0.0.0/16", "10.1.0.0/16"])
    }
}
