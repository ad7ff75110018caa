import XCTest
@testable import EksodusCore

/// Each step runs in a shell of its own (`eksodus cutover run`, or a paste into a fresh `bash -e`): a value one step
/// works out (`NLB_IPS=$(…)`) is gone when the next step, or the step's own rollback, runs. A variable a step assigns may be
/// read elsewhere only where that text assigns it too, or names it as the operator's to set (`${NAME:?…}`).
final class StepVariablesTests: XCTestCase {
    func testNoStepReadsAVariableAnotherStepAssigned() throws {
        var run = Demo(folder: try temporaryFolder(self), now: fixedNow)
        run.tracksProgress = false
        let plan = try run.run().plan
        let texts = plan.items.flatMap { item in
            [("\(item.keyText) commands", item.commands.joined(separator: "\n")), ("\(item.keyText) rollback", item.rollbackCommands.joined(separator: "\n"))]
        }
        let assignedAnywhere = texts.reduce(into: Set<String>()) { $0.formUnion(StepText.assigned(in: $1.1)) }
        XCTAssertTrue(assignedAnywhere.contains("EKS_NODE_IPS"), "the demo's steps assign variables: the check reads them")
        var problems: [String] = []
        for (name, text) in texts {
            let own = StepText.assigned(in: text)
            for variable in StepText.read(in: text) where assignedAnywhere.contains(variable) && !own.contains(variable) {
                problems.append("\(name) reads $\(variable), which only another step assigns")
            }
        }
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
    }

    func testTheCheckSeesAssignmentsLoopsReadsAndGuards() {
        let text = "AA=$(x); for BB in 1 2; do :; done; read -r CC <<<x; mapfile -t DD < f; read -ra EE <<<x; echo \"$AA $BB $CC ${DD[0]} ${EE[0]} ${FF:?set FF} $FF ${GG:-} $HH\""
        XCTAssertEqual(StepText.assigned(in: text), ["AA", "BB", "CC", "DD", "EE"])
        XCTAssertEqual(StepText.read(in: text), ["AA", "BB", "CC", "DD", "EE", "GG", "HH"], "a name the text requires set is the operator's")
    }
}

/// The shell variables a step's text assigns and reads (upper-case names: the runbook's convention for its own).
private enum StepText {
    static func assigned(in text: String) -> Set<String> {
        let patterns = [#"(?<![\w$])([A-Z][A-Z0-9_]+)="#, #"\bfor ([A-Z][A-Z0-9_]+) in\b"#, #"\bread (?:-[a-z]+ )*([A-Z][A-Z0-9_]+)"#,
                        #"\bmapfile (?:-[a-z]+ )*([A-Z][A-Z0-9_]+)"#]
        return Set(patterns.flatMap { matches($0, in: text) })
    }

    /// Names read as `$NAME`, `${NAME}`, `${NAME[…]}` or `${NAME:-…}`, except those the text also reads as `${NAME:?…}`: the
    /// operator's to set (a default is no such statement: an unset value the step works out elsewhere still fails it).
    static func read(in text: String) -> Set<String> {
        Set(matches(#"\$\{?([A-Z][A-Z0-9_]+)"#, in: text)).subtracting(matches(#"\$\{([A-Z][A-Z0-9_]+):\?"#, in: text))
    }

    private static func matches(_ pattern: String, in text: String) -> [String] {
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
