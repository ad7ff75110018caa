import XCTest
@testable import EksodusCore

/// The typed item key renders to exactly the strings stored databases hold (their item states survive a re-plan by them)
/// and reads them back, whatever a workload is called.
final class PlanItemKeyTests: XCTestCase {
    func testEveryKindOfKeyRendersToItsStoredString() {
        let checkout = PlanItemKey.Workload(cluster: "prod", namespace: "shop", name: "checkout")
        let expected: [(PlanItemKey, String)] = [
            (.assessment(.import, cluster: "prod"), "assess:import:prod"),
            (.assessment(.assess, cluster: "prod"), "assess:run:prod"),
            (.assessment(.identity, cluster: "prod"), "assess:identity:prod"),
            (.plan(.landingZone), "plan:landing-zone"),
            (.plan(.ecr), "plan:ecr"),
            (.plan(.identity, cluster: "prod"), "plan:identity:prod"),
            (.wave(.images, cluster: "prod", 2), "images:prod:wave-2"),
            (.wave(.gate, cluster: "prod", 0), "gate:prod:wave-0"),
            (.cutover(.rehearsal, cluster: "prod"), "rehearsal:prod"),
            (.optimize(.rightsize, cluster: "prod"), "optimize:prod:rightsize"),
            (.decommission, "decommission:sources"),
            (PlanItemKey(.cutover, .images, .legacyWave(7)), "images:wave-7"),
            (.workload(.deploy, checkout), "deploy:prod/shop/checkout"),
            (.helmRelease(cluster: "prod", namespace: "shop", name: "it's/a:b"), "plan:helm:prod/shop/it's/a:b"),
            (.helmInstall(cluster: "prod", namespace: "shop", name: "it's/a:b"), "helm-install:prod/shop/it's/a:b"),
            (.helmData(cluster: "prod", namespace: "shop", name: "db:wave-2"), "plan:helm-data:prod/shop/db:wave-2"),
            (.workload(.dataVerify, checkout), "data-verify:prod/shop/checkout"),
            (.workload(.suspendSource, PlanItemKey.Workload(cluster: "prod", namespace: "shop", name: "cronjob-report")), "suspend-source:prod/shop/cronjob-report"),
            (.host(.traffic, cluster: "prod", "shop.acme.example"), "traffic:prod:shop.acme.example"),
            (.host(.dnsTTL, cluster: "prod", "*.acme.example"), "dns-ttl:prod:*.acme.example"),
            (.frontend(.traffic, cluster: "prod", kind: "service", namespace: "shop", name: "front"), "traffic:prod:service/shop/front"),
            (.frontend(.dnsTTL, cluster: "prod", kind: "ingress", namespace: "shop", name: "web"), "dns-ttl:prod:ingress/shop/web"),
        ]
        for (key, text) in expected {
            XCTAssertEqual(key.description, text)
            XCTAssertEqual(PlanItemKey(parsing: text), key, text)
        }
        // The assessment phase and the plan phase both have an identity step: the prefix tells them apart.
        XCTAssertEqual(PlanItemKey(parsing: "assess:identity:prod")?.phase, .assessment)
        XCTAssertEqual(PlanItemKey(parsing: "plan:identity:prod")?.phase, .plan)
        // A DNS name's switch belongs to its cluster and to no workload; a workload's own switch keeps its key.
        let host = PlanItemKey(parsing: "traffic:prod:shop.acme.example")
        XCTAssertEqual(host?.cluster, "prod")
        XCTAssertNil(host?.workload)
        XCTAssertEqual(PlanItemKey(parsing: "traffic:prod/shop/a:b")?.workload?.name, "a:b")
    }

    func testHostileWorkloadNamesRoundTrip() {
        let names = ["a:b", "a/b", "x:wave-3", "deploy:prod/shop/x", "images:prod:wave-2", "'$(touch x)'", "a//b:", "ünï/cödé:wave-9"]
        for name in names {
            for step in PlanItemKey.Step.allCases where step.isWorkloadStep {
                let key = PlanItemKey.workload(step, PlanItemKey.Workload(cluster: "c-1.x_y", namespace: "ns", name: name))
                let parsed = PlanItemKey(parsing: key.description)
                XCTAssertEqual(parsed, key, key.description)
                XCTAssertEqual(parsed?.workload?.name, name)
                XCTAssertEqual(parsed?.workload?.cluster, "c-1.x_y")
            }
        }
        // A cluster name never holds ':' (the importer refuses it), but the wave suffix is read from the end regardless.
        let odd = PlanItemKey.wave(.close, cluster: "a:wave-1", 12)
        XCTAssertEqual(PlanItemKey(parsing: odd.description), odd)
    }

