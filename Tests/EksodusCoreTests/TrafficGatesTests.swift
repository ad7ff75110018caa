import Foundation
import XCTest
@testable import EksodusCore

/// An EKS engineer's second review of the traffic steps, run under bash with stub `aws`, `dig`, `kubectl`, `nc` and `curl`:
/// the switch keeps the record's type (the demo's shop.acme.example is an A record to a MetalLB address), its gates fail
/// when what they check is not so, and the admin Ingress, whose login ingress-nginx enforced, is held out until decided.
final class TrafficGatesTests: XCTestCase {
    static let demo: Result<(plan: TransitionPlan, folder: URL), Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-traffic-gates-\(UUID().uuidString)")
        // The whole demo (its progress too), for the converted manifests it writes at its end.
        return (try Demo(folder: folder, now: fixedNow).run().plan, folder)
    }

    func item(_ key: String) throws -> PlanItem {
        try XCTUnwrap(try Self.demo.get().plan.items.first { $0.keyText == key }, "no item \(key)")
    }

    static let balancer = "k8s-shop-abc123.elb.ap-northeast-2.amazonaws.com"
    static let balancerZone = "ZWKZPGTI48KDX"

    /// Runs `lines` as one bash script (stopping at the first failure) in `folder`, with `stubs` first on the PATH.
    func run(_ lines: [String], stubs: [String: String], in folder: URL, environment: [String: String] = [:]) throws -> Int32 {
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        // The source cluster (`--context "$SOURCE_CONTEXT"`) reports its Ingresses' load balancer at the addresses the
        // records of these tests point at, or at `$SOURCE_LB_ADDRESSES` (empty: none): the live record must point there.
        let source = "if [ \"$1 $2\" = '--context src' ]; then [ -z \"${SOURCE_DOWN:-}\" ] || exit 1; printf '%s\\n' ${SOURCE_LB_ADDRESSES-192.0.2.10 lb.dc1.acme.example lb.dc1.acme.internal src-shop-1234.eu-west-1.elb.amazonaws.com}; exit 0; fi\n"
        for (name, body) in stubs.merging(["kubectl": "echo \"kubectl: command not found\" >&2; exit 127"], uniquingKeysWith: { given, _ in given }) {
            let body = name == "kubectl" ? source + body : body
            let url = bin.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // The library the steps call, sourced as an operator's shell would have it (a step's own load line sources it again).
        process.arguments = ["-c", "set -e\n. \"$EKSODUS_RUNBOOK_LIB\"\n" + lines.joined(separator: "\n")]
        process.currentDirectoryURL = folder
        process.environment = RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin", "EKS_CONTEXT": "eks", "SOURCE_CONTEXT": "src", "HOSTED_ZONE_ID": "Z0EXAMPLE", "HOME": folder.path]
            .merging(environment) { $1 })
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static let nameServer = "ns-1536.awsdns-00.co.uk"

    /// The stem of a prod host's DNS state files, as the runbook names them.
    static func stem(_ host: String) -> String { ShellQuote.fileName(["prod", host], suffix: "") }

    /// `aws` answering as Route 53 holding `records` would: it applies each change batch to its zone (zone.json, so that a
    /// read-back sees what was written) and writes it to batches.jsonl; `storedAs` rewrites what it stores (a jq filter on
    /// each record set: a Route 53 that stores another value than it was given); and the ELB API.
    func aws(records: String, privateZone: Bool = false, storedAs: String = ".") -> String {
        """
        test -f zone.json || cat > zone.json <<'EOF'
        \(records)
        EOF
        case "$1 $2" in
          "route53 list-resource-record-sets") jq '{ResourceRecordSets: .}' zone.json ;;
          "route53 change-resource-record-sets") while [ $# -gt 0 ]; do [ "$1" = --change-batch ] && batch=$2; shift; done
            printf '%s\\n' "$batch" >> batches.jsonl
            jq --argjson b "$batch" 'reduce $b.Changes[] as $c (.; ($c.ResourceRecordSet | \(storedAs)) as $s | map(select(.Name != $s.Name or .Type != $s.Type or .SetIdentifier != $s.SetIdentifier)) + (if $c.Action == "DELETE" then [] else [$s] end))' zone.json > zone.next && mv zone.next zone.json
            echo /change/C0EXAMPLE ;;
          "route53 wait") [ "$3 $4" = "resource-record-sets-changed --id" ] && [ "$5" = /change/C0EXAMPLE ] ;;
          "route53 get-hosted-zone") echo '{"HostedZone": {"Id": "/hostedzone/Z0EXAMPLE", "Config": {"PrivateZone": \(privateZone)}}\(privateZone ? "" : ", \"DelegationSet\": {\"NameServers\": [\"\(Self.nameServer)\"]}")}' ;;
          "elbv2 describe-target-health") echo healthy ;;
          "elbv2 describe-load-balancers") echo '{"LoadBalancers": [{"DNSName": "other.elb.amazonaws.com", "CanonicalHostedZoneId": "ZOTHER"}, {"DNSName": "\(Self.balancer)", "CanonicalHostedZoneId": "\(Self.balancerZone)"}]}' ;;
          *) echo "unexpected aws $*" >&2; exit 2 ;;
        esac
        """
    }

    func batches(in folder: URL) throws -> [[[String: Any]]] {
        let text = try String(contentsOf: folder.appendingPathComponent("batches.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let batch = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try XCTUnwrap(batch["Changes"] as? [[String: Any]])
        }
    }

    func recordSet(_ change: [String: Any]) -> [String: Any] { change["ResourceRecordSet"] as? [String: Any] ?? [:] }

    /// The TTL lowering, then the whole switch, then its rollback, against Route 53 holding `records`.
    func switchShop(records: String, storedAs: String = ".") throws -> (status: Int32, batches: [[[String: Any]]]) {
        let folder = try temporaryFolder(self)
        let ttl = try item("dns-ttl:prod:shop.acme.example"), traffic = try item("traffic:prod:shop.acme.example")
        // kubectl also answers the target-health gate (TargetHealthGate): the Ingress's backends and their target groups.
        let kubectl = "case \"$*\" in *targetgroupbindings*) echo 'storefront arn:tg' ;; *.spec.rules*) echo storefront ;; *) echo \(Self.balancer) ;; esac"
        let stubs = ["aws": aws(records: records, storedAs: storedAs), "dig": "[ \"$3\" = @\(Self.nameServer) ] && echo 'shop.acme.example. 60 IN A 192.0.2.10'",
                     "kubectl": kubectl]
        // The lowering notes its time in the name's own file; here the old TTL passed long ago.
        let status = try run(ttl.commands + ["test -s " + Self.stem("shop.acme.example") + ".ttl-lowered-at", "echo 0 > " + Self.stem("shop.acme.example") + ".ttl-lowered-at"]
                             + Self.heldLong(traffic.commands) + traffic.rollbackCommands + ttl.rollbackCommands, stubs: stubs, in: folder)
        let written = FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path)
        return (status, written ? try batches(in: folder) : [])
    }

    /// `lines` with each share's hold long passed: before each shift, the time its previous share took effect goes back
    /// to the epoch (as if the operator had waited and run the step again).
    static func heldLong(_ lines: [String]) -> [String] {
        let stamp = stem("shop.acme.example") + ".share-at"
        return lines.flatMap { line in
            line.hasPrefix("eksodus_dns_shift ") ? ["if [ -s \(stamp) ]; then echo \"$(cut -d ' ' -f 1 \(stamp)) 0\" > \(stamp); fi", line] : [line]
        }
    }

    static let shopA = #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}, {"Name": "shop.acme.example.", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": "\"v=spf1 -all\""}]}, {"Name": "static.shop.acme.example.", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "cdn.example.net"}]}]"#

    func testTheShopSwitchPairsTheSourceARecordWithAnAliasToTheALBNeverACNAME() throws {
        let (status, batches) = try switchShop(records: Self.shopA)
        XCTAssertEqual(status, 0)
        // Lowering, the weighted pair, three shifts, the switch's rollback (weights back, then the plain record), the lowering's rollback.
        XCTAssertEqual(batches.count, 1 + 1 + TrafficCommands.shares.count + 2 + 1)
        XCTAssertFalse(batches.joined().contains { (recordSet($0)["Type"] as? String) != "A" }, "every change keeps the record's type A")
        let lowered = recordSet(batches[0][0])
        XCTAssertEqual(lowered["TTL"] as? Int, 60)
        XCTAssertEqual((lowered["ResourceRecords"] as? [[String: String]])?.first?["Value"], "192.0.2.10")

        let pair = batches[1]
        XCTAssertEqual(pair.map { $0["Action"] as? String }, ["DELETE", "CREATE", "CREATE"])
        XCTAssertEqual(recordSet(pair[0])["TTL"] as? Int, 60, "DELETE matches the record as lowered")
        XCTAssertNil(recordSet(pair[0])["SetIdentifier"])
        let source = recordSet(pair[1]), eks = recordSet(pair[2])
        XCTAssertEqual(source["SetIdentifier"] as? String, "source")
        XCTAssertEqual(source["Weight"] as? Int, 100)
        XCTAssertEqual((source["ResourceRecords"] as? [[String: String]])?.first?["Value"], "192.0.2.10", "the source keeps its MetalLB address")
        XCTAssertEqual(eks["Weight"] as? Int, 0)
        XCTAssertNil(eks["ResourceRecords"])
        XCTAssertNil(eks["TTL"], "an alias record has no TTL")
        let alias = try XCTUnwrap(eks["AliasTarget"] as? [String: Any])
        XCTAssertEqual(alias["DNSName"] as? String, Self.balancer)
        XCTAssertEqual(alias["HostedZoneId"] as? String, Self.balancerZone, "the load balancer's own zone, not the record's")
        XCTAssertEqual(alias["EvaluateTargetHealth"] as? Bool, true)
        XCTAssertEqual(batches[4].map { recordSet($0)["Weight"] as? Int }, [0, 100])
        XCTAssertEqual(batches[5].map { recordSet($0)["Weight"] as? Int }, [100, 0], "rollback: all weight back to the source")
        // The pair goes exactly as the rollback left it, and the plain record returns, so the TTL's rollback can apply.
        XCTAssertEqual(batches[6].map { $0["Action"] as? String }, ["DELETE", "DELETE", "CREATE"])
        XCTAssertEqual(batches[6].map { recordSet($0)["Weight"] as? Int }, [100, 0, nil])
        XCTAssertEqual((recordSet(batches[6][2])["ResourceRecords"] as? [[String: String]])?.first?["Value"], "192.0.2.10")
        XCTAssertEqual(recordSet(batches[7][0])["TTL"] as? Int, 300, "the lowering's rollback restores the old TTL")
        XCTAssertNil(recordSet(batches[7][0])["SetIdentifier"])
    }

    func testACNAMESourceGetsACNAMEPair() throws {
        let (status, batches) = try switchShop(records: #"[{"Name": "shop.acme.example.", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "lb.dc1.acme.example"}]}]"#)
        XCTAssertEqual(status, 0)
        let eks = recordSet(batches[1][2])
        XCTAssertEqual(eks["Type"] as? String, "CNAME")
        XCTAssertEqual((eks["ResourceRecords"] as? [[String: String]])?.first?["Value"], Self.balancer)
        XCTAssertNil(eks["AliasTarget"])
    }

    func testTheLoweringStopsOnARecordItCannotSwitch() throws {
        for (records, why) in [("[]", "no record of that name"),
                               (#"[{"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "source", "Weight": 100, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#, "already weighted"),
                               (#"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}, {"Name": "shop.acme.example.", "Type": "AAAA", "TTL": 300, "ResourceRecords": [{"Value": "2001:db8::10"}]}]"#, "an AAAA beside it")] {
            let folder = try temporaryFolder(self)
            XCTAssertNotEqual(try run(try item("dns-ttl:prod:shop.acme.example").commands, stubs: ["aws": aws(records: records)], in: folder), 0, why)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("batches.jsonl").path), "\(why): nothing changed")
        }
    }

    /// The zone gate of `key`'s switch, run with the record file of a lowered CNAME (or A) record beside it.
    func zoneGate(_ key: String, record: String, dig: String, aws: String) throws -> Int32 {
        let traffic = try item(key)
        let gate = try XCTUnwrap(traffic.commands.first { $0.hasPrefix("eksodus_dns_low_ttl ") }, "\(traffic.commands)")
        let folder = try temporaryFolder(self)
        let file = try XCTUnwrap(traffic.commands.first { $0.hasPrefix("eksodus_dns_ttl_passed ") }?.firstMatch(of: /'([^']+\.dns-record\.json)'/)?.1)
        try record.write(to: folder.appendingPathComponent(String(file)), atomically: true, encoding: .utf8)
        return try run([gate], stubs: ["dig": dig, "aws": aws], in: folder, environment: ["DNS_NAME": "front.boutique.example"])
    }

    func testTheTTLGateReadsTheNamesOwnRecordAtItsZonesServersNotATargetsOrACachedOne() throws {
        let cname = #"[{"Name": "admin.acme.internal.", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "lb.dc1.acme.internal"}]}]"#
        let key = "traffic:prod:admin.acme.internal", publicZone = aws(records: "[]")
        func answer(_ lines: String...) -> String { "[ \"$3\" = @\(Self.nameServer) ] && [ \"$4 $5\" = 'admin.acme.internal CNAME' ] || exit 9; printf '%s\\n' \(lines.map(ShellQuote.word).joined(separator: " "))" }
        XCTAssertEqual(try zoneGate(key, record: cname, dig: answer("admin.acme.internal. 60 IN CNAME lb.dc1.acme.internal."), aws: publicZone), 0)
        // The CNAME's target keeps its own TTL: only the record of the name itself counts.
        XCTAssertEqual(try zoneGate(key, record: cname, dig: answer("ADMIN.acme.internal. 60 IN CNAME lb.dc1.acme.internal.", "lb.dc1.acme.internal. 300 IN A 10.0.0.5"), aws: publicZone), 0)
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: answer("admin.acme.internal. 300 IN CNAME lb.dc1.acme.internal."), aws: publicZone), 0, "still the old TTL")
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: answer("lb.dc1.acme.internal. 60 IN A 10.0.0.5"), aws: publicZone), 0, "only the target answers")
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: answer(), aws: publicZone), 0, "no answer is no proof")
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: "echo ';; connection timed out' >&2; exit 9", aws: publicZone), 0)
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: answer("admin.acme.internal. 60 IN CNAME x."), aws: "exit 255"), 0, "no zone read")
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: answer("admin.acme.internal. 60 IN CNAME x."), aws: "true"), 0, "an empty answer about the zone")
        // A private zone answers only inside its VPCs: the Route 53 API tells its record's TTL, and dig is not asked.
        let lowered = #"[{"Name": "admin.acme.internal.", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "lb.dc1.acme.internal"}]}, {"Name": "admin2.acme.internal.", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "x."}]}]"#
        XCTAssertEqual(try zoneGate(key, record: cname, dig: "exit 9", aws: aws(records: lowered, privateZone: true)), 0)
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: "exit 9", aws: aws(records: cname, privateZone: true)), 0, "the private record still has 300 s")
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: "exit 9", aws: aws(records: "[]", privateZone: true)), 0, "no record in the private zone")
        let listingDown = #"[ "$2" = get-hosted-zone ] && echo '{"HostedZone": {"Config": {"PrivateZone": true}}}' || exit 255"#
        XCTAssertNotEqual(try zoneGate(key, record: cname, dig: "exit 9", aws: listingDown), 0, "the private zone's records cannot be listed")
        // The boutique's LoadBalancer Service (a fixture) on the name the engineer sets.
        guard let fixtures = try? requireFixtures() else { return }
        let plan = try fixturePlan(fixtures.appendingPathComponent("01-gcp-online-boutique"))
        let frontend = try XCTUnwrap(plan.items.first { $0.step == .traffic && $0.keyText.hasSuffix("/frontend") })
        let gate = try XCTUnwrap(frontend.commands.first { $0.hasPrefix("eksodus_dns_low_ttl ") })
        XCTAssertTrue(gate.hasPrefix("eksodus_dns_low_ttl \"$DNS_NAME\" '"), gate)
        let folder = try temporaryFolder(self)
        let file = try XCTUnwrap(frontend.commands.first { $0.hasPrefix("eksodus_dns_shift ") }?.firstMatch(of: /'([^']+\.dns-record\.json)'/)?.1)
        try #"[{"Name": "front.boutique.example.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.7"}]}]"#.write(to: folder.appendingPathComponent(String(file)), atomically: true, encoding: .utf8)
        let dns = ["DNS_NAME": "front.boutique.example"]
        XCTAssertEqual(try run([gate], stubs: ["dig": "echo 'front.boutique.example. 60 IN A 192.0.2.7'", "aws": publicZone], in: folder, environment: dns), 0)
        XCTAssertNotEqual(try run([gate], stubs: ["dig": "echo 'front.boutique.example. 300 IN A 192.0.2.7'", "aws": publicZone], in: folder, environment: dns), 0)
        XCTAssertNotEqual(try run([gate], stubs: ["dig": "true", "aws": publicZone], in: folder, environment: dns), 0)
    }

    func fixturePlan(_ folder: URL) throws -> TransitionPlan {
        try planImported([folder.path], target: KubernetesVersion(major: 1, minor: 33)).plan
    }

    /// Two names of one runbook keep their own lowering time and old TTL: the shop's, lowered long ago, may switch while the
    /// admin name, lowered a minute ago, must wait; a shell variable shared by both let the second read the first's.
    func testEachNamesTimeGateReadsOnlyItsOwnLoweringTime() throws {
        let shop = try XCTUnwrap(try item("traffic:prod:shop.acme.example").commands.first { $0.hasPrefix("eksodus_dns_ttl_passed ") })
        let admin = try XCTUnwrap(try item("traffic:prod:admin.acme.internal").commands.first { $0.hasPrefix("eksodus_dns_ttl_passed ") })
        XCTAssertNotEqual(shop, admin)
        let folder = try temporaryFolder(self)
        let record = #"[{"Name": "x.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
        for name in [Self.stem("shop.acme.example"), Self.stem("admin.acme.internal")] {
            try record.write(to: folder.appendingPathComponent(name + ".dns-record.json"), atomically: true, encoding: .utf8)
        }
        let now = Int(Date().timeIntervalSince1970)
        try "\(now - 301)\n".write(to: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".ttl-lowered-at"), atomically: true, encoding: .utf8)
        try "\(now - 60)\n".write(to: folder.appendingPathComponent(Self.stem("admin.acme.internal") + ".ttl-lowered-at"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run([shop], stubs: [:], in: folder), 0)
        XCTAssertNotEqual(try run([admin], stubs: [:], in: folder), 0, "admin's old TTL has not passed")
        XCTAssertNotEqual(try run([shop, admin], stubs: [:], in: folder), 0)
        try "soon\n".write(to: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".ttl-lowered-at"), atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try run([shop], stubs: [:], in: folder), 0, "no time noted: no proof")
        try FileManager.default.removeItem(at: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".ttl-lowered-at"))
        XCTAssertNotEqual(try run([shop], stubs: [:], in: folder), 0, "never lowered")
    }

    /// The read-back after each shift: the weighted pair in Route 53 must point at the load balancer the EKS Ingress's status
    /// names, whatever the case or final dot, at the shift's weights; a wrong value, no answer or a failed call stops the switch.
    func testEachShiftReadsTheRecordBackAndFailsUnlessItPointsAtTheEKSLoadBalancer() throws {
        let traffic = try item("traffic:prod:shop.acme.example")
        // Every share is one call of the library's shift, which reads the pair back after its change (and before it).
        let shifts = traffic.commands.filter { $0.hasPrefix("eksodus_dns_shift ") }
        XCTAssertEqual(shifts.count, 1 + TrafficCommands.shares.count, "the pair, then each share")
        XCTAssertTrue(RunbookLibrary.text.contains("eksodus_dns_check \"$record\" \"$share\" \"$lb\" || return 1"))
        let folder = try temporaryFolder(self)
        try #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
            .write(to: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".dns-record.json"), atomically: true, encoding: .utf8)
        func zone(eks dnsName: String, weight: Int = 10, type: String = "A") -> String {
            """
            [{"Name": "shop.acme.example.", "Type": "A", "SetIdentifier": "source", "Weight": \(100 - weight), "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]},
             {"Name": "shop.acme.example.", "Type": "\(type)", "SetIdentifier": "eks", "Weight": \(weight), "AliasTarget": {"HostedZoneId": "\(Self.balancerZone)", "DNSName": "\(dnsName)", "EvaluateTargetHealth": true}}]
            """
        }
        let atTen = "eksodus_dns_check " + ShellQuote.word(Self.stem("shop.acme.example") + ".dns-record.json") + " 10 \"$("
            + TrafficCommands.address((kind: "ingress", namespace: "shop", name: "shop")) + ")\"", kubectl = "echo \(Self.balancer)"
        func status(_ aws: String, kubectl: String = kubectl) throws -> Int32 {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("zone.json"))
            return try run([atTen], stubs: ["aws": aws, "kubectl": kubectl], in: folder)
        }
        XCTAssertEqual(try status(aws(records: zone(eks: Self.balancer))), 0)
        XCTAssertEqual(try status(aws(records: zone(eks: Self.balancer.uppercased() + "."))), 0, "Route 53 returns the name with a final dot")
        XCTAssertNotEqual(try status(aws(records: zone(eks: "k8s-other-def456.elb.ap-northeast-2.amazonaws.com."))), 0, "another load balancer")
        XCTAssertNotEqual(try status(aws(records: zone(eks: Self.balancer, weight: 50))), 0, "not the weights of this shift")
        XCTAssertNotEqual(try status(aws(records: zone(eks: Self.balancer, type: "AAAA"))), 0, "no eks record of the name's type")
        XCTAssertNotEqual(try status(aws(records: "[]")), 0, "no record")
        XCTAssertNotEqual(try status("exit 255"), 0, "Route 53 unreachable")
        XCTAssertNotEqual(try status("true"), 0, "an empty answer")
        XCTAssertNotEqual(try status(aws(records: zone(eks: Self.balancer)), kubectl: "true"), 0, "the Ingress has no address on EKS")
        XCTAssertNotEqual(try status(aws(records: zone(eks: "")), kubectl: "true"), 0, "an empty value is no match for an empty address")
        // A CNAME pair compares the CNAME's value.
        try #"[{"Name": "shop.acme.example.", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "lb.dc1.acme.example"}]}]"#
            .write(to: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".dns-record.json"), atomically: true, encoding: .utf8)
        let cnames = { (value: String) in #"[{"Name": "shop.acme.example.", "Type": "CNAME", "SetIdentifier": "source", "Weight": 90, "TTL": 60, "ResourceRecords": [{"Value": "lb.dc1.acme.example"}]}, {"Name": "shop.acme.example.", "Type": "CNAME", "SetIdentifier": "eks", "Weight": 10, "TTL": 60, "ResourceRecords": [{"Value": "\#(value)"}]}]"# }
        XCTAssertEqual(try status(aws(records: cnames(Self.balancer))), 0)
        XCTAssertNotEqual(try status(aws(records: cnames("lb.dc1.acme.example"))), 0, "the eks record still names the source")
    }

    func testASwitchStopsBeforeAnyShareMovesWhenRoute53HoldsAnotherLoadBalancer() throws {
        // A Route 53 that stores the eks alias to another load balancer than the batch named: the pair is made, read back, and
        // nothing after it runs (no 10% shift).
        let (status, batches) = try switchShop(records: Self.shopA, storedAs: #"if .SetIdentifier == "eks" then .AliasTarget.DNSName = "k8s-other.elb.amazonaws.com." else . end"#)
        XCTAssertNotEqual(status, 0)
        XCTAssertEqual(batches.count, 2, "the lowering and the pair, then the read-back stops it")
    }

    func testNodeReachabilityFailsWhenANodeDoesNotAnswerOrNoneIsFound() throws {
        // A hostNetwork agent's clients, and a hostPort's load balancer, check every EKS node with this loop.
        let line = TrafficCommands.everyNodeAnswers(port: "9100", from: "from where its clients run")
        let folder = try temporaryFolder(self)
        let nodes = ["EKS_NODE_IPS": "10.0.1.5 10.0.2.7"]
        XCTAssertEqual(try run([line], stubs: ["nc": "exit 0"], in: folder, environment: nodes), 0, line)
        XCTAssertNotEqual(try run([line], stubs: ["nc": "[ \"$4\" != 10.0.1.5 ] || exit 1"], in: folder, environment: nodes), 0, "the first node does not answer")
        XCTAssertNotEqual(try run([line], stubs: ["nc": "exit 0"], in: folder, environment: ["EKS_NODE_IPS": ""]), 0, "no EKS node found")
    }

    func testTheAdminIngressIsHeldOutAndItsSwitchWaitsForALoginThatRefusesAnonymousRequests() throws {
        let folder = try Self.demo.get().folder.appendingPathComponent("converted/prod", isDirectory: true)
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }.map { folder.appendingPathComponent($0) }
        let supports = try files.filter { $0.path.contains("/support/") && $0.pathExtension == "yaml" }.map { try String(contentsOf: $0, encoding: .utf8) }
        XCTAssertFalse(supports.isEmpty)
        XCTAssertFalse(supports.contains { $0.contains("kind: \"Ingress\"") && $0.contains("name: \"admin\"\n") }, "Ingress shop/admin would serve the admin UI with no login")
        XCTAssertTrue(supports.contains { $0.contains("kind: \"Ingress\"") && $0.contains("shop.acme.example") }, "the shop Ingress, with no login, is written")
        let changes = try files.filter { $0.lastPathComponent == "CHANGES.md" }.map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        XCTAssertTrue(changes.contains("Ingress shop/admin not written (held out of support/ until decided)"), changes)
        XCTAssertTrue(changes.contains("nginx.ingress.kubernetes.io/auth-type") && changes.contains("alb.ingress.kubernetes.io/auth-type"))

        let traffic = try item("traffic:prod:admin.acme.internal")
        let applied = try XCTUnwrap(traffic.commands.firstIndex { $0.contains("get 'ingress/admin' -o name") })
        let firstChange = try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("eksodus_dns_shift ") })
        XCTAssertLessThan(applied, try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("EKS_LB=") }), "the decided Ingress is checked before its address is read")
        let redirect = try XCTUnwrap(traffic.commands.firstIndex { $0 == "eksodus_held_redirect 'shop' 'admin' 'admin.acme.internal' '/admin'" }, "\(traffic.commands)")
        let probe = try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("eksodus_held_login 'shop' 'admin' 'admin.acme.internal' '/admin'") })
        XCTAssertTrue(RunbookLibrary.text.contains("--connect-to \"$3:443:$EKS_LB:443\" \"https://$3$4\""), "as the host, to the EKS load balancer")
        XCTAssertLessThan(probe, firstChange, "no weight moves before the login is proven")
        XCTAssertLessThan(redirect, firstChange)
        let folderForRuns = try temporaryFolder(self)
        XCTAssertNotEqual(try run([traffic.commands[applied]], stubs: ["kubectl": "echo 'Error from server (NotFound)' >&2; exit 1"], in: folderForRuns), 0)
        XCTAssertEqual(try run([traffic.commands[applied]], stubs: ["kubectl": "echo ingress.networking.k8s.io/admin"], in: folderForRuns), 0)
        let lb = ["EKS_LB": Self.balancer]
        // The login is asked over HTTPS as the host, sent to the EKS load balancer, with the certificate checked (no -k):
        // the stub answers only a request made so, and a failed TLS handshake (curl prints 000) fails.
        let asked = "--connect-to admin.acme.internal:443:\(Self.balancer):443 https://admin.acme.internal/admin"
        for (answer, passes) in [("401 ", true), ("302 https://acme.auth.ap-northeast-2.amazoncognito.com/oauth2/authorize", true),
                                 ("200 ", false), ("302 https://admin.acme.internal/admin/", false), ("000 ", false), ("", false)] {
            let stub = "case \" $* \" in *' -k '*|*' --insecure '*) exit 3 ;; *' \(asked) '*) printf '%s\\n' '\(answer)' ;; *) echo '000 ' ;; esac"
            let status = try run([RunbookLibrary.load, traffic.commands[probe]], stubs: ["curl": stub], in: folderForRuns, environment: lb)
            XCTAssertEqual(status == 0, passes, "curl answering \(answer)")
        }
        XCTAssertNotEqual(try run([RunbookLibrary.load, traffic.commands[probe]], stubs: ["curl": "exit 7"], in: folderForRuns, environment: lb), 0, "curl failing")
        XCTAssertNotEqual(try run([RunbookLibrary.load, traffic.commands[probe]], stubs: ["curl": "echo '401 '"], in: folderForRuns), 0, "no EKS load balancer name")
        XCTAssertEqual(try run([RunbookLibrary.load, traffic.commands[probe]], stubs: ["curl": "[ \"$8 $9\" = '--cacert /tmp/private-ca.pem' ] && echo '401 '"], in: folderForRuns,
                               environment: lb.merging(["CA_BUNDLE": "/tmp/private-ca.pem"]) { $1 }), 0, "a private CA's root is passed to curl")
        // Plain HTTP must send the host to HTTPS: ALB authentication runs on HTTPS listeners only.
        for (answer, passes) in [("301 https://admin.acme.internal:443/admin", true), ("301 https://ADMIN.acme.internal/admin", true),
                                 ("401 ", false), ("200 ", false), ("301 http://admin.acme.internal/admin", false),
                                 ("302 https://admin.acme.internal.evil.example/", false), ("000 ", false), ("", false)] {
            let status = try run([RunbookLibrary.load, traffic.commands[redirect]], stubs: ["curl": "[ \"$8 $9\" = '-H Host: admin.acme.internal' ] && [ \"${10}\" = 'http://\(Self.balancer)/admin' ] && printf '%s\\n' '\(answer)'"], in: folderForRuns, environment: lb)
            XCTAssertEqual(status == 0, passes, "plain HTTP answering \(answer)")
        }
        XCTAssertNotEqual(try run([RunbookLibrary.load, traffic.commands[redirect]], stubs: ["curl": "exit 7"], in: folderForRuns, environment: lb), 0)
        // It asks as the host clients use, at the path's literal start, against the EKS load balancer (the stubs above
        // answer only such a request), and never without checking the certificate.
        XCTAssertFalse(RunbookLibrary.text.contains("curl -sk") || RunbookLibrary.text.contains("--insecure"))
    }

    /// admin.acme.internal had no TLS at the source; the decided login runs on an HTTPS listener, so its name needs a
    /// certificate, and a private name gets none from a public CA: the certificate item asks ACM Private CA (or an import).
    func testThePrivateAdminNameGetsAPrivateCertificateAndTheHeldIngressIsToldToServeHTTPS() throws {
        let certificates = try item("plan:certificates:prod")
        let admin = try XCTUnwrap(certificates.commands.first { $0.contains("'admin.acme.internal'") }, "\(certificates.commands)")
        XCTAssertTrue(admin.contains("--certificate-authority-arn \"$PRIVATE_CA_ARN\""), admin)
        XCTAssertFalse(admin.contains("--validation-method DNS"), "no public validation of a private name")
        let shop = try XCTUnwrap(certificates.commands.first { $0.contains("'shop.acme.example'") })
        XCTAssertTrue(shop.contains("--validation-method DNS"), "a public name keeps the public, DNS-validated certificate")
        XCTAssertTrue(certificates.evidence.contains("Ingress/shop/admin"), certificates.evidence)
        let entry = try XCTUnwrap(try Self.demo.get().plan.network.entries.first { $0.object == "Ingress/shop/admin" })
        XCTAssertTrue(entry.needsCertificate)
        XCTAssertEqual(entry.annotations["alb.ingress.kubernetes.io/ssl-redirect"], "443")
        XCTAssertEqual(entry.annotations["alb.ingress.kubernetes.io/listen-ports"], "[{\"HTTP\": 80}, {\"HTTPS\": 443}]")
        XCTAssertTrue(IngressHold.reasons(.mapping([]), annotations: ["nginx.ingress.kubernetes.io/auth-type": "basic"]).joined().contains("alb.ingress.kubernetes.io/certificate-arn"))
        for (host, isPrivate) in [("admin.acme.internal", true), ("ADMIN.ACME.INTERNAL.", true), ("printer.local", true), ("nas.home.arpa", true),
                                  ("shop.acme.example", false), ("internal.acme.com", false), ("acme.internals", false)] {
            XCTAssertEqual(PrivateDNSName.isPrivate(host), isPrivate, host)
        }
    }

    func testIngressHoldReadsTheLoginAnnotationsOfEachControllerAndRegexPaths() throws {
        let plain: ManifestNode = try XCTUnwrap(try ManifestText.objects("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules:
              - host: web.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                  - {path: /static, pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                  - {path: "/v[12]/(.*)", pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
            """).first)
        XCTAssertEqual(IngressHold.reasons(plain, annotations: ["nginx.ingress.kubernetes.io/proxy-body-size": "10m"]), [])
        for key in ["nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-type", "traefik.ingress.kubernetes.io/router.middlewares",
                    "haproxy.org/auth-type"] {
            XCTAssertEqual(IngressHold.authAnnotations([key: "x", "nginx.ingress.kubernetes.io/ssl-redirect": "true"]), [key])
        }
        let regex = try XCTUnwrap(try ManifestText.objects("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: api}
            spec:
              rules:
              - http:
                  paths:
                  - {path: "/api(/|$)(.*)", backend: {service: {name: api, port: {number: 80}}}}
            """).first)
        XCTAssertEqual(IngressHold.regexPaths(regex), ["/api(/|$)(.*)"])
        XCTAssertEqual(IngressHold.probePath("/api(/|$)(.*)"), "/api")
    }

    func testAHostlessIngressBehindOAuth2ProxyHoldsItsWorkloadsOwnSwitchUntilTheLoginRefuses() throws {
        let folder = try writeManifests(["app.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: grafana, namespace: ops}
            spec:
              selector: {matchLabels: {app: grafana}}
              template:
                metadata: {labels: {app: grafana}}
                spec: {containers: [{name: grafana, image: grafana/grafana:11.0.0, ports: [{containerPort: 3000}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: grafana, namespace: ops}
            spec: {selector: {app: grafana}, ports: [{port: 80, targetPort: 3000}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: grafana
              namespace: ops
              annotations:
                nginx.ingress.kubernetes.io/auth-url: "https://oauth2.example.com/oauth2/auth"
                nginx.ingress.kubernetes.io/auth-signin: "https://oauth2.example.com/oauth2/start?rd=$escaped_request_uri"
            spec:
              ingressClassName: nginx
              rules:
              - http:
                  paths:
                  - {path: /grafana, pathType: Prefix, backend: {service: {name: grafana, port: {number: 80}}}}
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let traffic = try XCTUnwrap(plan.items.first { $0.keyText == "traffic:src/ops/grafana" }, "\(plan.items.map(\.keyText))")
        let probe = try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("eksodus_held_login 'ops' 'grafana' \"$DNS_NAME\" '/grafana'") }, "\(traffic.commands)")
        XCTAssertTrue(traffic.commands.contains("eksodus_held_redirect 'ops' 'grafana' \"$DNS_NAME\" '/grafana'"))
        XCTAssertLessThan(probe, try XCTUnwrap(traffic.commands.firstIndex { $0.hasPrefix("eksodus_dns_shift ") }))
        XCTAssertTrue(traffic.commands.contains { $0.contains("get 'ingress/grafana' -o name") })
        let work = try temporaryFolder(self)
        let environment = ["EKS_LB": Self.balancer, "DNS_NAME": "grafana.example.com"]
        let asked = "--connect-to grafana.example.com:443:\(Self.balancer):443 https://grafana.example.com/grafana"
        func answers(_ answer: String) -> [String: String] { ["curl": "case \" $* \" in *' \(asked) '*) echo '\(answer)' ;; *) echo '000 ' ;; esac"] }
        XCTAssertNotEqual(try run([RunbookLibrary.load, traffic.commands[probe]], stubs: answers("200 "), in: work, environment: environment), 0)
        XCTAssertEqual(try run([RunbookLibrary.load, traffic.commands[probe]], stubs: answers("302 https://login.example.com/authorize"), in: work, environment: environment), 0)
        XCTAssertNotEqual(try run([RunbookLibrary.load, traffic.commands[probe]], stubs: ["curl": "echo '302 https://grafana.example.com/grafana/'"], in: work, environment: environment), 0,
                          "a redirect on its own host is no login")
        // convert holds it out: with no login in front, the ALB would serve Grafana to anyone.
        let converted = try temporaryFolder(self)
        let estates = try database.writer.read { try Estate.load($0) }
        _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: estates, to: converted)
        let written = try XCTUnwrap(FileManager.default.enumerator(atPath: converted.path)).compactMap { $0 as? String }
        XCTAssertFalse(written.contains { $0.contains("ingress-ops-grafana") }, "\(written)")
        XCTAssertTrue(written.contains { $0.hasSuffix("CHANGES.md") })
    }

    func testNoFixtureReachabilityCheckPassesOnAnEcho() throws {
        let fixtures = try requireFixtures()
        for fixture in ["02-sock-shop", "08-sock-shop-2018-old-apis", "06-k8s-examples-guestbook"] {
            let database = try AppDatabase.inMemory()
            try importPaths([fixtures.appendingPathComponent(fixture).path], cluster: "src", into: database)
            let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
            let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
            let lines = plan.items.flatMap(\.commands)
            XCTAssertFalse(lines.contains { $0.contains("$EKS_NODE_IPS; do nc -z") && !$0.contains("test \"$down\" = 0") }, fixture)
            XCTAssertFalse(lines.contains { $0.contains("\"Type\":\"CNAME\"") }, "\(fixture): no batch fixes the record type")
            // A NodePort's NLB: the library's eksodus_nodeport_nlb checks every address (NodePortSwitchTests run it).
            let pools = plan.items.filter { $0.commands.contains { $0.hasPrefix("eksodus_nodeport_nlb ") } }
            if fixture == "02-sock-shop" { XCTAssertFalse(pools.isEmpty, "front-end is a NodePort nothing routes to") }
        }
    }

    /// The switch's own lines, in order: the pair (0%), then each share, each one library call.
    func steps(_ traffic: PlanItem) -> [String] {
        traffic.commands.filter { $0.hasPrefix("eksodus_dns_shift ") }
    }

    /// kubectl on EKS: shop's Ingress at its load balancer, its backend storefront bound to a healthy target group.
    static let shopKubectl = "case \"$*\" in *targetgroupbindings*) echo 'storefront arn:tg' ;; *.spec.rules*) echo storefront ;; *ingress/shop*) echo \(balancer) ;; *) echo other.elb.amazonaws.com ;; esac"

    /// Two names switched from one shell: another name's lines leave `EKS_LB`/`LB_ZONE` pointing at its load balancer, and
    /// shop's next shift must still point shop's record at shop's (each call reads it from shop's Ingress).
    func testTwoNamesSwitchedInOneShellKeepTheirOwnLoadBalancers() throws {
        let traffic = try item("traffic:prod:shop.acme.example")
        let lines = steps(traffic)
        XCTAssertEqual(lines.count, 1 + TrafficCommands.shares.count)
        let folder = try temporaryFolder(self)
        try #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
            .write(to: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".dns-record.json"), atomically: true, encoding: .utf8)
        let kubectl = Self.shopKubectl
        let status = try run([lines[0], "EKS_LB=other.elb.amazonaws.com LB_ZONE=ZOTHER  # another name's switch ran here", lines[1]],
                             stubs: ["aws": aws(records: #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#), "kubectl": kubectl],
                             in: folder)
        XCTAssertEqual(status, 0)
        let sent = try batches(in: folder)
        XCTAssertEqual(sent.count, 2, "the pair, then 10%")
        for batch in sent {
            let eks = try XCTUnwrap(batch.map(recordSet).first { $0["SetIdentifier"] as? String == "eks" })
            let alias = try XCTUnwrap(eks["AliasTarget"] as? [String: Any])
            XCTAssertEqual(alias["DNSName"] as? String, Self.balancer, "shop's own load balancer")
            XCTAssertEqual(alias["HostedZoneId"] as? String, Self.balancerZone, "its own zone, looked up from it")
        }
    }

    /// Pasted as a block, every line runs: a shift after a failed read-back must stop on its own, before any change.
    func testAShiftAfterAFailedReadBackStopsBeforeItsChange() throws {
        let traffic = try item("traffic:prod:shop.acme.example")
        let lines = steps(traffic)
        let folder = try temporaryFolder(self)
        try #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#
            .write(to: folder.appendingPathComponent(Self.stem("shop.acme.example") + ".dns-record.json"), atomically: true, encoding: .utf8)
        // Route 53 stores the eks alias to another load balancer than the batch named: the read-back at 0% fails.
        let zone = aws(records: #"[{"Name": "shop.acme.example.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.10"}]}]"#,
                       storedAs: #"if .SetIdentifier == "eks" then .AliasTarget.DNSName = "k8s-other.elb.amazonaws.com." else . end"#)
        let status = try run([lines[0] + " || true  # the operator pastes on", lines[1]], stubs: ["aws": zone, "kubectl": Self.shopKubectl], in: folder)
        XCTAssertNotEqual(status, 0, "the 10% shift checks its starting point")
        XCTAssertEqual(try batches(in: folder).count, 1, "only the pair was sent")
        XCTAssertTrue(lines[1].hasPrefix("eksodus_dns_shift '" + Self.stem("shop.acme.example") + ".dns-record.json' 10 "), lines[1])
    }
}
