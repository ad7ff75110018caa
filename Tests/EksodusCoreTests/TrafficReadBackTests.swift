import XCTest
@testable import EksodusCore

/// The read-back after a shift compares load balancer names as Route 53 gives them: an alias to an ELB made or edited in the
/// console carries a `dualstack.` prefix, which names the same load balancer.
final class TrafficReadBackTests: XCTestCase {
    func check(eks dnsName: String, lb: String) throws -> Int32 {
        let sets = #"[{"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "source", "Weight": 90, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]},"#
            + #" {"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "eks", "Weight": 10, "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "\#(dnsName)", "EvaluateTargetHealth": true}}]"#
        return try GateShell.run("jq -en --argjson sets " + ShellQuote.word(sets) + " --argjson share 10 --arg lb " + ShellQuote.word(lb) + " "
                                 + ShellQuote.word(TrafficSwitch.checkProgram) + " >/dev/null").status
    }

    func testADualstackAliasIsTheSameLoadBalancer() throws {
        let lb = "k8s-shop-abc123.elb.eu-west-1.amazonaws.com"
        XCTAssertEqual(try check(eks: lb + ".", lb: lb), 0)
        XCTAssertEqual(try check(eks: "dualstack." + lb.uppercased() + ".", lb: lb), 0)
        XCTAssertNotEqual(try check(eks: "dualstack.other.elb.eu-west-1.amazonaws.com.", lb: lb), 0)
        XCTAssertNotEqual(try check(eks: lb, lb: ""), 0, "no load balancer name read")
    }
}
