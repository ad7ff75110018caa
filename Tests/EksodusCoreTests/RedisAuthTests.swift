import Foundation
import XCTest
@testable import EksodusCore

/// A Redis that requires a password refuses every unauthenticated command with NOAUTH, and redis-cli exits 0 on that
/// answer: the runbook's REPLICAOF and CLIENT PAUSE "passed" with nothing replicated and nothing paused. Argo CD's own
/// Redis (`--requirepass $(REDIS_PASSWORD)`, shared fixture 07) is such a Redis, and its password is made by an init
/// container on each cluster: the two sides' passwords differ. The steps run here in bash against a stand-in `kubectl`
/// that runs the exec'd command locally as the pod would, and a stand-in `redis-cli` that models each side's server.
extension DataEngineRunbookTests {
    /// `kubectl` (`--context src` or `eks`): `get pods` lists one pod; `exec [-i] … -- CMD…` runs CMD with the pod's
    /// `REDIS_PASSWORD` (`$<side>_POD`, unset when that is) and the side's server (`$<side>_SERVER`, its password).
    /// `redis-cli`: NOAUTH unless REDISCLI_AUTH is the server's password; an AUTH to a server without one fails as
    /// redis-cli 7 does. `-x CONFIG SET masterauth` keeps its standard input byte for byte; INFO shows the link up only
    /// when the masterauth is the password of the server REPLICAOF named (the source's addresses are 10.0.*, EKS's 10.1.*).
    func authStub(_ folder: URL) throws -> String {
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let cli = bin.appendingPathComponent("redis-cli")
        try """
            #!/bin/bash
            server=${SIDE}_SERVER
            if [ -n "${REDISCLI_AUTH+set}" ] && [ -z "${!server}" ]; then echo 'AUTH failed: ERR AUTH <password> called without any password configured' >&2; exit 1; fi
            [ "${REDISCLI_AUTH-}" = "${!server}" ] || { echo 'NOAUTH Authentication required.'; exit 0; }
            if [ "$1" = -x ]; then shift; cat > "$STATE/$SIDE.masterauth"; fi
            printf '%s redis-cli %s\\n' "$SIDE" "$*" >> "$LOG"
            case "$*" in
              "INFO replication")
                if [ -f "$STATE/$SIDE.following" ]; then
                  leader=eks; case "$(cat "$STATE/$SIDE.following")" in 10.0.*) leader=src ;; esac
                  password=${leader}_SERVER link=down
                  [ "$(cat "$STATE/$SIDE.masterauth" 2>/dev/null)" = "${!password}" ] && link=up
                  printf 'role:slave\\r\\nmaster_link_status:%s\\r\\nmaster_repl_offset:100\\r\\n' "$link"
                else printf 'role:master\\r\\nmaster_repl_offset:100\\r\\n'; fi ;;
              "REPLICAOF NO ONE") rm -f "$STATE/$SIDE.following"; echo OK ;;
              REPLICAOF*) printf '%s' "$2" > "$STATE/$SIDE.following"; echo OK ;;
              ROLE) echo master ;;
              *) echo OK ;;
            esac
            """.write(to: cli, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.path)
        // The steps' state files (the freeze's pause note) go to the folder, as they would to the engineer's working directory.
        return """
            cd \(ShellQuote.word(folder.path))
            kubectl() {
              local args=("$@") i side=src
              case "$*" in *"--context eks"*) side=eks ;; esac
              case "$*" in *" get pods "*|*" get pod/"*) echo pod/cache-0; return 0 ;; esac
              for (( i = 0; i < ${#args[@]}; i++ )); do [ "${args[i]}" = -- ] && break; done
              [ "$i" -lt "${#args[@]}" ] || return 0
              local pod=${side}_POD environment=("SIDE=$side" "PATH=\(bin.path):$PATH")
              if [ -n "${!pod+set}" ]; then environment+=("REDIS_PASSWORD=${!pod}"); fi
              env "${environment[@]}" "${args[@]:i+1}"
            }
            """
    }

