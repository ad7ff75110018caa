import Foundation
import XCTest
@testable import EksodusCore

/// A migration night is interrupted (a gate fails at 50 %, the laptop sleeps): the switch of shop.acme.example run again
/// continues where it stopped, never redoes a share nor refuses, and its rollback does the same from any share. Under bash
/// against a stub Route 53 that keeps its zone in a file and refuses what Route 53 refuses (a CREATE of a set that exists,
/// a DELETE of a set it does not hold exactly, a plain record beside weighted ones).
extension TrafficGatesTests {
    /// `aws` as Route 53 holding `zone.json` (the demo's shop A record at the low TTL unless `records`), with healthy targets
    /// unless a file `unhealthy` is there and a wait that fails while `wait-fails` is there.
    func route53(_ records: String = #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#) -> String {
        """
        test -f zone.json || cat > zone.json <<'EOF'
        \(records)
        EOF
        case "$1 $2" in
          "route53 list-resource-record-sets") jq '{ResourceRecordSets: .}' zone.json ;;
          "route53 change-resource-record-sets") while [ $# -gt 0 ]; do [ "$1" = --change-batch ] && batch=$2; shift; done
            jq -e --argjson b "$batch" 'def same($s): map(select(.Name == $s.Name and .Type == $s.Type and .SetIdentifier == $s.SetIdentifier));
              reduce $b.Changes[] as $c (.; if . == null then null else $c.ResourceRecordSet as $s | same($s) as $held
                | if $c.Action == "CREATE" and ($held | length) > 0 then null elif $c.Action == "DELETE" and $held != [$s] then null
                  else map(select(.Name != $s.Name or .Type != $s.Type or .SetIdentifier != $s.SetIdentifier)) + (if $c.Action == "DELETE" then [] else [$s] end) end end)
              | if . != null and any(group_by([.Name, .Type])[]; length > 1 and any(.[]; .SetIdentifier == null)) then null else . end' zone.json > zone.next \\
              || { echo "InvalidChangeBatch: $batch" >&2; exit 254; }
            printf '%s\\n' "$batch" >> batches.jsonl; mv zone.next zone.json; echo /change/C0EXAMPLE ;;
          "route53 wait") [ ! -f wait-fails ] && [ "$5" = /change/C0EXAMPLE ] ;;
          "route53 get-hosted-zone") echo '{"HostedZone": {"Id": "/hostedzone/Z0EXAMPLE", "Config": {"PrivateZone": true}}}' ;;
          "elbv2 describe-target-health") if [ -f unhealthy ]; then echo unhealthy; else echo healthy; fi ;;
          "elbv2 describe-load-balancers") echo '{"LoadBalancers": [{"DNSName": "\(Self.balancer)", "CanonicalHostedZoneId": "\(Self.balancerZone)"}]}' ;;
          *) echo "unexpected aws $*" >&2; exit 2 ;;
        esac
        """
    }

    /// A folder holding what the TTL step left days ago: the saved record (an hour's TTL) and its lowering, long past.
    func lowered() throws -> URL {
        let folder = try temporaryFolder(self)
        try Self.shopHour.write(to: file(folder, ".dns-record.json"), atomically: true, encoding: .utf8)
        try "0\n".write(to: file(folder, ".ttl-lowered-at"), atomically: true, encoding: .utf8)
        return folder
    }

