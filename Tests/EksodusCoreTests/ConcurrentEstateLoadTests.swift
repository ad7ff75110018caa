import XCTest
@testable import EksodusCore

/// On an inventory file (a pool of connections), the clusters are read and assessed two at a time: the estates and the
/// assessment are those of one cluster after the other, as an in-memory inventory (one connection) gives them.
final class ConcurrentEstateLoadTests: XCTestCase {
    let clusters = [("shop", "01-gcp-online-boutique"), ("socks", "02-sock-shop"), ("argo", "07-argocd-install"), ("books", "03-istio-bookinfo")]

    func importEach(into database: AppDatabase) throws {
        let fixtures = try requireFixtures()
        for (cluster, fixture) in clusters {
            try Importer(database: database, workers: 1).run(ImportRequest(paths: [fixtures.appendingPathComponent(fixture).path], cluster: cluster,
                                                                            kubernetesVersion: "1.24", now: fixedNow))
        }
    }

    func testEstatesReadOnTwoThreadsAreThoseReadOneAfterTheOther() throws {
        let database = try AppDatabase.open(path: try temporaryFolder(self).appendingPathComponent("estate.db").path)
        try importEach(into: database)
        let (serial, concurrent) = try database.writer.write { db in
            (try Estate.load(db), try Estate.loadEach(db, database: database, cluster: nil, bodies: .all) { estate, position, count in
                (estate, position, count)
            })
        }
        XCTAssertEqual(concurrent.map(\.0.cluster.name), ["argo", "books", "shop", "socks"], "in name order")
        XCTAssertEqual(concurrent.map(\.1), [0, 1, 2, 3])
        XCTAssertEqual(Set(concurrent.map(\.2)), [4])
        for (one, other) in zip(serial, concurrent.map(\.0)) {
            XCTAssertEqual(one.cluster.name, other.cluster.name)
            XCTAssertEqual(one.resources.map(\.id), other.resources.map(\.id), one.cluster.name)
            XCTAssertEqual(one.resources.map(\.bodyText), other.resources.map(\.bodyText), one.cluster.name)
            XCTAssertEqual(one.workloads.map(\.id), other.workloads.map(\.id), one.cluster.name)
            XCTAssertEqual(one.workloads.map { $0.containers.compactMap(\.image) }, other.workloads.map { $0.containers.compactMap(\.image) })
            XCTAssertEqual(one.services.map(\.resource.id), other.services.map(\.resource.id))
        }
        XCTAssertGreaterThan(serial.reduce(0) { $0 + $1.workloads.count }, 20, "the fixtures have workloads to compare")
        let one = try database.writer.write { db in try Estate.loadEach(db, database: database, cluster: "socks", bodies: .none) { estate, _, count in (estate, count) } }
        XCTAssertEqual(one.map(\.0.cluster.name), ["socks"])
        XCTAssertEqual(one.map(\.1), [1])
    }

    func testAnAssessmentOfAnInventoryFileIsThatOfTheSameInventoryInMemory() throws {
        let file = try AppDatabase.open(path: try temporaryFolder(self).appendingPathComponent("assess.db").path)
        let memory = try AppDatabase.inMemory()
        try importEach(into: file)
        try importEach(into: memory)
        let reference = try ReferenceData.embedded()
        let target = try XCTUnwrap(KubernetesVersion("1.33"))
        let fromFile = try Assessor(database: file, reference: reference).run(target: target, now: fixedNow)
        let fromMemory = try Assessor(database: memory, reference: reference).run(target: target, now: fixedNow)
        func listed(_ result: AssessmentResult) -> [String] {
            result.clusters.flatMap { cluster in
                ["\(cluster.cluster.name) readiness \(cluster.readiness) ignored \(cluster.ignored) set apart \(cluster.systemWorkloads.count)"]
                    + cluster.findings.map { "\(cluster.cluster.name) \($0.checkID) \($0.severity) \($0.kind)/\($0.namespace)/\($0.name) \($0.field): \($0.message)" }
            }
        }
        XCTAssertEqual(fromFile.clusters.map(\.cluster.name), ["argo", "books", "shop", "socks"])
        XCTAssertGreaterThan(fromFile.allFindings.count, 20)
        XCTAssertEqual(listed(fromFile), listed(fromMemory))
        XCTAssertThrowsError(try Assessor(database: file, reference: reference).run(target: target, cluster: "nowhere", now: fixedNow)) { error in
            XCTAssertEqual("\(error)", "no cluster named nowhere in the inventory (see eksodus inventory clusters)")
        }
    }
}
