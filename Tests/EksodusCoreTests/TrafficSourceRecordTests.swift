import Foundation
import XCTest
@testable import EksodusCore

/// The record a name's clients resolve now, as Route 53 may hold it: an alias A record (the source's own AWS load balancer)
/// has no TTL and no values, so it stays an alias through the lowering, the pair and both rollbacks, and its TTL gate waits
/// Route 53's 60 s alias TTL instead of a null one; an AAAA name stops, with its reason, before Route 53 gets any change.
extension TrafficGatesTests {
    static let sourceLB = "dualstack.src-shop-1234.eu-west-1.elb.amazonaws.com."
    static let shopAlias = #"[{"Name": "shop.acme.example.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z32O12XQLNTSW2", "DNSName": "\#(sourceLB)", "EvaluateTargetHealth": false}}, {"Name": "shop.acme.example.", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": "\"v=spf1 -all\""}]}]"#
    static let shopAAAA = #"[{"Name": "shop.acme.example.", "Type": "AAAA", "TTL": 300, "ResourceRecords": [{"Value": "2001:db8::10"}]}]"#

    /// `lines` run as `run` runs them, and what they printed on stderr.
    func runTold(_ lines: [String], stubs: [String: String], in folder: URL) throws -> (status: Int32, told: String) {
        let log = folder.appendingPathComponent("stderr.log")
        let status = try run(["exec 2>" + ShellQuote.word(log.path)] + lines, stubs: stubs, in: folder)
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    func testAnAliasSourceStaysAnAliasWithoutTTLThroughTheSwitchAndBothRollbacks() throws {
        let (status, batches) = try switchShop(records: Self.shopAlias)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(batches.count, 1 + 1 + TrafficCommands.shares.count + 2 + 1)
        for change in batches.joined() where recordSet(change)["AliasTarget"] != nil {
            XCTAssertNil(recordSet(change)["TTL"], "an alias record has no TTL: \(change)")
            XCTAssertNil(recordSet(change)["ResourceRecords"], "nor values: \(change)")
        }
        func isSource(_ set: [String: Any]) -> Bool { ((set["AliasTarget"] as? [String: Any])?["DNSName"] as? String) == Self.sourceLB }
        XCTAssertEqual(batches[0].map { $0["Action"] as? String }, ["UPSERT"])
        XCTAssertTrue(isSource(recordSet(batches[0][0])), "the lowering leaves the alias as it is")
        let pair = batches[1]
        XCTAssertEqual(pair.map { $0["Action"] as? String }, ["DELETE", "CREATE", "CREATE"])
        XCTAssertTrue(isSource(recordSet(pair[0])) && recordSet(pair[0])["SetIdentifier"] == nil, "DELETE names the alias exactly as held")
        let source = recordSet(pair[1]), eks = recordSet(pair[2])
        XCTAssertTrue(isSource(source), "the source record keeps its AliasTarget")
        XCTAssertEqual(source["SetIdentifier"] as? String, "source")
        XCTAssertEqual(source["Weight"] as? Int, 100)
        XCTAssertEqual((source["AliasTarget"] as? [String: Any])?["HostedZoneId"] as? String, "Z32O12XQLNTSW2")
        XCTAssertEqual((source["AliasTarget"] as? [String: Any])?["EvaluateTargetHealth"] as? Bool, false, "as the source had it")
        XCTAssertEqual((eks["AliasTarget"] as? [String: Any])?["DNSName"] as? String, Self.balancer)
        XCTAssertEqual(batches.joined().compactMap { recordSet($0)["Type"] as? String }.filter { $0 != "A" }, [], "every change is of type A")
        // The switch's rollback puts the plain alias back; the lowering's rollback leaves it as it was.
        XCTAssertEqual(batches[6].map { $0["Action"] as? String }, ["DELETE", "DELETE", "CREATE"])
        XCTAssertTrue(isSource(recordSet(batches[6][2])) && recordSet(batches[6][2])["SetIdentifier"] == nil)
        XCTAssertTrue(isSource(recordSet(batches[7][0])))
    }

    func testTheTTLGateOfAnAliasSourceWaitsTheAliasTTL() throws {
        let shop = try XCTUnwrap(try item("traffic:prod:shop.acme.example").commands.first { $0.hasPrefix("eksodus_dns_ttl_passed ") })
        let folder = try temporaryFolder(self)
        try #"[{"Name": "shop.acme.example.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z32O12XQLNTSW2", "DNSName": "\#(Self.sourceLB)", "EvaluateTargetHealth": false}}]"#
            .write(to: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".dns-record.json"), atomically: true, encoding: .utf8)
        let stamp = folder.appendingPathComponent(Self.stem("shop.acme.example") + ".ttl-lowered-at")
        let now = Int(Date().timeIntervalSince1970)
        try "\(now - TrafficCommands.aliasTTL - 1)\n".write(to: stamp, atomically: true, encoding: .utf8)
        XCTAssertEqual(try run([shop], stubs: [:], in: folder), 0, "60 s after the lowering")
        try "\(now - 20)\n".write(to: stamp, atomically: true, encoding: .utf8)
        let early = try runTold([shop], stubs: [:], in: folder)
        XCTAssertNotEqual(early.status, 0, "20 s after the lowering")
        XCTAssertTrue(early.told.contains("60 s for an alias record"), early.told)
        // A private zone: the alias's record is read from the Route 53 API, where it has no TTL: counted at 60 s.
        let gate = try XCTUnwrap(try item("traffic:prod:shop.acme.example").commands.first { $0.hasPrefix("eksodus_dns_low_ttl ") })
        XCTAssertEqual(try run([gate], stubs: ["aws": aws(records: Self.shopAlias, privateZone: true), "dig": "exit 9"], in: folder), 0)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("zone.json"))  // the stub keeps its zone between runs
        XCTAssertNotEqual(try run([gate], stubs: ["aws": aws(records: Self.shopAAAA, privateZone: true), "dig": "exit 9"], in: folder), 0, "no A record of the name")
    }

    func testTheLoweringSaysWhyItCannotSwitchAName() throws {
        let lowering = try item("dns-ttl:prod:shop.acme.example").commands
        let cases: [(String, String, String)] = [
            (aws(records: Self.shopAAAA), "an AAAA record", "AAAA only"),
            (aws(records: #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}, {"Name": "shop.acme.example.", "Type": "AAAA", "TTL": 300, "ResourceRecords": [{"Value": "2001:db8::10"}]}]"#), "dualstack load balancer", "A and AAAA"),
            (aws(records: #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "x.elb.amazonaws.com.", "EvaluateTargetHealth": false}}]"#), "an alias with a TTL", "an alias Route 53 would not hold"),
            (aws(records: "[]"), "no A, AAAA or CNAME record", "no record"),
            ("exit 255", "not read", "Route 53 unreachable"),
            ("true", "not read", "an empty answer"),
        ]
        for (stub, reason, why) in cases {
            let folder = try temporaryFolder(self)
            let result = try runTold(lowering, stubs: ["aws": stub], in: folder)
            XCTAssertNotEqual(result.status, 0, why)
            XCTAssertTrue(result.told.contains(reason) && result.told.contains("switch this name by hand"), "\(why): \(result.told)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path), "\(why): nothing changed")
        }
    }

    /// Lowered by hand or by an older runbook, an AAAA record file still never reaches Route 53 as a pair of two types.
    func testAnAAAARecordFileStopsTheSwitchBeforeAnyChange() throws {
        let traffic = try item("traffic:prod:shop.acme.example")
        let kubectl = "case \"$*\" in *targetgroupbindings*) echo 'storefront arn:tg' ;; *.spec.rules*) echo storefront ;; *) echo \(Self.balancer) ;; esac"
        let stubs = ["aws": aws(records: Self.shopAAAA), "kubectl": kubectl,
                     "dig": "[ \"$3\" = @\(Self.nameServer) ] && echo 'shop.acme.example. 60 IN AAAA 2001:db8::10'"]
        let file = Self.stem("shop.acme.example") + ".dns-record.json"
        for lines in [traffic.commands, ["eksodus_dns_shift \(file) 0 shop ingress/shop"]] {
            let folder = try temporaryFolder(self)
            try Self.shopAAAA.write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
            try "0\n".write(to: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".ttl-lowered-at"), atomically: true, encoding: .utf8)
            let result = try runTold(lines, stubs: stubs, in: folder)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.told.contains("A or CNAME") || result.told.contains("only A and CNAME names switch") || result.told.contains("does not point at the source load balancer"), result.told)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path), "nothing reached Route 53")
        }
    }
}