    func runSteps(_ commands: [String], stub: String, _ environment: [String: String]) throws -> (status: Int32, output: String) {
        try bash("set -e\nexec 2>&1\n" + stub + "\n" + commands.joined(separator: "\n"), environment: environment)
    }

    /// The stand-in's folders and environment: each side's pod and server with `password` and `eksPassword`.
    func authFolder(source password: String, eks eksPassword: String) throws -> (folder: URL, environment: [String: String]) {
        let folder = try temporaryFolder(self)
        let state = folder.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        return (folder, ["LOG": folder.appendingPathComponent("log").path, "STATE": state.path, "EKSODUS_REDIS_LINK_WAIT": "1",
                         "src_POD": password, "src_SERVER": password, "eks_POD": eksPassword, "eks_SERVER": eksPassword,
                         "SOURCE_REDIS_HOST": "10.0.0.9", "EKS_REDIS_HOST": "10.1.0.9",
                         "REDIS_PAUSED_UNTIL": String(Int(Date().timeIntervalSince1970) + 600)])
    }

    func testArgoCDsRedisMovesWithEachSidesOwnPassword() throws {
        guard let fixtures = fixturesFolder() else { throw XCTSkip("../shared/fixtures is not here") }
        let plan = try plan(paths: [fixtures.appendingPathComponent("07-argocd-install").path])
        let steps = try ["data", "freeze", "promote"].map { try item("\($0):src/default/argocd-redis", in: plan) }
        for item in steps {
            for line in item.commands + item.rollbackCommands where line.contains("-- redis-cli") {
                XCTFail("\(item.keyText) runs redis-cli unauthenticated: \(line)")
            }
        }
        // A source password that would break any quoting it were pasted into, and another one on EKS.
        let password = "p'a\"s s$(touch pwned)`touch pwned`"
        let (folder, environment) = try authFolder(source: password, eks: "eks own")
        let state = URL(fileURLWithPath: try XCTUnwrap(environment["STATE"]))
        let stub = try authStub(folder)
        for item in steps {
            let result = try runSteps(item.commands, stub: stub, environment)
            XCTAssertEqual(result.status, 0, "\(item.keyText): \(result.output)")
        }
        XCTAssertEqual(try Data(contentsOf: state.appendingPathComponent("eks.masterauth")), Data(password.utf8), "the source's password, byte for byte")
        // The promotion's rollback: the source follows EKS with EKS's password, then takes the writes again.
        let promote = try XCTUnwrap(steps.last)
        let back = try runSteps(promote.rollbackCommands, stub: stub, environment)
        XCTAssertEqual(back.status, 0, back.output)
        XCTAssertEqual(try String(contentsOf: state.appendingPathComponent("src.masterauth"), encoding: .utf8), "eks own")
        let log = try String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)
        XCTAssertTrue(log.contains("src redis-cli REPLICAOF 10.1.0.9 6379") && log.contains("src redis-cli REPLICAOF NO ONE"), log)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pwned").path))
        XCTAssertFalse(plan.items.contains { ($0.commands + $0.rollbackCommands).joined().contains("eks own") })

