import Foundation
import XCTest
@testable import EksodusCore

/// What an EKS engineer expects of the target-version advice and of API replacements.
final class VersionAdviceTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    func day(_ text: String) throws -> CalendarDay { try XCTUnwrap(CalendarDay(text)) }

    func testCalendarDaysCountAndPrintLikeTheCalendar() throws {
        XCTAssertEqual(try day("1970-01-01").daysSinceEpoch, 0)
        XCTAssertEqual(try day("2026-12-01").days(until: try day("2026-12-02")), 1)
        XCTAssertEqual(try day("2028-02-28").days(until: try day("2028-03-01")), 2, "2028 is a leap year")
        XCTAssertEqual(try day("2100-02-28").days(until: try day("2100-03-01")), 1, "2100 is not")
        for text in ["2026-01-31", "2027-03-27", "2000-02-29", "1999-12-31"] { XCTAssertEqual(try day(text).description, text) }
        XCTAssertNil(CalendarDay("2026-02-30"))
        XCTAssertNil(CalendarDay("26-1-1"))
        XCTAssertEqual(CalendarDay("2026-12-01T23:59:59Z")?.description, "2026-12-01")
    }

    func testSupportWindowsStartAt00UTCOfTheirEndDate() throws {
        let v134 = try XCTUnwrap(reference.eksVersion(KubernetesVersion(major: 1, minor: 34)))
        XCTAssertEqual(v134.support(on: try day("2026-12-01")), .standard(daysLeft: 1))
        XCTAssertEqual(v134.support(on: try day("2026-12-02")), .extended(daysLeft: 365), "billing for extended support starts on the end date")
        XCTAssertEqual(v134.support(on: try day("2027-12-02")), .ended)
        XCTAssertEqual(v134.support(on: try day("2025-10-01")), .notYetReleased)
    }

    func testRecommendsTheNewestVersionWithMonthsOfStandardSupportLeft() throws {
        // On 2026-12-01 1.34 has one day of standard support left; 1.35 has until 2027-03-27.
        XCTAssertEqual(reference.recommendedEKSVersion(on: try day("2026-12-01"))?.version.description, "1.35")
        // Before 1.35 was released, 1.34 (with 14 months ahead) was the newest.
        XCTAssertEqual(reference.recommendedEKSVersion(on: try day("2025-12-01"))?.version.description, "1.34")
        // When the newest has less than 90 days left and nothing newer is known, it is still the best there is.
        XCTAssertEqual(reference.recommendedEKSVersion(on: try day("2027-02-01"))?.version.description, "1.35")
        XCTAssertNil(reference.recommendedEKSVersion(on: try day("2028-06-01")), "no known version is in standard support then")
    }

    func findings(target: String, date: String) throws -> [Finding] {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"], test: self)
        try importPaths([folder.path], cluster: "prod", into: database)
        let estate = try XCTUnwrap(try database.writer.read { db in try Estate.load(db) }.first)
        let context = CheckContext(target: try XCTUnwrap(KubernetesVersion(target)), date: date, reference: reference)
        return EKSVersionSupportCheck().run(estate, context)
    }

    func testTargetInExtendedSupportWarnsWithCostAndNamesTheRecommendation() throws {
        let result = try findings(target: "1.33", date: "2026-12-01")
        XCTAssertEqual(result.count, 1)
        XCTAssertEqual(result.first?.severity, .warning)
        let message = try XCTUnwrap(result.first?.message)
        XCTAssertTrue(message.contains("extended support since 2026-07-29"), message)
        XCTAssertTrue(message.contains("$0.60"), message)
        XCTAssertTrue(message.contains("Recommended: EKS 1.35"), message)
    }

    func testTargetLeavingStandardSupportWithin90DaysWarns() throws {
        let result = try findings(target: "1.34", date: "2026-12-01")
        XCTAssertEqual(result.map(\.severity), [.warning])
        XCTAssertTrue(result.first?.message.contains("in 1 days") ?? false, result.first?.message ?? "")
        XCTAssertEqual(try findings(target: "1.35", date: "2026-12-01").count, 0, "1.35 has 116 days of standard support left")
        XCTAssertEqual(try findings(target: "1.35", date: "2027-01-10").map(\.severity), [.warning], "76 days left")
        XCTAssertEqual(try findings(target: "1.28", date: "2026-12-01").map(\.severity), [.blocker], "past extended support")
    }

    func testTheDemoDoesNotDefaultToAVersionInExtendedSupport() throws {
        for date in ["2026-09-21", "2026-12-01"] {
            let now = try XCTUnwrap(ISO8601DateFormatter().date(from: date + "T12:00:00Z"))
            let demo = Demo(folder: FileManager.default.temporaryDirectory, now: now)
            let version = try XCTUnwrap(reference.eksVersion(demo.targetVersion))
            guard case .standard(let left) = version.support(on: try day(date)) else {
                return XCTFail("the demo targets \(demo.targetVersion), not in standard support on \(date)")
            }
            XCTAssertGreaterThanOrEqual(left, ReferenceData.minimumStandardSupportDays)
        }
    }

    func testReplacementsNeverNameAVersionTheTargetRemoved() throws {
        let v133 = KubernetesVersion(major: 1, minor: 33)
        let flowV1 = ReferenceData.Replacement.apiVersion("flowcontrol.apiserver.k8s.io/v1")
        XCTAssertEqual(reference.replacement(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kind: "FlowSchema", target: v133), flowV1)
        XCTAssertEqual(reference.replacement(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kind: "PriorityLevelConfiguration", target: v133), flowV1)
        // On 1.27 v1 does not exist yet: v1beta3 is served and not deprecated.
        XCTAssertEqual(reference.replacement(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kind: "FlowSchema", target: KubernetesVersion(major: 1, minor: 27)),
                       .apiVersion("flowcontrol.apiserver.k8s.io/v1beta3"))
        guard case .none(let advice) = reference.replacement(apiVersion: "extensions/v1beta1", kind: "PodSecurityPolicy", target: v133) else {
            return XCTFail("PodSecurityPolicy has no API replacement on 1.33")
        }
        XCTAssertTrue(advice.contains("Pod Security Admission"), advice)
        // Every removed row, at the newest target, resolves to something the target serves.
        let newest = try XCTUnwrap(reference.eksVersions.map(\.version).max())
        for row in reference.apiVersions {
            if case .apiVersion(let version) = reference.replacement(apiVersion: row.apiVersion, kind: row.kind, target: newest),
               let status = reference.apiStatus(apiVersion: version, kind: row.kind, target: newest) {
                XCTAssertFalse(status.removed, "\(row.apiVersion) \(row.kind) → \(version), removed in \(newest)")
            }
        }
    }

    func testFlowSchemaV1beta3IsNotDeprecatedBeforeItExisted() throws {
        let row = try XCTUnwrap(reference.apiVersions.first { $0.apiVersion == "flowcontrol.apiserver.k8s.io/v1beta3" && $0.kind == "FlowSchema" })
        XCTAssertEqual(row.deprecatedIn?.description, "1.29")
        XCTAssertNil(reference.apiStatus(apiVersion: row.apiVersion, kind: row.kind, target: KubernetesVersion(major: 1, minor: 26)))
    }

    func testFlannelPodSecurityPolicyIsToldToUsePodSecurityAdmissionNotPolicyV1beta1() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("09-flannel-2019-old-apis").path], cluster: "c", into: database)
        let result = try Assessor(database: database, reference: reference).run(target: KubernetesVersion(major: 1, minor: 33), now: fixedNow)
        let psp = result.allFindings.filter { $0.checkID == "API001" && $0.kind == "PodSecurityPolicy" }
        XCTAssertFalse(psp.isEmpty)
        for finding in psp {
            XCTAssertFalse(finding.message.contains("use policy/v1beta1"), finding.message)
            XCTAssertTrue(finding.message.contains("Pod Security Admission"), finding.message)
        }
    }
}
