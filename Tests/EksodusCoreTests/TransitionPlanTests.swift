import Foundation
import XCTest
@testable import EksodusCore

final class TransitionPlanTests: XCTestCase {
    func plan(_ paths: [String], database: AppDatabase? = nil, maxWaveSize: Int? = nil, name: String = "default") throws -> (TransitionPlan, AppDatabase) {
        let database = try database ?? AppDatabase.inMemory()
        if try count(database, "SELECT count(*) FROM cluster") == 0 { try importPaths(paths, cluster: "src", into: database) }
        let request = PlanRequest(name: name, target: KubernetesVersion(major: 1, minor: 33), region: "ap-northeast-2", accountID: "123456789012",
                                  maxWaveSize: maxWaveSize, now: fixedNow)
        return (try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request), database)
    }

    func wave(of name: String, in plan: TransitionPlan) -> Int? {
        plan.waves.first { $0.workloads.contains { $0.label.hasSuffix("/" + name) } }?.number
    }

    func testSockShopUserMovesAfterUserDBWhichItsEnvNames() throws {
        let fixtures = try requireFixtures()
        let (plan, _) = try plan([fixtures.appendingPathComponent("02-sock-shop").path])
        let user = try XCTUnwrap(wave(of: "user", in: plan)), userDB = try XCTUnwrap(wave(of: "user-db", in: plan))
        XCTAssertGreaterThan(user, userDB)
        XCTAssertTrue(plan.dependencies.contains { $0.consumer.hasSuffix("/user") && $0.provider.hasSuffix("/user-db") && $0.evidence.contains("user-db:27017") },
                      "\(plan.dependencies.map(\.evidence))")
        // The deploy item of user waits for user-db's.
        let deploy = try XCTUnwrap(plan.items.first { $0.keyText == "deploy:src/sock-shop/user" })
        XCTAssertTrue(deploy.waitsFor.contains("deploy:src/sock-shop/user-db"), "\(deploy.prerequisites)")
    }

    func testCassandraClaimsMapToGp3WithADataCopyStep() throws {
        let fixtures = try requireFixtures()
        let (plan, _) = try plan([fixtures.appendingPathComponent("05-k8s-examples-cassandra").path])
        let volume = try XCTUnwrap(plan.storage.entries.first { $0.name == "cassandra-data" })
        XCTAssertEqual(volume.targetClass, StoragePlan.gp3)
        XCTAssertTrue(volume.copyMethod.lowercased().contains("cassandra") || volume.copyMethod.contains("datacenter"), volume.copyMethod)
        let data = try XCTUnwrap(plan.items.first { $0.keyText == "data:src/default/cassandra" })
        XCTAssertEqual(data.phase, .cutover)
        // Replication needs the target running first: the empty EKS copy is deployed, then it joins and streams the data.
        XCTAssertTrue(data.waitsFor.contains("deploy:src/default/cassandra"), "\(data.prerequisites)")
    }

    func testSharedFileSystemsGoToEFSOrFSxWhereTheyFit() throws {
        let folder = try writeManifests(["storage.yaml": """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: smb}
            provisioner: smb.csi.k8s.io
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: scratch}
            provisioner: lustre.csi.hpe.com
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: nfs}
            provisioner: nfs.csi.k8s.io
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: shares, namespace: office}
            spec: {accessModes: [ReadWriteMany], storageClassName: smb, resources: {requests: {storage: 1Ti}}}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: results, namespace: hpc}
            spec: {accessModes: [ReadWriteMany], storageClassName: scratch, resources: {requests: {storage: 10Ti}}}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: media, namespace: web}
            spec: {accessModes: [ReadWriteMany], storageClassName: nfs, resources: {requests: {storage: 100Gi}}}
            """], test: self)
        let (plan, _) = try plan([folder.path])
        let targets = Dictionary(uniqueKeysWithValues: plan.storage.entries.map { ($0.name, $0.targetClass) })
        XCTAssertEqual(targets["shares"], StoragePlan.fsxONTAP)
        XCTAssertEqual(targets["results"], StoragePlan.fsxLustre)
        XCTAssertEqual(targets["media"], StoragePlan.efs)
        XCTAssertTrue(plan.storage.entries.first { $0.name == "shares" }?.copyMethod.contains("DataSync") == true)
    }

    func testBoutiqueImageScriptNamesARepositoryForEveryImageAndPassesShellChecks() throws {
        let fixtures = try requireFixtures()
        let (plan, _) = try plan([fixtures.appendingPathComponent("01-gcp-online-boutique").path])
        XCTAssertEqual(plan.images.entries.count, 13)
        let script = plan.images.script(generatedAt: "2026-11-22T00:00:00Z")
        for entry in plan.images.entries {
            XCTAssertNotNil(entry.repository.range(of: "^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$", options: .regularExpression), entry.repository)
            XCTAssertTrue(entry.repository.first?.isLetter == true, entry.repository)
            XCTAssertTrue(script.contains(entry.method == .pullThroughCache ? "ensure_pull_through_rule '\(entry.pullThroughPrefix ?? "")'" : "ensure_repository '\(entry.repository)'"),
                          entry.image.original)
        }
        // The Artifact Registry images are copied (no pull-through upstream), busybox and redis go through the Docker Hub cache.
        XCTAssertEqual(plan.images.entries.filter { $0.method == .copy }.count, 11)
        XCTAssertEqual(plan.images.entries.filter { $0.sourceClass == "dockerhub" }.count, 2)
        let file = try temporaryFolder(self).appendingPathComponent("images.sh")
        for tool in ImageMigration.CopyTool.allCases {
            try plan.images.script(tool: tool, generatedAt: "2026-11-22T00:00:00Z").write(to: file, atomically: true, encoding: .utf8)
            XCTAssertEqual(try run("/bin/bash", ["-n", file.path]), 0, "bash -n (\(tool))")
            guard let shellcheck = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw XCTSkip("shellcheck is not installed (.ci/run installs it)")
            }
            XCTAssertEqual(try run(shellcheck, [file.path]), 0, "shellcheck (\(tool))")
        }
    }

    func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testECRRepositoryNamesFollowTheRules() {
        XCTAssertEqual(ImageMigration.ecrRepositoryName("migrated/harbor.corp.local:5000/Team/App"), "migrated/harbor.corp.local-5000/team/app")
        XCTAssertEqual(ImageMigration.ecrRepositoryName("172.30.17.139:5000/test/app"), "img-172.30.17.139-5000/test/app")
        XCTAssertEqual(ImageMigration.ecrRepositoryName("a--b__c//d"), "a-b_c/d")
    }

    func testEksctlConfigCarriesEveryNodeGroupFargateProfileAndAddon() throws {
        let folder = try temporaryFolder(self)
        let demo = try Demo(folder: folder, now: fixedNow).run()
        let (plan, _) = try plan([], database: try AppDatabase.open(path: demo.databasePath), name: "eksctl-test")
        XCTAssertEqual(try plan.eksctlConfigs().count, 2)
        for (cluster, _, yaml) in try plan.eksctlConfigs() {
            let config = try XCTUnwrap(try ManifestText.objects(yaml).first)
            XCTAssertEqual(config["apiVersion"]?.string, "eksctl.io/v1alpha5")
            XCTAssertEqual(config["kind"]?.string, "ClusterConfig")
            let compute = try XCTUnwrap(plan.compute.first { $0.cluster == cluster })
            XCTAssertEqual(config["managedNodeGroups"]?.items.compactMap { $0["name"]?.string }, compute.nodeGroups.map(\.name))
            XCTAssertEqual(config["fargateProfiles"]?.items.compactMap { $0["name"]?.string } ?? [], compute.fargateProfiles.map(\.name))
            XCTAssertEqual(config["addons"]?.items.compactMap { $0["name"]?.string }, compute.addons)
            XCTAssertEqual(config["metadata", "version"]?.string, "1.33")
        }
    }

    func testReplanningKeepsItemIdentityAndMarksVanishedItemsObsolete() throws {
        let fixtures = try requireFixtures()
        let (first, database) = try plan([fixtures.appendingPathComponent("02-sock-shop").path])
        let ids = try strings(database, "SELECT key || '=' || id FROM plan_item ORDER BY key")
        try database.writer.write { try $0.execute(sql: "UPDATE plan_item SET state = 'done' WHERE key = 'images:src:wave-1'") }
        let (second, _) = try plan([], database: database)
        XCTAssertEqual(second.planID, first.planID)
        XCTAssertEqual(try strings(database, "SELECT key || '=' || id FROM plan_item ORDER BY key"), ids)
        XCTAssertEqual(second.added, 0)
        XCTAssertEqual(try strings(database, "SELECT state FROM plan_item WHERE key = 'images:src:wave-1'"), ["done"])
        // A workload disappears from the next export: its items stay, marked obsolete.
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM resource WHERE kind = 'Deployment' AND name = 'queue-master'")
            try WorkloadFolder.rebuild(db, clusterID: 1)
        }
        let (third, _) = try plan([], database: database)
        XCTAssertGreaterThan(third.obsoleted, 0)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM plan_item WHERE key LIKE '%/queue-master' AND obsolete = 1"), 4, "deploy, smoke, verify, scaledown")
    }

    /// Storing the items turns plan_item's CHECKs off for speed: they must hold again for whatever the connection writes next.
    func testCheckConstraintsHoldAgainAfterPlanning() throws {
        let fixtures = try requireFixtures()
        let (_, database) = try plan([fixtures.appendingPathComponent("02-sock-shop").path])
        XCTAssertEqual(try count(database, "SELECT count(*) FROM plan_item WHERE phase NOT IN ('assessment', 'plan', 'cutover') OR state <> 'pending' AND state <> 'done'"), 0)
        XCTAssertThrowsError(try database.writer.write { try $0.execute(sql: "UPDATE plan_item SET state = 'finished' WHERE key = 'images:src:wave-1'") })
        XCTAssertThrowsError(try database.writer.write { try $0.execute(sql: "UPDATE plan_item SET phase = 'later' WHERE key = 'images:src:wave-1'") })
        XCTAssertEqual(try strings(database, "SELECT state FROM plan_item WHERE key = 'images:src:wave-1'"), ["pending"])
    }

    func testMaxWaveSizeSplitsWavesWithoutBreakingOrder() throws {
        let fixtures = try requireFixtures()
        let (plan, _) = try plan([fixtures.appendingPathComponent("02-sock-shop").path], maxWaveSize: 3)
        XCTAssertTrue(plan.waves.allSatisfy { $0.workloads.count <= 3 })
        for dependency in plan.dependencies {
            let consumer = plan.waves.first { $0.workloads.contains { $0.label == dependency.consumer } }?.number ?? 0
            let provider = plan.waves.first { $0.workloads.contains { $0.label == dependency.provider } }?.number ?? 0
            XCTAssertGreaterThan(consumer, provider, "\(dependency.consumer) → \(dependency.provider)")
        }
    }

    func testServiceReferencesInTheirUsualForms() {
        let services: Set<String> = ["shop/cart", "data/orders-db", "shop/catalog"]
        func refs(_ text: String) -> [String] {
            ServiceReferences.find(in: text, namespace: "shop") { services.contains("\($0)/\($1)") }.map { "\($0.namespace)/\($0.name)" }
        }
        func refs(_ text: String, key: String) -> [String] {
            ServiceReferences.find(in: text, key: key, namespace: "shop") { services.contains("\($0)/\($1)") }.map { "\($0.namespace)/\($0.name)" }
        }
        // A plain word is a reference only as the whole value of a host-like key.
        XCTAssertEqual(refs("cart", key: "CART_HOST"), ["shop/cart"])
        XCTAssertEqual(refs("cart", key: "cart.endpoint"), ["shop/cart"])
        XCTAssertEqual(refs("cart", key: "CART_DATABASE"), [], "MYSQL_DATABASE=wordpress names a database")
        XCTAssertEqual(refs("cart"), [], "an argument that is just a word")
        XCTAssertEqual(refs("cart:8080"), ["shop/cart"])
        XCTAssertEqual(refs("http://catalog.shop.svc.cluster.local:8080/api"), ["shop/catalog"])
        XCTAssertEqual(refs("postgres://u:p@orders-db.data.svc:5432/x"), ["data/orders-db"])
        XCTAssertEqual(refs("--db=orders-db.data"), ["data/orders-db"])
        XCTAssertEqual(refs("the cart is empty"), [], "a bare word inside prose is not a reference")
        // Text that is not plain ASCII takes the Character path: `\r\n` is one Character, no separator.
        XCTAssertEqual(refs("café cart:8080"), ["shop/cart"])
        XCTAssertEqual(refs("cart:8080\r\ncatalog:80"), [])
        XCTAssertEqual(refs("cart:8080\ncatalog:80"), ["shop/cart", "shop/catalog"])
    }

    /// The byte path that plain ASCII text takes finds exactly what the Character path finds.
    func testServiceReferencesByBytesMatchByCharacters() {
        let services: Set<String> = ["shop/cart", "data/orders-db", "shop/catalog", "shop/a"]
        let exists: (String, String) -> Bool = { services.contains("\($0)/\($1)") }
        let texts = ["cart", "  cart\t", "CART", "Cart:80", "cart:", "cart:8o", "http://", "://cart", "a@b@cart:1", "u:p@orders-db.data.svc:5432",
                     "orders-db.DATA.svc.cluster.local", "orders-db.data.svc.cluster", "catalog.shop.svc.cluster.local:9/x?y#z", "cart.shop.",
                     ".cart", "cart..", "x=cart:80,catalog:81;(a:1)", "[cart:1]{catalog:2}<a:3>", "'cart:1'\"a:2\"", "cart\u{0B}", "-cart:1",
                     "cart-:1", String(repeating: "a", count: 64) + ":1", "jdbc:postgresql://orders-db.data:5432/db", "cart:80/path:99", ""]
        for text in texts {
            for key in [nil, "CART_HOST", "MYSQL_DATABASE"] as [String?] {
                XCTAssertEqual(ServiceReferences.find(in: text, key: key, namespace: "shop", exists: exists),
                               ServiceReferences.findInCharacters(text, key: key, namespace: "shop", exists: exists), "\(text) (key \(key ?? "none"))")
            }
        }
    }
}