    /// The switch (or `lines`) run once more in `folder`: its status, what it said, and the batches sent so far.
    func again(_ folder: URL, _ lines: [String]? = nil, environment: [String: String] = [:]) throws -> (status: Int32, told: String, sent: [[[String: Any]]]) {
        let log = folder.appendingPathComponent("stderr.log")
        let stubs = ["aws": route53(), "kubectl": Self.shopKubectl]
        let status = try run(["exec 2>" + ShellQuote.word(log.path)] + (lines ?? (try item("traffic:prod:shop.acme.example").commands)), stubs: stubs, in: folder, environment: environment)
        let written = FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path)
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "", written ? try batches(in: folder) : [])
    }

    /// The pair as Route 53 holds it now: (set identifier, weight), source first; a plain record is ("plain", nil).
    func held(_ folder: URL) throws -> [(String, Int?)] {
        try json(folder.appendingPathComponent("zone.json")).filter { $0["Type"] as? String == "A" }
            .map { ($0["SetIdentifier"] as? String ?? "plain", $0["Weight"] as? Int) }.sorted { $0.0 > $1.0 }
    }

    /// The hold of the share Route 53 holds, long passed (as if the operator had waited).
    func holdPassed(_ folder: URL) throws {
        let stamp = file(folder, ".share-at")
        let share = try String(contentsOf: stamp, encoding: .utf8).split(separator: " ")[0]
        try "\(share) 0\n".write(to: stamp, atomically: true, encoding: .utf8)
    }

    func eksShares(_ sent: [[[String: Any]]]) -> [Int?] {
        sent.map { batch in batch.map(recordSet).first { $0["SetIdentifier"] as? String == "eks" && $0["Weight"] != nil }?["Weight"] as? Int }
    }

    func testAFreshRunStopsAtEachHoldAndEveryRerunContinuesWhereItStopped() throws {
        let folder = try lowered()
        // First run: the pair, 10 %, then the hold before 50 % stops it, saying how long and what to watch.
        var run = try again(folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(eksShares(run.sent), [0, 10])
        XCTAssertEqual(run.sent[0].map { $0["Action"] as? String }, ["DELETE", "CREATE", "CREATE"])
        XCTAssertTrue(run.told.contains("hold 300 s before 50%") && run.told.contains("HTTPCode_Target_5XX_Count"), run.told)
        XCTAssertEqual(try held(folder).map(\.1), [90, 10])
        // Run again at once: nothing is redone (the pair and 10 % are skipped, each read back), the hold still stops it.
        run = try again(folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.sent.count, 2, "no change sent")
        XCTAssertTrue(run.told.contains("already sends 10% to EKS: the 0% shift is skipped") && run.told.contains("s left"), run.told)
        // The hold has passed: 50 %, then the next hold.
        try holdPassed(folder)
        run = try again(folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(eksShares(run.sent), [0, 10, 50])
        try holdPassed(folder)
        run = try again(folder)
        XCTAssertEqual(run.status, 0, run.told)
        XCTAssertEqual(eksShares(run.sent), [0, 10, 50, 100])
        XCTAssertEqual(try held(folder).map(\.1), [0, 100])
        // Re-run after success: every share skipped and read back, no change sent.
        run = try again(folder)
        XCTAssertEqual(run.status, 0, run.told)
        XCTAssertEqual(run.sent.count, 4)
        XCTAssertTrue(run.told.contains("already sends 100% to EKS: the 100% shift is skipped"), run.told)
    }

    func testARunInterruptedAfterThePairWasCreatedContinuesWithoutCreatingItAgain() throws {
        let folder = try lowered()
        try "".write(to: folder.appendingPathComponent("unhealthy"), atomically: true, encoding: .utf8)
        var run = try again(folder)
        // The pair's own gate (targets healthy before the pair) stops it before any change.
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.sent.isEmpty, "no change while a target is unhealthy")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("unhealthy"))
        // The pair is made, then the 10 % change goes through but its wait never sees INSYNC: interrupted after the pair.
        try "".write(to: folder.appendingPathComponent("wait-fails"), atomically: true, encoding: .utf8)
        run = try again(folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(eksShares(run.sent), [0])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("wait-fails"))
        XCTAssertEqual(try held(folder).map(\.1), [100, 0], "pair created, 0% to EKS")
        // Run again: the pair is there with its set identifiers (no CREATE), the TTL gate accepts the pair, 10 % follows.
        run = try again(folder)
        XCTAssertEqual(eksShares(run.sent), [0, 10], run.told)
        XCTAssertEqual(run.sent.filter { $0.contains { $0["Action"] as? String == "CREATE" } }.count, 1, "the pair is created once")
        XCTAssertTrue(run.told.contains("already sends 0% to EKS: the 0% shift is skipped"), run.told)
    }

    func testAShareWhoseWaitFailedIsNotSentAgainAndItsHoldStartsAtTheRerun() throws {
        let folder = try lowered()
        _ = try again(folder)
        try holdPassed(folder)
        // 50 % is taken by Route 53, but the wait fails: the step stops with no time noted for 50 %.
        try "".write(to: folder.appendingPathComponent("wait-fails"), atomically: true, encoding: .utf8)
        var run = try again(folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(try held(folder).map(\.1), [50, 50])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("wait-fails"))
        XCTAssertEqual(try String(contentsOf: file(folder, ".share-at"), encoding: .utf8).split(separator: " ").first, "10")
        // Run again: 50 % is skipped (read back), its hold starts now, so 100 % waits.
        run = try again(folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(eksShares(run.sent), [0, 10, 50], "50% is not sent twice")
        XCTAssertTrue(run.told.contains("hold 300 s before 100%"), run.told)
    }

    func testTheHoldIsAWholeNumberOfAtLeastTwiceTheTTL() throws {
        for (hold, passes) in [("600", true), ("120", true), ("119", false), ("60", false), ("5m", false), ("", true), ("-300", false), ("0300", true)] {
            let folder = try lowered()
            let run = try again(folder, environment: ["HOLD_SECONDS": hold])
            XCTAssertNotEqual(run.status, 0, "the hold stops every first run")
            XCTAssertEqual(!run.sent.isEmpty, passes, "HOLD_SECONDS=\(hold): \(run.told)")
            if passes { XCTAssertTrue(run.told.contains("hold \(hold.isEmpty ? 300 : Int(hold)!) s before 50%"), run.told) }
            else { XCTAssertTrue(run.told.contains("at least 120"), run.told) }
        }
        // A hold longer than the time since 10 %: still held; shorter: it goes on.
        let folder = try lowered()
        _ = try again(folder)
        try "10 \(Int(Date().timeIntervalSince1970) - 200)\n".write(to: file(folder, ".share-at"), atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try again(folder, environment: ["HOLD_SECONDS": "300"]).status, 0)
        XCTAssertEqual(eksShares(try again(folder, environment: ["HOLD_SECONDS": "150"]).sent), [0, 10, 50])
        // No time noted for the share Route 53 holds (the file lost): the hold starts at this run, never skipped.
        try FileManager.default.removeItem(at: file(folder, ".share-at"))
        let lost = try again(folder, environment: ["HOLD_SECONDS": "150"])
        XCTAssertNotEqual(lost.status, 0)
        XCTAssertEqual(lost.sent.count, 3)
        // (the seconds left depend on how long the run took: on a busy machine, a few less than 150)
        XCTAssertTrue(lost.told.contains("hold starts now") && lost.told.contains(" s left"), lost.told)
    }

    /// The rollback from every state the switch can stop in, and run twice: the plain record of the saved file is back at
    /// the low TTL, Route 53 got only what each state needed, and the second run sends nothing.
    func testTheRollbackWorksFromEveryShareAndRunsAgainAsANoOp() throws {
        let traffic = try item("traffic:prod:shop.acme.example")
        let rollback = traffic.rollbackCommands
        for stop in 0...TrafficCommands.shares.count {
            let folder = try lowered()
            let lines = traffic.commands.filter { !$0.hasPrefix("eksodus_dns_shift ") } + Self.heldLong(traffic.commands.filter { $0.hasPrefix("eksodus_dns_shift ") }.prefix(stop + 1).map { $0 })
            XCTAssertEqual(try again(folder, lines).status, 0, "switched to share \(stop)")
            let before = try batches(in: folder).count
            var run = try again(folder, rollback)
            XCTAssertEqual(run.status, 0, "rollback from \(stop): \(run.told)")
            XCTAssertEqual(try held(folder).map(\.0), ["plain"])
            XCTAssertEqual(try json(folder.appendingPathComponent("zone.json")).first?["TTL"] as? Int, TrafficCommands.lowTTL)
            XCTAssertEqual(run.sent.count - before, stop == 0 ? 1 : 2, "from \(stop): weights back (none at 0%), then the pair goes")
            XCTAssertFalse(FileManager.default.fileExists(atPath: file(folder, ".share-at").path), "a later switch holds afresh")
            run = try again(folder, rollback)
            XCTAssertEqual(run.status, 0, run.told)
            XCTAssertEqual(run.sent.count - before, stop == 0 ? 1 : 2, "run again: nothing sent")
            XCTAssertTrue(run.told.contains("holds the plain record again: nothing to roll back"), run.told)
        }
        // Interrupted between its two parts (`eksodus_dns_switch_back`: weights back, then unpair): the pair still there;
        // run again, only the pair goes.
        let folder = try lowered()
        XCTAssertEqual(try again(folder, Self.heldLong(traffic.commands)).status, 0)
        let call = try XCTUnwrap(rollback.last)
        XCTAssertTrue(call.hasPrefix("eksodus_dns_switch_back "), call)
        XCTAssertNotEqual(try again(folder, Array(rollback.dropLast()) + [call.replacingOccurrences(of: "eksodus_dns_switch_back ", with: "eksodus_dns_weights_back "), "false"]).status, 0)
        XCTAssertEqual(try held(folder).map(\.1), [100, 0])
        let run = try again(folder, rollback)
        XCTAssertEqual(run.status, 0, run.told)
        XCTAssertTrue(run.told.contains("every weight is already back to the source"), run.told)
        XCTAssertEqual(run.sent.last?.map { $0["Action"] as? String }, ["DELETE", "DELETE", "CREATE"])
    }

    /// The private zone's TTL gate on a re-run: the pair, both records at the low TTL (or an alias), passes; a record of the
    /// pair above it, or a third record, fails.
    func testTheLowTTLGateAcceptsThePairOnARerun() throws {
        let gate = try XCTUnwrap(try item("traffic:prod:shop.acme.example").commands.first { $0.hasPrefix("eksodus_dns_low_ttl ") })
        let source = #"{"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "source", "Weight": 90, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}"#
        let eks = #"{"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "eks", "Weight": 10, "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "x.elb.amazonaws.com.", "EvaluateTargetHealth": true}}"#
        for (zone, passes) in [("[\(source), \(eks)]", true), ("[\(source.replacingOccurrences(of: "\"TTL\": 60", with: "\"TTL\": 300")), \(eks)]", false),
                               ("[\(source), \(eks), \(eks.replacingOccurrences(of: "\"eks\"", with: "\"canary\""))]", false), ("[\(source)]", false)] {
            let folder = try lowered()
            try zone.write(to: folder.appendingPathComponent("zone.json"), atomically: true, encoding: .utf8)
            XCTAssertEqual(try run([gate], stubs: ["aws": route53(), "dig": "exit 9"], in: folder) == 0, passes, zone)
        }
    }
}

