import Foundation
import XCTest
@testable import EksodusCore

/// Runbook advice an EKS migration engineer would sign: no step that silently does nothing, no manifest value read as an
/// option, no rollback that loses writes. Uses the demo plan of RunbookSafetyTests.
extension RunbookSafetyTests {
    /// Runs `line` in bash with `ssh` printing the command it would send to the node (its second argument), and
    /// `kubectl` passing its input through: what the node's shell would have received.
    func remoteCommand(of line: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ssh() { printf '%s' \"$2\"; }; kubectl() { cat; }\n" + line]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The words the node's shell splits `remote` into, with `sudo` printing them one per line instead of running them.
    func wordsOnNode(_ remote: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "sudo() { printf '%s\\n' \"$@\"; }; wc() { :; }\n" + remote]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    // A hostPath volume is never "copied" by Velero, whose file-system backup skips it: the step asks for a decision and
    // copies the node's directory by hand.
    func testHostPathDataGetsADecisionAndANodeCopyNeverVelero() throws {
        let plan = try demo().plan
        let data = try item("data:prod/batch/db-backup", in: plan)   // a CronJob writing to hostPath /srv/backup-scratch
        let all = (data.commands + data.rollbackCommands).joined(separator: "\n")
        XCTAssertFalse(all.contains("velero "), all)
        XCTAssertTrue(data.title.hasPrefix("Decide"), data.title)
        XCTAssertTrue(data.commands.first { $0 != RunbookLibrary.load }?.contains("DECIDE") == true, "\(data.commands)")
        XCTAssertTrue(data.commands.contains { $0.contains("drop it") })
        let copy = try XCTUnwrap(data.commands.first { $0.contains("ssh \"$SOURCE_NODE\"") && $0.contains("tar -C /data/0 -xf -") }, "\(data.commands)")
        XCTAssertEqual(try wordsOnNode(try remoteCommand(of: "SOURCE_NODES=n1\n" + copy)), ["tar", "-C", "/srv/backup-scratch", "-cf", "-", "."])
        XCTAssertTrue(try bashParses(data.commands + data.rollbackCommands))
        // No item of the plan backs up a hostPath workload with Velero.
        for item in plan.items where item.commands.contains(where: { $0.contains("velero") && $0.contains("db-backup") }) {
            XCTFail("\(item.keyText) still uses Velero: \(item.commands)")
        }
    }

    /// A host path full of shell syntax reaches the node's `tar` as one word, through both shells.
    func testAHostilePathReachesTheNodeAsOneWord() throws {
        let path = "/srv/it's $(touch /tmp/pwned) `id`; rm -rf /"
        let plan = try plan(manifests: ["job.yaml": """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: dump, namespace: ops}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: dump, image: "busybox:1.36", volumeMounts: [{name: out, mountPath: /out}]}]
                      volumes: [{name: out, hostPath: {path: "\(path.replacingOccurrences(of: "\\", with: "\\\\"))"}}]
            """])
        let data = try item("data:src/ops/dump", in: plan)
        let copy = try XCTUnwrap(data.commands.first { $0.contains("ssh \"$SOURCE_NODE\"") && $0.contains("tar -C") }, "\(data.commands)")
        XCTAssertEqual(try wordsOnNode(try remoteCommand(of: "SOURCE_NODES=n1\n" + copy)), ["tar", "-C", path, "-cf", "-", "."])
    }
}

extension RunbookSafetyTests {
    /// An Ingress host is an argument of `dig` and of the AWS CLI: one that is no DNS name (here, one `dig` would read as
    /// its batch-file option) never reaches them; the commands use `$DNS_NAME` and say why.
    func testAnIngressHostThatIsNoDNSNameNeverBecomesAnArgument() throws {
        let plan = try plan(manifests: ["web.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 80}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec:
              rules:
              - host: "-f/etc/passwd"
                http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
              - host: shop.example.com
                http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
            """])
        let lines = plan.items.flatMap { $0.commands + $0.rollbackCommands }
        // The switch checks the TTL with dig (in the library), the host as an argument of its own.
        XCTAssertTrue(RunbookLibrary.text.contains("dig +noall +answer @\"$ns\""))
        let digs = lines.filter { $0.hasPrefix("eksodus_dns_low_ttl ") }
        XCTAssertFalse(lines.contains { $0.contains("/etc/passwd") && !$0.hasPrefix("#") }, "\(lines.filter { $0.contains("passwd") })")
        XCTAssertTrue(digs.contains { $0.hasPrefix("eksodus_dns_low_ttl \"$DNS_NAME\" ") }, "\(digs)")
        XCTAssertTrue(digs.contains { $0.hasPrefix("eksodus_dns_low_ttl 'shop.example.com' ") }, "the valid host is still checked: \(digs)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("# TODO:") && $0.contains("not a DNS name") })
        XCTAssertTrue(try bashParses(lines))
    }
}
