import Foundation
import XCTest
@testable import EksodusCore

/// A MariaDB freeze an engineer can trust: MariaDB has no `super_read_only` (the old freeze set it and froze nothing), so
/// it sets `read_only`, reads it back, and fails while an account other than root can write through it; MySQL keeps
/// `super_read_only`, read back too. The gates run in bash against stand-in `kubectl`s answering, failing or silent.
final class MySQLReadOnlyTests: XCTestCase {
    func plan(paths: [String]) throws -> TransitionPlan {
        try planImported(paths, target: KubernetesVersion(major: 1, minor: 33)).plan
    }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key)")
    }

    func mariadbPlan(image: String) throws -> TransitionPlan {
        try plan(paths: [try writeManifests(["db.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: shop-db, namespace: shop}
            spec:
              serviceName: shop-db
              selector: {matchLabels: {app: shop-db}}
              template:
                metadata: {labels: {app: shop-db}}
                spec:
                  containers: [{name: db, image: "\(image)", volumeMounts: [{name: data, mountPath: /var/lib/mysql}]}]
              volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}}]
            """], test: self).path])
    }

    /// A `kubectl` printing `$OUT` (escapes expanded), or failing when `$FAIL` is set.
    let stub = """
        kubectl() { [ -z "${FAIL:-}" ] || return 1; printf '%b' "${OUT:-}"; }

        """

    func status(_ script: String, _ environment: [String: String]) throws -> Int32 {
        try GateShell.run(stub + script, environment: environment).status
    }

    func testMariaDBFreezeSetsReadOnlyReadsItBackAndRefusesAccountsThatWriteThroughIt() throws {
        for image in ["mariadb:10.11.6", "docker.io/bitnami/mariadb:11.4.2"] {
            let plan = try mariadbPlan(image: image)
            let freeze = try item("freeze:src/shop/shop-db", in: plan)
            let text = (freeze.commands + freeze.rollbackCommands).joined(separator: "\n")
            XCTAssertFalse(text.contains("super_read_only"), "\(image): MariaDB has no super_read_only: \(text)")
            XCTAssertTrue(freeze.commands.first?.contains("SET GLOBAL read_only = ON") == true, "\(freeze.commands)")
            XCTAssertTrue(freeze.rollbackCommands.contains { $0.contains("SET GLOBAL read_only = OFF") }, "\(freeze.rollbackCommands)")

            let readBack = try XCTUnwrap(freeze.commands.first { $0.contains("SELECT @@global.read_only") }, "\(freeze.commands)")
            XCTAssertEqual(try status(readBack, ["OUT": "1\\n"]), 0)
            XCTAssertNotEqual(try status(readBack, ["OUT": "0\\n"]), 0, "read_only still off")
            XCTAssertNotEqual(try status(readBack, ["OUT": ""]), 0, "no answer")
            XCTAssertNotEqual(try status(readBack, ["OUT": "1\\n", "FAIL": "1"]), 0, "kubectl failed")

            let writers = try XCTUnwrap(freeze.commands.first { $0.contains("READ ONLY ADMIN") }, "\(freeze.commands)")
            XCTAssertEqual(try status(writers, ["OUT": "0\\tNULL\\n"]), 0, "only root may write")
            XCTAssertNotEqual(try status(writers, ["OUT": "1\\t'app'@'%'\\n"]), 0, "an application account writes through read_only")
            XCTAssertNotEqual(try status(writers, ["OUT": "10\\t...\\n"]), 0, "ten accounts are not none")
            XCTAssertNotEqual(try status(writers, ["OUT": ""]), 0, "no answer")
            XCTAssertNotEqual(try status(writers, ["OUT": "0\\tNULL\\n", "FAIL": "1"]), 0, "kubectl failed")

            // Its replication speaks MariaDB too, and the promotion's rollback freezes EKS the MariaDB way, checked.
            let data = try item("data:src/shop/shop-db", in: plan).commands.joined(separator: "\n")
            XCTAssertTrue(data.contains("--master-data=1") && data.contains("CHANGE MASTER TO MASTER_HOST="), data)
            XCTAssertFalse(data.contains("CHANGE REPLICATION SOURCE") || data.contains("--source-data"), data)
            let back = try item("promote:src/shop/shop-db", in: plan).rollbackCommands
            XCTAssertFalse(back.joined().contains("super_read_only"), "\(back)")
            let eksCheck = try XCTUnwrap(back.firstIndex { $0.contains("--context \"$EKS_CONTEXT\"") && $0.contains("SELECT @@global.read_only") }, "\(back)")
            let copy = try XCTUnwrap(back.firstIndex { $0.contains("mysqldump") })
            XCTAssertLessThan(eksCheck, copy, "EKS is proven frozen before its data goes back")
        }
    }

    func testFixtureMySQLKeepsSuperReadOnlyAndReadsItBack() throws {
        let plan = try plan(paths: [try requireFixtures().appendingPathComponent("04-k8s-examples-mysql-wordpress-pd").path])
        let freeze = try XCTUnwrap(plan.items.first { $0.keyText.hasPrefix("freeze:") && $0.keyText.hasSuffix("/wordpress-mysql") }, "\(plan.items.map(\.keyText))")
        XCTAssertTrue(freeze.commands.first?.contains("SET GLOBAL super_read_only = ON") == true, "\(freeze.commands)")
        XCTAssertFalse(freeze.commands.contains { $0.contains("READ ONLY ADMIN") }, "MySQL's super_read_only stops SUPER itself")
        let readBack = try XCTUnwrap(freeze.commands.first { $0.contains("SELECT @@global.super_read_only") }, "\(freeze.commands)")
        XCTAssertEqual(try status(readBack, ["OUT": "1\\n"]), 0)
        XCTAssertNotEqual(try status(readBack, ["OUT": "0\\n"]), 0)
        XCTAssertNotEqual(try status(readBack, ["OUT": ""]), 0)
        XCTAssertNotEqual(try status(readBack, ["FAIL": "1"]), 0)
    }
}
