import Foundation
import XCTest
@testable import EksodusCore

/// Measured pods are matched to workloads by name prefix: by looking up each prefix of the pod's name that ends before
/// a '-', not by trying every workload of the namespace for every pod (300,000 `kubectl top` lines beside 3,000
/// Deployments made `plan` take 2 minutes 16 seconds that way).
final class MeasuredUsageScaleTests: XCTestCase {
    func testManyMeasuredPodsBesideManyWorkloadsAreMatchedQuicklyToTheLongestName() throws {
        let deployment = { (name: String) in
            CheckSupport.deployment(name, pod: "      containers: [{name: a, image: 'nginx:1.27'}]")
        }
        let workloads = (0..<2_000).map { deployment("app-\($0)") } + [deployment("web"), deployment("web-api")]
        var top = "NAMESPACE NAME CPU(cores) MEMORY(bytes)\nshop web-api-7d4b9c-x2x9p 700m 300Mi\nshop web-5f6d7-abcde 200m 100Mi\n"
        for index in 0..<40_000 { top += "shop unmatched-\(index)-abcde 5m 10Mi\n" }
        let folder = try writeManifests(["all.yaml": workloads.joined(separator: "\n---\n"), "top.txt": top], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.appendingPathComponent("all.yaml").path, folder.appendingPathComponent("top.txt").path], cluster: "c", into: database)
        let estate = try XCTUnwrap(try database.writer.read { try Estate.load($0) }.first)

        let started = Date()
        let measured = estate.measuredUsage()
        let seconds = Date().timeIntervalSince(started)
        let byName = Dictionary(uniqueKeysWithValues: estate.workloads.map { ($0.name, $0.id) })
        XCTAssertEqual(measured.count, 2)
        XCTAssertEqual(measured[try XCTUnwrap(byName["web-api"])], Estate.MeasuredUsage(cpu: 700, memory: 300 << 20, pods: 1), "the longest name wins")
        XCTAssertEqual(measured[try XCTUnwrap(byName["web"])], Estate.MeasuredUsage(cpu: 200, memory: 100 << 20, pods: 1))
        XCTAssertLessThan(seconds, 2, "matching 40,000 measured pods took \(seconds) s")
    }
}
