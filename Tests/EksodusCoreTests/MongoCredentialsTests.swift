import Foundation
import XCTest
@testable import EksodusCore

/// Every MongoDB call signs in without a password on a command line: the pod's own admin variables where the manifest
/// sets them (Bitnami's MONGODB_ROOT_PASSWORD from its Secret), else the engineer's MONGO_USER_<hash> / MONGO_PASSWORD_<hash> of
/// that workload (never a global pair: a tenant's pod never receives another team's password) on the pod's stdin. Run in bash: `kubectl` runs what follows `--` locally (the "pod"), and a stand-in `mongosh` evaluates the
/// runbook's JavaScript in node against a fake server that checks the credentials; a refused login stops the gate and
/// says so, apart from "no primary".
final class MongoCredentialsTests: XCTestCase {
    /// A StatefulSet `events`: a replica set without credentials in its manifest, or a Bitnami standalone whose root
    /// password comes from its Secret.
    func plan(bitnami: Bool) throws -> TransitionPlan {
        let container = bitnami
            ? #"{name: mongo, image: "bitnami/mongodb:7.0.14", env: [{name: MONGODB_ROOT_PASSWORD, valueFrom: {secretKeyRef: {name: events-mongodb, key: mongodb-root-password}}}], volumeMounts: [{name: data, mountPath: /bitnami/mongodb}]}"#
            : #"{name: mongo, image: "mongo:7.0.14", args: ["--replSet", "rs0", "--bind_ip_all"], volumeMounts: [{name: data, mountPath: /data/db}]}"#
        return try planImported([try writeManifests(["mongo.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: events, namespace: shop}
            spec:
              replicas: 3
              serviceName: events
              selector: {matchLabels: {app: events}}
              template:
                metadata: {labels: {app: events}}
                spec:
                  containers: [\(container)]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}}]
            """], test: self).path]).plan
    }

    func item(_ key: String, _ plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, key)
    }

    /// The fake server: `REAL_USER` / `REAL_PASSWORD` are its admin (unset: no authentication); `IS_PRIMARY=1` makes the
    /// pod the primary. Each call's argv goes to `$ARGV`; a script other than a probe or a gate signs in, then logs `ran`.
    func tools() throws -> URL {
        let bin = try temporaryFolder(self).appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let prelude = """
            var authed = false;
            function print(x) { console.log(String(x)) }
            function quit(c) { process.exit(c) }
            var admin = { auth: function (u, p) { if (u === process.env.REAL_USER && p === process.env.REAL_PASSWORD) { authed = true; return {ok: 1} } throw new Error('MongoServerError: Authentication failed.') } };
            function guard() { if (process.env.REAL_USER && !authed) { throw new Error('MongoServerError: Unauthorized') } }
            var db = { getSiblingDB: function () { return admin }, hello: function () { return {me: 'm0', primary: process.env.IS_PRIMARY === '1' ? 'm0' : 'm1'} }, currentOp: function () { guard(); return {fsyncLock: true} } };
            """
        try prelude.write(to: bin.appendingPathComponent("prelude.js"), atomically: true, encoding: .utf8)
        let mongosh = """
            #!/bin/bash
            echo "mongosh $*" >> "$ARGV"
            while [ $# -gt 0 ]; do case "$1" in --eval) script=$2; shift 2 ;; *) shift ;; esac; done
            case "$script" in
              *"print(h.me === h.primary)"*|*fsyncLock*) body=$script ;;
              *) body="${script%%eksodusLogin(db);*}eksodusLogin(db); guard(); require('fs').appendFileSync(process.env.RAN, 'ran\\n');" ;;
            esac
            exec node -e "$(cat \(ShellQuote.word(bin.appendingPathComponent("prelude.js").path)))
            $body"
            """
        // The tools log their argv, the config file they were given (and its mode), and what reached the restore's stdin.
        let tool = """
            #!/bin/bash
            echo "$(basename "$0") $*" >> "$ARGV"
            while [ $# -gt 0 ]; do if [ "$1" = --config ]; then echo "config $(cat "$2") mode $(stat -c %a "$2")" >> "$ARGV"; echo "$2" >> "$CONFIGS"; fi; shift; done
            case "$0" in *mongorestore) echo "stdin $(cat)" >> "$ARGV" ;; *) echo archive ;; esac
            """
        for (name, body) in ["mongosh": mongosh, "mongodump": tool, "mongorestore": tool] {
            try body.write(to: bin.appendingPathComponent(name), atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent(name).path)
        }
        return bin
    }

    /// `kubectl` logs its argv and runs the pod's command here.
    let stub = """
        kubectl() { echo "kubectl $*" >> "$ARGV"; while [ "$1" != -- ]; do shift; done; shift; "$@"; }

