import XCTest
@testable import EksodusCore

/// `LeftForExit` keeps values only once the command-line tool enables it: in the library (and these tests) a value handed to
/// it is freed as usual when its last owner lets go.
final class LeftForExitTests: XCTestCase {
    private final class Marker {}

    func testAValueKeptWhileNotEnabledIsFreedWithItsLastOwner() {
        weak var freed: Marker?
        do {
            let marker = Marker()
            freed = marker
            LeftForExit.keep(marker)
            LeftForExit.keep([marker])
            XCTAssertNotNil(freed)
        }
        XCTAssertNil(freed, "nothing was left behind: the tests never enable LeftForExit")
    }
}