        // The source's Secret changed after its Redis started: the masterauth EKS gets is not the one the source wants. The
        // data step fails there, saying why, not at the promotion.
        let (changed, changedEnvironment) = try authFolder(source: "started with", eks: "eks own")
        let refused = try runSteps(steps[0].commands, stub: try authStub(changed), changedEnvironment.merging(["src_POD": "changed since"]) { $1 })
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("does not replicate from 10.0.0.9"), refused.output)

        // A freeze whose pause Redis refused (NOAUTH) fails.
        let (noAuth, noAuthEnvironment) = try authFolder(source: "server's", eks: "eks own")
        let unpaused = try runSteps(steps[1].commands, stub: try authStub(noAuth), noAuthEnvironment.merging(["src_POD": "pod's"]) { $1 })
        XCTAssertNotEqual(unpaused.status, 0, unpaused.output)
        XCTAssertTrue(unpaused.output.contains("NOAUTH"), unpaused.output)

        // An empty password variable sets no REDISCLI_AUTH: a Redis without a password refuses an AUTH.
        let (open, openEnvironment) = try authFolder(source: "", eks: "")
        let paused = try runSteps(steps[1].commands, stub: try authStub(open), openEnvironment)
        XCTAssertEqual(paused.status, 0, paused.output)
    }

    func redisManifest(kind: String = "Deployment", replicas: Int = 1, image: String = "redis:7.2", args: String, env: String = "[]") -> String {
        """
        apiVersion: apps/v1
        kind: \(kind)
        metadata: {name: cache, namespace: shop}
        spec:
          replicas: \(replicas)\(kind == "StatefulSet" ? "\n  serviceName: cache" : "")
          selector: {matchLabels: {app: cache}}
          template:
            metadata: {labels: {app: cache}}
            spec:
              containers: [{name: redis, image: "\(image)", args: \(args), env: \(env)}]
        """
    }

    /// Independent pods (a StatefulSet, no replication between them) promoted and brought back by the library, with a password.
    func testIndependentPodsWithAPasswordArePromotedAndBroughtBackPairByPair() throws {
        let plan = try plan(manifests: ["redis.yaml": redisManifest(kind: "StatefulSet", replicas: 3, args: #"["--requirepass $(REDIS_PASSWORD)"]"#,
                                                                    env: "[{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: cache, key: password}}}]")])
        let promote = try item("promote:src/shop/cache", in: plan)
        XCTAssertTrue(promote.commands.contains("EKSODUS_REDIS_AUTH='REDIS_PASSWORD' eksodus_redis_promote_each 'shop' source 3 'cache' ''"), "\(promote.commands)")
        let (folder, environment) = try authFolder(source: "source's", eks: "eks's")
        let stub = try authStub(folder)
        let hosts = ["EKS_REDIS_HOST_0": "10.1.0.1", "EKS_REDIS_HOST_1": "10.1.0.2", "EKS_REDIS_HOST_2": "10.1.0.3", "SOURCE_REDIS_HOST_0": "10.0.0.1",
                     "SOURCE_REDIS_HOST_1": "10.0.0.2", "SOURCE_REDIS_HOST_2": "10.0.0.3"]
        let data = try runSteps(try item("data:src/shop/cache", in: plan).commands, stub: stub, environment.merging(hosts) { $1 })
        XCTAssertEqual(data.status, 0, data.output)
        let promoted = try runSteps(promote.commands, stub: stub, environment)
        XCTAssertEqual(promoted.status, 0, promoted.output)
        let back = try runSteps(promote.rollbackCommands, stub: stub, environment.merging(hosts) { $1 })
        XCTAssertEqual(back.status, 0, back.output)
        let state = URL(fileURLWithPath: try XCTUnwrap(environment["STATE"]))
        XCTAssertEqual(try String(contentsOf: state.appendingPathComponent("src.masterauth"), encoding: .utf8), "eks's")
        XCTAssertEqual(try String(contentsOf: state.appendingPathComponent("eks.masterauth"), encoding: .utf8), "source's")
    }

    func testAPasswordFileIsReadInThePodAndAPasswordInTheArgumentsIsRefused() throws {
        // Bitnami's image reads the password from the file REDIS_PASSWORD_FILE names.
        let bitnami = try plan(manifests: ["redis.yaml": redisManifest(image: "bitnami/redis:7.2", args: "[]", env: "[{name: REDIS_PASSWORD_FILE, value: /opt/bitnami/redis/secrets/redis-password}]")])
        let freeze = try item("freeze:src/shop/cache", in: bitnami)
        let (folder, environment) = try authFolder(source: "from a file", eks: "from a file")
        let secret = folder.appendingPathComponent("redis-password")
        try "from a file\n".write(to: secret, atomically: true, encoding: .utf8)
        let stub = try authStub(folder).replacingOccurrences(of: "REDIS_PASSWORD=${!pod}", with: "REDIS_PASSWORD_FILE=\(secret.path)")
        let paused = try runSteps(freeze.commands, stub: stub, environment)
        XCTAssertEqual(paused.status, 0, paused.output)
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8).contains("src redis-cli CLIENT PAUSE 3600000 WRITE"))
        // The same variables on an image that does not read them make no password.
        let plain = try plan(manifests: ["redis.yaml": redisManifest(args: "[]", env: "[{name: REDIS_PASSWORD, value: unused}]")])
        XCTAssertTrue(try item("freeze:src/shop/cache", in: plain).commands.contains { $0.contains("-- redis-cli CLIENT PAUSE") })

        // A password written into the arguments is masked in the inventory: the steps refuse before changing anything.
        let literal = try plan(manifests: ["redis.yaml": redisManifest(args: "[--requirepass, hunter2]")])
        let data = try item("data:src/shop/cache", in: literal)
        XCTAssertTrue(data.commands.first?.contains("a password the runbook cannot read") ?? false, "\(data.commands)")
        let refused = try runSteps(data.commands, stub: stub, environment)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("cannot read"), refused.output)
        XCTAssertFalse(literal.items.contains { ($0.commands + $0.rollbackCommands + [$0.evidence]).joined().contains("hunter2") })

        // A variable whose name would break the quotes it is read in, or that the container does not set, is not used.
        for (args, env) in [("[\"--requirepass $(A'B)\"]", "[{name: \"A'B\", valueFrom: {secretKeyRef: {name: s, key: k}}}]"),
                            ("[\"--requirepass $(MISSING)\"]", "[]")] {
            let hostile = try plan(manifests: ["redis.yaml": redisManifest(args: args, env: env)], validates: false)
            let hostileData = try item("data:src/shop/cache", in: hostile)
            XCTAssertFalse(hostileData.commands.joined().contains("A'B") || hostileData.commands.joined().contains("MISSING\""), "\(hostileData.commands)")
            XCTAssertTrue(hostileData.commands.first?.contains("a password the runbook cannot read") ?? false, "\(hostileData.commands)")
        }
        XCTAssertEqual([RedisAuth.valid("A'B"), RedisAuth.valid("REDIS_PASSWORD"), RedisAuth.valid("1X"), RedisAuth.valid("_x1")], [false, true, false, true])
    }

    /// Without a password in the manifests (one set in a ConfigMap's redis.conf, say), an error answer fails the step too.
    func testAnErrorAnswerFailsARedisStepThatChangesSomething() throws {
        let plan = try plan(manifests: ["redis.yaml": redisManifest(args: "[--appendonly, \"yes\"]")])
        let freeze = try item("freeze:src/shop/cache", in: plan)
        XCTAssertTrue(freeze.commands.contains { $0.contains("-- redis-cli CLIENT PAUSE") }, "no password: redis-cli itself: \(freeze.commands)")
        let (folder, environment) = try authFolder(source: "", eks: "")
        let refused = try runSteps(freeze.commands, stub: try authStub(folder), environment.merging(["src_SERVER": "in redis.conf"]) { $1 })
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("NOAUTH"), refused.output)
        let open = try runSteps(freeze.commands, stub: try authStub(folder), environment)
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
        XCTAssertFalse(try persists(#"[sh, -c, "exec redis-server --save '' --appendonly no"]"#, claim: true), "the same in a shell's command line")
        XCTAssertTrue(try persists("[--save, \"\", --appendonly, \"yes\"]", claim: true))
        XCTAssertFalse(try persists("[--appendonly, \"yes\"]", claim: false), "no claim: the pod's own filesystem goes with it")
    }
}
