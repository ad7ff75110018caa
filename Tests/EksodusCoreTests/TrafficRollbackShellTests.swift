import Foundation
import XCTest
@testable import EksodusCore

/// A switch's rollback is often run in a shell of its own, and the EKS side may be what is broken: it builds its changes
/// from the weighted pair Route 53 holds, never from the switch's `$EKS_LB`/`$LB_ZONE` (an empty alias zone made Route 53
/// refuse the batch), and stops before any change when Route 53 holds no such pair.
final class TrafficRollbackShellTests: XCTestCase {
    static let pair = #"{"ResourceRecordSets": [{"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "eks", "Weight": 50, "AliasTarget": {"HostedZoneId": "ZLBZONE", "DNSName": "k8s-shop.elb.eu-west-1.amazonaws.com.", "EvaluateTargetHealth": true}}, {"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "source", "Weight": 50, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}, {"Name": "static.shop.acme.example.", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "cdn.example.net"}]}]}"#

    /// Runs part `index` of the rollback (`eksodus_dns_switch_back`: 0 the weights back, 1 the unpair) in a fresh shell (no EKS_LB, LB_ZONE or kubectl) against a Route 53 answering `zone`;
    /// returns its status and the batches it sent.
    func rollback(_ index: Int, zone: String?) throws -> (status: Int32, batches: [[[String: Any]]]) {
        let traffic = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "traffic:prod:shop.acme.example" })
        XCTAssertEqual(traffic.rollbackCommands.first, RunbookLibrary.load)
        let lines = traffic.rollbackCommands.filter { $0 != RunbookLibrary.load }
        XCTAssertEqual(lines.count, 1)
        let call = try XCTUnwrap(lines.first)
        XCTAssertTrue(call.hasPrefix("eksodus_dns_switch_back "), call)
        let line = RunbookLibrary.load + "\n" + call.replacingOccurrences(of: "eksodus_dns_switch_back ", with: ["eksodus_dns_weights_back ", "eksodus_dns_unpair "][index])
        let folder = try temporaryFolder(self)
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try """
            #!/bin/bash
            case "$1 $2" in
              "route53 list-resource-record-sets") test -f "$ZONE" && cat "$ZONE" || exit 255 ;;
              "route53 change-resource-record-sets") while [ $# -gt 0 ]; do [ "$1" = --change-batch ] && printf '%s\\n' "$2" >> "$BATCHES"; shift; done; echo /change/C1 ;;
              "route53 wait") [ "$5" = /change/C1 ] ;;
              *) exit 2 ;;
            esac
            """.write(to: bin.appendingPathComponent("aws"), atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(bin.appendingPathComponent("aws").path, 0o755), 0)
        let record = try XCTUnwrap(line.firstMatch(of: /'([^'\/]+\.dns-record\.json)'/)?.1)
        try #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
            .write(to: folder.appendingPathComponent(String(record)), atomically: true, encoding: .utf8)
        let zoneFile = folder.appendingPathComponent("zone.json"), batches = folder.appendingPathComponent("batches.jsonl")
        if let zone { try zone.write(to: zoneFile, atomically: true, encoding: .utf8) }
        let result = try GateShell.run("cd " + ShellQuote.word(folder.path) + "\nunset EKS_LB LB_ZONE\n" + line,
                                       environment: ["PATH": bin.path + ":/usr/bin:/bin", "ZONE": zoneFile.path, "BATCHES": batches.path, "HOSTED_ZONE_ID": "Z0EXAMPLE"])
        let sent = (try? String(contentsOf: batches, encoding: .utf8)) ?? ""
        return (result.status, try sent.split(separator: "\n").map { line in
            try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["Changes"] as? [[String: Any]])
        })
    }

    func set(_ change: [String: Any]) -> [String: Any] { change["ResourceRecordSet"] as? [String: Any] ?? [:] }

    func testTheWeightsGoBackInAFreshShellKeepingTheLiveAliasTarget() throws {
        let (status, batches) = try rollback(0, zone: Self.pair)
        XCTAssertEqual(status, 0)
        let changes = try XCTUnwrap(batches.first)
        XCTAssertEqual(batches.count, 1)
        XCTAssertEqual(changes.map { $0["Action"] as? String }, ["UPSERT", "UPSERT"])
        XCTAssertEqual(changes.map { set($0)["SetIdentifier"] as? String }, ["source", "eks"])
        XCTAssertEqual(changes.map { set($0)["Weight"] as? Int }, [100, 0])
        let alias = try XCTUnwrap(set(changes[1])["AliasTarget"] as? [String: Any])
        XCTAssertEqual(alias["HostedZoneId"] as? String, "ZLBZONE", "the alias zone Route 53 holds, not an empty $LB_ZONE")
        XCTAssertEqual(alias["DNSName"] as? String, "k8s-shop.elb.eu-west-1.amazonaws.com.")
        XCTAssertEqual((set(changes[0])["ResourceRecords"] as? [[String: String]])?.first?["Value"], "192.0.2.10")
    }

    func testThePairGoesAsRoute53HoldsItAndThePlainRecordReturns() throws {
        let settled = Self.pair.replacingOccurrences(of: #""eks", "Weight": 50"#, with: #""eks", "Weight": 0"#)
            .replacingOccurrences(of: #""source", "Weight": 50"#, with: #""source", "Weight": 100"#)
        let (status, batches) = try rollback(1, zone: settled)
        XCTAssertEqual(status, 0)
        let changes = try XCTUnwrap(batches.first)
        XCTAssertEqual(changes.map { $0["Action"] as? String }, ["DELETE", "DELETE", "CREATE"])
        XCTAssertEqual(changes.prefix(2).map { set($0)["Weight"] as? Int }, [100, 0], "DELETE names the records exactly as held")
        XCTAssertNil(set(changes[2])["SetIdentifier"])
        XCTAssertEqual(set(changes[2])["TTL"] as? Int, TrafficCommands.lowTTL)
    }

    func testNoPairOrNoAnswerStopsBeforeAnyChange() throws {
        // The plain record saved by the TTL step is back: the rollback is done, run again it changes nothing.
        let plain = #"{"ResourceRecordSets": [{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]}"#
        for index in [0, 1] {
            let (status, batches) = try rollback(index, zone: plain)
            XCTAssertEqual(status, 0, "line \(index): already rolled back")
            XCTAssertTrue(batches.isEmpty, "line \(index): nothing reached Route 53")
        }
        let other = plain.replacingOccurrences(of: "192.0.2.10", with: "198.51.100.7")
        let halfPair = Self.pair.replacingOccurrences(of: #""SetIdentifier": "eks""#, with: #""SetIdentifier": "canary""#)
        for index in [0, 1] {
            for (zone, why) in [(other, "another plain record"), (halfPair, "no eks record"), (nil, "Route 53 unreachable"), ("", "an empty answer"), ("not json", "garbage")] as [(String?, String)] {
                let (status, batches) = try rollback(index, zone: zone)
                XCTAssertNotEqual(status, 0, "line \(index): \(why)")
                XCTAssertTrue(batches.isEmpty, "line \(index): \(why): nothing reached Route 53")
            }
        }
    }
}
