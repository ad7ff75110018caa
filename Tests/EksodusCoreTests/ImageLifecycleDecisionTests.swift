import Foundation
import XCTest
@testable import EksodusCore

/// A lifecycle rule that kept the 30 newest tagged images expired rollback targets and digest-pinned images, and a new
/// node then failed to pull them. The script writes no rule (repositories nor pull-through templates); plan:ecr says so.
final class ImageLifecycleDecisionTests: XCTestCase {
    func testTheImageScriptExpiresNothingAndPlanECRLeavesTheRuleToTheTeam() throws {
        let plan = try DemoPlanOnce.plan()
        XCTAssertTrue(plan.images.entries.contains { $0.method == .copy } && plan.images.entries.contains { $0.method == .pullThroughCache },
                      "the demo creates repositories and a creation template")
        for tool in ImageMigration.CopyTool.allCases {
            let script = plan.images.script(tool: tool, generatedAt: "2026-12-01T00:00:00Z")
            XCTAssertTrue(script.contains("aws ecr create-repository ") && script.contains("create-repository-creation-template"), "\(tool)")
            XCTAssertFalse(script.contains("put-lifecycle-policy"), "\(tool): no rule on created repositories")
            XCTAssertFalse(script.contains("--lifecycle-policy"), "\(tool): no rule in the pull-through template")
            XCTAssertFalse(script.contains("imageCountMoreThan"), "\(tool)")
        }
        let ecr = try XCTUnwrap(plan.items.first { $0.keyText == "plan:ecr" })
        XCTAssertTrue(ecr.evidence.contains("no lifecycle policy") && ecr.evidence.contains("tagged images never expire"), ecr.evidence)
    }
}
