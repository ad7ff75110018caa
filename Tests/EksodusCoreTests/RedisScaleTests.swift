import XCTest
@testable import EksodusCore

/// A Redis with more pods taking writes of their own than a runbook pairs one by one is a decision, not millions of
/// commands: `replicas: 3000000` on a Redis Deployment had the planner exhaust its memory (an attacker's manifest).
extension DataEngineRunbookTests {
    func testTooManyIndependentRedisPodsAreADecisionNotOneStepPerPod() throws {
        func redis(_ replicas: Int) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cache, namespace: shop}
            spec:
              replicas: \(replicas)
              selector: {matchLabels: {app: cache}}
              template:
                metadata: {labels: {app: cache}}
                spec:
                  containers: [{name: redis, image: "redis:7.2", args: ["--appendonly", "yes"], volumeMounts: [{name: data, mountPath: /data}]}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: cache-data}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: cache, namespace: shop}
            spec: {selector: {app: cache}, ports: [{port: 6379}]}
            """
        }
        let huge = try plan(manifests: ["redis.yaml": redis(3_000_000)])
        let steps = huge.items.filter { $0.key.workload?.description == "src/shop/cache" }
        XCTAssertFalse(steps.isEmpty)
        XCTAssertLessThan(steps.map { $0.commands.count + $0.rollbackCommands.count }.max() ?? 0, 40, "no step lists the pods one by one")
        let promote = try XCTUnwrap(steps.first { $0.step.rawValue == "promote" })
        XCTAssertTrue(promote.commands.contains { $0.contains("more than a runbook pairs one by one") }, "\(promote.commands)")
        XCTAssertFalse(promote.commands.contains { $0.contains("REPLICAOF NO ONE") }, "\(promote.commands)")
        // At the limit the pods are still paired one by one.
        let paired = try plan(manifests: ["redis.yaml": redis(RedisReplicas.podsByHand)])
        let pairedPromote = try XCTUnwrap(paired.items.first { $0.keyText == "promote:src/shop/cache" })
        XCTAssertEqual(pairedPromote.commands.last, "EKSODUS_REDIS_AUTH='' eksodus_redis_promote_each 'shop' source \(RedisReplicas.podsByHand) '' 'app=cache'", "\(pairedPromote.commands)")
    }

    /// A comment in a step is one line whatever the workload is called: a newline in the name would start a command. The
    /// import refuses such a name (ImportValidationTests); imported without that check, as a forged inventory holds it:
    func testRedisCommentsStayOneLineWhateverThePodsAreCalled() throws {
        let plan = try plan(manifests: ["redis.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: "cache\\ntouch PWNED", namespace: shop}
            spec:
              replicas: 3
              serviceName: cache
              selector: {matchLabels: {app: cache}}
              template:
                metadata: {labels: {app: cache}}
                spec:
                  containers: [{name: redis, image: "redis:7.2", args: ["--appendonly", "yes"], volumeMounts: [{name: data, mountPath: /data}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}]
            """], validates: false)
        let comments = plan.items.filter { $0.title.contains("StatefulSet/shop/cache") }.flatMap { $0.commands + $0.rollbackCommands }.filter { $0.hasPrefix("#") }
        XCTAssertTrue(comments.contains { $0.contains("statefulset.kubernetes.io/pod-name=") }, "\(comments)")
        for comment in comments { XCTAssertFalse(comment.contains("\n"), comment) }
    }
}
