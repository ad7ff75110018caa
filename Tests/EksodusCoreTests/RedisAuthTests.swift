import Foundation
import XCTest
@testable import EksodusCore

/// A Redis that requires a password refuses every unauthenticated command with NOAUTH, and redis-cli exits 0 on that
/// answer: the runbook's REPLICAOF and CLIENT PAUSE "passed" with nothing replicated and nothing paused. Argo CD's own
/// Redis (`--requirepass $(REDIS_PASSWORD)`, shared fixture 07) is such a Redis. The steps run here in bash against a
/// stand-in `kubectl` that runs the exec'd command locally as the pod would (its env holding the password) and a stand-in
/// `redis-cli` that answers NOAUTH unless REDISCLI_AUTH holds the server's password.
extension DataEngineRunbookTests {
    /// `kubectl`: `get pods` lists one pod; `exec … -- CMD…` runs CMD with the pod's `REDIS_PASSWORD` (`$POD_PASSWORD`)
    /// or `REDIS_PASSWORD_FILE` (`$POD_PASSWORD_FILE`). `redis-cli` (first on PATH): NOAUTH unless authenticated with
    /// `$SERVER_PASSWORD`; logs what it ran and what `-x` read.
    func authStub(_ folder: URL) throws -> String {
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let cli = bin.appendingPathComponent("redis-cli")
        try """
            #!/bin/bash
            [ "${REDISCLI_AUTH-}" = "$SERVER_PASSWORD" ] || { echo 'NOAUTH Authentication required.'; exit 0; }
            if [ "$1" = -x ]; then shift; printf 'stdin:%s\\n' "$(cat)" >> "$LOG"; fi
            printf 'redis-cli %s\\n' "$*" >> "$LOG"
            case "$1" in
              INFO) printf 'role:slave\\r\\nmaster_link_status:up\\r\\nmaster_repl_offset:100\\r\\n' ;;
              ROLE) echo master ;;
              *) echo OK ;;
            esac
            """.write(to: cli, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.path)
        // The steps' state files (the freeze's pause note) go to the folder, as they would to the engineer's working directory.
        return """
            cd \(ShellQuote.word(folder.path))
            kubectl() {
              local args=("$@") i
              case "$*" in *" get pods "*|*" get pod/"*) echo pod/argocd-redis-0; return 0 ;; esac
              for (( i = 0; i < ${#args[@]}; i++ )); do [ "${args[i]}" = -- ] && break; done
              [ "$i" -lt "${#args[@]}" ] || return 0
              local pod=()
              if [ -n "${POD_PASSWORD+set}" ]; then pod+=("REDIS_PASSWORD=$POD_PASSWORD"); fi
              if [ -n "${POD_PASSWORD_FILE+set}" ]; then pod+=("REDIS_PASSWORD_FILE=$POD_PASSWORD_FILE"); fi
              env "${pod[@]}" PATH="\(bin.path):$PATH" "${args[@]:i+1}"
            }
            """
    }

    func runSteps(_ commands: [String], stub: String, _ environment: [String: String]) throws -> (status: Int32, output: String) {
        try bash("set -e\nexec 2>&1\n" + stub + "\n" + commands.joined(separator: "\n"), environment: environment)
    }

    func testArgoCDsRedisIsReplicatedPausedAndPromotedWithItsPassword() throws {
        guard let fixtures = fixturesFolder() else { throw XCTSkip("../shared/fixtures is not here") }
        let plan = try plan(paths: [fixtures.appendingPathComponent("07-argocd-install").path])
        let steps = ["data", "freeze", "promote"].compactMap { step in plan.items.first { $0.keyText == "\(step):src/default/argocd-redis" } }
        XCTAssertEqual(steps.count, 3, "\(plan.items.map(\.keyText).filter { $0.contains("argocd-redis") })")
        for item in steps {
            for line in item.commands + item.rollbackCommands where line.contains("-- redis-cli") {
                XCTFail("\(item.keyText) runs redis-cli unauthenticated: \(line)")
            }
        }
        let folder = try temporaryFolder(self)
        let log = folder.appendingPathComponent("log")
        let stub = try authStub(folder)
        // A password that would break any quoting it were pasted into.
        let password = "p'a\"s s$(touch pwned)`x`"
        let environment = ["LOG": log.path, "SERVER_PASSWORD": password, "POD_PASSWORD": password, "SOURCE_REDIS_HOST": "10.0.0.9",
                           "REDIS_PAUSED_UNTIL": String(Int(Date().timeIntervalSince1970) + 600)]
        for item in steps {
            try? FileManager.default.removeItem(at: log)
            let result = try runSteps(item.commands, stub: stub, environment)
            XCTAssertEqual(result.status, 0, "\(item.keyText): \(result.output)")
            let ran = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            XCTAssertFalse(ran.isEmpty, "\(item.keyText) ran no redis-cli")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pwned").path))
            if item.step == .data {
                XCTAssertTrue(ran.contains("stdin:\(password)\nredis-cli CONFIG SET masterauth\nredis-cli REPLICAOF 10.0.0.9 6379"), ran)
            }
        }
        XCTAssertFalse(steps.contains { ($0.commands + $0.rollbackCommands).joined().contains(password) })

        // The EKS copy's Secret holds another password: every step that changes something fails, saying NOAUTH.
        for item in steps where item.step != .promote {
            let refused = try runSteps(item.commands, stub: stub, environment.merging(["POD_PASSWORD": "other"]) { $1 })
            XCTAssertNotEqual(refused.status, 0, "\(item.keyText): \(refused.output)")
            XCTAssertTrue(refused.output.contains("NOAUTH"), refused.output)
        }
        let promote = try XCTUnwrap(steps.last)
        let behind = try runSteps(promote.commands, stub: stub, environment.merging(["POD_PASSWORD": "other"]) { $1 })
        XCTAssertNotEqual(behind.status, 0)
        XCTAssertTrue(behind.output.contains("has not caught up"), behind.output)
    }

