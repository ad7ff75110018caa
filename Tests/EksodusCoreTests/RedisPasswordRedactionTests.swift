import XCTest
@testable import EksodusCore

/// Redis takes its passwords as `--requirepass`/`--masterauth` (redis-server), `-a` (redis-cli) and `requirepass`
/// lines of redis.conf: imported for real, none of them reaches a row; a `$(VAR)` reference to the env stays.
final class RedisPasswordRedactionTests: XCTestCase {
    func testRedisPasswordsInArgumentsCommandLinesAndConfigAreNotStored() throws {
        let folder = try writeManifests(["objects.yaml": #"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: cache, namespace: shop}
            spec:
              serviceName: cache
              selector: {matchLabels: {app: cache}}
              template:
                metadata: {labels: {app: cache}}
                spec:
                  containers:
                  - name: redis
                    image: redis:7.2
                    command: [redis-server, --requirepass, redisItem1, --masterauth, redisItem2]
                  - name: probe
                    image: redis:7.2
                    command: [sh, -c, "redis-cli -a redisInline3 -h cache ping && redis-server --requirepass 'redisInline4' --port 6380"]
                  - name: cli
                    image: redis:7.2
                    args: [redis-cli, -h, cache, -a, redisItem5, ping]
                  - name: argo
                    image: redis:7.2
                    args: [--save, "", "--requirepass $(REDIS_PASSWORD)", --masterauth, $(REDIS_PASSWORD)]
                  - name: lister
                    image: busybox:1.36
                    command: [ls, -a, /data]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cache-conf, namespace: shop}
            data:
              redis.conf: |
                port 6379
                requirepass redisConf6
                masterauth "redisConf7"
            """#], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        let rows = try dump(database)
        for secret in ["redisItem1", "redisItem2", "redisInline3", "redisInline4", "redisItem5", "redisConf6", "redisConf7"] {
            XCTAssertFalse(rows.contains(secret), "\(secret) reached the database")
        }
        XCTAssertTrue(rows.contains("--requirepass $(REDIS_PASSWORD)"), "a reference to the env names the password, it holds none")
        XCTAssertTrue(rows.contains("/data"), "-a of another program is no password")
        XCTAssertTrue(rows.contains("-h cache ping") && rows.contains("port 6379"), "what follows the password stays")
    }

    func testDashAIsAPasswordOnlyNextToRedisCli() {
        XCTAssertEqual(SecretRedaction.redactText("ls -a /tmp && tar -a -cf x.tar.gz y"), "ls -a /tmp && tar -a -cf x.tar.gz y")
        XCTAssertEqual(SecretRedaction.redactText("redis-cli -a pw1 ping"), "redis-cli -a \(SecretRedaction.marker) ping")
        XCTAssertEqual(SecretRedaction.redactText("redis-cli -a $REDIS_PASSWORD ping"), "redis-cli -a $REDIS_PASSWORD ping",
                       "a variable names the password, it holds none")
    }
}
