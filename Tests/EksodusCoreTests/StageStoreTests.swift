import Foundation
import GRDB
import XCTest
@testable import EksodusCore

/// Stages meet at the store: `assess` and `plan` store what they decided, and reports and `images` read it back.
final class StageStoreTests: XCTestCase {
    let target = KubernetesVersion(major: 1, minor: 33)

    /// `count` Deployments in namespace `shop`: `web-N`, nginx:latest, one replica, no probes; every third one privileged.
    func deployments(_ count: Int) -> String {
        (0..<count).map { index in
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web-\(index), namespace: shop}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web-\(index)}}
              template:
                metadata: {labels: {app: web-\(index)}}
                spec:
                  containers:
                    - name: web
                      image: nginx:latest
                      securityContext: {privileged: \(index % 3 == 0)}
            """
        }.joined(separator: "\n---\n")
    }

    func inventory(_ manifests: String) throws -> AppDatabase {
        let folder = try writeManifests(["estate.yaml": manifests], test: self)
        let database = try AppDatabase.open(path: folder.appendingPathComponent("eksodus.db").path)
        try importPaths([folder.appendingPathComponent("estate.yaml").path], cluster: "src", into: database)
        return database
    }

    func settings(_ yaml: String) throws -> AssessmentSettings {
        let file = try temporaryFolder(self).appendingPathComponent(".eksodus.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try AssessmentSettings.load(path: file.path)
    }

    func testReportAssessmentAgreesWithAssessUnderIgnoresAndNeedsNoPlan() throws {
        let manifests = deployments(6)
        let ignoring = try settings("ignore:\n  - check: IMG001\n  - check: SEC001\n    namespace: shop\n    name: web-0\n")
        let database = try inventory(manifests)
        let assessed = try Assessor(database: database, reference: try ReferenceData.embedded(), settings: ignoring).run(target: target, now: fixedNow)
        let unignored = try Assessor(database: try inventory(manifests), reference: try ReferenceData.embedded()).run(target: target, now: fixedNow)
        let cluster = try XCTUnwrap(assessed.clusters.first)
        XCTAssertGreaterThan(cluster.ignored, 0)
        XCTAssertNotEqual(cluster.readiness, unignored.clusters.first?.readiness, "the ignores change readiness, so a report that ignored them would differ")
        XCTAssertTrue(unignored.allFindings.contains { $0.checkID == "IMG001" })

        // No plan exists: the assessment report still renders, from the stored run.
        let renderer = ReportRenderer(database: database, now: fixedNow)
        let report = try XCTUnwrap(try renderer.render(.assessment, format: .markdown).first).text
        XCTAssertTrue(report.contains("readiness **\(cluster.readiness)/100**"), "the readiness assess printed")
        XCTAssertTrue(report.contains("(\(cluster.ignored) findings ignored"))
        XCTAssertTrue(report.contains("from assessment #\(assessed.assessmentID)"))
        XCTAssertFalse(report.contains("IMG001"), "an ignored check is not listed")
        XCTAssertTrue(report.contains("SEC001"))
        XCTAssertFalse(report.contains("Deployment/shop/web-0 | spec.template.spec.containers[web].securityContext"), "web-0's SEC001 is ignored")
        XCTAssertTrue(report.contains("Deployment/shop/web-3 | spec.template"))

        // The detail file lists exactly what assess found.
        let folder = try temporaryFolder(self)
        try renderer.write(.assessment, format: .markdown, to: folder)
        let csv = try String(contentsOf: folder.appendingPathComponent("findings.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\r\n").dropFirst()
        XCTAssertEqual(rows.count, assessed.allFindings.count)
        XCTAssertEqual(Set(rows.map { $0.split(separator: ",")[2] }), Set(assessed.allFindings.map { Substring($0.checkID) }))

        XCTAssertThrowsError(try renderer.render(.plan, format: .markdown)) { error in
            XCTAssertEqual("\(error)", "no plan yet: run eksodus plan")
        }
    }

    func testTheStoredPlanIsThePlanAsDecided() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let stored = try PlanStore.load(try AppDatabase.open(path: demo.databasePath), name: "demo")
        let planned = demo.plan
        XCTAssertEqual(stored.request.target, planned.request.target)
        XCTAssertEqual(stored.request.region, planned.request.region)
        XCTAssertEqual(stored.waves.map { "\($0.number) \($0.cluster) \($0.workloads.map { $0.label + ":" + $0.reason })" },
                       planned.waves.map { "\($0.number) \($0.cluster) \($0.workloads.map { $0.label + ":" + $0.reason })" })
        XCTAssertFalse(stored.waves.isEmpty)
        XCTAssertEqual(stored.dependencies.map(\.evidence), planned.dependencies.map(\.evidence))
        XCTAssertEqual(stored.cycles, planned.cycles)
        XCTAssertEqual(stored.images.table, planned.images.table)
        XCTAssertEqual(stored.storage.table, planned.storage.table)
        XCTAssertEqual(stored.network.table, planned.network.table)
        XCTAssertEqual(stored.identity.table, planned.identity.table)
        XCTAssertEqual(stored.compute.map(\.table), planned.compute.map(\.table))
        XCTAssertEqual(try stored.eksctlConfigs().map(\.yaml), try planned.eksctlConfigs().map(\.yaml))
        XCTAssertEqual(stored.items.map(\.key), planned.items.map(\.key))
        XCTAssertEqual(stored.items.map(\.prerequisites), planned.items.map(\.prerequisites))
    }

    func testImagesAndThePlanReportReadTheStoredPlanNotTheInventory() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let database = try AppDatabase.open(path: demo.databasePath)
        let renderer = ReportRenderer(database: database, now: fixedNow)
        let images = try PlanStore.load(database).images.table
        let before = try renderer.render(.plan, format: .markdown) + renderer.render(.images, format: .markdown)
        XCTAssertGreaterThan(images.rows.count, 5)

        try database.writer.write { db in
            for table in ["workload", "resource", "image", "volume", "service", "ingress"] { try db.execute(sql: "DELETE FROM \(table)") }
        }
        XCTAssertEqual(try count(database, "SELECT count(*) FROM workload") + (try count(database, "SELECT count(*) FROM container")), 0)
        XCTAssertEqual(try PlanStore.load(database).images.table, images, "images lists what the plan decided")
        let after = try renderer.render(.plan, format: .markdown) + renderer.render(.images, format: .markdown)
        XCTAssertEqual(after.map(\.text), before.map(\.text))
    }

    func testAPlanStoredWithoutItsSectionsAsksForANewPlan() throws {
        let demo = try Demo(folder: try temporaryFolder(self), now: fixedNow).run()
        let database = try AppDatabase.open(path: demo.databasePath)
        try database.writer.write { db in try db.execute(sql: "DELETE FROM plan_section WHERE name = 'storage'") }
        XCTAssertThrowsError(try PlanStore.load(database)) { error in
            XCTAssertEqual(error as? PlanStore.PlanStoreError, .outdated(plan: "demo", section: "storage"))
        }
        let assessment = try XCTUnwrap(try ReportRenderer(database: database, now: fixedNow).render(.assessment, format: .markdown).first).text
        XCTAssertTrue(assessment.contains("from assessment #"), "the assessment report needs no readable plan")
        XCTAssertThrowsError(try ReportRenderer(database: database, now: fixedNow).render(.images, format: .markdown)) { error in
            XCTAssertTrue("\(error)".hasSuffix("run eksodus plan again"), "\(error)")
        }
        XCTAssertThrowsError(try PlanStore.load(database, name: "other")) { error in
            XCTAssertEqual(error as? PlanStore.PlanStoreError, .noSuchPlan("other"))
        }
    }

    func testLongTablesShowTheirFirstRowsAndLinkEveryRow() throws {
        let count = 160
        let database = try inventory(deployments(count))
        let reference = try ReferenceData.embedded()
        let assessed = try Assessor(database: database, reference: reference).run(target: target, now: fixedNow)
        _ = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(target: target, region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let folder = try temporaryFolder(self)
        let renderer = ReportRenderer(database: database, now: fixedNow)
        let written = try renderer.write(.all, format: .markdown, to: folder).map { ($0 as NSString).lastPathComponent }
        for file in ["assessment.md", "plan.md", "findings.csv", "workloads.csv", "waves.csv", "checklist.csv", "images.csv"] {
            XCTAssertTrue(written.contains(file), file)
        }
        func text(_ file: String) throws -> String { try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) }
        func lines(_ file: String) throws -> Int { try text(file).split(separator: "\r\n").count - 1 }

        let assessment = try text("assessment.md")
        let noReadiness = assessed.allFindings.filter { $0.checkID == "AVL001" }.count
        XCTAssertEqual(noReadiness, count)
        XCTAssertTrue(assessment.contains("_First \(ReportDetail.rowLimit) of \(count) objects; all of them: [findings.csv](findings.csv)._"))
        XCTAssertTrue(assessment.contains("_First \(ReportDetail.rowLimit) of \(count) rows; all of them: [workloads.csv](workloads.csv)._"))
        XCTAssertFalse(assessment.contains("Deployment/shop/web-99 |"), "rows past the limit are only in the CSV")
        XCTAssertEqual(try lines("findings.csv"), assessed.allFindings.count)
        XCTAssertEqual(try lines("workloads.csv"), assessed.clusters.reduce(0) { $0 + $1.workloads.count })

        let plan = try text("plan.md")
        let stored = try PlanStore.load(database)
        XCTAssertEqual(try lines("waves.csv"), count)
        XCTAssertEqual(try lines("checklist.csv"), stored.items.count)
        XCTAssertTrue(plan.contains("[waves.csv](waves.csv)"))
        let diagrams = ReportTests.mermaidBlocks(plan)
        XCTAssertEqual(diagrams.count, 1)
        XCTAssertNil(ReportTests.mermaidProblem(diagrams[0]))
        XCTAssertTrue(diagrams[0].contains("workloads\""), "one node per wave, with its size, once there are too many workloads to draw")
        XCTAssertFalse(diagrams[0].contains("web-1\""))
        let html = try XCTUnwrap(try renderer.render(.assessment, format: .html).first).text
        XCTAssertTrue(html.contains("<a href=\"findings.csv\">findings.csv</a>"))
    }
    func testPlanReusesTheStoredAssessmentOnlyWhileItIsCurrent() throws {
        let folder = try writeManifests(["estate.yaml": deployments(6)], test: self)
        let file = folder.appendingPathComponent("estate.yaml").path
        let database = try AppDatabase.open(path: folder.appendingPathComponent("eksodus.db").path)
        try importPaths([file], cluster: "src", into: database)
        let reference = try ReferenceData.embedded()
        let ignoring = try settings("ignore:\n  - check: SEC001\n")
        let minuteLater = fixedNow.addingTimeInterval(60)
        let request = PlanRequest(target: target, region: "eu-west-1", accountID: "123456789012", now: minuteLater)
        let assessed = try Assessor(database: database, reference: reference, settings: ignoring).run(target: target, now: minuteLater)

        let plan = try TransitionPlanner(database: database, reference: reference, settings: ignoring).run(request)
        XCTAssertEqual(plan.assessment.assessmentID, assessed.assessmentID, "same target, settings, day and inventory: assess's findings are used")
        XCTAssertEqual(try count(database, "SELECT count(*) FROM assessment"), 1)
        XCTAssertFalse(plan.assessment.allFindings.contains { $0.checkID == "SEC001" })
        XCTAssertEqual(plan.assessment.clusters.map(\.readiness), assessed.clusters.map(\.readiness))
        XCTAssertEqual(plan.assessment.clusters.map(\.systemWorkloads), assessed.clusters.map(\.systemWorkloads))
        let fresh = try TransitionPlanner(database: try inventory(deployments(6)), reference: reference, settings: ignoring).run(request)
        XCTAssertEqual(plan.items.map(\.key), fresh.items.map(\.key))
        XCTAssertEqual(plan.items.map(\.evidence), fresh.items.map(\.evidence))

        let other = try TransitionPlanner(database: database, reference: reference).run(request)
        XCTAssertNotEqual(other.assessment.assessmentID, assessed.assessmentID, "other settings: assessed again")
        XCTAssertTrue(other.assessment.allFindings.contains { $0.checkID == "SEC001" })
        XCTAssertEqual(try TransitionPlanner(database: database, reference: reference).run(request).assessment.assessmentID, other.assessment.assessmentID)

        let nextDay = PlanRequest(target: target, region: "eu-west-1", accountID: "123456789012", now: fixedNow.addingTimeInterval(86_400))
        XCTAssertNotEqual(try TransitionPlanner(database: database, reference: reference).run(nextDay).assessment.assessmentID, other.assessment.assessmentID,
                          "another day: assessed again")
        XCTAssertEqual(try count(database, "SELECT count(*) FROM assessment"), 3)
        try Importer(database: database, workers: 2).run(ImportRequest(paths: [file], cluster: "src", defaultNamespace: "default",
                                                                       now: fixedNow.addingTimeInterval(86_400)))
        _ = try TransitionPlanner(database: database, reference: reference).run(nextDay)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM assessment"), 4, "an import in the same second: assessed again")
    }
}

/// The fast reading of stored labels and annotations gives what the general JSON reading gives.
final class StoredLabelReadingTests: XCTestCase {
    func testLabelsReadFastAgreeWithTheGeneralReading() {
        let texts = [
            "{}", #"{"app":"web"}"#, #"{"a":"x\"y","b":"line\nbreak","c":"\u00e9t\u00e9 ✓","d":""}"#, #"{"quoted":"null","n":null}"#,
            #"{"port":8080,"flag":true}"#, #"{"nested":{"k":"v"},"s":"t"}"#, #"{"k":"v","k":"w"}"#, "not json", "[]",
        ]
        for text in texts {
            XCTAssertEqual(Estate.stringMap(text), Estate.json(text).stringMap, text)
        }
        XCTAssertEqual(Estate.stringMap(nil), [:])
        XCTAssertEqual(Estate.json("{}"), ManifestText.value("{}"))
        XCTAssertEqual(Estate.json("[]"), ManifestText.value("[]"))
    }
}
