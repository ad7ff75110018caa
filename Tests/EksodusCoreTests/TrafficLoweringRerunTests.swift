import Foundation
import XCTest
@testable import EksodusCore

/// The TTL lowering run again after each point where it can stop: the record saved by the first run (with the old TTL)
/// stays, the time of the low TTL is noted only once its change is in sync and never moved later, and the switch waits the
/// saved old TTL, not the 60 s a re-run would read from Route 53. Under bash, against a stub Route 53 that keeps its zone.
extension TrafficGatesTests {
    static let shopHour = #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 3600, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#

    func file(_ folder: URL, _ suffix: String) -> URL { folder.appendingPathComponent(Self.stem("shop.acme.example") + suffix) }

    func json(_ url: URL) throws -> [[String: Any]] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
    }

    func testARerunAfterAFailedWaitKeepsTheOriginalTTLAndTheSwitchWaitsIt() throws {
        let lowering = try item("dns-ttl:prod:shop.acme.example")
        let folder = try temporaryFolder(self)
        // The UPSERT goes through, but the wait for it never sees INSYNC.
        let waitFails = aws(records: Self.shopHour).replacingOccurrences(of: "\"route53 wait\") [", with: "\"route53 wait\") exit 255; [")
        XCTAssertNotEqual(try run(lowering.commands, stubs: ["aws": waitFails], in: folder), 0)
        XCTAssertEqual(try json(folder.appendingPathComponent("zone.json"))[0]["TTL"] as? Int, 60, "Route 53 took the low TTL")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file(folder, ".ttl-lowered-at").path), "no time before the change is in sync")
        XCTAssertEqual(try json(file(folder, ".dns-record.json"))[0]["TTL"] as? Int, 3600)
        // The re-run reads the record at 60 s, and keeps the saved one.
        XCTAssertEqual(try run(lowering.commands, stubs: ["aws": aws(records: Self.shopHour)], in: folder), 0)
        XCTAssertEqual(try json(file(folder, ".dns-record.json"))[0]["TTL"] as? Int, 3600, "the saved record keeps the old TTL")
        XCTAssertEqual(try json(file(folder, ".dns-live.json"))[0]["TTL"] as? Int, 60)
        let stamp = try String(contentsOf: file(folder, ".ttl-lowered-at"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let now = Int(Date().timeIntervalSince1970)
        XCTAssertLessThanOrEqual(abs((Int(stamp) ?? 0) - now), 60)
        // The switch's time gate waits the hour, not a minute.
        let gate = try XCTUnwrap(try item("traffic:prod:shop.acme.example").commands.first { $0.hasPrefix("eksodus_dns_ttl_passed ") })
        let early = try runTold([gate], stubs: [:], in: folder)
        XCTAssertNotEqual(early.status, 0, "61 s after the lowering the original 3600 s have not passed")
        try "\(now - 3601)\n".write(to: file(folder, ".ttl-lowered-at"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run([gate], stubs: [:], in: folder), 0)
        // A third run (all went well before) keeps the earlier time: the low TTL has been served since then.
        XCTAssertEqual(try run(lowering.commands, stubs: ["aws": aws(records: Self.shopHour)], in: folder), 0)
        XCTAssertEqual(try String(contentsOf: file(folder, ".ttl-lowered-at"), encoding: .utf8), "\(now - 3601)\n")
        // The rollback restores the hour and drops the time, so that a later lowering waits again.
        XCTAssertEqual(try run(lowering.rollbackCommands, stubs: ["aws": aws(records: Self.shopHour)], in: folder), 0)
        XCTAssertEqual(try batches(in: folder).last.map { recordSet($0[0])["TTL"] as? Int }, 3600)
        XCTAssertEqual(try json(folder.appendingPathComponent("zone.json"))[0]["TTL"] as? Int, 3600)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file(folder, ".ttl-lowered-at").path))
        XCTAssertNotEqual(try run([gate], stubs: [:], in: folder), 0, "after the rollback the switch waits for a new lowering")
    }

    func testEveryInterruptionOfTheLoweringLeavesARerunThatWaitsTheOriginalTTL() throws {
        let lowering = try item("dns-ttl:prod:shop.acme.example")
        // Route 53 unreachable, the source cluster unreachable, the change refused, no change id, the wait failing.
        let stops: [(String, [String: String], String)] = [
            ("exit 255", [:], "listing fails"),
            (aws(records: Self.shopHour), ["SOURCE_DOWN": "1"], "source cluster unreachable"),
            (aws(records: Self.shopHour).replacingOccurrences(of: "\"route53 change-resource-record-sets\") while", with: "\"route53 change-resource-record-sets\") exit 254; while"), [:], "change refused"),
            (aws(records: Self.shopHour).replacingOccurrences(of: "echo /change/C0EXAMPLE", with: "true"), [:], "no change id"),
        ]
        for (stub, environment, why) in stops {
            let folder = try temporaryFolder(self)
            XCTAssertNotEqual(try run(lowering.commands, stubs: ["aws": stub], in: folder, environment: environment), 0, why)
            XCTAssertFalse(FileManager.default.fileExists(atPath: file(folder, ".ttl-lowered-at").path), why)
            XCTAssertEqual(try run(lowering.commands, stubs: ["aws": aws(records: Self.shopHour)], in: folder), 0, why)
            XCTAssertEqual(try json(file(folder, ".dns-record.json"))[0]["TTL"] as? Int, 3600, why)
            XCTAssertTrue(FileManager.default.fileExists(atPath: file(folder, ".ttl-lowered-at").path), why)
        }
    }

    func testARecordChangedSinceItWasSavedStopsTheRerunBeforeAnyChange() throws {
        let lowering = try item("dns-ttl:prod:shop.acme.example")
        let folder = try temporaryFolder(self)
        XCTAssertEqual(try run(lowering.commands, stubs: ["aws": aws(records: Self.shopHour)], in: folder), 0)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("batches.jsonl"))
        try #"[{"Name": "shop.acme.example.", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "lb.dc1.acme.example"}]}]"#
            .write(to: folder.appendingPathComponent("zone.json"), atomically: true, encoding: .utf8)
        let result = try runTold(lowering.commands, stubs: ["aws": aws(records: "[]")], in: folder)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.told.contains("holds another record than Route 53 now"), result.told)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path), "no change from a stale copy")
        XCTAssertEqual(try json(file(folder, ".dns-record.json"))[0]["TTL"] as? Int, 3600, "the saved copy stays")
        // A saved copy the first run could not use (an AAAA record, since replaced) is read again.
        try Self.shopAAAA.write(to: file(folder, ".dns-record.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(lowering.commands, stubs: ["aws": aws(records: "[]")], in: folder), 0)
        XCTAssertEqual(try json(file(folder, ".dns-record.json"))[0]["TTL"] as? Int, 300)
    }
}