        """

    func run(_ line: String, _ environment: [String: String]) throws -> (status: Int32, output: String, argv: String, ran: Bool) {
        let bin = try tools(), folder = bin.deletingLastPathComponent()
        let argv = folder.appendingPathComponent("argv").path, ran = folder.appendingPathComponent("ran").path
        let result = try GateShell.run(stub + "{ " + line + "\n} 2>&1", environment: ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                                                                                 "ARGV": argv, "RAN": ran, "CONFIGS": folder.appendingPathComponent("configs").path].merging(environment) { $1 })
        return (result.status, result.output, (try? String(contentsOfFile: argv, encoding: .utf8)) ?? "", FileManager.default.fileExists(atPath: ran))
    }

    /// The workload's own pair, as the step's note names it.
    func pair(_ commands: [String]) throws -> (user: String, password: String) {
        let note = try XCTUnwrap(commands.first)
        let user = try XCTUnwrap(note.firstMatch(of: /MONGO_USER_[0-9a-f]{16}/).map { String($0.output) }, note)
        let password = try XCTUnwrap(note.firstMatch(of: /MONGO_PASSWORD_[0-9a-f]{16}/).map { String($0.output) }, note)
        XCTAssertEqual(user.dropFirst("MONGO_USER_".count), password.dropFirst("MONGO_PASSWORD_".count))
        return (user, password)
    }

    var nodeInstalled: Bool { ["/usr/bin/node", "/usr/local/bin/node"].contains { FileManager.default.isExecutableFile(atPath: $0) } }

    func testAReplicaSetsReconfigSignsInWithTheEngineersCredentialsAndARefusalIsNoElection() throws {
        guard nodeInstalled else { throw XCTSkip("node is not installed") }
        let promote = try item("promote:src/shop/events", try plan(bitnami: false)).commands
        let (user, password) = try pair(promote)
        XCTAssertTrue(promote.first?.contains("export \(user) and \(password)") == true, "\(promote.first ?? "")")
        let line = try XCTUnwrap(promote.first { $0.contains("# on the EKS primary: the source members stop voting") })
        XCTAssertFalse(line.contains("--password") || line.contains("-p "), line)
        let server = ["REAL_USER": "admin", "REAL_PASSWORD": "s3cr3t", "IS_PRIMARY": "1"]
        var result = try run(line, server.merging([user: "admin", password: "s3cr3t"]) { $1 })
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.ran, "the reconfig ran, signed in")
        XCTAssertFalse(result.argv.contains("s3cr3t"), "never an argument, of kubectl nor of mongosh: \(result.argv)")

        result = try run(line, server.merging([user: "admin", password: "wrong"]) { $1 })
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.ran)
        XCTAssertTrue(result.output.contains("refused the credentials"), result.output)
        XCTAssertFalse(result.output.contains("is the replica set's primary"), "a refused login is not reported as no primary: \(result.output)")

        result = try run(line, server.merging([user: "admin", password: "s3cr3t", "IS_PRIMARY": "0"]) { $1 })
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("no pod of EKS is the replica set's primary") && !result.output.contains("refused"), result.output)

        result = try run(line, server)
        XCTAssertNotEqual(result.status, 0, "no credentials on a server that requires them: Unauthorized")
        XCTAssertFalse(result.ran)

        result = try run(line, server.merging(["MONGO_USER": "admin", "MONGO_PASSWORD": "s3cr3t"]) { $1 })
        XCTAssertNotEqual(result.status, 0, "the global pair is never handed in: \(result.output)")
        XCTAssertFalse(result.ran)

        result = try run(line, ["IS_PRIMARY": "1"])
        XCTAssertEqual(result.status, 0, "no authentication, no credentials: it still works \(result.output)")
        XCTAssertTrue(result.ran)
    }

    func testABitnamiPodSignsInWithItsOwnSecretInsideThePodAndAWrongOneFailsTheGate() throws {
        guard nodeInstalled else { throw XCTSkip("node is not installed") }
        let plan = try plan(bitnami: true)
        let freeze = try item("freeze:src/shop/events", plan)
        let lines = freeze.commands + freeze.rollbackCommands
        XCTAssertTrue(freeze.commands.first?.contains("$MONGODB_ROOT_PASSWORD (Secret events-mongodb, key mongodb-root-password)") == true, "\(freeze.commands)")
        XCTAssertFalse(lines.contains { $0.contains("MONGO_PASSWORD:-") }, "the pod holds its password: nothing is handed in")
        let gate = try XCTUnwrap(freeze.commands.first { $0.hasPrefix("{ LOCKED=") })
        // The "pod" is this shell: its MONGODB_ROOT_PASSWORD is the Secret's value.
        let server = ["REAL_USER": "root", "REAL_PASSWORD": "s3cr3t"]
        var result = try run(gate, server.merging(["MONGODB_ROOT_PASSWORD": "s3cr3t"]) { $1 })
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertFalse(result.argv.contains("s3cr3t"), result.argv)
        result = try run(gate, server.merging(["MONGODB_ROOT_PASSWORD": "wrong"]) { $1 })
        XCTAssertNotEqual(result.status, 0, "a refused login is no lock read back")
        XCTAssertTrue(result.output.contains("MongoDB refused the credentials"), result.output)
        result = try run(gate, server)
        XCTAssertNotEqual(result.status, 0, "the Secret's key missing in the pod: the login fails closed")
    }

    func testTheDumpTakesThePasswordFromAPrivateConfigFileNeverAnArgument() throws {
        let bitnami = try item("promote:src/shop/events", try plan(bitnami: true)).commands
        let dump = try XCTUnwrap(bitnami.first { $0.contains("mongodump \"$@\"") })
        XCTAssertTrue(bitnami[try XCTUnwrap(bitnami.firstIndex(of: dump)) - 1].hasPrefix("# shellcheck disable=SC2016"))
        var result = try run(dump, ["MONGODB_ROOT_PASSWORD": "pa'ss"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.argv.contains("mongodump --config ") && result.argv.contains("--username root --authenticationDatabase admin --archive --quiet"), result.argv)
        XCTAssertTrue(result.argv.contains("config password: 'pa''ss' mode 600"), "a YAML single-quoted scalar, readable by the pod's user alone: \(result.argv)")
        XCTAssertFalse(result.argv.split(separator: "\n").contains { $0.hasPrefix("mongo") && $0.contains("pa'ss") }, result.argv)
        XCTAssertTrue(result.argv.contains("stdin archive"), result.argv)
        // The engineer's credentials: the restore reads them from its stdin before the archive, which arrives whole.
        let plain = try item("promote:src/shop/events", try planStandalone()).commands
        let handed = try XCTUnwrap(plain.first { $0.contains("mongodump \"$@\"") })
        let (user, password) = try pair(plain)
        result = try run(handed, [user: "admin", password: "s3cr3t"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.argv.components(separatedBy: "config password: 's3cr3t' mode 600").count, 3, "both tools sign in: \(result.argv)")
        XCTAssertTrue(result.argv.contains("stdin archive\n"), "the credentials are read off before the archive: \(result.argv)")
        XCTAssertFalse(result.argv.split(separator: "\n").contains { !$0.hasPrefix("config") && $0.contains("s3cr3t") }, result.argv)
        result = try run(handed, [:])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertFalse(result.argv.split(separator: "\n").contains { $0.hasPrefix("mongo") && $0.contains("--config") }, "no credentials, no options: \(result.argv)")
    }

    func testTheConfigFilesAreRemoved() throws {
        let dump = try XCTUnwrap(try item("promote:src/shop/events", try plan(bitnami: true)).commands.first { $0.contains("mongodump \"$@\"") })
        let bin = try tools(), folder = bin.deletingLastPathComponent()
        let configs = folder.appendingPathComponent("configs").path
        let result = try GateShell.run(stub + dump, environment: ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                                                                   "ARGV": folder.appendingPathComponent("argv").path, "CONFIGS": configs, "MONGODB_ROOT_PASSWORD": "x"])
        XCTAssertEqual(result.status, 0)
        let files = try String(contentsOfFile: configs, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(files.count, 2)
        XCTAssertTrue(files.allSatisfy { !FileManager.default.fileExists(atPath: String($0)) }, "removed on exit: \(files)")
    }

    /// A standalone mongod without credentials in its manifest.
    func planStandalone() throws -> TransitionPlan {
        try planImported([try writeManifests(["mongo.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: events, namespace: shop}
            spec:
              serviceName: events
              selector: {matchLabels: {app: events}}
              template:
                metadata: {labels: {app: events}}
                spec:
                  containers: [{name: mongo, image: "mongo:7.0.14", volumeMounts: [{name: data, mountPath: /data/db}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}}]
            """], test: self).path]).plan
    }

    func testAPasswordFileIsNamedAndTheEngineersCredentialsAreAskedFor() throws {
        let plan = try planImported([try writeManifests(["mongo.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: events, namespace: shop}
            spec:
              serviceName: events
              selector: {matchLabels: {app: events}}
              template:
                metadata: {labels: {app: events}}
                spec:
                  containers: [{name: mongo, image: "mongo:7.0.14", env: [{name: MONGO_INITDB_ROOT_USERNAME, value: admin}, {name: MONGO_INITDB_ROOT_PASSWORD_FILE, value: /run/secrets/root}], volumeMounts: [{name: data, mountPath: /data/db}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}}]
            """], test: self).path]).plan
        let commands = try item("promote:src/shop/events", plan).commands
        XCTAssertTrue(commands.first?.contains("as a file ($MONGO_INITDB_ROOT_PASSWORD_FILE)") == true, "\(commands.first ?? "")")
        let (_, password) = try pair(commands)
        XCTAssertTrue(commands.contains { $0.contains("\"${\(password):-}\" | kubectl") }, "the engineer's credentials go on stdin")
        XCTAssertFalse(commands.contains { $0.contains("${MONGO_PASSWORD:-}") || $0.contains("${MONGO_USER:-}") }, "no global pair")
    }

    func testTheBitnamiLinesPassShellcheck() throws {
        guard let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("shellcheck is not installed (.ci/run installs it)")
        }
        let items = try plan(bitnami: true).items.filter { $0.keyText.hasSuffix("src/shop/events") }
        let lines = ["#!/usr/bin/env bash", RunbookLibrary.text] + items.flatMap { item in
            [item.commands, item.rollbackCommands].filter { !$0.isEmpty }.flatMap { ["(", ":"] + $0 + [")"] }
        }
        XCTAssertTrue(lines.contains { $0.contains("MONGODB_ROOT_PASSWORD") })
        let file = try temporaryFolder(self).appendingPathComponent("bitnami.sh")
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try GateShell.run(ShellQuote.word(shellcheck) + " --exclude=SC2030,SC2031,SC1090 " + ShellQuote.word(file.path))  // SC1090: the library is at the top
        XCTAssertEqual(result.status, 0, result.output)
    }

    /// Two tenants' MongoDBs of the same name: each step names and hands in its own workload's pair only, so a password
    /// exported for one never reaches the other's pod.
    func testEachWorkloadHasItsOwnPairAndNoStepHandsInAnothersPassword() throws {
        let manifest = { (namespace: String) in """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: events, namespace: \(namespace)}
            spec:
              serviceName: events
              selector: {matchLabels: {app: events}}
              template:
                metadata: {labels: {app: events}}
                spec:
                  containers: [{name: mongo, image: "mongo:7.0.14", volumeMounts: [{name: data, mountPath: /data/db}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}}]
            """ }
        let plan = try planImported([try writeManifests(["a.yaml": manifest("team-a"), "b.yaml": manifest("team-b")], test: self).path]).plan
        let a = try item("promote:src/team-a/events", plan).commands, b = try item("promote:src/team-b/events", plan).commands
        let pairA = try pair(a), pairB = try pair(b)
        XCTAssertNotEqual(pairA.password, pairB.password)
        XCTAssertFalse(a.contains { $0.contains(pairB.password) || $0.contains(pairB.user) }, "team-a's steps never read team-b's pair")
        XCTAssertFalse(b.contains { $0.contains(pairA.password) || $0.contains(pairA.user) }, "team-b's steps never read team-a's pair")
        // Run: only team-b's pair is exported; team-a's dump hands its pod nothing (no config file, no password).
        let dump = try XCTUnwrap(a.first { $0.contains("mongodump \"$@\"") })
        let result = try run(dump, [pairB.user: "admin", pairB.password: "team-b-secret", "MONGO_USER": "admin", "MONGO_PASSWORD": "global"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertFalse(result.argv.contains("team-b-secret") || result.argv.contains("global"), result.argv)
        XCTAssertFalse(result.argv.split(separator: "\n").contains { $0.hasPrefix("mongo") && $0.contains("--config") }, "no credentials of its own: none handed in: \(result.argv)")
    }
}