    func testStringsNoVersionWroteAreRefused() {
        for text in ["", "deploy", "deploy:", "deploy:prod", "deploy:prod/shop", "deploy:prod/shop/", "unknown:prod", "plan:ecr:", "assess:run",
                     "assess:assess:prod", "images:prod:wave-x", "images:prod:wave-02", "gate:prod", "decommission:prod", "optimize:prod:faster",
                     "plan:deploy:prod", "rehearsal:", "helm-install:prod", "helm-install:prod/shop", "plan:helm-data:prod", "plan:helm-install:prod/shop/x", "helm-data:prod/shop/x",
                     "traffic:prod:", "traffic::shop.acme.example", "deploy:prod:shop.acme.example", "smoke:prod:x",
                     "traffic:prod:pod/shop/x", "traffic:prod:service/shop", "traffic:prod:service//x"] {
            XCTAssertNil(PlanItemKey(parsing: text), text)
        }
    }

    /// Every key of every fixture's plan and of the demo reads back to itself; so do the keys items wait for.
    func testEveryPlannedKeyParsesBack() throws {
        var plans: [TransitionPlan] = []
        var demo = Demo(folder: try temporaryFolder(self), now: fixedNow)
        demo.tracksProgress = false
        plans.append(try demo.run().plan)
        let fixtures = try requireFixtures()
        for name in ["02-sock-shop", "04-k8s-examples-mysql-wordpress-pd", "05-k8s-examples-cassandra", "13-crane-export-wordpress"] {
            let database = try AppDatabase.inMemory()
            try importPaths([fixtures.appendingPathComponent(name).path], cluster: "src", into: database)
            let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
            plans.append(try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request))
        }
        for plan in plans {
            XCTAssertFalse(plan.items.isEmpty)
            for item in plan.items {
                XCTAssertEqual(PlanItemKey(parsing: item.keyText), item.key, item.keyText)
                for prerequisite in item.prerequisites { XCTAssertEqual(PlanItemKey(parsing: prerequisite.description), prerequisite) }
                XCTAssertEqual(item.key.workload != nil, item.workloadID != nil, "\(item.keyText): a workload step names its workload")
            }
        }
    }

    func testTheTrackerFindsAWorkloadStepWithoutItsClusterEvenWhenTheNameHoldsSlashes() throws {
        func item(_ key: String, id: Int64) -> CutoverTracker.Item {
            CutoverTracker.Item(id: id, key: key, phase: "cutover", step: "deploy", title: "", cluster: nil, wave: 1, workloadID: id, prerequisites: [],
                                state: .pending, note: nil, rollback: "", position: Int(id), evidence: "", commands: [], rollbackCommands: [])
        }
        let items = [item("deploy:prod/shop/a/b", id: 1), item("deploy:prod/shop/b", id: 2), item("smoke:prod/shop/a/b", id: 3)]
        XCTAssertEqual(try CutoverTracker.resolve("deploy:shop/a/b", in: items).id, 1)
        XCTAssertEqual(try CutoverTracker.resolve("deploy:shop/b", in: items).id, 2, "not the one whose name only ends in /b")
        XCTAssertThrowsError(try CutoverTracker.resolve("deploy:b", in: items))
        // A DNS name's switch, named without its cluster; two clusters switching the same name make it ambiguous.
        let hosts = [item("traffic:prod:shop.acme.example", id: 4), item("dns-ttl:prod:shop.acme.example", id: 5), item("traffic:staging:shop.staging.example", id: 6)]
        XCTAssertEqual(try CutoverTracker.resolve("traffic:shop.acme.example", in: hosts).id, 4)
        XCTAssertEqual(try CutoverTracker.resolve("dns-ttl:shop.acme.example", in: hosts).id, 5)
        XCTAssertThrowsError(try CutoverTracker.resolve("traffic:shop.acme.example", in: hosts + [item("traffic:dr:shop.acme.example", id: 7)]))
        XCTAssertEqual(try CutoverTracker.resolve("traffic:service/shop/front", in: hosts + [item("traffic:prod:service/shop/front", id: 8)]).id, 8)
    }
}
