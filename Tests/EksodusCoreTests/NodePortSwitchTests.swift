import Foundation
import XCTest
@testable import EksodusCore

/// The demo's grafana NodePort switched the way an EKS engineer would: to an internal NLB with ip targets beside it, whose
/// private addresses the load balancer in front of the source nodes takes, never today's EKS node addresses. Its commands
/// run under bash with stub `kubectl`, `aws` and `nc` (real `jq`), and every gate fails on a failing, empty or wrong answer.
final class NodePortSwitchTests: XCTestCase {
    static let nlb = "k8s-monitori-grafanae-0a1b2c3d4e-0123456789abcdef.elb.ap-northeast-2.amazonaws.com"
    static let arn = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/net/k8s-monitori-grafanae-0a1b2c3d4e/0123456789abcdef"
    static let cidr = "192.168.10.0/24"

    func grafana() throws -> PlanItem {
        try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "traffic:prod/monitoring/grafana" })
    }

    /// The ELB API's answer: one load balancer of `type` and `scheme` in two zones, with `groups` its security groups.
    static func balancers(type: String = "network", scheme: String = "internal", groups: String = #"["sg-0nlb"]"#) -> String {
        #"{"LoadBalancers": [{"LoadBalancerArn": "\#(arn)", "DNSName": "\#(nlb)", "Type": "\#(type)", "Scheme": "\#(scheme)", "AvailabilityZones": [{"ZoneName": "ap-northeast-2a"}, {"ZoneName": "ap-northeast-2b"}], "SecurityGroups": \#(groups)}]}"#
    }

    static func securityGroups(cidr: String = cidr, port: Int = 80) -> String {
        #"{"SecurityGroups": [{"GroupId": "sg-0nlb", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": \#(port), "ToPort": \#(port), "IpRanges": [{"CidrIp": "\#(cidr)"}]}]}]}"#
    }

    /// `aws` as EC2 and the ELB API would answer; the network interfaces answer only to the NLB's own description.
    /// `authorize` answers the pods' rule (by default: logs it and succeeds).
    static func aws(balancers: String = balancers(), addresses: String = "10.20.1.10\\t10.20.2.11", groups: String = securityGroups(),
                    authorize: String = #"echo "$*" >> rules.log"#) -> String {
        """
        case "$1 $2" in
          "elbv2 describe-load-balancers") cat <<'EOF'
        \(balancers)
        EOF
          ;;
          "ec2 describe-network-interfaces") [ "$4" = "Name=description,Values=ELB net/k8s-monitori-grafanae-0a1b2c3d4e/0123456789abcdef" ] && printf '\(addresses)\\n' ;;
          "ec2 authorize-security-group-ingress") \(authorize) ;;
          "ec2 describe-security-groups") [ "$3 $4" = "--filters Name=group-id,Values=sg-0nlb" ] && cat <<'EOF'
        \(groups)
        EOF
          ;;
          *) exit 1 ;;
        esac
        """
    }

    /// The converted NodePort on EKS: port 80 to the pods' named port, node port 30300.
    static let nodePort = #"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "grafana", "namespace": "monitoring", "labels": {"app": "grafana"}}, "spec": {"type": "NodePort", "selector": {"app": "grafana"}, "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30300, "protocol": "TCP"}]}}"#

    /// `kubectl` on EKS: `source` is the NodePort Service, apply keeps what it is given in applied.json; `hostname` is
    /// the NLB's name in the Service's status, then the Service's port and the EndpointSlice's (the pods').
    static func kubectl(source: String = nodePort, hostname: String = nlb, servicePort: String = "80", podPort: String = "3000") -> String {
        """
        case "$*" in
          *" get service/grafana -o json") echo '\(source)' ;;
          *" apply -f -") cat > applied.json ;;
          *"status.loadBalancer"*) echo '\(hostname)' ;;
          *"get service/grafana-eksodus -o jsonpath={.spec.ports[0].port}") echo '\(servicePort)' ;;
          *"get endpointslices"*) echo '\(podPort)' ;;
          *) exit 1 ;;
        esac
        """
    }

    /// Runs `lines` as one script under `set -e` (and `set -o pipefail` with `pipefail`), stubs first on the PATH.
    func run(_ lines: [String], stubs: [String: String], in folder: URL, environment: [String: String] = [:], pipefail: Bool = false) throws -> Int32 {
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, body) in stubs.merging(["sleep": "true"], uniquingKeysWith: { stub, _ in stub }) {
            let url = bin.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -e\n" + (pipefail ? "set -o pipefail\n" : "") + lines.joined(separator: "\n")]
        process.currentDirectoryURL = folder
        process.environment = RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin", "EKS_CONTEXT": "eks", "HOME": folder.path,
                               "SOURCE_LB_CIDR": Self.cidr, "NODE_SECURITY_GROUP": "sg-0pods"].merging(environment) { $1 })
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testTheStepNeverPutsTheEKSNodesInThePoolAndTheNetworkPlanAgrees() throws {
        let step = try grafana(), lines = step.commands + step.rollbackCommands
        XCTAssertFalse(lines.contains { $0.contains("EKS_NODE_IPS") || $0.contains("get nodes") || $0.contains(".nodePort}") }, "\(lines)")
        // One call each way, every name a quoted word; the gates are the library's.
        XCTAssertEqual(step.commands.filter { !$0.hasPrefix("#") }, [RunbookLibrary.load, "eksodus_nodeport_nlb 'monitoring' 'grafana' 'grafana-eksodus' 'eksodus:nodeport:monitoring/grafana'"])
        XCTAssertEqual(step.rollbackCommands.filter { !$0.hasPrefix("#") },
                       [RunbookLibrary.load, "eksodus_nodeport_nlb_back 'monitoring' 'grafana-eksodus' 'eksodus:nodeport:monitoring/grafana'  # once nothing sends to the pods through the NLB any more"])
        XCTAssertTrue(step.rollbackCommands.contains { $0.contains("put the source nodes back") })
        let library = RunbookLibrary.text
        let pool = try XCTUnwrap(library.range(of: "to the pool of the load balancer in front of the source nodes; once")).lowerBound
        XCTAssertLessThan(try XCTUnwrap(library.range(of: "for ip in $NLB_IPS; do nc -z")).lowerBound, pool, "reachable before the pool takes it")
        XCTAssertTrue(library.contains("aws ec2 revoke-security-group-ingress --group-id \"$NODE_SECURITY_GROUP\" --security-group-rule-ids \"${ids[@]}\""))
        XCTAssertEqual(try GateShell.run("bash -n <<'SCRIPT'\n" + lines.joined(separator: "\n") + "\nSCRIPT").status, 0, "bash reads every line")
        // The network plan's row says the same; admin-ui, an Ingress's backend, stays behind that Ingress's ALB.
        let rows = try DemoPlanOnce.plan().network.entries
        let grafanaRow = try XCTUnwrap(rows.first { $0.object == "Service/monitoring/grafana" })
        XCTAssertTrue(grafanaRow.target.hasPrefix("internal NLB (ip targets) beside it, grafana-eksodus"), grafanaRow.target)
        XCTAssertEqual(try XCTUnwrap(rows.first { $0.object == "Service/shop/admin-ui" }).target, "stays the backend of its ALB Ingress (ip targets)")
    }

    func testTheSwitchRunsWhenTheNLBAnswersOnEachOfItsAddresses() throws {
        let lines = try grafana().commands
        for pipefail in [false, true] {
            let folder = try temporaryFolder(self)
            XCTAssertEqual(try run(lines, stubs: ["aws": Self.aws(), "kubectl": Self.kubectl(), "nc": "exit 0"], in: folder, pipefail: pipefail), 0)
            // The NLB admits the on-premises load balancer only, with its address kept for the pods' rule.
            let applied = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("applied.json"))) as? [String: Any]
            XCTAssertEqual((applied?["spec"] as? [String: Any])?["loadBalancerSourceRanges"] as? [String], [Self.cidr])
            let metadata = applied?["metadata"] as? [String: Any], spec = applied?["spec"] as? [String: Any]
            XCTAssertEqual(metadata?["name"] as? String, "grafana-eksodus")
            XCTAssertEqual(metadata?["namespace"] as? String, "monitoring")
            XCTAssertEqual(metadata?["annotations"] as? [String: String], [
                "service.beta.kubernetes.io/aws-load-balancer-type": "external", "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
                "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=true"])
            XCTAssertEqual(spec?["type"] as? String, "LoadBalancer")
            XCTAssertEqual(spec?["selector"] as? [String: String], ["app": "grafana"])
            // The named targetPort stays named, and the node port does not come along (the NodePort keeps it).
            let ports = try XCTUnwrap(spec?["ports"] as? [[String: Any]])
            XCTAssertEqual(ports.count, 1)
            XCTAssertEqual(ports.first?["targetPort"] as? String, "http")
            XCTAssertEqual(ports.first?["port"] as? Int, 80)
            XCTAssertNil(ports.first?["nodePort"])
            let rules = try String(contentsOf: folder.appendingPathComponent("rules.log"), encoding: .utf8)
            XCTAssertEqual(rules, "ec2 authorize-security-group-ingress --group-id sg-0pods --ip-permissions IpProtocol=tcp,FromPort=3000,ToPort=3000,IpRanges=[{CidrIp=\(Self.cidr),Description=eksodus:nodeport:monitoring/grafana}]\n",
                           "the pod port, to the load balancer in front, described as eksodus's")
        }
        // An NLB with no security group of its own (a controller before v2.6) leaves the pods' rule as the filter.
        XCTAssertEqual(try run(lines, stubs: ["aws": Self.aws(balancers: Self.balancers(groups: "[]")), "kubectl": Self.kubectl(), "nc": "exit 0"], in: try temporaryFolder(self)), 0)
    }

    func testEveryGateStopsTheSwitchOnAFailingEmptyOrWrongAnswer() throws {
        let lines = try grafana().commands
        let cases: [(String, [String: String], [String: String])] = [
            ("an address that does not answer", ["nc": "[ \"$4\" != 10.20.2.11 ]"], [:]),
            ("nc fails everywhere", ["nc": "exit 1"], [:]),
            ("the ELB API fails", ["aws": "exit 255"], [:]),
            ("the ELB API answers nothing", ["aws": "true"], [:]),
            ("no network interface of that description", ["aws": Self.aws(addresses: "")], [:]),
            ("one address for two zones", ["aws": Self.aws(addresses: "10.20.1.10")], [:]),
            ("an address that is not one", ["aws": Self.aws(addresses: "None")], [:]),
            ("an internet-facing load balancer", ["aws": Self.aws(balancers: Self.balancers(scheme: "internet-facing"))], [:]),
            ("an ALB, not an NLB", ["aws": Self.aws(balancers: Self.balancers(type: "application"))], [:]),
            ("the NLB's group admits another range", ["aws": Self.aws(groups: Self.securityGroups(cidr: "10.0.0.0/8"))], [:]),
            ("the NLB's group admits another port", ["aws": Self.aws(groups: Self.securityGroups(port: 443))], [:]),
            ("the NLB's groups are not readable", ["aws": Self.aws(groups: "")], [:]),
            ("the Service never gets its NLB", ["kubectl": Self.kubectl(hostname: "")], [:]),
            ("no port on the Service", ["kubectl": Self.kubectl(servicePort: "")], [:]),
            ("no ready pod port", ["kubectl": Self.kubectl(podPort: "")], [:]),
            ("a port that is not a number", ["kubectl": Self.kubectl(podPort: "3000 --cidr 0.0.0.0/0")], [:]),
            ("kubectl fails", ["kubectl": "exit 1"], [:]),
            ("a Service that selects no pods", ["kubectl": Self.kubectl(source: #"{"metadata": {"name": "grafana", "namespace": "monitoring"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}}"#)], [:]),
            ("no Service on EKS", ["kubectl": Self.kubectl(source: "")], [:]),
            ("no on-premises load balancer range", [:], ["SOURCE_LB_CIDR": ""]),
            ("everything", [:], ["SOURCE_LB_CIDR": "0.0.0.0/0"]),
            ("not a CIDR", [:], ["SOURCE_LB_CIDR": "192.168.10.0/24 --cidr 0.0.0.0/0"]),
            ("everything, written with another address", [:], ["SOURCE_LB_CIDR": "10.0.0.0/0"]),
            ("an octet over 255", [:], ["SOURCE_LB_CIDR": "192.168.300.0/24"]),
            ("a prefix over 32", [:], ["SOURCE_LB_CIDR": "192.168.10.0/33"]),
            ("no pods' security group", [:], ["NODE_SECURITY_GROUP": ""]),
        ]
        for (why, stubs, environment) in cases {
            for pipefail in [false, true] {
                let merged = ["aws": Self.aws(), "kubectl": Self.kubectl(), "nc": "exit 0"].merging(stubs) { $1 }
                XCTAssertNotEqual(try run(lines, stubs: merged, in: try temporaryFolder(self), environment: environment, pipefail: pipefail), 0, why)
            }
        }
    }

    func testTheSettingsAreCheckedBeforeTheNLBServiceIsMadeAndAStatusReadThatFailsIsTriedAgain() throws {
        let lines = try grafana().commands
        for unset in [["NODE_SECURITY_GROUP": ""], ["SOURCE_LB_CIDR": "10.0.0.0/0"]] {
            let folder = try temporaryFolder(self)
            XCTAssertNotEqual(try run(lines, stubs: ["aws": Self.aws(), "kubectl": Self.kubectl(), "nc": "exit 0"], in: folder, environment: unset), 0, "\(unset)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("applied.json").path), "nothing applied with \(unset)")
        }
        // The NLB's name read while the API server blinks: the wait goes on (it stopped the step at the first failure before).
        let blinking = #"case "$*" in *"status.loadBalancer"*) n=$(cat reads 2>/dev/null || echo 0); echo $((n + 1)) > reads; [ "$n" -ge 2 ] || exit 1 ;; esac; "#
        let folder = try temporaryFolder(self)
        XCTAssertEqual(try run(lines, stubs: ["aws": Self.aws(), "kubectl": blinking + Self.kubectl(), "nc": "exit 0"], in: folder), 0)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("reads"), encoding: .utf8), "3\n")
    }

    /// One inbound rule of the pods' group as DescribeSecurityGroupRules answers it.
    static func rule(_ id: String, cidr: String = cidr, port: Int = 3000, description: String = "eksodus:nodeport:monitoring/grafana") -> String {
        #"{"SecurityGroupRuleId": "\#(id)", "GroupId": "sg-0pods", "IsEgress": false, "IpProtocol": "tcp", "FromPort": \#(port), "ToPort": \#(port), "CidrIpv4": "\#(cidr)", "Description": "\#(description)"}"#
    }

    static func rules(_ rules: [String]) -> String { #"{"SecurityGroupRules": ["# + rules.joined(separator: ", ") + "]}" }

    /// Someone else's rule for the same range on another port, and one for the pod port from another range.
    static let othersRules = [rule("sgr-0443", port: 443, description: "office"), rule("sgr-0vpn", cidr: "10.0.0.0/8", description: "")]

    /// `aws` for the rollback: the group's rules before the revoke (`before`) and after it (`after`, once rules.log
    /// holds the revoke), the revoke's answer (logged), then the pods' group as EC2 describes it.
    static func revokingAWS(revoked: String = #"{"Return": true, "RevokedSecurityGroupRules": [{"GroupId": "sg-0pods"}]}"#,
                            group: String = #"{"SecurityGroups": [{"GroupId": "sg-0pods", "IpPermissions": []}]}"#,
                            error: String? = nil, before: String = rules([rule("sgr-0abc")] + othersRules), after: String = rules(othersRules)) -> String {
        // With `error`, the revoke fails as the CLI does on a service error: the message on stderr, status 254.
        let answer = error.map { "echo '\($0)' >&2; exit 254" } ?? "cat <<'EOF'\n\(revoked)\nEOF\n"
        return """
        case "$1 $2" in
          "ec2 revoke-security-group-ingress") echo "$*" >> rules.log; \(answer)
          ;;
          "ec2 describe-security-group-rules") [ "$3 $4" = "--filters Name=group-id,Values=sg-0pods" ] || exit 1
            if [ -s rules.log ]; then cat <<'EOF'
        \(after)
        EOF
            else cat <<'EOF'
        \(before)
        EOF
            fi ;;
          "ec2 describe-security-groups") [ "$3 $4" = "--group-ids sg-0pods" ] && cat <<'EOF'
        \(group)
        EOF
          ;;
          *) exit 1 ;;
        esac
        """
    }

    func testTheRollbackReadsThePodPortAgainRevokesTheRuleAndReadsTheGroupBack() throws {
        let rollback = try grafana().rollbackCommands
        for pipefail in [false, true] {
            let folder = try temporaryFolder(self)
            XCTAssertEqual(try run(rollback, stubs: ["aws": Self.revokingAWS(), "kubectl": Self.kubectl()], in: folder, pipefail: pipefail), 0)
            XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("rules.log"), encoding: .utf8),
                           "ec2 revoke-security-group-ingress --group-id sg-0pods --security-group-rule-ids sgr-0abc --output json\n", "only eksodus's rule, by its id")
        }
    }

    func testTheRollbackStopsBeforeEC2WithoutItsSettingsAndFailsOnAWrongOrUnreadableGroup() throws {
        let rollback = try grafana().rollbackCommands
        // A shell of its own: neither the group nor the range is set, and EC2 is never asked.
        for unset in [["NODE_SECURITY_GROUP": ""], ["SOURCE_LB_CIDR": ""], ["NODE_SECURITY_GROUP": "", "SOURCE_LB_CIDR": ""]] {
            for pipefail in [false, true] {
                let folder = try temporaryFolder(self)
                XCTAssertNotEqual(try run(rollback + ["touch after"], stubs: ["aws": Self.revokingAWS(), "kubectl": Self.kubectl()], in: folder, environment: unset, pipefail: pipefail), 0, "\(unset)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rules.log").path), "no revoke with \(unset)")
            }
        }
        let cases: [(String, [String: String])] = [
            ("no ready pod port", ["kubectl": Self.kubectl(podPort: "")]),
            ("the revoke fails with no answer", ["aws": "exit 254"]),
            ("the revoke answers nothing", ["aws": Self.revokingAWS(revoked: "")]),
            ("the revoke answers false", ["aws": Self.revokingAWS(revoked: #"{"Return": false}"#)]),
            ("eksodus's rule is still there", ["aws": Self.revokingAWS(after: Self.rules([Self.rule("sgr-0abc")]))]),
            ("the rules cannot be read", ["aws": Self.revokingAWS(before: "")]),
            ("the rules cannot be read back", ["aws": Self.revokingAWS(after: "")]),
            ("a rule id that is not one", ["aws": Self.revokingAWS(before: Self.rules([Self.rule("sgr-0abc --group-id sg-0other")]))]),
            ("the group cannot be read back", ["aws": Self.revokingAWS(group: "")]),
            ("the group read back is another one", ["aws": Self.revokingAWS(group: #"{"SecurityGroups": [{"GroupId": "sg-0other", "IpPermissions": []}]}"#)]),
            ("no group read back", ["aws": Self.revokingAWS(group: #"{"SecurityGroups": []}"#)]),
        ]
        for (why, stubs) in cases {
            for pipefail in [false, true] {
                let merged = ["aws": Self.revokingAWS(), "kubectl": Self.kubectl()].merging(stubs) { $1 }
                XCTAssertNotEqual(try run(rollback + ["touch after"], stubs: merged, in: try temporaryFolder(self), pipefail: pipefail), 0, why)
            }
        }
    }

    func testAHostPortsRuleIsEksodussOwnRunsAgainAndStopsWithoutItsGroupOrRange() throws {
        // The Sysdig agent's ReplicationController declares hostPort 6666: the nodes stay its way in (no Service to put an
        // NLB in front of). The EKS nodes' group admits the load balancer's range on 6666, a rule described as eksodus's.
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("14-messy-tabs-crlf").path], cluster: "src", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        let plan = try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
        let step = try XCTUnwrap(plan.items.first { $0.keyText == "traffic:src/default/replicationcontroller-sysdig-agent" })
        let description = "eksodus:hostport:default/sysdig-agent"
        XCTAssertTrue(step.commands.contains { $0.hasPrefix("eksodus_hostport_pool '6666' '\(description)'") }, "\(step.commands)")
        XCTAssertTrue(step.rollbackCommands.contains("eksodus_hostport_pool_back '6666' '\(description)'"), "\(step.rollbackCommands)")
        let nodes = #"case "$*" in *" get nodes -o jsonpath="*) printf '10.20.1.5\n10.20.2.6\n' ;; *) exit 1 ;; esac"#
        for pipefail in [false, true] {
            let folder = try temporaryFolder(self)
            let stubs = ["aws": Self.statefulAWS(), "kubectl": nodes, "nc": "[ \"$5\" = 6666 ]"]
            XCTAssertEqual(try run(step.commands, stubs: stubs, in: folder, pipefail: pipefail), 0)
            XCTAssertEqual(try run(step.commands, stubs: stubs, in: folder, pipefail: pipefail), 0, "a re-run meets its own rule as Duplicate")
            XCTAssertEqual(calls(folder), ["authorize \(description)"])
            XCTAssertEqual(try rules(folder).map { $0["FromPort"] as? Int }, [6666])
            XCTAssertEqual(try run(step.rollbackCommands + ["touch after"], stubs: stubs, in: folder, pipefail: pipefail), 0)
            XCTAssertTrue(try rules(folder).isEmpty, "the rule eksodus added is revoked")
            XCTAssertEqual(try run(step.rollbackCommands + ["touch again"], stubs: stubs, in: folder, pipefail: pipefail), 0, "a second rollback finds nothing to revoke")
        }
        // Someone else's rule for the range on 6666 stays; a node that does not answer, no node, no group or range stop it.
        let folder = try temporaryFolder(self)
        try #"[{"SecurityGroupRuleId": "sgr-0office", "GroupId": "sg-0pods", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 6666, "ToPort": 6666, "CidrIpv4": "192.168.10.0/24", "Description": "monitoring"}]"#
            .write(to: folder.appendingPathComponent("rules.json"), atomically: true, encoding: .utf8)
        let stubs = ["aws": Self.statefulAWS(), "kubectl": nodes, "nc": "exit 0"]
        XCTAssertEqual(try run(step.commands + step.rollbackCommands, stubs: stubs, in: folder), 0)
        XCTAssertEqual(try rules(folder).map { $0["SecurityGroupRuleId"] as? String }, ["sgr-0office"])
        let stops: [(String, [String: String], [String: String])] = [
            ("a node that does not answer", ["nc": "[ \"$4\" != 10.20.2.6 ]"], [:]),
            ("no EKS node", ["kubectl": "true"], [:]),
            ("the nodes not read", ["kubectl": "exit 1"], [:]),
            ("EC2 refuses the rule", ["aws": Self.aws(authorize: Self.awsError("UnauthorizedOperation", "AuthorizeSecurityGroupIngress", "not authorized"))], [:]),
            ("no group", [:], ["NODE_SECURITY_GROUP": ""]),
            ("no range", [:], ["SOURCE_LB_CIDR": ""]),
            ("everything", [:], ["SOURCE_LB_CIDR": "0.0.0.0/0"]),
        ]
        for (why, stub, environment) in stops {
            let folder = try temporaryFolder(self)
            XCTAssertNotEqual(try run(step.commands + ["touch after"], stubs: stubs.merging(stub) { $1 }, in: folder, environment: environment), 0, why)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("after").path), why)
        }
        for missing in ["NODE_SECURITY_GROUP", "SOURCE_LB_CIDR"] {
            let folder = try temporaryFolder(self)
            XCTAssertNotEqual(try run(step.rollbackCommands, stubs: stubs, in: folder, environment: [missing: ""]), 0, missing)
            XCTAssertEqual(calls(folder), [], "\(missing): EC2 not asked")
        }
    }
}
