import Foundation
import XCTest
@testable import EksodusCore

/// A name moves only when Route 53 points it at the source's own load balancer (the Ingress status read from the source
/// cluster): an Ingress of any namespace may list any host. An alias of another record of the zone, whose TTL the
/// lowering cannot lower, stops it; a wildcard name, which Route 53 lists as `\052`, is found.
extension TrafficGatesTests {
    func testTheLoweringStopsWhenTheRecordDoesNotPointAtTheSourceIngress() throws {
        let lowering = try item("dns-ttl:prod:shop.acme.example")
        let cases: [([String: String], String)] = [
            (["SOURCE_LB_ADDRESSES": "198.51.100.7 tenant-toy.elb.amazonaws.com"], "another load balancer"),
            (["SOURCE_LB_ADDRESSES": ""], "the source Ingress has no address"),
            (["SOURCE_DOWN": "1"], "the source cluster is not reached"),
        ]
        for (environment, why) in cases {
            let folder = try temporaryFolder(self)
            let log = folder.appendingPathComponent("stderr.log")
            let status = try run(["exec 2>" + ShellQuote.word(log.path)] + lowering.commands, stubs: ["aws": aws(records: Self.shopA)], in: folder, environment: environment)
            let told = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            XCTAssertNotEqual(status, 0, why)
            XCTAssertTrue(told.contains("does not point at the source load balancer of Ingress shop/shop") && told.contains("SWITCH_FOREIGN_RECORD=shop.acme.example (that name only)"), "\(why): \(told)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path), "\(why): nothing changed")
            XCTAssertFalse(FileManager.default.fileExists(atPath: file(folder, ".dns-record.json").path), "\(why): a record not ours is never saved")
        }
        // The operator's override, for this name only: "yes" (or another name, exported for an earlier switch) passes nothing.
        for other in ["yes", "admin.acme.example"] {
            let refused = try temporaryFolder(self)
            XCTAssertNotEqual(try run(lowering.commands, stubs: ["aws": aws(records: Self.shopA)], in: refused,
                                      environment: ["SOURCE_LB_ADDRESSES": "198.51.100.7", "SWITCH_FOREIGN_RECORD": other]), 0, other)
        }
        let folder = try temporaryFolder(self)
        XCTAssertEqual(try run(lowering.commands, stubs: ["aws": aws(records: Self.shopA)], in: folder,
                               environment: ["SOURCE_LB_ADDRESSES": "198.51.100.7", "SWITCH_FOREIGN_RECORD": "shop.acme.example"]), 0)
        XCTAssertEqual(try batches(in: folder).count, 1)
        // One value of an A record elsewhere is enough to stop it.
        let mixed = #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}, {"Value": "198.51.100.7"}]}]"#
        XCTAssertNotEqual(try run(lowering.commands, stubs: ["aws": aws(records: mixed)], in: try temporaryFolder(self)), 0)
        // An alias to the source ALB matches its Ingress hostname without the dualstack prefix, in any case.
        XCTAssertEqual(try run(lowering.commands, stubs: ["aws": aws(records: Self.shopAlias)], in: try temporaryFolder(self),
                               environment: ["SOURCE_LB_ADDRESSES": "SRC-shop-1234.eu-west-1.elb.amazonaws.com"]), 0)
    }

    func testTheSwitchStopsWhenTheLiveRecordNoLongerPointsAtTheSource() throws {
        let traffic = try item("traffic:prod:shop.acme.example")
        let kubectl = "case \"$*\" in *targetgroupbindings*) echo 'storefront arn:tg' ;; *.spec.rules*) echo storefront ;; *) echo \(Self.balancer) ;; esac"
        let lowered = #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
        let stubs = ["aws": aws(records: lowered), "kubectl": kubectl, "dig": "echo 'shop.acme.example. 60 IN A 192.0.2.10'"]
        func attempt(_ environment: [String: String]) throws -> (Int32, Bool) {
            let folder = try temporaryFolder(self)
            try Self.shopHour.write(to: file(folder, ".dns-record.json"), atomically: true, encoding: .utf8)
            try "0\n".write(to: file(folder, ".ttl-lowered-at"), atomically: true, encoding: .utf8)
            let status = try run(Self.heldLong(traffic.commands), stubs: stubs, in: folder, environment: environment)
            return (status, FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path))
        }
        let foreign = try attempt(["SOURCE_LB_ADDRESSES": "198.51.100.7"])
        XCTAssertNotEqual(foreign.0, 0)
        XCTAssertFalse(foreign.1, "no weight moves to a name the source does not serve")
        let ours = try attempt([:])
        XCTAssertEqual(ours.0, 0)
        XCTAssertTrue(ours.1)
    }

