import Foundation
import XCTest
@testable import EksodusCore

/// `inventory templates` counts each template's expanded objects: once per listing, not once per template over every
/// object of the cluster (3,000 templates beside 30,000 objects took 53 s that way).
final class TemplateListingScaleTests: XCTestCase {
    func testListingManyTemplatesBesideManyObjectsTakesAboutAsLongAsReadingThem() throws {
        let templates = (0..<1_500).map { index in
            """
            apiVersion: template.openshift.io/v1
            kind: Template
            metadata: {name: t\(index), namespace: apps}
            objects:
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm\(index)}, data: {a: b}}
            - {apiVersion: v1, kind: Secret, metadata: {name: s\(index)}}
            """
        }
        let others = (0..<15_000).map { "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other\($0), namespace: apps, annotations: {a: b}}\n" }
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["all.yaml": (templates + others).joined(separator: "\n---\n")], test: self).path], cluster: "ocp", into: database)
        let started = Date()
        let listing = try InventoryQuery().table(.templates, in: database)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(listing.rows.count, 1_500)
        XCTAssertEqual(listing.rows.first, [.text("ocp"), .text("apps"), .text("t0"), .integer(0), .integer(0), .integer(2), .text("ConfigMap Secret")])
        XCTAssertLessThan(seconds, 3, "listing 1,500 templates took \(seconds) s")
    }
}