    func redisManifest(args: String, env: String = "[]") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: cache, namespace: shop}
        spec:
          replicas: 1
          selector: {matchLabels: {app: cache}}
          template:
            metadata: {labels: {app: cache}}
            spec:
              containers: [{name: redis, image: "redis:7.2", args: \(args), env: \(env)}]
        """
    }

    func testAPasswordFileIsReadInThePodAndAPasswordInTheArgumentsIsRefused() throws {
        // Bitnami's image reads the password from the file REDIS_PASSWORD_FILE names.
        let bitnami = try plan(manifests: ["redis.yaml": redisManifest(args: "[]", env: "[{name: REDIS_PASSWORD_FILE, value: /opt/bitnami/redis/secrets/redis-password}]")])
        let freeze = try item("freeze:src/shop/cache", in: bitnami)
        let folder = try temporaryFolder(self)
        let secret = folder.appendingPathComponent("redis-password")
        try "from a file".write(to: secret, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("log")
        let environment = ["LOG": log.path, "SERVER_PASSWORD": "from a file", "POD_PASSWORD_FILE": secret.path]
        let paused = try runSteps(freeze.commands, stub: try authStub(folder), environment)
        XCTAssertEqual(paused.status, 0, paused.output)
        XCTAssertTrue(try String(contentsOf: log, encoding: .utf8).contains("redis-cli CLIENT PAUSE 3600000 WRITE"))
        XCTAssertEqual(RedisAuth.file("REDIS_PASSWORD_FILE").libraryValue, "file:REDIS_PASSWORD_FILE")

        // A password written into the arguments is masked in the inventory: the steps refuse before changing anything.
        let literal = try plan(manifests: ["redis.yaml": redisManifest(args: "[--requirepass, hunter2]")])
        let data = try item("data:src/shop/cache", in: literal)
        XCTAssertTrue(data.commands.first?.contains("a password the runbook cannot read") ?? false, "\(data.commands)")
        let refused = try runSteps(data.commands, stub: try authStub(folder), ["LOG": log.path, "SERVER_PASSWORD": "hunter2"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("cannot read"), refused.output)
        XCTAssertFalse(literal.items.contains { ($0.commands + $0.rollbackCommands + [$0.evidence]).joined().contains("hunter2") })

        // A variable whose name would break the quotes it is read in is not used.
        let hostile = try plan(manifests: ["redis.yaml": redisManifest(args: "[\"--requirepass $(A'B)\"]", env: "[{name: \"A'B\", valueFrom: {secretKeyRef: {name: s, key: k}}}]")],
                               validates: false)
        let hostileData = try item("data:src/shop/cache", in: hostile)
        XCTAssertFalse(hostileData.commands.joined().contains("A'B"), "the name is in no command: \(hostileData.commands)")
        XCTAssertTrue(hostileData.commands.first?.contains("a password the runbook cannot read") ?? false, "\(hostileData.commands)")
        XCTAssertEqual(RedisAuth.valid("A'B"), false)
        XCTAssertEqual(RedisAuth.valid("REDIS_PASSWORD"), true)
        XCTAssertEqual(RedisAuth.valid("1X"), false)
    }

    /// Without a password in the manifests (one set in a ConfigMap's redis.conf, say), an error answer fails the step too.
    func testAnErrorAnswerFailsARedisStepThatChangesSomething() throws {
        let plan = try plan(manifests: ["redis.yaml": redisManifest(args: "[--appendonly, \"yes\"]")])
        let freeze = try item("freeze:src/shop/cache", in: plan)
        XCTAssertTrue(freeze.commands.contains { $0.contains("-- redis-cli CLIENT PAUSE") }, "no password: redis-cli itself: \(freeze.commands)")
        let folder = try temporaryFolder(self)
        let environment = ["LOG": folder.appendingPathComponent("log").path, "SERVER_PASSWORD": "in redis.conf"]
        let refused = try runSteps(freeze.commands, stub: try authStub(folder), environment)
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("NOAUTH"), refused.output)
        let open = try runSteps(freeze.commands, stub: try authStub(folder), environment.merging(["SERVER_PASSWORD": ""]) { $1 })
        XCTAssertEqual(open.status, 0, open.output)
    }

    func testRedisPersistsOnlyWithAClaimAndSavingOn() throws {
        func persists(_ args: String, claim: Bool) throws -> Bool {
            var manifest = redisManifest(args: args)
            if claim {
                manifest = manifest.replacingOccurrences(of: "env: []}]", with: "env: [], volumeMounts: [{name: d, mountPath: /data}]}]\n      volumes: [{name: d, persistentVolumeClaim: {claimName: d}}]")
            }
            let folder = try writeManifests(["redis.yaml": manifest], test: self)
            let database = try AppDatabase.inMemory()
            try importPaths([folder.path], cluster: "src", into: database)
            let workload = try XCTUnwrap(try database.writer.read { try Estate.load($0, cluster: nil) }.first?.workloads.first)
            return RedisReplicas(workload: workload).persists
        }
        XCTAssertTrue(try persists("[]", claim: true), "RDB saves are on by default")
        XCTAssertFalse(try persists("[--save, \"\", --appendonly, \"no\"]", claim: true), "saving switched off: Argo CD's")
        XCTAssertTrue(try persists("[--save, \"\", --appendonly, \"yes\"]", claim: true))
        XCTAssertFalse(try persists("[--appendonly, \"yes\"]", claim: false), "no claim: the pod's own filesystem goes with it")
    }
}
