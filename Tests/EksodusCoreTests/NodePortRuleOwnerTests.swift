import Foundation
import XCTest
@testable import EksodusCore

/// The pods' rule belongs to whoever added it: the switch describes the rule it adds `eksodus:nodeport:NS/NAME`, and the
/// rollback revokes only a rule of that description, by its id. Run in bash against a stub EC2 that keeps the group's
/// rules in a file and answers as the API does (Duplicate for a rule the group holds, whatever its description).
extension NodePortSwitchTests {
    static let description = "eksodus:nodeport:monitoring/grafana"

    /// EC2 with state: `rules.json` the pods' group's inbound rules; every authorize and revoke is logged in `calls.log`.
    static func statefulAWS() -> String {
        """
        state=rules.json; [ -f "$state" ] || echo '[]' > "$state"
        case "$1 $2" in
          "elbv2 describe-load-balancers") cat <<'EOF'
        \(balancers())
        EOF
          ;;
          "ec2 describe-network-interfaces") printf '10.20.1.10\\t10.20.2.11\\n' ;;
          "ec2 describe-security-groups")
            if [ "$3" = --filters ]; then cat <<'EOF'
        \(securityGroups())
        EOF
            else [ "$4" = sg-0pods ] && echo '{"SecurityGroups": [{"GroupId": "sg-0pods", "IpPermissions": []}]}'; fi ;;
          "ec2 authorize-security-group-ingress")
            [ "$3 $4 $5" = "--group-id sg-0pods --ip-permissions" ] || exit 1
            port=$(sed -E 's/.*FromPort=([0-9]+),.*/\\1/' <<<"$6"); cidr=$(sed -E 's/.*CidrIp=([^,]+),.*/\\1/' <<<"$6"); desc=$(sed -E 's/.*Description=([^}]*)\\}.*/\\1/' <<<"$6")
            if jq -e --arg c "$cidr" --argjson p "$port" 'any(.[]; .CidrIpv4 == $c and .FromPort == $p and .ToPort == $p)' "$state" >/dev/null; then
              echo "An error occurred (InvalidPermission.Duplicate) when calling the AuthorizeSecurityGroupIngress operation: the specified rule already exists" >&2; exit 254
            fi
            echo "authorize $desc" >> calls.log
            jq --arg c "$cidr" --argjson p "$port" --arg d "$desc" '. + [{SecurityGroupRuleId: ("sgr-0" + (length | tostring) + "abc"), GroupId: "sg-0pods", IsEgress: false, IpProtocol: "tcp", FromPort: $p, ToPort: $p, CidrIpv4: $c, Description: $d}]' "$state" > s.tmp && mv s.tmp "$state" ;;
          "ec2 describe-security-group-rules") [ "$3 $4" = "--filters Name=group-id,Values=sg-0pods" ] && jq '{SecurityGroupRules: .}' "$state" ;;
          "ec2 revoke-security-group-ingress")
            [ "$3 $4 $5" = "--group-id sg-0pods --security-group-rule-ids" ] || exit 1
            shift 5; ids=(); while [ "$1" != --output ]; do ids+=("$1"); shift; done
            echo "revoke ${ids[*]}" >> calls.log
            jq --args '[.[] | select(.SecurityGroupRuleId as $i | $ARGS.positional | index($i) | not)]' "${ids[@]}" < "$state" > s.tmp && mv s.tmp "$state"
            echo '{"Return": true}' ;;
          *) exit 1 ;;
        esac
        """
    }

    func rules(_ folder: URL) throws -> [[String: Any]] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("rules.json"))) as? [[String: Any]])
    }

    func calls(_ folder: URL) -> [String] {
        ((try? String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func testTheRuleTheSwitchAddsIsDescribedAndItsRollbackRevokesItOnce() throws {
        let step = try grafana()
        XCTAssertTrue(step.commands.contains { $0.hasPrefix("eksodus_nodeport_nlb ") && $0.hasSuffix(" '\(Self.description)'") }, "\(step.commands)")
        for pipefail in [false, true] {
            let folder = try temporaryFolder(self)
            let stubs = ["aws": Self.statefulAWS(), "kubectl": Self.kubectl(), "nc": "exit 0"]
            XCTAssertEqual(try run(step.commands, stubs: stubs, in: folder, pipefail: pipefail), 0)
            XCTAssertEqual(try run(step.commands, stubs: stubs, in: folder, pipefail: pipefail), 0, "a re-run meets its own rule as Duplicate")
            var held = try rules(folder)
            XCTAssertEqual(held.count, 1, "one rule, however often the switch runs: \(held)")
            XCTAssertEqual(held.first?["Description"] as? String, Self.description)
            XCTAssertEqual(calls(folder), ["authorize \(Self.description)"])
            XCTAssertEqual(try run(step.rollbackCommands + ["touch after"], stubs: stubs, in: folder, pipefail: pipefail), 0)
            held = try rules(folder)
            XCTAssertTrue(held.isEmpty, "the rule eksodus added is revoked: \(held)")
            XCTAssertEqual(try run(step.rollbackCommands + ["touch again"], stubs: stubs, in: folder, pipefail: pipefail), 0, "a second rollback finds nothing to revoke")
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("again").path))
            XCTAssertEqual(calls(folder).filter { $0.hasPrefix("revoke") }, ["revoke sgr-00abc"], "revoked once, by its id")
        }
    }

    func testARuleThatWasThereBeforeSurvivesTheRollback() throws {
        let step = try grafana()
        let before = #"[{"SecurityGroupRuleId": "sgr-0office", "GroupId": "sg-0pods", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 3000, "ToPort": 3000, "CidrIpv4": "192.168.10.0/24", "Description": "office VPN to grafana"}]"#
        for pipefail in [false, true] {
            let folder = try temporaryFolder(self)
            try before.write(to: folder.appendingPathComponent("rules.json"), atomically: true, encoding: .utf8)
            let stubs = ["aws": Self.statefulAWS(), "kubectl": Self.kubectl(), "nc": "exit 0"]
            XCTAssertEqual(try run(step.commands, stubs: stubs, in: folder, pipefail: pipefail), 0, "the Duplicate passes: the range is admitted")
            XCTAssertEqual(try run(step.rollbackCommands + ["touch after"], stubs: stubs, in: folder, pipefail: pipefail), 0)
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("after").path))
            let held = try rules(folder)
            XCTAssertEqual(held.map { $0["SecurityGroupRuleId"] as? String }, ["sgr-0office"], "someone else's rule stays: \(held)")
            XCTAssertEqual(calls(folder), [], "eksodus added nothing and revoked nothing")
        }
    }

    func testTheRuleDescriptionNeverCarriesAHostileName() {
        XCTAssertEqual(NodePortSwitch.ruleDescription(namespace: "monitoring", name: "grafana"), Self.description)
        for (namespace, name) in [("shop", "x'}];touch /tmp/p #"), ("Shop", "web"), ("", "web"), ("a", String(repeating: "b", count: 300))] {
            let description = NodePortSwitch.ruleDescription(namespace: namespace, name: name)
            XCTAssertTrue(description.hasPrefix("eksodus:nodeport:") && description.count == 17 + 16, description)
            XCTAssertTrue(description.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ":") }, description)
        }
    }
}
