import Foundation
import XCTest
@testable import EksodusCore

/// A switch's rollback is one call, `eksodus_dns_switch_back`: the weights back to the source, then the plain record in
/// place of the pair. Run in bash against a stub Route 53 that keeps its zone in a file: the plain record returns only
/// after the weights went back, nothing is sent when Route 53 cannot be read, and a second run changes nothing.
final class TrafficSwitchBackTests: XCTestCase {
    static let record = #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
    static let pair = #"[{"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "source", "Weight": 50, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}, {"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "eks", "Weight": 50, "AliasTarget": {"HostedZoneId": "ZLB", "DNSName": "lb.elb.amazonaws.com", "EvaluateTargetHealth": true}}]"#

    /// `aws` as a shell function: lists zone.json, applies each batch to it (logged in batches.jsonl) unless `refuse`
    /// names the batch's first action, whose change then fails as Route 53 refuses it.
    static func aws(listing: String = "jq '{ResourceRecordSets: .}' zone.json", refuse: String = "") -> String {
        "aws() { case \"$1 $2\" in \"route53 wait\") return ;; \"route53 list-resource-record-sets\") \(listing); return ;; esac;"
            + " while [ $# -gt 0 ]; do if [ \"$1\" = --change-batch ]; then [ \"$(jq -r '.Changes[0].Action' <<<\"$2\")\" != '\(refuse)' ] || { echo 'InvalidChangeBatch' >&2; return 254; };"
            + " printf '%s\\n' \"$2\" >> batches.jsonl; jq --argjson b \"$2\" 'reduce $b.Changes[] as $c (.; $c.ResourceRecordSet as $s | map(select(.Name != $s.Name or .Type != $s.Type or .SetIdentifier != $s.SetIdentifier)) + (if $c.Action == \"DELETE\" then [] else [$s] end))' zone.json > zone.next && mv zone.next zone.json; fi; shift; done; echo /change/C1; }\n"
    }

    func rollback() throws -> [String] {
        let traffic = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "traffic:prod:shop.acme.example" })
        XCTAssertEqual(traffic.rollbackCommands.filter { $0 != RunbookLibrary.load }.count, 1, "\(traffic.rollbackCommands)")
        return traffic.rollbackCommands
    }

    /// Runs `lines` under `set -e` in a folder holding the record file and the zone; returns the status and the batches sent.
    func run(_ lines: [String], zone: String = pair, aws: String = aws()) throws -> (status: Int32, batches: [String], zone: String) {
        let folder = try temporaryFolder(self)
        let file = try XCTUnwrap(lines.joined().firstMatch(of: /'([^']+\.dns-record\.json)'/)?.1)
        try Self.record.write(to: folder.appendingPathComponent(String(file)), atomically: true, encoding: .utf8)
        try zone.write(to: folder.appendingPathComponent("zone.json"), atomically: true, encoding: .utf8)
        try "1 0".write(to: folder.appendingPathComponent(String(file).replacingOccurrences(of: ".dns-record.json", with: ".share-at")), atomically: true, encoding: .utf8)
        let result = try GateShell.run("set -e\ncd " + ShellQuote.word(folder.path) + "\n" + aws + lines.joined(separator: "\n"), environment: ["HOSTED_ZONE_ID": "Z0EXAMPLE"])
        let sent = (try? String(contentsOf: folder.appendingPathComponent("batches.jsonl"), encoding: .utf8)) ?? ""
        return (result.status, sent.split(separator: "\n").map(String.init), try String(contentsOf: folder.appendingPathComponent("zone.json"), encoding: .utf8))
    }

    func testTheWeightsGoBackFirstThenThePlainRecordAndASecondRunChangesNothing() throws {
        let lines = try rollback()
        let first = try run(lines)
        XCTAssertEqual(first.status, 0)
        XCTAssertEqual(first.batches.count, 2, "\(first.batches)")
        XCTAssertTrue(first.batches[0].contains(#""Action":"UPSERT""#) && first.batches[0].contains(#""Weight":100"#), first.batches[0])
        XCTAssertTrue(first.batches[1].hasPrefix(#"{"Changes":[{"Action":"DELETE""#), first.batches[1])
        let zone = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.zone.utf8)) as? [[String: Any]])
        XCTAssertEqual(zone.count, 1); XCTAssertNil(zone.first?["SetIdentifier"]); XCTAssertEqual(zone.first?["TTL"] as? Int, 60)
        // Run again on the plain record it left: nothing to send.
        let again = try run(lines, zone: first.zone)
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(again.batches, [])
    }

    func testItStopsBeforeThePlainRecordWhenTheWeightsDidNotGoBack() throws {
        let lines = try rollback() + ["touch after"]
        let refused = try run(lines, aws: Self.aws(refuse: "UPSERT"))
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(refused.batches, [], "no unpair after a refused weights change")
        for listing in ["return 254", "true", "echo '{\"ResourceRecordSets\": []}'"] {
            let unread = try run(lines, aws: Self.aws(listing: listing))
            XCTAssertNotEqual(unread.status, 0, listing)
            XCTAssertEqual(unread.batches, [], listing)
        }
        // The unpair refused: the weights are back, and the step fails.
        let unpair = try run(lines, aws: Self.aws(refuse: "DELETE"))
        XCTAssertNotEqual(unpair.status, 0)
        XCTAssertEqual(unpair.batches.count, 1)
    }
}