    func testTheLoweringRefusesAnAliasOfAnotherRecordOfItsZone() throws {
        let lowering = try item("dns-ttl:prod:shop.acme.example")
        let inZone = #"[{"Name": "shop.acme.example.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z0EXAMPLE", "DNSName": "www.acme.example.", "EvaluateTargetHealth": false}}]"#
        for zone in ["Z0EXAMPLE", "/hostedzone/Z0EXAMPLE"] {
            let folder = try temporaryFolder(self)
            let log = folder.appendingPathComponent("stderr.log")
            let status = try run(["exec 2>" + ShellQuote.word(log.path)] + lowering.commands, stubs: ["aws": aws(records: inZone)], in: folder,
                                 environment: ["HOSTED_ZONE_ID": zone, "SWITCH_FOREIGN_RECORD": "shop.acme.example"])
            let told = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            XCTAssertNotEqual(status, 0, zone)
            XCTAssertTrue(told.contains("another record of this zone") && told.contains("lower that record's TTL by hand"), told)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path))
        }
    }

    /// Route 53 lists `*.acme.example` as `\052.acme.example.`: the lowering, the zone gate of a private zone, the shifts'
    /// read-back and the rollback all find it.
    func testAWildcardNameListedAsOctalEscapeIsFoundEverywhere() throws {
        let host = "*.acme.example", record = "wild.dns-record.json"
        let frontends = [(kind: "ingress", namespace: "shop", name: "shop")]
        let wild = #"[{"Name": "\\052.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
        let lowering = DNSLowering.commands(host: host, record: record, frontends: frontends)
        let folder = try temporaryFolder(self)
        XCTAssertEqual(try run(lowering.commands, stubs: ["aws": aws(records: wild)], in: folder), 0)
        let saved = try json(folder.appendingPathComponent(record))
        XCTAssertEqual(saved.first?["Name"] as? String, #"\052.acme.example."#)
        XCTAssertEqual(recordSet(try batches(in: folder)[0][0])["TTL"] as? Int, 60)
        let ttl = TrafficCommands.ttlExpired(host: host, record: record)
        XCTAssertEqual(try run([ttl[1]], stubs: ["aws": aws(records: wild, privateZone: true)], in: folder), 0, "the private zone's record at 60 s")
        let switching = TrafficCommands.weightedSwitch(record: record, frontend: nil, ingresses: [])
        let live = TrafficCommands.liveGate(host: host, record: record, frontends: frontends)
        // Between shares the hold: here long passed (the shift notes its share's time, backdated before the next).
        let backdate = "echo \"$(cut -d ' ' -f 1 wild.share-at) 0\" > wild.share-at"
        let lines = live + switching.commands.prefix(3) + [backdate, switching.commands[3], backdate, switching.commands[4]] + switching.rollback
        XCTAssertEqual(try run(lines, stubs: ["aws": aws(records: wild)], in: folder, environment: ["EKS_LB": Self.balancer]), 0)
        XCTAssertEqual(try batches(in: folder).count, 1 + 1 + TrafficCommands.shares.count + 2)
    }
}