extension TrafficGatesTests {
    /// The hold's optional check: the 5xx count of each target group of the namespace over the last HOLD_SECONDS, asked
    /// of CloudWatch with the dimensions the ALB publishes (the ends of the target group's and load balancer's ARNs).
    func testTheHoldsCheckReadsEachTargetGroupsTarget5xx() throws {
        let note = try XCTUnwrap(try item("traffic:prod:shop.acme.example").commands.first { $0.hasPrefix("# each share holds HOLD_SECONDS") })
        XCTAssertTrue(note.hasSuffix(": eksodus_alb_5xx 'shop'"), note)
        let tg = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-shop-storefro/73e2d6bc24d8a067"
        let lb = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-shop-abc123/50dc6c495c0c9188"
        let aws = """
            case "$1 $2" in
              "elbv2 describe-target-groups") [ "$4" = '\(tg)' ] && echo '\(lb)' ;;
              "cloudwatch get-metric-statistics") case " $* " in *" --metric-name HTTPCode_Target_5XX_Count "*" Name=TargetGroup,Value=targetgroup/k8s-shop-storefro/73e2d6bc24d8a067 Name=LoadBalancer,Value=app/k8s-shop-abc123/50dc6c495c0c9188 "*" --statistics Sum "*) echo 7.0 ;; *) exit 3 ;; esac ;;
              *) exit 2 ;;
            esac
            """
        let folder = try temporaryFolder(self)
        let out = folder.appendingPathComponent("out.txt")
        let kubectl = "case \"$*\" in *targetgroupbindings*) echo '\(tg)' ;; *) exit 1 ;; esac"
        XCTAssertEqual(try run(["eksodus_alb_5xx 'shop' > " + ShellQuote.word(out.path)], stubs: ["aws": aws, "kubectl": kubectl], in: folder), 0)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), "targetgroup/k8s-shop-storefro/73e2d6bc24d8a067: 7.0 target 5xx in the last 300 s\n")
        XCTAssertNotEqual(try run(["eksodus_alb_5xx 'shop'"], stubs: ["aws": "exit 254", "kubectl": kubectl], in: folder), 0, "CloudWatch not read")
        XCTAssertNotEqual(try run(["eksodus_alb_5xx 'shop'"], stubs: ["aws": aws, "kubectl": "exit 1"], in: folder), 0, "the cluster not read")
        XCTAssertNotEqual(try run(["eksodus_alb_5xx 'shop'"], stubs: ["aws": aws, "kubectl": "true"], in: folder), 0, "no target group")
    }
}

extension TrafficGatesTests {
    /// Before each share, not only the first: the hold passed, an unhealthy ALB target or a pair pointing elsewhere stops
    /// the next share before its change.
    func testEveryShareChecksTargetHealthAndThePairBeforeItsChange() throws {
        let folder = try lowered()
        _ = try again(folder)
        try holdPassed(folder)
        try "".write(to: folder.appendingPathComponent("unhealthy"), atomically: true, encoding: .utf8)
        var run = try again(folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(eksShares(run.sent), [0, 10], "no 50% while a target is unhealthy")
        XCTAssertTrue(run.told.contains("a target of Service storefront is not healthy"), run.told)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("unhealthy"))
        // Someone pointed the eks record at another load balancer: the read-back before 50% stops it.
        let zone = folder.appendingPathComponent("zone.json")
        try String(contentsOf: zone, encoding: .utf8).replacingOccurrences(of: Self.balancer, with: "k8s-other.elb.amazonaws.com").write(to: zone, atomically: true, encoding: .utf8)
        run = try again(folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.sent.count, 2)
        XCTAssertTrue(run.told.contains("does not hold the weighted pair at 10% to EKS pointing at the EKS load balancer"), run.told)
    }
}
